"""The parts Session is wired from, each on its own over a real DuckDB database: TransactionState (one session's
transaction and its footprint in the shared TransactionManager), CatalogSync (the catalog store following the
DDL DuckDB ran) and StatementStop (abort and QUERY_TIMEOUT)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import sqlglot
from sqlglot import exp
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

from sme_local.exasol.catalog.store import CatalogStore
from sme_local.exasol.sql import rewrite
from sme_local.exasol.sql.catalog_sync import CatalogSync
from sme_local.exasol.sql.errors import SqlError
from sme_local.exasol.sql.query_engine import QueryEngine
from sme_local.exasol.sql.statement_stop import StatementStop
from sme_local.exasol.sql.transaction_state import TransactionState
from sme_local.exasol.sql.transactions import TransactionManager


@pytest.fixture()
def connection(tmp_path: Path):
    database = duckdb.connect(str(tmp_path / "parts.duckdb"))
    database.execute('CREATE SCHEMA "S"')
    database.execute('CREATE TABLE "S"."T" (k INTEGER)')
    yield database
    database.close()


def tree(sql: str) -> exp.Expression:
    parsed = normalize_identifiers(sqlglot.parse_one(sql, dialect="exasol"), dialect="exasol")
    rewrite.qualify_tables(parsed, "S")
    return parsed


def count(cursor) -> int:
    return cursor.execute('SELECT COUNT(*) FROM "S"."T"').fetchone()[0]


def test_an_autocommit_statement_commits_when_it_ends_and_rolls_back_when_it_fails(connection) -> None:
    cursor, other = connection.cursor(), connection.cursor()
    state = TransactionState(cursor, TransactionManager(), lambda: "INSERT")
    with state.statement(tree("INSERT INTO t VALUES (1)")):
        assert state.in_transaction
        cursor.execute('INSERT INTO "S"."T" VALUES (1)')
        assert count(other) == 0  # not committed yet
    assert not state.in_transaction and count(other) == 1
    with pytest.raises(RuntimeError), state.statement(tree("INSERT INTO t VALUES (2)")):
        cursor.execute('INSERT INTO "S"."T" VALUES (2)')
        raise RuntimeError("the statement failed")
    assert not state.in_transaction and count(other) == 1


def test_without_autocommit_the_transaction_spans_statements_until_commit(connection) -> None:
    cursor, other = connection.cursor(), connection.cursor()
    state = TransactionState(cursor, TransactionManager(), lambda: "INSERT")
    state.set_autocommit(False)
    for value in (1, 2):
        state.begin_if_needed()
        with state.statement(tree(f"INSERT INTO t VALUES ({value})")):
            cursor.execute(f'INSERT INTO "S"."T" VALUES ({value})')
    assert state.in_transaction and count(other) == 0
    state.rollback()
    assert not state.in_transaction and count(other) == 0
    state.begin_if_needed()
    with state.statement(tree("INSERT INTO t VALUES (3)")):
        cursor.execute('INSERT INTO "S"."T" VALUES (3)')
    state.set_autocommit(True)  # switching autocommit on commits
    assert not state.in_transaction and count(other) == 1


def test_a_collision_rolls_the_open_transaction_back(connection) -> None:
    manager = TransactionManager()
    first = TransactionState(connection.cursor(), manager, lambda: "INSERT")
    second = TransactionState(connection.cursor(), manager, lambda: "INSERT")
    for state in (first, second):
        state.set_autocommit(False)
        state.begin_if_needed()
    with first.statement(tree("SELECT * FROM u")):
        pass
    with second.statement(tree("SELECT * FROM t")):
        pass
    with first.statement(tree("INSERT INTO t VALUES (1)")):  # second read t before: second before first
        pass
    with pytest.raises(SqlError) as failure, second.statement(tree("INSERT INTO u VALUES (1)")):
        pass  # first read u before: first before second, a cycle
    assert failure.value.sql_code == "40001" and not second.in_transaction and first.in_transaction


def test_the_catalog_follows_create_ctas_alter_and_drop(connection, tmp_path: Path) -> None:
    cursor, store = connection.cursor(), CatalogStore(tmp_path)
    sync = CatalogSync(cursor, store, QueryEngine(cursor, store, lambda: "CREATE", lambda _: {}))

    def run(sql: str) -> None:
        statement = tree(sql)
        declared = rewrite.convert_data_types(statement)
        existed = sync.target_exists(statement)
        cursor.execute(statement.sql(dialect="duckdb", identify=True))
        sync.after_statement(statement, declared, sql, existed)

    run("CREATE TABLE c (name VARCHAR(8), amount DECIMAL(9,2))")
    assert store.column_types("S", "C") == {"NAME": "VARCHAR(8) UTF8", "AMOUNT": "DECIMAL(9,2)"}
    run("CREATE TABLE IF NOT EXISTS c (other VARCHAR(3))")  # exists: the catalog keeps what it knew
    assert store.column_types("S", "C") == {"NAME": "VARCHAR(8) UTF8", "AMOUNT": "DECIMAL(9,2)"}
    run("CREATE TABLE copy AS SELECT name FROM c")  # DuckDB would report VARCHAR(2000000)
    assert store.column_types("S", "COPY") == {"NAME": "VARCHAR(8) UTF8"}
    run("ALTER TABLE c ADD COLUMN note VARCHAR(20)")
    assert store.column_types("S", "C")["NOTE"] == "VARCHAR(20) UTF8"
    run("CREATE VIEW v AS SELECT name FROM c")
    assert store.view_text("S", "V") == "CREATE VIEW v AS SELECT name FROM c"
    run("DROP TABLE copy")
    assert store.column_types("S", "COPY") == {}


LONG_QUERY = "SELECT COUNT(*) FROM range(100000000000) a"  # minutes of work unless interrupted


def test_a_timeout_interrupts_the_running_query_and_says_so_while_an_abort_says_abort(connection) -> None:
    cursor = connection.cursor()
    stop = StatementStop(cursor)
    with pytest.raises(duckdb.InterruptException), stop.timeout(0.2):
        cursor.execute(LONG_QUERY)
    assert stop.requested.is_set() and stop.timed_out and stop.error().sql_code == "R0001"
    stop.clear()
    with stop.timeout(0):  # no timeout
        assert cursor.execute("SELECT 1").fetchone() == (1,)
    assert not stop.requested.is_set() and not stop.timed_out
    stop.interrupt()
    assert stop.requested.is_set() and stop.error().sql_code == "R0003"
