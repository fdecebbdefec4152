"""The WebSocket API's no-SQL metadata commands (protocol v2+) that pyexasol's ``meta`` sends.

pyexasol 2.4.1 (``meta.py``) sends ``getSchemas`` for ``schema_exists`` and ``getTables`` for ``table_exists``
and ``view_exists`` (exact upper-cased names as the patterns), and only looks at the row count. Both answer
with an ordinary result set (websocket-api ``docs/commands/getSchemasV2.md``, ``getTablesV2.md``):

- ``getSchemas`` {catalog, schema}: columns TABLE_SCHEM, TABLE_CATALOG.
- ``getTables`` {catalog, schema, table, tableTypes}: columns TABLE_CAT, TABLE_SCHEM, TABLE_NAME, TABLE_TYPE,
  REMARKS and five unused ones, ordered by TABLE_TYPE, TABLE_CAT, TABLE_SCHEM, TABLE_NAME; types are
  "TABLE", "VIEW" and "SYSTEM TABLE".

Search criteria are SQL LIKE patterns (``%``, ``_``, escape ``\\``) as in JDBC's DatabaseMetaData; ``null``
means "any", ``""`` means "objects without one" (so nothing: every object has a schema and the catalog).
Every other metadata command (getColumns, getKeywords, …) fails with E-EMU-1 rather than a vague error.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from exasol_emulator.catalog.relations import relations, user_schemas
from exasol_emulator.catalog.system_tables import system_table_names
from exasol_emulator.catalog.types import varchar
from exasol_emulator.sql.errors import SYNTAX_OR_UNKNOWN_OBJECT, EmulatorLimitation, SqlError
from exasol_emulator.sql.results import QueryResult

if TYPE_CHECKING:
    from exasol_emulator.sql.session import Session

CATALOG = "EXA_DB"
SYSTEM_SCHEMA = "SYS"
TABLE_TYPES = ("TABLE", "VIEW", "SYSTEM TABLE")
_NAME = varchar(128)
_REMARKS = varchar(2000)
_UNUSED_TABLE_COLUMNS = ("TYPE_CAT", "TYPE_SCHEM", "TYPE_NAME", "SELF_REFERENCING_COL_NAME", "REF_GENERATION")


def get_schemas(session: Session, request: dict) -> QueryResult:
    catalog, schema = _pattern(request, "catalog"), _pattern(request, "schema")
    rows = [] if not _like(catalog, CATALOG) else [
        (name, CATALOG) for name, _ in user_schemas(session.cursor) if _like(schema, name)
    ]
    return QueryResult([("TABLE_SCHEM", _NAME), ("TABLE_CATALOG", _NAME)], sorted(rows))


def get_tables(session: Session, request: dict) -> QueryResult:
    catalog, schema, table = (_pattern(request, key) for key in ("catalog", "schema", "table"))
    wanted = _table_types(request)
    candidates: list[tuple[str, str, str, str | None]] = []
    if _like(catalog, CATALOG):
        store = session.database.store
        candidates = [(r.kind, r.schema, r.name, store.comment(r.schema, r.name))
                      for r in relations(session.cursor, store)]
        candidates += [("SYSTEM TABLE", SYSTEM_SCHEMA, name, None) for name in system_table_names()]
    rows = sorted(
        (kind, CATALOG, schema_name, name, remarks, *(None,) * len(_UNUSED_TABLE_COLUMNS))
        for kind, schema_name, name, remarks in candidates
        if kind in wanted and _like(schema, schema_name) and _like(table, name)
    )
    columns = [("TABLE_CAT", _NAME), ("TABLE_SCHEM", _NAME), ("TABLE_NAME", _NAME), ("TABLE_TYPE", _NAME),
               ("REMARKS", _REMARKS), *((name, _NAME) for name in _UNUSED_TABLE_COLUMNS)]
    return QueryResult(columns, [(cat, sch, name, kind, *rest) for kind, cat, sch, name, *rest in rows])


def unsupported_metadata_command(command: str) -> EmulatorLimitation:
    """E-EMU-1 for the metadata commands the emulator does not answer (only getSchemas and getTables)."""
    return EmulatorLimitation(
        "E-EMU-1", f"metadata command {command!r}",
        "query the SYS system tables with execute() instead (EXA_ALL_COLUMNS, EXA_ALL_TABLES, …)",
    )


def _pattern(request: dict, key: str) -> str | None:
    value = request.get(key)
    if value is not None and not isinstance(value, str):
        raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"{key} must be a string or null, got {value!r}")
    return value


def _table_types(request: dict) -> set[str]:
    types: Any = request.get("tableTypes")
    if types is None:
        return set(TABLE_TYPES)
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"tableTypes must be a list of strings, got {types!r}")
    unknown = [t for t in types if t.upper() not in TABLE_TYPES]
    if unknown:
        raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"unknown table types {unknown}; known: {list(TABLE_TYPES)}")
    return {t.upper() for t in types}


def _like(pattern: str | None, value: str) -> bool:
    """SQL LIKE with escape character ``\\``; None matches everything, "" nothing (no object lacks a name)."""
    if pattern is None:
        return True
    regex, index = [], 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            index += 1
            regex.append(re.escape(pattern[index]))
        elif char == "%":
            regex.append(".*")
        elif char == "_":
            regex.append(".")
        else:
            regex.append(re.escape(char))
        index += 1
    return pattern != "" and re.fullmatch("".join(regex), value, re.DOTALL) is not None
