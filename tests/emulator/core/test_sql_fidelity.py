"""Exasol SQL the emulator must answer as Exasol does, or refuse by name: CTE scoping around UDF calls,
VALUES tables, FLUSH STATISTICS, Exasol's error texts, and no raw DuckDB message anywhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sme_local.exasol.database import Database
from sme_local.exasol.sql.errors import SqlError


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    database = Database(Path(tmp_path_factory.mktemp("fidelity")), udf_workers=1)
    running = database.open_session()
    running.execute("CREATE SCHEMA s")
    running.execute("CREATE TABLE t AS SELECT i AS x FROM VALUES BETWEEN 1 AND 3 v(i)")
    running.execute('CREATE PYTHON3 SCALAR SCRIPT "EP"(x DECIMAL(18,0)) RETURNS DECIMAL(18,0) AS\n'
                    "def run(ctx):\n    return ctx.x * 10\n/")
    yield running
    database.close()


def rows(session, sql: str) -> list[tuple]:
    return session.execute(sql).rows


def failure(session, sql: str) -> SqlError:
    with pytest.raises(SqlError) as error:
        session.execute(sql)
    return error.value


def test_udf_call_in_a_cte_reads_an_earlier_cte(session):
    sql = ('WITH SRC AS (SELECT x FROM t WHERE x > 1), P AS (SELECT s."EP"(x) AS y FROM SRC) '
           "SELECT y FROM P ORDER BY y")
    assert rows(session, sql) == [(20,), (30,)]


def test_udf_call_in_the_main_query_reads_a_cte_chain(session):
    sql = 'WITH A AS (SELECT x FROM t), B AS (SELECT x + 1 AS x FROM A) SELECT "EP"(x) AS y FROM B ORDER BY y'
    assert rows(session, sql) == [(20,), (30,), (40,)]


def test_cte_reading_a_cte_with_a_udf_call(session):
    sql = 'WITH A AS (SELECT "EP"(x) AS y FROM t), B AS (SELECT "EP"(y) AS z FROM A) SELECT z FROM B ORDER BY z'
    assert rows(session, sql) == [(100,), (200,), (300,)]


@pytest.mark.parametrize(("sql", "expected"), [
    ("SELECT * FROM VALUES ((1,2), (3,4), (5,6))", [(1, 2), (3, 4), (5, 6)]),
    ("VALUES ((1,2),(3,4))", [(1, 2), (3, 4)]),
    ("SELECT * FROM VALUES 1, 5, 9, 13", [(1,), (5,), (9,), (13,)]),
    ("SELECT * FROM VALUES (1, 2, 3)", [(1, 2, 3)]),
    ("VALUES 1, 2, 3 AS T(A)", [(1,), (2,), (3,)]),
    ("SELECT y, x FROM VALUES (1,'a'),(2,'b') AS t(x,y) ORDER BY x", [("a", 1), ("b", 2)]),
    ("SELECT a FROM VALUES 1, 5, 9 AS t(a) WHERE a > 1 ORDER BY a", [(5,), (9,)]),
    ("SELECT * FROM VALUES ((1+2)*3, 4)", [(9, 4)]),
])
def test_values_tables(session, sql, expected):
    assert rows(session, sql) == expected


def test_flush_statistics_is_a_statement(session):
    assert session.execute("FLUSH STATISTICS").count == 0
    assert session.execute("FLUSH STATISTICS TASKS").count == 0
    assert "STATISTICS" in failure(session, "FLUSH TABLES").text


def test_unknown_objects_use_exasol_text(session):
    assert (failure(session, "SELECT * FROM nope").sql_code, failure(session, "SELECT * FROM nope").text) == (
        "42000", "object NOPE not found")
    assert failure(session, "SELECT zz FROM t").text == "object ZZ not found"


def test_bad_cast_uses_exasol_text_and_code(session):
    error = failure(session, "SELECT CAST('not-a-number' AS DECIMAL(10,0))")
    assert (error.sql_code, error.text) == ("22000", "invalid character value for cast; Value: 'not-a-number'")


@pytest.mark.parametrize(("sql", "construct"), [
    ("SELECT x FROM t START WITH x = 1 CONNECT BY PRIOR x = x + 1", "CONNECT BY"),
    ("SELECT x FROM t CONNECT BY NOCYCLE PRIOR x = x", "CONNECT BY"),
])
def test_unsupported_clauses_are_named(session, sql, construct):
    error = failure(session, sql)
    assert error.text.startswith("E-EMU-2:") and construct in error.text


@pytest.mark.parametrize("sql", [
    "SELECT CAST('x' AS DATE)", "SELECT no_such_function(1)", "CREATE TABLE t (a INT)",
])
def test_engine_errors_without_exasol_text_name_the_statement(session, sql):
    text = failure(session, sql).text
    assert text.startswith("E-EMU-20: ") and f" {sql.split()[0]} statement" in text
    assert not text.split("(", 1)[0].count("Error:")


def test_snapshot_mode_takes_only_exasol_values(session):
    assert rows(session, "SELECT session_value FROM EXA_PARAMETERS WHERE parameter_name = 'SNAPSHOT_MODE'") == [
        ("SYSTEM TABLES",)]
    session.execute("ALTER SESSION SET SNAPSHOT_MODE = 'off'")
    assert rows(session, "SELECT session_value FROM EXA_PARAMETERS WHERE parameter_name = 'SNAPSHOT_MODE'") == [
        ("OFF",)]
    error = failure(session, "ALTER SESSION SET SNAPSHOT_MODE = 'bogus'")
    assert error.sql_code == "22000" and "'SYSTEM TABLES'" in error.text
    session.execute("ALTER SESSION SET SNAPSHOT_MODE = 'SYSTEM TABLES'")
