"""The Exasol column types EXPORT/IMPORT understand, parsed from ``COLUMN_TYPE`` strings.

Both directions need the same facts about a column (DECIMAL precision and scale, string length and character
set, TIMESTAMP precision), so they are parsed once here instead of by each formatter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Context
from enum import Enum

from exasol_emulator.s3_csv.errors import NOT_SUPPORTED_SQL_CODE, CsvTransferError

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


_WITH_ARGUMENTS = re.compile(
    r"^(?P<name>[A-Z][A-Z0-9 ]*?)\s*\(\s*(?P<first>\d+)\s*(?:,\s*(?P<second>\d+)\s*)?\)\s*(?P<rest>[A-Z0-9 ]*)$"
)
_SUFFIXES = ("WITH LOCAL TIME ZONE", "CHARACTER SET UTF8", "CHARACTER SET ASCII", "UTF8", "ASCII")
# Aliases Exasol resolves when a column is created (SQL reference, "data type aliases").
_FIXED_DECIMALS = {"INT": (18, 0), "INTEGER": (18, 0), "BIGINT": (36, 0), "SMALLINT": (9, 0),
                   "SHORTINT": (9, 0), "TINYINT": (3, 0)}
_DOUBLE_NAMES = {"DOUBLE", "DOUBLE PRECISION", "FLOAT", "REAL", "NUMBER"}
_TEXT_NAMES = {"VARCHAR": Kind.VARCHAR, "CHARACTER VARYING": Kind.VARCHAR, "NVARCHAR": Kind.VARCHAR,
               "VARCHAR2": Kind.VARCHAR, "CHAR": Kind.CHAR, "CHARACTER": Kind.CHAR, "NCHAR": Kind.CHAR}


def parse_column_type(text: str) -> ColumnType:
    """Parse ``DECIMAL(18,2)``, ``VARCHAR(100) UTF8``, ``TIMESTAMP(3)``, ``DOUBLE``, … (case-insensitive)."""
    name, first, second, rest = _split(" ".join(text.upper().split()))
    if name in ("DECIMAL", "NUMERIC", "DEC") or (name == "NUMBER" and first is not None):
        return ColumnType(text, Kind.DECIMAL, precision=first or 18, scale=second or 0)
    if name in _FIXED_DECIMALS and first is None:
        precision, scale = _FIXED_DECIMALS[name]
        return ColumnType(text, Kind.DECIMAL, precision=precision, scale=scale)
    if name in _DOUBLE_NAMES and first is None:
        return ColumnType(text, Kind.DOUBLE)
    if name in ("BOOLEAN", "BOOL") and first is None:
        return ColumnType(text, Kind.BOOLEAN)
    if name == "DATE" and first is None:
        return ColumnType(text, Kind.DATE)
    if name == "TIMESTAMP" and rest in ("", "WITH LOCAL TIME ZONE"):
        return ColumnType(text, Kind.TIMESTAMP, precision=3 if first is None else first)
    if name in _TEXT_NAMES and rest in ("", "UTF8", "ASCII", "CHARACTER SET UTF8", "CHARACTER SET ASCII"):
        kind = _TEXT_NAMES[name]
        return ColumnType(text, kind, size=first or (1 if kind is Kind.CHAR else 2000000),
                          ascii_only=rest.endswith("ASCII"))
    raise _unsupported(text)


def _split(normalized: str) -> tuple[str, int | None, int | None, str]:
    """``NAME(first, second) REST`` -> its parts; without parentheses the rest is a known suffix."""
    match = _WITH_ARGUMENTS.match(normalized)
    if match is not None:
        second = int(match["second"]) if match["second"] else None
        return match["name"].strip(), int(match["first"]), second, match["rest"].strip()
    for suffix in _SUFFIXES:
        if normalized.endswith(" " + suffix):
            return normalized[: -len(suffix) - 1], None, None, suffix
    return normalized, None, None, ""


def _unsupported(text: str) -> CsvTransferError:
    return CsvTransferError(
        f"EXPORT/IMPORT of column type {text!r} is not supported by the Exasol emulator "
        "(supported: DECIMAL, DOUBLE, BOOLEAN, DATE, TIMESTAMP, VARCHAR, CHAR)",
        NOT_SUPPORTED_SQL_CODE,
    )
