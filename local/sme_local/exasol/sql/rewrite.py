"""Rewrites of a parsed (sqlglot exasol) statement so that DuckDB computes what Exasol would.

Each function does one job on the AST: reject what cannot be translated, name result columns like Exasol,
replace Exasol's pseudo-columns with values of the session, resolve DUAL and SYS tables, qualify tables with
the open schema, and map every data type through the Exasol type catalog.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from sqlglot import exp

from sme_local.exasol.catalog.system_tables import is_system_table
from sme_local.exasol.catalog.types import ExaType, parse_exa_type
from sme_local.exasol.sql.column_lineage import EXA_TYPE_META
from sme_local.exasol.sql.errors import (
    SYNTAX_OR_UNKNOWN_OBJECT, SqlError, statistics_table_unsupported, unsupported_construct, unsupported_statement,
)

SYSTEM_TABLE_PREFIX = "__SYS_"
TEMP_CATALOG = "temp"
TEMP_SCHEMA = "main"


@dataclass(frozen=True)
class SessionValues:
    """What Exasol's pseudo-columns return for the statement being executed."""

    session_id: int
    statement_id: int
    current_schema: str | None
    now: datetime.datetime
    user: str = "SYS"


# Exasol clauses sqlglot parses but DuckDB cannot run as Exasol means them (CONNECT BY has no DuckDB
# equivalent; generating it anyway loops or answers wrongly), refused before anything runs.
UNSUPPORTED_CLAUSES: tuple[tuple[type[exp.Expression], str], ...] = (
    (exp.Connect, "CONNECT BY (hierarchical query)"),
    (exp.Prior, "PRIOR (hierarchical query)"),
    (exp.MatchRecognize, "MATCH_RECOGNIZE"),
)


def reject_unsupported(tree: exp.Expression) -> None:
    """sqlglot falls back to ``exp.Command`` (raw text) for statements it cannot parse: never run those;
    clauses in UNSUPPORTED_CLAUSES are refused with E-EMU-2 naming them."""
    for node in tree.walk():
        for clause, name in UNSUPPORTED_CLAUSES:
            if isinstance(node, clause):
                raise unsupported_construct(name)
        if isinstance(node, exp.Command):
            raise unsupported_statement(str(node.this).upper())
        if isinstance(node, (exp.Pragma, exp.Use, exp.Set)) and node is tree:
            raise unsupported_statement(tree.key.upper())


def name_result_columns(tree: exp.Expression) -> None:
    """Exasol names an unaliased expression column by its text (``COUNT(*)``), DuckDB differently: alias it."""
    select = _top_projection(tree)
    if select is None:
        return
    for index, projection in enumerate(select.expressions):
        if isinstance(projection, (exp.Column, exp.Star, exp.Alias)) or _is_udf_call_candidate(projection):
            continue
        select.expressions[index] = exp.alias_(projection, _column_text(projection), quoted=True)
        select.expressions[index].parent = select


def _column_text(projection: exp.Expression) -> str:
    if isinstance(projection, exp.Column) and projection.name:
        return projection.name
    return projection.sql(dialect="exasol").upper()


def _is_udf_call_candidate(node: exp.Expression) -> bool:
    """Anonymous function calls may be UDFs; the UDF layer names their output itself."""
    return isinstance(node, exp.Anonymous) or (isinstance(node, exp.Dot) and isinstance(node.expression, exp.Anonymous))


def _top_projection(tree: exp.Expression) -> exp.Select | None:
    node = tree
    while True:
        if isinstance(node, exp.Select):
            return node
        if isinstance(node, exp.SetOperation):
            node = node.this
        elif isinstance(node, exp.Create) and isinstance(node.expression, (exp.Select, exp.SetOperation)):
            node = node.expression
        elif isinstance(node, exp.Subquery):
            node = node.this
        else:
            return None


_PSEUDO_COLUMNS = ("CURRENT_SESSION", "CURRENT_STATEMENT", "CURRENT_USER", "USER", "SESSIONTIMEZONE", "DBTIMEZONE")


def replace_pseudo_columns(tree: exp.Expression, values: SessionValues) -> exp.Expression:
    """CURRENT_SESSION, CURRENT_USER, CURRENT_SCHEMA, SYSTIMESTAMP … as literals (NPROC/IPROC: sql/nodes.py)."""

    def replace(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and not node.table and node.name.upper() in _PSEUDO_COLUMNS:
            return _pseudo_value(node.name.upper(), values)
        if isinstance(node, exp.CurrentUser):
            return exp.Literal.string(values.user)
        if isinstance(node, exp.CurrentSchema):
            return exp.Literal.string(values.current_schema) if values.current_schema else exp.Null()
        if isinstance(node, (exp.Systimestamp, exp.CurrentTimestamp)):
            return _timestamp_literal(values.now)
        if isinstance(node, exp.CurrentDate):
            return exp.cast(exp.Literal.string(values.now.date().isoformat()), "DATE")
        if isinstance(node, exp.Anonymous) and str(node.this).upper() in ("SYSDATE", "CURRENT_CLUSTER"):
            raise unsupported_construct(f"function {str(node.this).upper()}")
        return node

    return tree.transform(replace)


def _pseudo_value(name: str, values: SessionValues) -> exp.Expression:
    if name == "CURRENT_SESSION":
        return exp.cast(exp.Literal.number(values.session_id), "DECIMAL(20,0)")
    if name == "CURRENT_STATEMENT":
        return exp.cast(exp.Literal.number(values.statement_id), "DECIMAL(18,0)")
    if name in ("SESSIONTIMEZONE", "DBTIMEZONE"):
        return exp.Literal.string("UTC")
    return exp.Literal.string(values.user)


def _timestamp_literal(value: datetime.datetime) -> exp.Expression:
    return exp.cast(exp.Literal.string(value.isoformat(sep=" ", timespec="microseconds")), "TIMESTAMP")


def cte_names(tree: exp.Expression) -> set[str]:
    return {cte.alias for cte in tree.find_all(exp.CTE)}


STATISTICS_SCHEMA = "EXA_STATISTICS"
# How Exasol names its statistical system tables (docs.exasol.com sql_references/system_tables/statistical):
# EXA_DB_SIZE_LAST_DAY, EXA_MONITOR_HOURLY, EXA_SQL_DAILY, EXA_USAGE_MONTHLY, EXA_DBA_AUDIT_SQL, and the internal
# "$EXA_…" tables behind them ($EXA_STATS_DB_SIZE, $EXA_PROFILE_LAST_DAY) that pyexasol's helpers read.
_STATISTICS_SUFFIXES = ("_LAST_DAY", "_HOURLY", "_DAILY", "_MONTHLY")
_STATISTICS_PREFIXES = ("$EXA_", "EXA_DBA_AUDIT_", "EXA_DB_SIZE_")


def is_statistics_table(schema: str, name: str) -> bool:
    if schema == STATISTICS_SCHEMA:
        return True
    return schema in ("", "SYS") and (name.startswith(_STATISTICS_PREFIXES) or (
        name.startswith("EXA_") and name.endswith(_STATISTICS_SUFFIXES)))


def resolve_special_tables(tree: exp.Expression) -> set[str]:
    """Point SYS tables at per-session temp tables (returns the names to build) and give DUAL one row."""
    needed: set[str] = set()
    local_names = cte_names(tree)
    for table in list(tree.find_all(exp.Table)):
        if not isinstance(table.this, exp.Identifier) or table.catalog:
            continue
        name, schema = table.name, table.db
        if (schema in ("", "SYS")) and is_system_table(name) and name not in local_names:
            needed.add(name)
            alias = table.alias or name
            table.set("this", exp.to_identifier(SYSTEM_TABLE_PREFIX + name, quoted=True))
            table.set("db", exp.to_identifier(TEMP_SCHEMA))
            table.set("catalog", exp.to_identifier(TEMP_CATALOG))
            table.set("alias", exp.TableAlias(this=exp.to_identifier(alias, quoted=True)))
        elif is_statistics_table(schema, name) and name not in local_names:
            raise statistics_table_unsupported(f"{schema}.{name}" if schema else name)
        elif schema == "SYS":
            raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"object SYS.{name} not found")
        elif not schema and name == "DUAL" and name not in local_names:
            dual = exp.select(exp.alias_(exp.Literal.string("X"), "DUMMY", quoted=True)).subquery(
                table.alias or "DUAL", copy=False
            )
            table.replace(dual)
    return needed


def qualify_tables(tree: exp.Expression, current_schema: str | None) -> None:
    """Unqualified tables live in the open schema; without one, Exasol refuses the statement."""
    local_names = cte_names(tree)
    for table in tree.find_all(exp.Table):
        if table.db or table.catalog or not isinstance(table.this, exp.Identifier) or table.name in local_names:
            continue
        if _is_cte_alias_target(table):
            continue
        if current_schema is None:
            raise SqlError(
                SYNTAX_OR_UNKNOWN_OBJECT,
                f"no schema specified or opened or current schema has been dropped (object {table.name})",
            )
        table.set("db", exp.to_identifier(current_schema, quoted=True))


def _is_cte_alias_target(table: exp.Table) -> bool:
    return isinstance(table.parent, exp.CTE)


def convert_data_types(tree: exp.Expression) -> dict[str, ExaType]:
    """Map every written data type to its DuckDB storage; returns declared column types of a CREATE TABLE."""
    declared: dict[str, ExaType] = {}
    for data_type in list(tree.find_all(exp.DataType)):
        if isinstance(data_type.parent, exp.DataType):
            continue
        exa_type = exasol_type_of(data_type)
        if isinstance(data_type.parent, exp.ColumnDef):
            declared[data_type.parent.name] = exa_type
        storage = exp.DataType.build(exa_type.duckdb_type(), dialect="duckdb")
        storage.meta[EXA_TYPE_META] = exa_type  # what a CAST to it reports (column_lineage)
        data_type.replace(storage)
    return declared


def exasol_type_of(data_type: exp.DataType) -> ExaType:
    text = data_type.sql(dialect="exasol")
    if data_type.this in (exp.DataType.Type.INT, exp.DataType.Type.BIGINT, exp.DataType.Type.SMALLINT,
                          exp.DataType.Type.TINYINT) and not data_type.expressions:
        text = {exp.DataType.Type.INT: "INT", exp.DataType.Type.BIGINT: "BIGINT",
                exp.DataType.Type.SMALLINT: "SMALLINT", exp.DataType.Type.TINYINT: "TINYINT"}[data_type.this]
    return parse_exa_type(text)


def qualified_target(node: exp.Expression) -> tuple[str, str] | None:
    """(schema, name) of the table a CREATE/DROP/ALTER/INSERT works on."""
    table = node.find(exp.Table)
    if table is None or not table.db:
        return None
    return table.db, table.name
