"""Exasol column types: parsing, the COLUMN_TYPE text, the WebSocket dataType, and the DuckDB storage type.

DuckDB keeps the data, but its types lose facts Exasol reports (VARCHAR length, CHAR vs VARCHAR, TIMESTAMP
precision, the UTF8 character set), so every column's Exasol type lives in the emulator's catalog and is
mapped to DuckDB storage here, in one place:

  Exasol                          DuckDB storage        notes
  DECIMAL(p,s), p <= 36           DECIMAL(p,s)          exact; Exasol's maximum precision is 36 (DuckDB 38)
  DOUBLE [PRECISION], FLOAT, REAL DOUBLE
  VARCHAR(n) [UTF8|ASCII]         VARCHAR               length kept in the catalog only (not enforced)
  CHAR(n) [UTF8|ASCII]            VARCHAR               not blank-padded
  BOOLEAN                         BOOLEAN
  DATE                            DATE
  TIMESTAMP[(p)]                  TIMESTAMP             microseconds stored; wire: 6 digits, cut to p
  TIMESTAMP WITH LOCAL TIME ZONE  TIMESTAMP             session time zone is always UTC
  HASHTYPE(n BYTE)                VARCHAR               lower-case hex text
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sme_local.exasol.sql.errors import SYNTAX_OR_UNKNOWN_OBJECT, SqlError, unsupported_construct
from sme_local.exasol.udf.vm.sql_types import (
    DEFAULT_TIMESTAMP_PRECISION, MAX_CHAR, MAX_DECIMAL_PRECISION, MAX_VARCHAR, InvalidType, UnsupportedType, read_type,
)

MAX_VARCHAR_SIZE = MAX_VARCHAR
MAX_CHAR_SIZE = MAX_CHAR


@dataclass(frozen=True)
class ExaType:
    """One Exasol column type. ``name`` is the base type; the other fields are set where the type has them."""

    name: str
    precision: int | None = None
    scale: int | None = None
    size: int | None = None
    charset: str = "UTF8"

    def column_type(self, timestamp_precision: bool = True) -> str:
        """The ``COLUMN_TYPE`` text of ``SYS.EXA_ALL_COLUMNS`` (also the SQL type text used across interfaces).
        ``timestamp_precision=False`` is how Exasol 7 shows timestamps (no precision; see ``release``)."""
        if self.name.startswith("TIMESTAMP") and not timestamp_precision:
            return self.name
        if self.name == "DECIMAL":
            return f"DECIMAL({self.precision},{self.scale})"
        if self.name in ("VARCHAR", "CHAR"):
            return f"{self.name}({self.size}) {self.charset}"
        if self.name == "TIMESTAMP":
            return f"TIMESTAMP({self.precision})"
        if self.name == "TIMESTAMP WITH LOCAL TIME ZONE":
            return f"TIMESTAMP({self.precision}) WITH LOCAL TIME ZONE"
        if self.name == "HASHTYPE":
            return f"HASHTYPE({self.size} BYTE)"
        return self.name

    def data_type(self, timestamp_precision: bool = True) -> dict:
        """The ``dataType`` object of a result-set column in the WebSocket API (Exasol 7: timestamps 8 bytes)."""
        if self.name == "DECIMAL":
            return {"type": "DECIMAL", "precision": self.precision, "scale": self.scale}
        if self.name in ("VARCHAR", "CHAR"):
            return {"type": self.name, "size": self.size, "characterSet": self.charset}
        if self.name == "DATE":
            return {"type": "DATE", "size": 4}
        if self.name in ("TIMESTAMP", "TIMESTAMP WITH LOCAL TIME ZONE"):
            return {
                "type": self.name,
                "withLocalTimeZone": self.name != "TIMESTAMP",
                "size": 16 if timestamp_precision else 8,
            }
        if self.name == "HASHTYPE":
            return {"type": "HASHTYPE", "size": self.size}
        return {"type": self.name}

    def duckdb_type(self) -> str:
        """The DuckDB storage type (see the module table)."""
        if self.name == "DECIMAL":
            return f"DECIMAL({self.precision},{self.scale})"
        if self.name in ("VARCHAR", "CHAR", "HASHTYPE"):
            return "VARCHAR"
        if self.name in ("TIMESTAMP", "TIMESTAMP WITH LOCAL TIME ZONE"):
            return "TIMESTAMP"
        return self.name

    def same_storage(self, other: ExaType) -> bool:
        """Whether both types are stored alike in DuckDB (a declared type may then stand for a derived one)."""
        return self.duckdb_type() == other.duckdb_type()

    @property
    def is_integral(self) -> bool:
        """DECIMAL with scale 0: a Python ``int`` in UDFs and Lua, a JSON number on the wire if it fits."""
        return self.name == "DECIMAL" and self.scale == 0

    def type_id(self) -> int:
        """``COLUMN_TYPE_ID`` as ODBC reports it (Exasol's system tables use these numbers)."""
        return _TYPE_IDS[self.name]

    def max_size(self) -> int | None:
        """``COLUMN_MAXSIZE``: precision for numbers, length for strings, display width for the rest."""
        if self.name == "DECIMAL":
            return self.precision
        if self.name in ("VARCHAR", "CHAR", "HASHTYPE"):
            return self.size
        return {"DOUBLE": 64, "BOOLEAN": 1, "DATE": 10}.get(self.name, 29)


_TYPE_IDS = {
    "DECIMAL": 3, "DOUBLE": 8, "VARCHAR": 12, "CHAR": 1, "BOOLEAN": 16, "DATE": 91, "TIMESTAMP": 93,
    "TIMESTAMP WITH LOCAL TIME ZONE": 124, "HASHTYPE": 127,
}

DOUBLE = ExaType("DOUBLE")
BOOLEAN = ExaType("BOOLEAN")
DATE = ExaType("DATE")
TIMESTAMP = ExaType("TIMESTAMP", precision=DEFAULT_TIMESTAMP_PRECISION)
VARCHAR_MAX = ExaType("VARCHAR", size=MAX_VARCHAR_SIZE)


def decimal(precision: int = 18, scale: int = 0) -> ExaType:
    if not 1 <= precision <= MAX_DECIMAL_PRECISION or not 0 <= scale <= precision:
        raise SqlError(
            SYNTAX_OR_UNKNOWN_OBJECT,
            f"invalid DECIMAL({precision},{scale}): precision must be 1..36 and scale 0..precision",
        )
    return ExaType("DECIMAL", precision=precision, scale=scale)


def varchar(size: int, charset: str = "UTF8", name: str = "VARCHAR") -> ExaType:
    limit = MAX_VARCHAR_SIZE if name == "VARCHAR" else MAX_CHAR_SIZE
    if not 1 <= size <= limit:
        raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"invalid length {size} for {name} (1..{limit})")
    return ExaType(name, size=size, charset=charset)


def parse_exa_type(text: str) -> ExaType:
    """Parse an Exasol type as written in DDL, CAST, script signatures or COLUMN_TYPE (aliases included), with
    the emulator's one type grammar (``udf.vm.sql_types``, stdlib-only because UDF workers read types too)."""
    try:
        sql_type = read_type(text)
    except UnsupportedType as error:
        raise unsupported_construct(str(error)) from None
    except InvalidType as error:
        raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, str(error)) from None
    if sql_type.kind == "DECIMAL":
        return ExaType("DECIMAL", precision=sql_type.precision, scale=sql_type.scale)
    if sql_type.kind in ("VARCHAR", "CHAR", "HASHTYPE"):
        return ExaType(sql_type.kind, size=sql_type.length, charset=sql_type.charset)
    if sql_type.kind.startswith("TIMESTAMP"):
        return ExaType(sql_type.kind, precision=sql_type.length)
    return ExaType(sql_type.kind)


def exa_type_of_duckdb(duckdb_type: str) -> ExaType:
    """The Exasol type to report for a DuckDB value type that has no catalog entry (query results, views)."""
    text = duckdb_type.upper()
    match = re.match(r"^DECIMAL\((\d+),\s*(\d+)\)$", text)
    if match:
        precision = min(int(match.group(1)), MAX_DECIMAL_PRECISION)
        return decimal(precision, min(int(match.group(2)), precision))
    if text in ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"):
        return decimal(18, 0)
    if text in ("HUGEINT", "UBIGINT", "UHUGEINT"):
        return decimal(36, 0)
    if text in ("DOUBLE", "FLOAT"):
        return DOUBLE
    if text == "VARCHAR":
        return VARCHAR_MAX
    if text == "BOOLEAN":
        return BOOLEAN
    if text == "DATE":
        return DATE
    if text in ("TIMESTAMP", "TIMESTAMP_NS", "TIMESTAMP_MS", "TIMESTAMP_S"):
        return TIMESTAMP
    if text == "TIMESTAMP WITH TIME ZONE":
        return ExaType("TIMESTAMP WITH LOCAL TIME ZONE", precision=DEFAULT_TIMESTAMP_PRECISION)
    if text == '"NULL"' or text == "NULL":
        return ExaType("BOOLEAN")
    raise unsupported_construct(f"a result value of DuckDB type {duckdb_type} (no Exasol equivalent)")
