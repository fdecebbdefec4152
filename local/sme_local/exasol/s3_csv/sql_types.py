"""The Exasol column types EXPORT/IMPORT understand, parsed from ``COLUMN_TYPE`` strings.

Both directions need the same facts about a column (DECIMAL precision and scale, string length and character
set, TIMESTAMP precision), so they are parsed once here instead of by each formatter.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Context
from enum import Enum

from sme_local.exasol.catalog.types import parse_exa_type
from sme_local.exasol.s3_csv.errors import NOT_SUPPORTED_SQL_CODE, CsvTransferError
from sme_local.exasol.sql.errors import SqlError

# Exasol DECIMALs have up to 36 digits; Python's default context (28 digits) would round legal values.
DECIMAL_CONTEXT = Context(prec=80)


class Kind(Enum):
    DECIMAL = "DECIMAL"
    DOUBLE = "DOUBLE"
    BOOLEAN = "BOOLEAN"
    DATE = "DATE"
    TIMESTAMP = "TIMESTAMP"
    VARCHAR = "VARCHAR"
    CHAR = "CHAR"


@dataclass(frozen=True)
class ColumnType:
    """A parsed column type; ``text`` is the original string for messages."""

    text: str
    kind: Kind
    precision: int = 0  # DECIMAL digits, or TIMESTAMP fractional-second digits
    scale: int = 0  # DECIMAL digits after the point
    size: int = 0  # VARCHAR/CHAR maximum length in characters
    ascii_only: bool = False  # VARCHAR/CHAR with CHARACTER SET ASCII


_KINDS = {"DECIMAL": Kind.DECIMAL, "DOUBLE": Kind.DOUBLE, "BOOLEAN": Kind.BOOLEAN, "DATE": Kind.DATE,
          "TIMESTAMP": Kind.TIMESTAMP, "TIMESTAMP WITH LOCAL TIME ZONE": Kind.TIMESTAMP,
          "VARCHAR": Kind.VARCHAR, "CHAR": Kind.CHAR}


def parse_column_type(text: str) -> ColumnType:
    """Parse ``DECIMAL(18,2)``, ``VARCHAR(100) UTF8``, ``TIMESTAMP(3)``, ``DOUBLE``, … (aliases included) with
    the catalog's type parser; every type EXPORT/IMPORT cannot carry fails with the same clear error."""
    try:
        exa_type = parse_exa_type(text)
    except SqlError:
        raise _unsupported(text) from None
    kind = _KINDS.get(exa_type.name)
    if kind is None:
        raise _unsupported(text)
    if kind is Kind.DECIMAL:
        return ColumnType(text, kind, precision=exa_type.precision, scale=exa_type.scale)
    if kind is Kind.TIMESTAMP:
        return ColumnType(text, kind, precision=exa_type.precision)
    if kind in (Kind.VARCHAR, Kind.CHAR):
        return ColumnType(text, kind, size=exa_type.size, ascii_only=exa_type.charset == "ASCII")
    return ColumnType(text, kind)


def _unsupported(text: str) -> CsvTransferError:
    return CsvTransferError(
        f"EXPORT/IMPORT of column type {text!r} is not supported by the Exasol emulator "
        "(supported: DECIMAL, DOUBLE, BOOLEAN, DATE, TIMESTAMP, VARCHAR, CHAR)",
        NOT_SUPPORTED_SQL_CODE,
    )
