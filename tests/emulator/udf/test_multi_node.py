"""A multi-node emulator (``Database(nodes=N)``, ``sme-local up --nodes N``): NPROC() = N, each stored row on
node rowid mod N, and one SET-UDF instance per IPROC() group, all running at the same time."""

from __future__ import annotations

import json

from collections.abc import Iterator
from pathlib import Path

import pytest

from sme_local.exasol.database import Database
from sme_local.exasol.sql.errors import EmulatorLimitation
from sme_local.stack import StackDescription


@pytest.fixture()
def session(tmp_path: Path) -> Iterator:
    database = Database(tmp_path, udf_workers=1, nodes=3)
    running = database.open_session()
    running.execute("CREATE SCHEMA s")
    running.execute("CREATE TABLE t AS SELECT i AS k FROM VALUES BETWEEN 1 AND 10 v(i)")
    yield running
    database.close()


def test_nproc_is_the_node_count_and_iproc_spreads_rows_round_robin(session):
    assert session.execute("SELECT NPROC() FROM DUAL").rows == [(3,)]
    per_row = session.execute("SELECT k, IPROC() FROM t ORDER BY k").rows
    assert [node for _, node in per_row] == [(k - 1) % 3 for k in range(1, 11)]
    grouped = session.execute("SELECT IPROC() AS n, COUNT(*) FROM t GROUP BY IPROC() ORDER BY n").rows
    assert grouped == [(0, 4), (1, 3), (2, 3)]


def test_iproc_follows_the_row_of_the_first_table_in_a_join(session):
    session.execute("CREATE TABLE u AS SELECT k, k * 10 AS v FROM t")
    joined = session.execute("SELECT t.k, IPROC() FROM t JOIN u ON t.k = u.k ORDER BY t.k").rows
    assert joined == [(k, (k - 1) % 3) for k in range(1, 11)]


def test_iproc_without_a_stored_table_is_refused_by_name(session):
    with pytest.raises(EmulatorLimitation, match="IPROC"):
        session.execute("SELECT IPROC() FROM (SELECT k FROM t)")


def test_group_by_iproc_runs_one_set_udf_instance_per_node_in_parallel(session):
    session.execute(
        "CREATE PYTHON3 SET SCRIPT s.probe(k DECIMAL(18,0)) EMITS (pid DECIMAL(18,0), node DECIMAL(18,0), "
        "nodes DECIMAL(18,0), rows_seen DECIMAL(18,0), key_sum DECIMAL(18,0), started DOUBLE, ended DOUBLE) AS\n"
        "import os, time\n"
        "def run(ctx):\n"
        "    started = time.time()\n"
        "    count = total = 0\n"
        "    while True:\n"
        "        count += 1\n"
        "        total += int(ctx.k)\n"
        "        if not ctx.next():\n"
        "            break\n"
        "    time.sleep(1.5)\n"
        "    ctx.emit(os.getpid(), exa.meta.node_id, exa.meta.node_count, count, total, started, time.time())\n/")
    emitted = session.execute("SELECT s.probe(k) FROM t GROUP BY IPROC()").rows
    assert len(emitted) == 3
    assert len({row[0] for row in emitted}) == 3  # three worker processes
    assert {row[2] for row in emitted} == {3}
    assert sorted(row[1] for row in emitted) == [0, 1, 2]
    assert sum(row[3] for row in emitted) == 10 and sum(row[4] for row in emitted) == 55  # every row once
    assert max(row[5] for row in emitted) < min(row[6] for row in emitted)  # all three ran at the same time


def test_a_stack_file_without_the_node_count_means_one_node(tmp_path: Path):
    document = {key: "x" for key in StackDescription.__dataclass_fields__ if key != "db_nodes"}
    path = tmp_path / "stack.json"
    path.write_text(json.dumps(document))
    assert StackDescription.from_json_file(path).db_nodes == 1


def test_a_database_has_at_least_one_node(tmp_path: Path):
    with pytest.raises(ValueError):
        Database(tmp_path, nodes=0)


def test_group_by_iproc_or_nproc_on_one_node_is_one_group_not_a_column_position(tmp_path: Path):
    database = Database(tmp_path)
    try:
        session = database.open_session()
        session.execute("CREATE SCHEMA s")
        session.execute("CREATE TABLE t AS SELECT i AS k FROM VALUES BETWEEN 1 AND 5 v(i)")
        assert session.execute("SELECT IPROC(), COUNT(*) FROM t GROUP BY IPROC()").rows == [(0, 5)]
        assert session.execute("SELECT NPROC(), COUNT(*) FROM t GROUP BY NPROC()").rows == [(1, 5)]
    finally:
        database.close()
