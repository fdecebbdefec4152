"""The SQL dictionary tables: EXA_SQL_KEYWORDS (keyword, reserved) and EXA_SQL_TYPES (one row per data type).

Column names and order are Exasol's (docs.exasol.com sql_references/system_tables/metadata/exa_sql_keywords.htm
and exa_sql_types.htm). EXA_SQL_TYPES lists the types the emulator supports in tables; its numbers come from
``ExaType`` (one place): TYPE_ID is the type's ODBC id, as EXA_ALL_COLUMNS.COLUMN_TYPE_ID reports it (clients join
the two, e.g. pyexasol's ``ext.get_sys_columns``), PRECISION the largest COLUMN_MAXSIZE of the type. The type
names DECIMAL, DOUBLE PRECISION, VARCHAR, DATE, TIMESTAMP, BOOLEAN are those pyexasol's suite expects from
Exasol; literal prefixes, CREATE_PARAMS texts and SEARCHABLE codes follow the documented meaning of the columns
(ODBC's SQLGetTypeInfo) and are inferred, not copied from a real Exasol.
"""

from __future__ import annotations

from sme_local.exasol.catalog.keywords import reserved_keywords
from sme_local.exasol.catalog.system_context import NAME, NUMBER, SystemContext, SystemTable
from sme_local.exasol.catalog.types import (
    BOOLEAN, DATE, DOUBLE, MAX_CHAR_SIZE, MAX_DECIMAL_PRECISION, MAX_VARCHAR_SIZE, ExaType, decimal, varchar,
)

SEARCHABLE_EXCEPT_LIKE = 2
SEARCHABLE = 3
_LARGEST_TIMESTAMP_PRECISION = 9

# (type name, largest type of the kind, literal prefix, create params, case sensitive, searchable)
_TYPES: tuple[tuple[str, ExaType, str | None, str | None, bool, int], ...] = (
    ("CHAR", varchar(MAX_CHAR_SIZE, name="CHAR"), "'", "max length", True, SEARCHABLE),
    ("DECIMAL", decimal(MAX_DECIMAL_PRECISION, 0), None, "precision,scale", False, SEARCHABLE_EXCEPT_LIKE),
    ("DOUBLE PRECISION", DOUBLE, None, None, False, SEARCHABLE_EXCEPT_LIKE),
    ("VARCHAR", varchar(MAX_VARCHAR_SIZE), "'", "max length", True, SEARCHABLE),
    ("BOOLEAN", BOOLEAN, None, None, False, SEARCHABLE_EXCEPT_LIKE),
    ("DATE", DATE, "DATE '", None, False, SEARCHABLE),
    ("TIMESTAMP", ExaType("TIMESTAMP", precision=_LARGEST_TIMESTAMP_PRECISION), "TIMESTAMP '", None, False,
     SEARCHABLE),
    ("TIMESTAMP WITH LOCAL TIME ZONE",
     ExaType("TIMESTAMP WITH LOCAL TIME ZONE", precision=_LARGEST_TIMESTAMP_PRECISION), "TIMESTAMP '", None, False,
     SEARCHABLE),
)
TYPE_COLUMNS = [
    ("TYPE_NAME", NAME), ("TYPE_ID", NUMBER), ("PRECISION", NUMBER), ("LITERAL_PREFIX", NAME),
    ("LITERAL_SUFFIX", NAME), ("CREATE_PARAMS", NAME), ("IS_NULLABLE", BOOLEAN), ("CASE_SENSITIVE", BOOLEAN),
    ("SEARCHABLE", NUMBER), ("UNSIGNED_ATTRIBUTE", BOOLEAN), ("FIXED_PREC_SCALE", BOOLEAN),
    ("AUTO_INCREMENT", BOOLEAN), ("LOCAL_TYPE_NAME", NAME), ("MINIMUM_SCALE", NUMBER), ("MAXIMUM_SCALE", NUMBER),
    ("SQL_DATA_TYPE", NUMBER), ("SQL_DATETIME_SUB", NUMBER), ("NUM_PREC_RADIX", NUMBER),
    ("INTERVAL_PRECISION", NUMBER),
]


def keywords_table(context: SystemContext) -> SystemTable:
    words = reserved_keywords(context.release.version)
    return SystemTable([("KEYWORD", NAME), ("RESERVED", BOOLEAN)], [(word, True) for word in words])


def types_table(context: SystemContext) -> SystemTable:
    rows = []
    for name, largest, prefix, create_params, case_sensitive, searchable in _TYPES:
        exact = largest.name == "DECIMAL"
        rows.append((
            name, largest.type_id(), largest.max_size(), prefix, "'" if prefix else None, create_params, True,
            case_sensitive, searchable, False if largest.name in ("DECIMAL", "DOUBLE") else None, exact, False,
            name, 0 if exact else None, MAX_DECIMAL_PRECISION if exact else None, None, None,
            10 if exact else (2 if largest.name == "DOUBLE" else None), None,
        ))
    return SystemTable(list(TYPE_COLUMNS), sorted(rows, key=lambda row: row[1]))
