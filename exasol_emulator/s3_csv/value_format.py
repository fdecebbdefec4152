"""How EXPORT writes one typed value as CSV text (before quoting).

Spellings follow what real Exasol exports (runtime notes §6, from pyexasol's tests against a real database):
BOOLEAN ``1``/``0``; DATE ``YYYY-MM-DD``; TIMESTAMP ``YYYY-MM-DD HH:MI:SS.ffffff`` (six digits); DECIMAL in
plain notation without trailing zeros, leading zero kept (``0.7``, ``100``, ``-12.5``). DOUBLE is not pinned
down by any evidence; the emulator writes Python's shortest round-trip ``repr`` (``0.1``, ``1e-05``,
``1e+16``), which every CSV reader, Exasol's IMPORT included, parses back to the same double. NaN and
infinity cannot be stored in Exasol, so meeting one is a fault, not something to spell.
"""

from __future__ import annotations

import datetime
import math
from decimal import Decimal

from exasol_emulator.s3_csv.errors import CsvTransferError
from exasol_emulator.s3_csv.sql_types import DECIMAL_CONTEXT, ColumnType, Kind


def format_value(value: object, column: ColumnType) -> str:
    """The CSV text of a non-NULL value of ``column``'s type; CsvTransferError if it does not fit the type."""
    formatter = _FORMATTERS[column.kind]
    text = formatter(value)
    if text is None:
        raise CsvTransferError(
            f"value {value!r} of Python type {type(value).__name__} cannot be exported as {column.text}"
        )
    return text


def format_decimal(value: Decimal) -> str:
    """Plain notation, no exponent, no trailing zeros after the point, ``0`` for any zero."""
    if value == 0:
        return "0"
    return format(value.normalize(DECIMAL_CONTEXT), "f")


def _decimal(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal) and value.is_finite():
        return format_decimal(value)
    if isinstance(value, float) and math.isfinite(value):
        return format_decimal(Decimal(repr(value)))
    return None


def _double(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    number = float(value)
    return repr(number) if math.isfinite(number) else None


def _boolean(value: object) -> str | None:
    return ("1" if value else "0") if isinstance(value, bool) else None


def _date(value: object) -> str | None:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    return None


def _timestamp(value: object) -> str | None:
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        value = datetime.datetime(value.year, value.month, value.day)
    if isinstance(value, datetime.datetime):
        return (f"{value.year:04d}-{value.month:02d}-{value.day:02d} "
                f"{value.hour:02d}:{value.minute:02d}:{value.second:02d}.{value.microsecond:06d}")
    return None


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


_FORMATTERS = {
    Kind.DECIMAL: _decimal,
    Kind.DOUBLE: _double,
    Kind.BOOLEAN: _boolean,
    Kind.DATE: _date,
    Kind.TIMESTAMP: _timestamp,
    Kind.VARCHAR: _text,
    Kind.CHAR: _text,
}
