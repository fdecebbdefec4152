"""EXA_*_OBJECT_SIZES (data volume per table, view, script and schema) and EXA_*_INDICES.

Columns as Exasol documents them (docs.exasol.com sql_references/system_tables/metadata/exa_all_object_sizes.htm,
exa_all_indices.htm). Sizes follow Exasol's rule for object types (sql_references/object_types): a table's raw
size is the sum of its columns' raw sizes, a schema's the sum of its objects', views and scripts have none. A
column's raw size is measured in DuckDB: the UTF-8 bytes of its strings, and for the other types the values that
are not NULL times the type's width (DECIMAL 4/8/16 bytes by precision, DOUBLE and TIMESTAMP 8, DATE 4,
BOOLEAN 1) — the widths are the emulator's model, not Exasol's internal layout. The emulator does not compress,
so MEM_OBJECT_SIZE equals RAW_OBJECT_SIZE; CREATED, LAST_COMMIT and RAW_OBJECT_SIZE_LIMIT are not recorded (NULL).

Exasol creates indices by itself while it runs a join, and drops them when unused (docs performance/indexes.htm);
the emulator builds none, so EXA_*_INDICES are empty.
"""

from __future__ import annotations

from sme_local.exasol.catalog.relations import RelationInfo, relations, user_schemas
from sme_local.exasol.catalog.system_context import ADMIN_USER, ID, NAME, SystemContext, SystemTable
from sme_local.exasol.catalog.types import BOOLEAN, TIMESTAMP, ExaType, decimal, varchar
from sme_local.exasol.sql.lexer import quote_identifier

SIZE = decimal(36, 0)
_KIND = varchar(40)
_FIXED_WIDTHS = {"DOUBLE": 8, "TIMESTAMP": 8, "TIMESTAMP WITH LOCAL TIME ZONE": 8, "DATE": 4, "BOOLEAN": 1}
_SIZE_COLUMNS = [
    ("OBJECT_NAME", NAME), ("OBJECT_TYPE", _KIND), ("RAW_OBJECT_SIZE", SIZE), ("MEM_OBJECT_SIZE", SIZE),
    ("RAW_OBJECT_SIZE_LIMIT", SIZE), ("CREATED", TIMESTAMP), ("LAST_COMMIT", TIMESTAMP), ("OWNER", NAME),
    ("OBJECT_ID", ID), ("OBJECT_IS_VIRTUAL", BOOLEAN), ("ROOT_NAME", NAME), ("ROOT_TYPE", _KIND), ("ROOT_ID", ID),
]
_INDEX_COLUMNS = [
    ("INDEX_SCHEMA", NAME), ("INDEX_TABLE", NAME), ("INDEX_OWNER", NAME), ("INDEX_OBJECT_ID", ID),
    ("INDEX_TYPE", varchar(20)), ("IS_GEOMETRY", BOOLEAN), ("MEM_OBJECT_SIZE", SIZE), ("CREATED", TIMESTAMP), ("LAST_COMMIT", TIMESTAMP),
    ("REMARKS", varchar(100000)),
]


def object_sizes_table(context: SystemContext) -> SystemTable:
    schema_ids = dict(user_schemas(context.cursor))
    schema_sizes = dict.fromkeys(schema_ids, 0)
    rows = []
    for relation in relations(context.cursor, context.store):
        size = _raw_size(context, relation) if relation.kind == "TABLE" else 0
        schema_sizes[relation.schema] = schema_sizes.get(relation.schema, 0) + size
        rows.append(_size_row(relation.name, relation.kind, size, relation.object_id, relation.schema,
                              schema_ids.get(relation.schema)))
    rows += [_size_row(s.name, "SCRIPT", 0, s.object_id, s.schema, schema_ids.get(s.schema))
             for s in context.store.scripts()]
    rows += [_size_row(name, "SCHEMA", size, schema_ids[name], None, None) for name, size in schema_sizes.items()
             if name in schema_ids]
    return SystemTable(list(_SIZE_COLUMNS), rows)


def indices_table(context: SystemContext) -> SystemTable:
    return SystemTable(list(_INDEX_COLUMNS), [])


def _size_row(name: str, kind: str, size: int, object_id: int | None, root: str | None,
              root_id: int | None) -> tuple:
    return (name, kind, size, size, None, None, None, ADMIN_USER, object_id, False, root,
            "SCHEMA" if root else None, root_id)


def _raw_size(context: SystemContext, relation: RelationInfo) -> int:
    terms = [_column_size_sql(quote_identifier(c.name), c.exa_type) for c in relation.columns]
    table = f"{quote_identifier(relation.schema)}.{quote_identifier(relation.name)}"
    total = context.cursor.execute(f"SELECT {' + '.join(terms) or '0'} FROM {table}").fetchone()[0]
    return int(total or 0)


def _column_size_sql(column: str, exa_type: ExaType) -> str:
    if exa_type.name in ("VARCHAR", "CHAR", "HASHTYPE"):
        return f"COALESCE(SUM(OCTET_LENGTH(ENCODE({column}))), 0)"
    if exa_type.name == "DECIMAL":
        width = 4 if exa_type.precision <= 9 else (8 if exa_type.precision <= 18 else 16)
    else:
        width = _FIXED_WIDTHS.get(exa_type.name, 8)
    return f"COUNT({column}) * {width}"
