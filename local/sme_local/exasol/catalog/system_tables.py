"""The SYS tables Exasol clients and the product read: columns, tables, views, schemas, scripts, connections,
parameters, objects, users and grants (here), sessions, object sizes and indices, keywords and types (their
own modules), built on demand from DuckDB, the catalog store and the open sessions.

A system table is materialised per query (it is small), so it is always current and needs no invalidation.
Passwords appear in none of them; EXA_ALL_CONNECTIONS has no CONNECTION_STRING, as in Exasol 8.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Callable

from sme_local.exasol.catalog import dictionary_tables, session_tables, storage_tables
from sme_local.exasol.catalog.parameters import NLS_DEFAULTS
from sme_local.exasol.catalog.relations import relations, user_schemas
from sme_local.exasol.catalog.system_context import ID, NAME, NUMBER, TEXT, SystemContext, SystemTable
from sme_local.exasol.catalog.types import BOOLEAN, TIMESTAMP, ExaType, decimal, varchar

SYSTEM_SCHEMA = "SYS"
# Schemas every Exasol has besides the users' ones (listed by the getSchemas metadata command); EXA_STATISTICS
# exists but the emulator has no tables in it.
SYSTEM_SCHEMAS = ("EXA_STATISTICS", SYSTEM_SCHEMA)


_COLUMN_COLUMNS = [
    ("COLUMN_SCHEMA", NAME), ("COLUMN_TABLE", NAME), ("COLUMN_OBJECT_TYPE", varchar(40)), ("COLUMN_NAME", NAME),
    ("COLUMN_TYPE", varchar(40)), ("COLUMN_TYPE_ID", NUMBER), ("COLUMN_MAXSIZE", NUMBER),
    ("COLUMN_NUM_PREC", NUMBER), ("COLUMN_NUM_SCALE", NUMBER), ("COLUMN_ORDINAL_POSITION", NUMBER),
    ("COLUMN_IS_VIRTUAL", BOOLEAN), ("COLUMN_IS_NULLABLE", BOOLEAN), ("COLUMN_IS_DISTRIBUTION_KEY", BOOLEAN),
    ("COLUMN_PARTITION_KEY_ORDINAL_POSITION", NUMBER), ("COLUMN_DEFAULT", varchar(2000)),
    ("COLUMN_IDENTITY", varchar(2000)), ("COLUMN_OWNER", NAME), ("COLUMN_OBJECT_ID", ID),
    ("STATUS", varchar(30)), ("COLUMN_COMMENT", varchar(2000)),
]


def _column_row(context: SystemContext, schema: str, table: str, kind: str, position: int, name: str,
                exa_type: ExaType, nullable: bool | None, default: str | None, object_id: int | None,
                comment: str | None) -> tuple:
    """One EXA_*_COLUMNS row; timestamps as the emulated release shows them (precision in COLUMN_NUM_PREC from
    Exasol 8.32, changelog 13409)."""
    numeric = exa_type.name == "DECIMAL"
    with_precision = context.release.timestamp_precision
    timestamp = exa_type.name.startswith("TIMESTAMP") and with_precision
    return (
        schema, table, kind, name, exa_type.column_type(with_precision), exa_type.type_id(), exa_type.max_size(),
        exa_type.precision if numeric or timestamp else None, exa_type.scale if numeric else None, position, False,
        nullable, False, None, default, None, context.owner(schema), object_id, None, comment,
    )


def _columns_table(context: SystemContext) -> SystemTable:
    rows = [
        _column_row(context, relation.schema, relation.name, relation.kind, position, column.name, column.exa_type,
                    column.nullable, column.default, relation.object_id,
                    context.store.comment(relation.schema, relation.name, column.name))
        for relation in _visible_relations(context)
        for position, column in enumerate(relation.columns, start=1)
    ]
    return SystemTable(list(_COLUMN_COLUMNS), rows)


def _sys_columns_table(context: SystemContext) -> SystemTable:
    """EXA_SYS_COLUMNS: the columns of every system table (built to learn them; they are small)."""
    rows = []
    for name in system_table_names():
        columns = _COLUMN_COLUMNS if name == "EXA_SYS_COLUMNS" else build_system_table(name, context).columns
        rows += [_column_row(context, SYSTEM_SCHEMA, name, "SYSTEM TABLE", position, column, exa_type, True, None, None, None)
                 for position, (column, exa_type) in enumerate(columns, start=1)]
    return SystemTable(list(_COLUMN_COLUMNS), rows)


def _tables_table(context: SystemContext) -> SystemTable:
    columns = [
        ("TABLE_SCHEMA", NAME), ("TABLE_NAME", NAME), ("TABLE_OWNER", NAME), ("TABLE_OBJECT_ID", ID),
        ("TABLE_IS_VIRTUAL", BOOLEAN), ("TABLE_HAS_DISTRIBUTION_KEY", BOOLEAN),
        ("TABLE_HAS_PARTITION_KEY", BOOLEAN), ("TABLE_ROW_COUNT", decimal(36, 0)),
        ("DELETE_PERCENTAGE", decimal(4, 1)), ("TABLE_COMMENT", varchar(2000)),
    ]
    rows = [
        (r.schema, r.name, context.owner(r.schema), r.object_id, False, False, False, r.row_count, 0,
         context.store.comment(r.schema, r.name))
        for r in _visible_relations(context) if r.kind == "TABLE"
    ]
    return SystemTable(columns, rows)


def _views_table(context: SystemContext) -> SystemTable:
    columns = [
        ("VIEW_SCHEMA", NAME), ("VIEW_NAME", NAME), ("SCOPE_SCHEMA", NAME), ("VIEW_OWNER", NAME),
        ("VIEW_OBJECT_ID", ID), ("VIEW_TEXT", TEXT), ("VIEW_COMMENT", varchar(2000)),
    ]
    rows = [
        (r.schema, r.name, r.schema, context.owner(r.schema), r.object_id, context.store.view_text(r.schema, r.name),
         context.store.comment(r.schema, r.name))
        for r in _visible_relations(context) if r.kind == "VIEW"
    ]
    return SystemTable(columns, rows)


def _schemas_table(context: SystemContext) -> SystemTable:
    columns = [
        ("SCHEMA_NAME", NAME), ("SCHEMA_OWNER", NAME), ("SCHEMA_OBJECT_ID", ID), ("SCHEMA_IS_VIRTUAL", BOOLEAN),
        ("SCHEMA_COMMENT", varchar(2000)),
    ]
    rows = [(name, context.owner(name), oid, False, context.store.comment(name))
            for name, oid in user_schemas(context.cursor)]
    return SystemTable(columns, rows)


def _scripts_table(context: SystemContext) -> SystemTable:
    columns = [
        ("SCRIPT_SCHEMA", NAME), ("SCRIPT_NAME", NAME), ("SCRIPT_OWNER", NAME), ("SCRIPT_OBJECT_ID", ID),
        ("SCRIPT_TYPE", varchar(40)), ("SCRIPT_LANGUAGE", NAME), ("SCRIPT_INPUT_TYPE", varchar(40)),
        ("SCRIPT_RESULT_TYPE", varchar(40)), ("SCRIPT_TEXT", TEXT), ("SCRIPT_COMMENT", varchar(2000)),
    ]
    rows = [
        (s.schema, s.name, context.owner(s.schema), s.object_id, s.script_type, s.language, s.input_type, s.result_type,
         s.text, s.comment)
        for s in sorted(context.store.scripts(), key=lambda s: (s.schema, s.name)) if context.visible(s.schema, s.name)
    ]
    return SystemTable(columns, rows)


def _dba_connections_table(context: SystemContext) -> SystemTable:
    columns = [
        ("CONNECTION_NAME", NAME), ("CONNECTION_STRING", TEXT), ("USER_NAME", TEXT), ("CREATED", TIMESTAMP),
        ("CONNECTION_COMMENT", varchar(2000)),
    ]
    rows = [
        (c.name, c.address, c.user, datetime.fromisoformat(c.created), c.comment)
        for c in sorted(context.store.connections(), key=lambda c: c.name)
    ]
    return SystemTable(columns, rows)


def _all_connections_table(context: SystemContext) -> SystemTable:
    columns = [("CONNECTION_NAME", NAME), ("CREATED", TIMESTAMP), ("CONNECTION_COMMENT", varchar(2000))]
    rows = [
        (c.name, datetime.fromisoformat(c.created), c.comment)
        for c in sorted(context.store.connections(), key=lambda c: c.name)
    ]
    return SystemTable(columns, rows)


def _parameters_table(context: SystemContext) -> SystemTable:
    columns = [("PARAMETER_NAME", NAME), ("SESSION_VALUE", TEXT), ("SYSTEM_VALUE", TEXT)]
    system = {**NLS_DEFAULTS, **context.store.parameters()}
    names = sorted(set(system) | set(context.session_parameters))
    rows = [(n, context.session_parameters.get(n, system.get(n)), system.get(n)) for n in names]
    return SystemTable(columns, rows)


def _objects_table(context: SystemContext) -> SystemTable:
    columns = [
        ("OBJECT_NAME", NAME), ("OBJECT_TYPE", varchar(40)), ("OWNER", NAME), ("OBJECT_ID", ID),
        ("ROOT_NAME", NAME), ("ROOT_TYPE", varchar(40)), ("ROOT_ID", ID), ("OBJECT_IS_VIRTUAL", BOOLEAN),
        ("OBJECT_COMMENT", varchar(2000)),
    ]
    schema_ids = dict(user_schemas(context.cursor))
    rows = [(name, "SCHEMA", context.owner(name), oid, None, None, None, False, context.store.comment(name))
            for name, oid in schema_ids.items()]
    rows += [
        (r.name, r.kind, context.owner(r.schema), r.object_id, r.schema, "SCHEMA", schema_ids.get(r.schema), False,
         context.store.comment(r.schema, r.name))
        for r in _visible_relations(context)
    ]
    rows += [
        (s.name, "SCRIPT", context.owner(s.schema), s.object_id, s.schema, "SCHEMA", schema_ids.get(s.schema), False,
         s.comment)
        for s in context.store.scripts() if context.visible(s.schema, s.name)
    ]
    return SystemTable(columns, rows)


def _visible_relations(context: SystemContext) -> list:
    return [r for r in relations(context.cursor, context.store) if context.visible(r.schema, r.name)]


def _session_privileges_table(context: SystemContext) -> SystemTable:
    return SystemTable([("PRIVILEGE", NAME)], [(p,) for p in sorted(context.session_privileges)])


def _users_table(context: SystemContext) -> SystemTable:
    """A subset of EXA_DBA_USERS / EXA_ALL_USERS: the admin and every created user (no password column)."""
    columns = [("USER_NAME", NAME), ("CREATED", TIMESTAMP), ("USER_COMMENT", varchar(2000))]
    rows = [(context.admin_user, None, None)] + [
        (u.name, datetime.fromisoformat(u.created), None) for u in sorted(context.store.users(), key=lambda u: u.name)
    ]
    return SystemTable(columns, rows)


def _current_user_table(context: SystemContext) -> SystemTable:
    table = _users_table(context)
    return SystemTable(table.columns, [row for row in table.rows if row[0] == context.user])


def _system_privileges_table(context: SystemContext) -> SystemTable:
    columns = [("GRANTEE", NAME), ("PRIVILEGE", NAME), ("ADMIN_OPTION", BOOLEAN)]
    rows = [(g.grantee, g.privilege, g.with_admin) for g in context.store.grants()
            if g.on_kind is None and g.privilege != "DBA"]
    return SystemTable(columns, sorted(rows))


def _role_privileges_table(context: SystemContext) -> SystemTable:
    columns = [("GRANTEE", NAME), ("GRANTED_ROLE", NAME), ("ADMIN_OPTION", BOOLEAN)]
    rows = [(context.admin_user, "DBA", True)] + sorted(
        (g.grantee, g.privilege, g.with_admin) for g in context.store.grants() if g.on_kind is None and g.privilege == "DBA")
    return SystemTable(columns, rows)


def _object_privileges_table(context: SystemContext) -> SystemTable:
    columns = [("OBJECT_SCHEMA", NAME), ("OBJECT_NAME", NAME), ("OBJECT_TYPE", varchar(40)), ("PRIVILEGE", NAME),
               ("GRANTEE", NAME), ("OWNER", NAME)]
    rows = [
        (g.on_schema if g.on_kind == "OBJECT" else None, g.on_name or g.on_schema, g.on_kind, g.privilege, g.grantee,
         context.owner(g.on_schema or ""))
        for g in context.store.grants() if g.on_kind in ("SCHEMA", "OBJECT")
    ]
    return SystemTable(columns, sorted(rows, key=repr))


def _connection_privileges_table(context: SystemContext) -> SystemTable:
    """GRANT CONNECTION rows; ACCESS grants (Exasol's EXA_DBA_RESTRICTED_OBJ_PRIVS / OBJ_PRIVS) are left out."""
    columns = [("GRANTEE", NAME), ("GRANTED_CONNECTION", NAME), ("ADMIN_OPTION", BOOLEAN)]
    rows = [(g.grantee, g.on_name, g.with_admin) for g in context.store.grants() if g.privilege == "CONNECTION"]
    return SystemTable(columns, sorted(rows))


_BUILDERS: dict[str, Callable[[SystemContext], SystemTable]] = {}
for _prefix in ("EXA_ALL_", "EXA_USER_", "EXA_DBA_"):
    _BUILDERS[f"{_prefix}COLUMNS"] = _columns_table
    _BUILDERS[f"{_prefix}TABLES"] = _tables_table
    _BUILDERS[f"{_prefix}VIEWS"] = _views_table
    _BUILDERS[f"{_prefix}SCRIPTS"] = _scripts_table
    _BUILDERS[f"{_prefix}OBJECTS"] = _objects_table
    _BUILDERS[f"{_prefix}SESSIONS"] = session_tables.sessions_table
    _BUILDERS[f"{_prefix}OBJECT_SIZES"] = storage_tables.object_sizes_table
    _BUILDERS[f"{_prefix}INDICES"] = storage_tables.indices_table
_BUILDERS.update({
    "EXA_ALL_SCHEMAS": _schemas_table, "EXA_SCHEMAS": _schemas_table, "EXA_DBA_SCHEMAS": _schemas_table,
    "EXA_DBA_CONNECTIONS": _dba_connections_table, "EXA_ALL_CONNECTIONS": _all_connections_table,
    "EXA_USER_CONNECTIONS": _all_connections_table, "EXA_PARAMETERS": _parameters_table,
    "EXA_ALL_SESSIONS": session_tables.all_sessions_table,
    "EXA_SYS_COLUMNS": _sys_columns_table,
    "EXA_SQL_KEYWORDS": dictionary_tables.keywords_table, "EXA_SQL_TYPES": dictionary_tables.types_table,
    "EXA_DBA_USERS": _users_table, "EXA_ALL_USERS": _users_table, "EXA_USER_USERS": _current_user_table,
    "EXA_DBA_SYS_PRIVS": _system_privileges_table, "EXA_DBA_ROLE_PRIVS": _role_privileges_table,
    "EXA_DBA_OBJ_PRIVS": _object_privileges_table, "EXA_DBA_CONNECTION_PRIVS": _connection_privileges_table,
    "EXA_SESSION_PRIVS": _session_privileges_table,
})


def system_table_names() -> list[str]:
    """Every SYS table the emulator answers (for the getTables metadata command's "SYSTEM TABLE" type)."""
    return sorted(_BUILDERS)


def is_system_table(name: str) -> bool:
    return name in _BUILDERS


def build_system_table(name: str, context: SystemContext) -> SystemTable:
    if name.startswith("EXA_DBA_"):
        context = dataclasses.replace(context, visible=lambda schema, object_name: True)
    return _BUILDERS[name](context)
