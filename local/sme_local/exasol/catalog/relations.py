"""Read schemas, tables, views and columns from DuckDB and attach their Exasol types from the catalog store.

DuckDB decides what exists; the store remembers the Exasol type each column was declared with. A remembered
type is used only while DuckDB still stores the column with the matching storage type, so a table recreated
by other means (CTAS, ALTER) can never report a stale type.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from sme_local.exasol.catalog.store import CatalogStore
from sme_local.exasol.catalog.types import ExaType, exa_type_of_duckdb, parse_exa_type

INTERNAL_SCHEMAS = ("main", "information_schema", "pg_catalog")


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    exa_type: ExaType
    nullable: bool
    default: str | None


@dataclass(frozen=True)
class RelationInfo:
    schema: str
    name: str
    kind: str
    object_id: int
    row_count: int | None
    columns: tuple[ColumnInfo, ...]


def user_schemas(cursor: duckdb.DuckDBPyConnection) -> list[tuple[str, int]]:
    rows = cursor.execute(
        "SELECT schema_name, oid FROM duckdb_schemas() WHERE database_name = current_database() "
        "AND NOT internal AND schema_name NOT IN ('main', 'information_schema', 'pg_catalog') ORDER BY 1"
    ).fetchall()
    return [(name, oid) for name, oid in rows]


def schema_exists(cursor: duckdb.DuckDBPyConnection, schema: str) -> bool:
    return any(name == schema for name, _ in user_schemas(cursor))


def relations(cursor: duckdb.DuckDBPyConnection, store: CatalogStore, schema: str | None = None,
              name: str | None = None) -> list[RelationInfo]:
    """All user tables and views (optionally one), with columns in ordinal order."""
    filters, parameters = ["c.database_name = current_database()", "c.schema_name NOT IN ('main', 'information_schema', 'pg_catalog')"], []
    if schema is not None:
        filters.append("c.schema_name = ?")
        parameters.append(schema)
    if name is not None:
        filters.append("c.table_name = ?")
        parameters.append(name)
    rows = cursor.execute(
        "SELECT c.schema_name, c.table_name, c.column_name, c.data_type, c.is_nullable, c.column_default, "
        "c.table_oid, t.estimated_size, t.table_name IS NULL AS is_view "
        "FROM duckdb_columns() c LEFT JOIN duckdb_tables() t ON t.table_oid = c.table_oid "
        f"WHERE {' AND '.join(filters)} ORDER BY c.schema_name, c.table_name, c.column_index",
        parameters,
    ).fetchall()
    grouped: dict[tuple[str, str], list] = {}
    for row in rows:
        grouped.setdefault((row[0], row[1]), []).append(row)
    result = []
    for (schema_name, table_name), columns in grouped.items():
        declared = store.column_types(schema_name, table_name)
        infos = tuple(
            ColumnInfo(column, _column_type(declared.get(column), data_type), nullable, default)
            for _, _, column, data_type, nullable, default, *_ in columns
        )
        first = columns[0]
        result.append(
            RelationInfo(schema_name, table_name, "VIEW" if first[8] else "TABLE", first[6],
                         None if first[8] else first[7], infos)
        )
    return result


def _column_type(declared: str | None, duckdb_type: str) -> ExaType:
    if declared is not None:
        exa_type = parse_exa_type(declared)
        if _same_storage(exa_type.duckdb_type(), duckdb_type):
            return exa_type
    return exa_type_of_duckdb(duckdb_type)


def _same_storage(expected: str, actual: str) -> bool:
    return expected.replace(" ", "").upper() == actual.replace(" ", "").upper()
