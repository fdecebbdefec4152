"""UDF calls in SQL, run in-process on a Database: the bulk input/output path keeps rows, groups and values.

These pin what the column batches must not change: every row reaches its group, RETURNS values stay next to
their row's other select items, UDFs see Exasol's Python types, and what a UDF emits is what the query reads.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterator
from pathlib import Path

import pytest

from sme_local.exasol.database import Database

D = decimal.Decimal


@pytest.fixture()
def session(tmp_path: Path) -> Iterator:
    database = Database(tmp_path, udf_workers=2)
    running = database.open_session()
    running.execute("CREATE SCHEMA s")
    yield running
    database.close()


def rows(session, sql: str) -> list[tuple]:
    return session.execute(sql).rows


def test_scalar_returns_stays_next_to_its_row(session):
    session.execute("CREATE PYTHON3 SCALAR SCRIPT twice(x DECIMAL(18,0)) RETURNS DECIMAL(18,0) AS\n"
                    "def run(ctx):\n    return None if ctx.x is None else ctx.x * 2\n/")
    session.execute("CREATE TABLE t AS SELECT i AS k, CASE WHEN i % 7 = 0 THEN NULL ELSE i END AS x, "
                    "'n' || i AS label FROM VALUES BETWEEN 1 AND 3000 v(i)")
    result = rows(session, "SELECT label, twice(x) AS t, k FROM t ORDER BY k")
    assert result == [(f"n{k}", None if k % 7 == 0 else 2 * k, k) for k in range(1, 3001)]


def test_set_returns_one_value_per_group_of_two_keys_with_null_keys(session):
    session.execute("CREATE PYTHON3 SET SCRIPT total(x DOUBLE) RETURNS DOUBLE AS\n"
                    "def run(ctx):\n    df = ctx.get_dataframe(num_rows='all')\n"
                    "    return float(df.iloc[:, 0].sum())\n/")
    session.execute("CREATE TABLE t AS SELECT CASE WHEN i % 5 = 0 THEN NULL ELSE i % 3 END AS a, "
                    "CAST(i % 2 AS VARCHAR(1)) AS b, CAST(i AS DOUBLE) AS x FROM VALUES BETWEEN 1 AND 1000 v(i)")
    result = rows(session, "SELECT a, b, total(x) FROM t GROUP BY a, b")
    expected: dict[tuple, float] = {}
    for i in range(1, 1001):
        key = (None if i % 5 == 0 else i % 3, str(i % 2))
        expected[key] = expected.get(key, 0.0) + i
    assert sorted(result, key=repr) == sorted([(*key, total) for key, total in expected.items()], key=repr)


def test_set_emits_sees_every_row_of_its_group_with_exasol_types(session):
    session.execute(
        "CREATE PYTHON3 SET SCRIPT describe_group(g DECIMAL(9,0), d DECIMAL(10,2), f DOUBLE, b BOOLEAN, "
        "s VARCHAR(10), day DATE, ts TIMESTAMP) EMITS (g DECIMAL(9,0), n DECIMAL(9,0), types VARCHAR(200)) AS\n"
        "def run(ctx):\n"
        "    seen, n, g = set(), 0, ctx.g\n"
        "    while True:\n"
        "        n += 1\n"
        "        seen.add(' '.join(type(ctx[i]).__name__ for i in range(1, 7)))\n"
        "        if not ctx.next():\n"
        "            break\n"
        "    ctx.emit(g, n, '|'.join(sorted(seen)))\n/")
    session.execute(
        "CREATE TABLE t AS SELECT i % 4 AS g, CAST(i / 8 AS DECIMAL(10,2)) AS d, i * 0.5 AS f, i % 2 = 0 AS b, "
        "'s' || i AS s, CAST(ADD_DAYS(DATE '2024-01-01', i) AS DATE) AS day, "
        "ADD_SECONDS(TIMESTAMP '2024-01-01 00:00:00', i) "
        "AS ts FROM VALUES BETWEEN 1 AND 400 v(i)")
    session.execute("INSERT INTO t VALUES (1, NULL, NULL, NULL, NULL, NULL, NULL)")
    result = rows(session, "SELECT describe_group(g, d, f, b, s, day, ts) FROM t GROUP BY g ORDER BY 1")
    full = "Decimal float bool str date datetime"
    assert result == [(0, 100, full), (1, 101, full + "|NoneType NoneType NoneType NoneType NoneType NoneType"),
                      (2, 100, full), (3, 100, full)]


def test_dataframe_round_trip_returns_exactly_the_input(session):
    session.execute("CREATE PYTHON3 SET SCRIPT echo(...) EMITS (...) AS\n"
                    "def run(ctx):\n"
                    "    while True:\n"
                    "        df = ctx.get_dataframe(num_rows=777)\n"
                    "        if df is None:\n"
                    "            return\n"
                    "        ctx.emit(df)\n/")
    session.execute(
        "CREATE TABLE t AS SELECT i AS k, CASE WHEN i % 3 = 0 THEN NULL ELSE CAST(i / 7 AS DECIMAL(12,3)) END AS d, "
        "CASE WHEN i % 4 = 0 THEN NULL ELSE i * 0.25 END AS f, CASE WHEN i % 5 = 0 THEN NULL ELSE 'v' || i END AS s, "
        "CASE WHEN i % 6 = 0 THEN NULL ELSE CAST(ADD_DAYS(DATE '1900-01-01', i) AS DATE) END AS day, "
        "CASE WHEN i % 2 = 0 THEN NULL ELSE i % 3 = 0 END AS b FROM VALUES BETWEEN 1 AND 20000 v(i)")
    emitted = rows(session, "SELECT echo(k, d, f, s, day, b) EMITS (k DECIMAL(18,0), d DECIMAL(12,3), f DOUBLE, "
                            "s VARCHAR(10), day DATE, b BOOLEAN) FROM t ORDER BY k")
    assert emitted == rows(session, "SELECT k, d, f, s, day, b FROM t ORDER BY k")
    assert {type(row[1]) for row in emitted} == {D, type(None)}


def test_scalar_without_arguments_runs_once_per_row_and_empty_input_runs_nothing(session):
    session.execute("CREATE PYTHON3 SCALAR SCRIPT one() RETURNS DECIMAL(9,0) AS\ndef run(ctx):\n    return 1\n/")
    assert rows(session, "SELECT i, one() FROM VALUES BETWEEN 1 AND 3 v(i) ORDER BY i") == [(1, 1), (2, 1), (3, 1)]
    session.execute("CREATE TABLE empty_t (x DOUBLE)")
    assert rows(session, "SELECT one() FROM empty_t") == []


def test_set_udfs_over_no_rows_run_nothing(session):
    session.execute("CREATE PYTHON3 SET SCRIPT total(x DOUBLE) RETURNS DOUBLE AS\n"
                    "def run(ctx):\n    raise ValueError('must not run')\n/")
    session.execute("CREATE TABLE empty_t (g DECIMAL(9,0), x DOUBLE)")
    assert rows(session, "SELECT g, total(x) FROM empty_t GROUP BY g") == []
    assert rows(session, "SELECT total(x) FROM empty_t") == []
