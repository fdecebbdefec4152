"""The plain SQL statements DuckDB runs — queries, INSERT/UPDATE/DELETE/MERGE, TRUNCATE and CREATE/DROP/ALTER of
tables and views — executed once, executed for many parameter rows (``executePreparedStatement``), or described.

Each runs inside one statement transaction (``transaction_state``), translated by ``translation``, with its
result typed by the query engine; DDL is then recorded in the catalog (``catalog_sync``). Exasol stores a
computed ``''`` in a string column as NULL, so INSERT … SELECT and UPDATE get that rewrite (``empty_string``)
once the target's column types are known.
"""

from __future__ import annotations

from typing import Callable

import duckdb
from sqlglot import exp

from sme_local.exasol.catalog.types import VARCHAR_MAX, ExaType
from sme_local.exasol.sql import rewrite
from sme_local.exasol.sql.bulk_insert import inserts_one_parameter_row, insert_columns
from sme_local.exasol.sql.catalog_sync import CatalogSync
from sme_local.exasol.sql.duck_errors import translate_duckdb_error
from sme_local.exasol.sql.empty_string import nullify_inserted, nullify_updated, parameters_without_empty
from sme_local.exasol.sql.errors import unsupported_construct
from sme_local.exasol.sql.query_engine import QUERY_TYPES, STRING_TYPES, QueryEngine, row_count
from sme_local.exasol.sql.results import Result, RowCountResult
from sme_local.exasol.sql.transaction_state import TransactionState
from sme_local.exasol.sql.translation import Translator

Columns = list[tuple[str, ExaType]]


class DuckDbStatements:
    """Runs one session's plain SQL statements on its cursor."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, translator: Translator, engine: QueryEngine,
                 transaction: TransactionState, catalog_sync: CatalogSync, statement_kind: Callable[[], str]) -> None:
        self._cursor = cursor
        self._translator = translator
        self._engine = engine
        self._transaction = transaction
        self._catalog_sync = catalog_sync
        self._statement_kind = statement_kind  # named in translated DuckDB errors

    def run(self, sql: str) -> Result:
        """Run the statement; a DuckDB failure propagates for the session to translate (it knows a timeout)."""
        parsed = self._translator.parse(sql)
        with self._transaction.statement(parsed.tree):
            tree = self._translator.bind(parsed)
            self._store_empty_strings_as_null(tree)
            duck_sql = self._engine.generate(tree)
            if isinstance(tree, QUERY_TYPES):
                return self._engine.fetch(self._cursor.sql(duck_sql), tree)
            existed = self._catalog_sync.target_exists(tree)
            count = row_count(self._cursor.execute(duck_sql))
            self._catalog_sync.after_statement(tree, parsed.declared, sql, existed)
        return RowCountResult(count)

    def run_many(self, sql: str, columns: list[list], rows_given: int) -> Result:
        """The statement for each of ``rows_given`` parameter rows, given column-major as the client sends them.
        ``INSERT … VALUES (?, …)`` runs as one bulk statement, other shapes row by row."""
        parsed = self._translator.parse(sql)
        columns = [parameters_without_empty(column) for column in columns]
        rows = [list(row) for row in zip(*columns)] if columns else [[] for _ in range(rows_given)]
        with self._transaction.statement(parsed.tree):
            tree = self._translator.bind(parsed)
            try:
                if isinstance(tree, QUERY_TYPES):
                    if rows_given != 1:
                        raise unsupported_construct("a prepared query executed with more than one parameter row")
                    return self._engine.fetch(self._cursor.sql(self._engine.generate(tree), params=rows[0]), tree)
                if rows_given == 0:
                    return RowCountResult(0)
                count = self._insert_in_bulk(tree, columns)
                if count is None:
                    count = self._execute_per_row(tree, rows)
            except duckdb.Error as error:
                raise translate_duckdb_error(error, statement=self._statement_kind()) from None
            self._catalog_sync.after_statement(tree, parsed.declared, sql)
        return RowCountResult(count)

    def describe(self, sql: str) -> tuple[Columns | None, int]:
        """Without running it: the result columns (a query without parameters) and the number of ``?``."""
        tree, _ = self._translator.translate(sql)
        placeholders = len(list(tree.find_all(exp.Placeholder)))
        if not isinstance(tree, QUERY_TYPES) or placeholders:
            return None, placeholders
        return self._engine.describe(tree), 0

    def parameter_types(self, sql: str, count: int) -> list[ExaType]:
        """Types of the ``?`` parameters: the target columns of an INSERT, else VARCHAR(2000000)."""
        tree, _ = self._translator.translate(sql)
        targets = self._insert_target_columns(tree) if isinstance(tree, exp.Insert) else None
        if targets is not None and len(targets) == count:
            return [exa_type for _, exa_type in targets]
        return [VARCHAR_MAX] * count

    def _insert_in_bulk(self, tree: exp.Expression, columns: list[list]) -> int | None:
        """The row count of a bulk ``INSERT … VALUES (?, …)``, or None if the statement has another shape."""
        if not inserts_one_parameter_row(tree):
            return None
        targets = self._insert_target_columns(tree)
        if targets is None or len(targets) != len(columns):
            return None  # DuckDB reports the mismatch when the statement runs row by row
        schema, table = rewrite.qualified_target(tree)
        return insert_columns(self._cursor, schema, table, targets, columns)

    def _execute_per_row(self, tree: exp.Expression, rows: list[list]) -> int:
        duck_sql = self._engine.generate(tree)
        if len(rows) == 1:
            return row_count(self._cursor.execute(duck_sql, rows[0]))
        self._cursor.executemany(duck_sql, rows)
        return len(rows) if isinstance(tree, exp.Insert) else row_count(self._cursor)

    def _target_columns(self, tree: exp.Expression) -> dict[str, ExaType | None] | None:
        """The columns of the table the statement writes, by name with their Exasol types; None if unknown."""
        target = rewrite.qualified_target(tree)
        stored = self._engine.stored_columns(*target) if target is not None else None
        return dict(stored) if stored is not None else None

    def _insert_target_columns(self, tree: exp.Insert) -> Columns | None:
        """The columns an INSERT fills (listed ones, else all) with their Exasol types; None if unknown."""
        types = self._target_columns(tree)
        if types is None:
            return None
        listed = [column.name for column in tree.this.expressions] if isinstance(tree.this, exp.Schema) else None
        names = list(types) if listed is None else listed
        if any(name not in types for name in names):
            return None
        return [(name, types[name]) for name in names]

    def _store_empty_strings_as_null(self, tree: exp.Expression) -> None:
        """INSERT … SELECT/VALUES and UPDATE store a computed ``''`` in a string column as NULL (``empty_string``)."""
        if isinstance(tree, exp.Insert) and isinstance(tree.expression, QUERY_TYPES):
            targets = self._insert_target_columns(tree)
            if targets is not None:
                nullify_inserted(tree, [exa_type.name in STRING_TYPES for _, exa_type in targets])
        elif isinstance(tree, exp.Update):
            types = self._target_columns(tree)
            if types is not None:
                nullify_updated(tree, {name for name, exa_type in types.items() if exa_type.name in STRING_TYPES})
