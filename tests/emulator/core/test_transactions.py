"""Exasol's transaction conflicts in the emulator (local/sme_local/exasol/sql/transactions.py), through pyexasol:
WAIT FOR COMMIT between writers of one table, the 40001 collision rollback where no serial order exists, and no
conflict where one does (readers of a table another session is writing)."""

from __future__ import annotations

import threading
import time

import pyexasol
import pytest

COLLISION = "GlobalTransactionRollback msg: Transaction collision: automatic transaction rollback."


@pytest.fixture()
def tables(db):
    db.execute("CREATE OR REPLACE TABLE src (k DECIMAL(9,0))")
    db.execute("CREATE OR REPLACE TABLE tgt (k DECIMAL(9,0))")
    db.execute("INSERT INTO src VALUES (1), (2), (3)")
    return db


def _session(connect, schema):
    connection = connect()
    connection.execute(f'OPEN SCHEMA "{schema}"')
    return connection


def test_blind_inserts_into_one_table_do_not_wait_for_each_other(connect, tables):
    schema = tables.current_schema()
    first, second = _session(connect, schema), _session(connect, schema)
    first.set_autocommit(False)
    first.execute("INSERT INTO tgt VALUES (10)")
    assert second.execute("INSERT INTO tgt VALUES (20)").rowcount() == 1  # any order of the two is serial
    first.commit()
    assert sorted(r[0] for r in tables.execute("SELECT k FROM tgt").fetchall()) == [10, 20]


def test_a_writer_waits_for_the_commit_of_a_reading_writer_of_the_table(connect, tables):
    schema = tables.current_schema()
    first, second = _session(connect, schema), _session(connect, schema)
    first.set_autocommit(False)
    first.execute("INSERT INTO tgt SELECT COUNT(*) + 10 FROM tgt")
    finished = []
    waiter = threading.Thread(target=lambda: finished.append(second.execute("INSERT INTO tgt VALUES (20)").rowcount()))
    waiter.start()
    time.sleep(0.5)
    assert finished == []  # WAIT FOR COMMIT
    first.commit()
    waiter.join(10)
    assert finished == [1]
    assert sorted(r[0] for r in tables.execute("SELECT k FROM tgt").fetchall()) == [10, 20]


def test_a_stale_read_then_write_of_the_same_table_is_rolled_back_with_40001(connect, tables):
    schema = tables.current_schema()
    first, second = _session(connect, schema), _session(connect, schema)
    first.set_autocommit(False)
    second.set_autocommit(False)
    first.execute("SELECT COUNT(*) FROM tgt")
    second.execute("SELECT COUNT(*) FROM tgt")
    first.execute("INSERT INTO tgt SELECT k FROM src WHERE k NOT IN (SELECT k FROM tgt)")
    first.commit()
    with pytest.raises(pyexasol.ExaQueryError) as failure:
        second.execute("INSERT INTO tgt SELECT k FROM src WHERE k NOT IN (SELECT k FROM tgt)")
    assert failure.value.code == "40001" and failure.value.message.startswith(COLLISION)
    second.execute("INSERT INTO tgt SELECT k FROM src WHERE k NOT IN (SELECT k FROM tgt)")  # a new transaction
    second.commit()
    assert tables.execute("SELECT COUNT(*), COUNT(DISTINCT k) FROM tgt").fetchone() == (3, 3)


def test_write_skew_is_a_collision(connect, tables):
    schema = tables.current_schema()
    first, second = _session(connect, schema), _session(connect, schema)
    first.set_autocommit(False)
    second.set_autocommit(False)
    first.execute("SELECT COUNT(*) FROM src")
    second.execute("SELECT COUNT(*) FROM tgt")
    first.execute("INSERT INTO tgt VALUES (1)")  # second read tgt before: second before first
    with pytest.raises(pyexasol.ExaQueryError) as failure:
        second.execute("INSERT INTO src VALUES (4)")  # first read src before: first before second
    assert failure.value.code == "40001"
    first.commit()
    assert tables.execute("SELECT COUNT(*) FROM src").fetchval() == 3


def test_reading_a_table_another_session_is_writing_sees_the_old_rows_without_waiting(connect, tables):
    schema = tables.current_schema()
    writer, reader = _session(connect, schema), _session(connect, schema)
    writer.set_autocommit(False)
    writer.execute("INSERT INTO src VALUES (4)")
    assert reader.execute("SELECT COUNT(*) FROM src").fetchval() == 3
    reader.execute("INSERT INTO tgt SELECT k FROM src")  # reader before writer: a serial order exists
    writer.commit()
    assert tables.execute("SELECT COUNT(*) FROM tgt").fetchval() == 3


def test_concurrent_anti_join_inserts_never_duplicate(connect, tables):
    """The shape of SME_SCORE_NEW_ROWS without the UDF: DuckDB alone (snapshot isolation) would let both insert."""
    schema = tables.current_schema()
    tables.ext.insert_multi("SRC", [(k,) for k in range(4, 2004)])
    outcomes: list[str] = []

    def run() -> None:
        connection = _session(connect, schema)
        for _ in range(5):
            try:
                connection.execute("INSERT INTO tgt SELECT k FROM src s WHERE NOT EXISTS "
                                   "(SELECT 1 FROM tgt t WHERE t.k = s.k)")
                outcomes.append("ok")
            except pyexasol.ExaQueryError as error:
                outcomes.append(error.code)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert set(outcomes) <= {"ok", "40001"} and "ok" in outcomes
    assert tables.execute("SELECT COUNT(*), COUNT(DISTINCT k) FROM tgt").fetchone() == (2003, 2003)
