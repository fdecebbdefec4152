"""The query engine: runs a translated statement tree on the session's DuckDB cursor and reports its result
with Exasol column types.

DuckDB loses what Exasol declares (VARCHAR sizes, DECIMAL precision of copied columns), so result types are
DuckDB's, refined by the declared type of the stored column, CAST or UDF output a result column copies. The
engine knows nothing of sessions or statements; UDF output types come in through a function so that the UDF
layer can use the engine without the engine importing it.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable

import duckdb
import pandas
from sqlglot import exp
from sqlglot.errors import ErrorLevel, UnsupportedError

from sme_local.exasol.catalog.relations import relations
from sme_local.exasol.catalog.store import CatalogStore
from sme_local.exasol.catalog.types import ExaType, exa_type_of_duckdb
from sme_local.exasol.sql.column_lineage import result_column_types
from sme_local.exasol.sql.duck_errors import translate_duckdb_error
from sme_local.exasol.sql.empty_string import result_projection
from sme_local.exasol.sql.errors import unsupported_construct, unsupported_statement
from sme_local.exasol.sql.lexer import quote_identifier
from sme_local.exasol.sql.results import QueryResult

MAX_BIGINT_PRECISION = 18
STRING_TYPES = ("VARCHAR", "CHAR")
QUERY_TYPES = (exp.Select, exp.SetOperation, exp.Subquery, exp.Values)  # statements with a result set

Columns = list[tuple[str, ExaType]]


class QueryEngine:
    """DuckDB SQL generation, execution and Exasol result typing for one cursor."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, store: CatalogStore, statement_kind: Callable[[], str],
                 udf_output_types: Callable[[exp.Expression], dict[str, ExaType]]) -> None:
        self.cursor = cursor
        self._store = store
        self._statement_kind = statement_kind  # named in translated DuckDB errors
        self._udf_output_types = udf_output_types

    def generate(self, tree: exp.Expression) -> str:
        """DuckDB SQL for the tree; anything sqlglot cannot express (error or warning) is refused."""
        warnings = _SqlglotWarnings()
        logging.getLogger("sqlglot").addHandler(warnings)
        try:
            sql = tree.sql(dialect="duckdb", identify=True, unsupported_level=ErrorLevel.RAISE)
        except UnsupportedError as error:
            raise unsupported_construct(first_line(str(error))) from None
        finally:
            logging.getLogger("sqlglot").removeHandler(warnings)
        if warnings.messages:
            raise unsupported_construct(warnings.messages[0])
        return sql

    def run_query(self, tree: exp.Expression) -> QueryResult:
        """Run an already rewritten query tree (a statement's query, or a UDF call's input)."""
        try:
            return self.fetch(self.cursor.sql(self.generate(tree)), tree)
        except duckdb.Error as error:
            raise translate_duckdb_error(error, statement=self._statement_kind()) from None

    def describe(self, tree: exp.Expression) -> Columns:
        """The result columns of a query tree without running it."""
        try:
            relation = self.cursor.sql(self.generate(tree))
        except duckdb.Error as error:
            raise translate_duckdb_error(error, statement=self._statement_kind()) from None
        return self.result_columns(relation, tree)

    def fetch(self, relation: duckdb.DuckDBPyRelation | None, tree: exp.Expression) -> QueryResult:
        if relation is None:
            raise unsupported_statement("query without result")
        columns = self.result_columns(relation, tree)
        projections = []
        for index, (_, exa_type) in enumerate(columns, start=1):
            if exa_type.is_integral:
                target = "BIGINT" if exa_type.precision <= MAX_BIGINT_PRECISION else "HUGEINT"
                projections.append(f"CAST(#{index} AS {target})")
            else:
                projections.append(result_projection(f"#{index}", exa_type.name in STRING_TYPES))
        rows = relation.query("q", f"SELECT {', '.join(projections)} FROM q").fetchall()
        return QueryResult(columns, rows)

    def result_columns(self, relation: duckdb.DuckDBPyRelation, tree: exp.Expression) -> Columns:
        """Names and Exasol types of a relation built from ``tree``."""
        derived = [exa_type_of_duckdb(str(duck_type)) for duck_type in relation.types]
        return list(zip(relation.columns, self._refined_types(tree, relation.columns, derived)))

    def _refined_types(self, query: exp.Expression, names: list[str], derived: list[ExaType]) -> list[ExaType]:
        """The types DuckDB's result implies, each replaced by the declared type of what the column copies (stored
        column, CAST or UDF output) where that type has the same DuckDB storage — DuckDB loses VARCHAR sizes."""
        copied = self._copied_column_types(query, len(names))
        udf_types = self._udf_output_types(query)
        refined = []
        for name, exa_type, copied_type in zip(names, derived, copied):
            declared = copied_type or udf_types.get(name)
            refined.append(declared if declared is not None and declared.same_storage(exa_type) else exa_type)
        return refined

    def _copied_column_types(self, query: exp.Expression, count: int) -> list[ExaType | None]:
        """By position: the declared type of the stored column (or CAST) each result column copies, else None."""
        columns = result_column_types(query, self.stored_columns)
        if columns is None or len(columns) != count:
            return [None] * count
        return [exa_type for _, exa_type in columns]

    def stored_columns(self, schema: str, name: str) -> list[tuple[str, ExaType | None]] | None:
        """The columns of a stored table or view with their declared Exasol types; None if there is none."""
        found = relations(self.cursor, self._store, schema, name)
        return [(column.name, column.exa_type) for column in found[0].columns] if found else None

    def created_column_types(self, query: exp.Expression, target: tuple[str, str]) -> dict[str, ExaType]:
        """Exasol types of the columns CREATE TABLE/VIEW … AS <query> just created, where the query copies them
        (DuckDB stores every VARCHAR alike, so CTAS would otherwise widen VARCHAR(8) to VARCHAR(2000000))."""
        created = self.cursor.sql(f"SELECT * FROM {'.'.join(quote_identifier(part) for part in target)}")
        return dict(self.result_columns(created, query))

    def load_temp_table(self, name: str, columns: Columns, rows: list[tuple]) -> None:
        """(Re)create a session-local temp table and fill it; used for SYS tables, UDF output and IMPORT."""
        definition = ", ".join(f"{quote_identifier(c)} {t.duckdb_type()}" for c, t in columns)
        self.cursor.execute(f'CREATE OR REPLACE TEMP TABLE "{name}" ({definition})')
        if rows:
            frame = rows_frame(columns, rows)
            self.cursor.register("__emulator_rows", frame)
            try:
                self.cursor.execute(f'INSERT INTO temp.main."{name}" SELECT * FROM "__emulator_rows"')
            finally:
                self.cursor.unregister("__emulator_rows")


def row_count(cursor: duckdb.DuckDBPyConnection) -> int:
    """The row count DuckDB reports for the DML statement the cursor just ran (0 for anything else)."""
    try:
        row = cursor.fetchone()
    except duckdb.InvalidInputException:
        return 0
    if row is None or len(row) != 1 or not isinstance(row[0], int):
        return 0
    return row[0]


def rows_frame(columns: Columns, rows: list[tuple]) -> pandas.DataFrame:
    """Rows as an all-object DataFrame DuckDB can scan in bulk; exact decimals travel as text."""
    data = {}
    for index, (_, exa_type) in enumerate(columns):
        values = [row[index] for row in rows]
        if exa_type.name == "DECIMAL":
            values = [None if v is None else str(v) for v in values]
        data[f"c{index}"] = pandas.Series(values, dtype=object)
    return pandas.DataFrame(data)


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else text


class _SqlglotWarnings(logging.Handler):
    """Collects sqlglot's "not supported" warnings of one generation (it drops e.g. TO_CHAR formats silently)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []
        self._owner = threading.get_ident()

    def emit(self, record: logging.LogRecord) -> None:
        if threading.get_ident() == self._owner:
            self.messages.append(record.getMessage())
