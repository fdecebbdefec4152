"""The WebSocket API's no-SQL metadata commands (protocol v2+), answered from the emulator's SYS tables.

Result columns, their order and the sort order are those of websocket-api ``docs/commands/get*V2.md``:

- ``getSchemas`` {schema}: NAME, OWNER, IS_VIRTUAL, COMMENT — the users' schemas and the system schemas SYS and
  EXA_STATISTICS, by NAME.
- ``getTables`` {schema, table, tableTypes}: SCHEMA, NAME, OWNER, TABLE_TYPE, IS_VIRTUAL, HAS_DISTRIBUTION_KEY,
  HAS_PARTITION_KEY, COMMENT — by TABLE_TYPE, SCHEMA, NAME; types "TABLE", "VIEW", "SYSTEM TABLE" (schema SYS).
- ``getColumns`` {schema, table, column, tableTypes}: SCHEMA, TABLE, NAME, TABLE_TYPE, TYPE, TYPE_ID, MAXSIZE,
  NUM_PREC, NUM_SCALE, ORDINAL_POSITION, IS_VIRTUAL, IS_NULLABLE (NULL for views), IS_DISTRIBUTION_KEY,
  PARTITION_KEY_ORDINAL_POSITION, DEFAULT, IS_IDENTITY, OWNER, COMMENT — by SCHEMA, TABLE, ORDINAL_POSITION.
- ``getKeywords``: KEYWORD, RESERVED; ``getTableTypes``: TABLE_TYPE; ``getTypeInfo``: EXA_SQL_TYPES' columns with
  NAME for TYPE_NAME, by TYPE_ID.
- ``getScripts`` {schema, script}, ``getConnections`` {name}, ``getUsers`` {name} (only SYS exists),
  ``getFunctions`` {schema, function} (the emulator has no CREATE FUNCTION, so none).

Search criteria documented "in SQL LIKE format" are LIKE patterns (``%``, ``_``, escape ``\\``); ``getConnections``
and ``getUsers`` take exact names. ``null`` means "any", ``""`` "objects without one" (so nothing). getRoles,
getPrimaryKeys, getProperties and the privilege commands fail with E-EMU-1 naming the command.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable

from sme_local.exasol.catalog.system_context import ADMIN_USER, COMMENT, NAME, NUMBER, SystemTable
from sme_local.exasol.catalog.system_tables import SYSTEM_SCHEMA, SYSTEM_SCHEMAS, build_system_table, system_table_names
from sme_local.exasol.catalog.types import BOOLEAN, TIMESTAMP, varchar
from sme_local.exasol.sql.errors import SYNTAX_OR_UNKNOWN_OBJECT, EmulatorLimitation, SqlError
from sme_local.exasol.sql.results import QueryResult

if TYPE_CHECKING:
    from sme_local.exasol.sql.session import Session

TABLE_TYPES = ("SYSTEM TABLE", "TABLE", "VIEW")
_KIND = varchar(40)


def get_schemas(session: Session, request: dict) -> QueryResult:
    schema = _pattern(request, "schema")
    table = _system_table(session, "EXA_SCHEMAS")
    rows = [(r["SCHEMA_NAME"], r["SCHEMA_OWNER"], r["SCHEMA_IS_VIRTUAL"], r["SCHEMA_COMMENT"]) for r in table]
    rows += [(name, ADMIN_USER, False, None) for name in SYSTEM_SCHEMAS]
    columns = [("NAME", NAME), ("OWNER", NAME), ("IS_VIRTUAL", BOOLEAN), ("COMMENT", COMMENT)]
    return QueryResult(columns, sorted(row for row in rows if _like(schema, row[0])))


def get_tables(session: Session, request: dict) -> QueryResult:
    schema, name = _pattern(request, "schema"), _pattern(request, "table")
    wanted = _table_types(request)
    rows = []
    if "TABLE" in wanted:
        rows += [(r["TABLE_SCHEMA"], r["TABLE_NAME"], r["TABLE_OWNER"], "TABLE", r["TABLE_IS_VIRTUAL"],
                  r["TABLE_HAS_DISTRIBUTION_KEY"], r["TABLE_HAS_PARTITION_KEY"], r["TABLE_COMMENT"])
                 for r in _system_table(session, "EXA_ALL_TABLES")]
    if "VIEW" in wanted:
        rows += [(r["VIEW_SCHEMA"], r["VIEW_NAME"], r["VIEW_OWNER"], "VIEW", False, False, False, r["VIEW_COMMENT"])
                 for r in _system_table(session, "EXA_ALL_VIEWS")]
    if "SYSTEM TABLE" in wanted:
        rows += [(SYSTEM_SCHEMA, table, ADMIN_USER, "SYSTEM TABLE", False, False, False, None)
                 for table in system_table_names()]
    rows = sorted((row for row in rows if _like(schema, row[0]) and _like(name, row[1])),
                  key=lambda row: (row[3], row[0], row[1]))
    columns = [("SCHEMA", NAME), ("NAME", NAME), ("OWNER", NAME), ("TABLE_TYPE", _KIND), ("IS_VIRTUAL", BOOLEAN),
               ("HAS_DISTRIBUTION_KEY", BOOLEAN), ("HAS_PARTITION_KEY", BOOLEAN), ("COMMENT", COMMENT)]
    return QueryResult(columns, rows)


def get_columns(session: Session, request: dict) -> QueryResult:
    schema, table, column = (_pattern(request, key) for key in ("schema", "table", "column"))
    wanted = _table_types(request)
    sources = [name for name, kinds in (("EXA_ALL_COLUMNS", {"TABLE", "VIEW"}), ("EXA_SYS_COLUMNS", {"SYSTEM TABLE"}))
               if kinds & wanted]
    rows = [
        (r["COLUMN_SCHEMA"], r["COLUMN_TABLE"], r["COLUMN_NAME"], r["COLUMN_OBJECT_TYPE"], r["COLUMN_TYPE"],
         r["COLUMN_TYPE_ID"], r["COLUMN_MAXSIZE"], r["COLUMN_NUM_PREC"], r["COLUMN_NUM_SCALE"],
         r["COLUMN_ORDINAL_POSITION"], r["COLUMN_IS_VIRTUAL"],
         None if r["COLUMN_OBJECT_TYPE"] == "VIEW" else r["COLUMN_IS_NULLABLE"], r["COLUMN_IS_DISTRIBUTION_KEY"],
         r["COLUMN_PARTITION_KEY_ORDINAL_POSITION"], r["COLUMN_DEFAULT"], r["COLUMN_IDENTITY"] is not None,
         r["COLUMN_OWNER"], r["COLUMN_COMMENT"])
        for source in sources for r in _system_table(session, source)
        if r["COLUMN_OBJECT_TYPE"] in wanted and _like(schema, r["COLUMN_SCHEMA"]) and _like(table, r["COLUMN_TABLE"])
        and _like(column, r["COLUMN_NAME"])
    ]
    columns = [("SCHEMA", NAME), ("TABLE", NAME), ("NAME", NAME), ("TABLE_TYPE", _KIND), ("TYPE", _KIND),
               ("TYPE_ID", NUMBER), ("MAXSIZE", NUMBER), ("NUM_PREC", NUMBER), ("NUM_SCALE", NUMBER),
               ("ORDINAL_POSITION", NUMBER), ("IS_VIRTUAL", BOOLEAN), ("IS_NULLABLE", BOOLEAN),
               ("IS_DISTRIBUTION_KEY", BOOLEAN), ("PARTITION_KEY_ORDINAL_POSITION", NUMBER), ("DEFAULT", COMMENT),
               ("IS_IDENTITY", BOOLEAN), ("OWNER", NAME), ("COMMENT", COMMENT)]
    return QueryResult(columns, sorted(rows, key=lambda row: (row[0], row[1], row[9])))


def get_keywords(session: Session, request: dict) -> QueryResult:
    table = build_system_table("EXA_SQL_KEYWORDS", session.system_context())
    return QueryResult(table.columns, sorted(table.rows))


def get_table_types(session: Session, request: dict) -> QueryResult:
    return QueryResult([("TABLE_TYPE", _KIND)], [(kind,) for kind in TABLE_TYPES])


def get_type_info(session: Session, request: dict) -> QueryResult:
    table = build_system_table("EXA_SQL_TYPES", session.system_context())
    columns = [("NAME" if name == "TYPE_NAME" else name, exa_type) for name, exa_type in table.columns]
    return QueryResult(columns, sorted(table.rows, key=lambda row: row[1]))


def get_scripts(session: Session, request: dict) -> QueryResult:
    schema, script = _pattern(request, "schema"), _pattern(request, "script")
    rows = [(r["SCRIPT_SCHEMA"], r["SCRIPT_NAME"], r["SCRIPT_OWNER"], r["SCRIPT_TYPE"], r["SCRIPT_LANGUAGE"],
             r["SCRIPT_INPUT_TYPE"], r["SCRIPT_RESULT_TYPE"], r["SCRIPT_COMMENT"])
            for r in _system_table(session, "EXA_ALL_SCRIPTS")
            if _like(schema, r["SCRIPT_SCHEMA"]) and _like(script, r["SCRIPT_NAME"])]
    columns = [("SCHEMA", NAME), ("NAME", NAME), ("OWNER", NAME), ("TYPE", _KIND), ("LANGUAGE", NAME),
               ("INPUT_TYPE", _KIND), ("RESULT_TYPE", _KIND), ("COMMENT", COMMENT)]
    return QueryResult(columns, sorted(rows, key=lambda row: (row[0], row[1])))


def get_connections(session: Session, request: dict) -> QueryResult:
    name = _pattern(request, "name")
    rows = [(r["CONNECTION_NAME"], r["CREATED"], r["CONNECTION_COMMENT"])
            for r in _system_table(session, "EXA_ALL_CONNECTIONS") if name is None or name == r["CONNECTION_NAME"]]
    return QueryResult([("NAME", NAME), ("CREATED", TIMESTAMP), ("COMMENT", COMMENT)], sorted(rows))


def get_users(session: Session, request: dict) -> QueryResult:
    name = _pattern(request, "name")
    rows = [(ADMIN_USER, None, None, None)] if name is None or name == ADMIN_USER else []
    return QueryResult([("NAME", NAME), ("CREATED", TIMESTAMP), ("CONSUMER_GROUP", NAME), ("COMMENT", COMMENT)],
                       rows)


def get_functions(session: Session, request: dict) -> QueryResult:
    for key in ("schema", "function"):
        _pattern(request, key)  # validated; the emulator has no functions to match
    return QueryResult([("SCHEMA", NAME), ("NAME", NAME), ("OWNER", NAME), ("COMMENT", COMMENT)], [])


COMMANDS: dict[str, Callable[[Session, dict], QueryResult]] = {
    "getSchemas": get_schemas, "getTables": get_tables, "getColumns": get_columns, "getKeywords": get_keywords,
    "getTableTypes": get_table_types, "getTypeInfo": get_type_info, "getScripts": get_scripts,
    "getConnections": get_connections, "getUsers": get_users, "getFunctions": get_functions,
}


def unsupported_metadata_command(command: str) -> EmulatorLimitation:
    """E-EMU-1 for the metadata commands the emulator does not answer (roles, keys, properties, privileges)."""
    return EmulatorLimitation(
        "E-EMU-1", f"metadata command {command!r}",
        f"use one of {', '.join(sorted(COMMANDS))}, or query the SYS system tables with execute()",
    )


def _system_table(session: Session, name: str) -> list[dict[str, Any]]:
    table: SystemTable = build_system_table(name, session.system_context())
    names = [column for column, _ in table.columns]
    return [dict(zip(names, row)) for row in table.rows]


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
