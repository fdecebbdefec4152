"""How IMPORT turns one CSV field into a value of the target column's type.

Results are the UDF-interface types the rest of the emulator uses: ``int`` for DECIMAL(p,0), ``Decimal``
quantized to the column scale otherwise, ``float``, ``bool``, ``date``, ``datetime``, ``str``. A value that does
not fit raises ``BadValue``; the caller adds file, row and column, which only it knows.

Accepted spellings: BOOLEAN ``1 0 T F TRUE FALSE`` (any case); DATE ``YYYY-MM-DD``; TIMESTAMP
``YYYY-MM-DD HH:MI:SS[.f…]`` (up to 9 fraction digits; digits beyond the column precision are cut, as are
those beyond microseconds) or a bare date; numbers in plain or exponent notation. DECIMAL rounds half up to
the column scale and fails if the integer part needs more than precision − scale digits. Spaces around
non-string values are ignored [inf: Exasol's typed parsing is lenient here]; strings are taken verbatim.
"""

from __future__ import annotations

import datetime
import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sme_local.exasol.s3_csv.sql_types import DECIMAL_CONTEXT, ColumnType, Kind

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TIMESTAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?)?")
_BOOLEANS = {"1": True, "T": True, "TRUE": True, "0": False, "F": False, "FALSE": False}


class BadValue(Exception):
    """The text is no valid value of the column type; ``reason`` reads like Exasol's cast error."""

    def __init__(self, reason: str, truncation: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.truncation = truncation


def parse_value(text: str, column: ColumnType) -> object:
    """The typed value of a non-NULL field."""
    if column.kind in (Kind.VARCHAR, Kind.CHAR):
        return _text(text, column)
    return _PARSERS[column.kind](text.strip(), column)


def _text(text: str, column: ColumnType) -> str:
    if len(text) > column.size:
        raise BadValue(f"String data right truncation. Length of value is {len(text)}, "
                       f"maximum length of {column.text} is {column.size}", truncation=True)
    if column.ascii_only and not text.isascii():
        raise BadValue(f"non-ASCII character in value for {column.text}")
    return text


def _decimal(text: str, column: ColumnType) -> int | Decimal:
    if not _NUMBER.fullmatch(text):
        raise BadValue("invalid character value for cast")
    try:
        number = Decimal(text).quantize(Decimal(1).scaleb(-column.scale), rounding=ROUND_HALF_UP,
                                        context=DECIMAL_CONTEXT)
    except InvalidOperation as error:  # exponent so large that quantize overflows
        raise BadValue(f"numeric value out of range for {column.text}") from error
    if number.adjusted() >= column.precision - column.scale:
        raise BadValue(f"numeric value out of range for {column.text}")
    if column.scale == 0:
        return int(number)
    return number


def _double(text: str, column: ColumnType) -> float:
    if not _NUMBER.fullmatch(text):
        raise BadValue("invalid character value for cast")
    number = float(text)
    if not math.isfinite(number):
        raise BadValue(f"numeric value out of range for {column.text}")
    return number


def _boolean(text: str, column: ColumnType) -> bool:
    try:
        return _BOOLEANS[text.upper()]
    except KeyError:
        raise BadValue("invalid character value for cast to BOOLEAN") from None


def _date(text: str, column: ColumnType) -> datetime.date:
    match = _DATE.fullmatch(text)
    if match is None:
        raise BadValue("invalid value for DATE, expected format YYYY-MM-DD")
    try:
        return datetime.date(*(int(group) for group in match.groups()))
    except ValueError as error:
        raise BadValue(f"invalid DATE: {error}") from error


def _timestamp(text: str, column: ColumnType) -> datetime.datetime:
    match = _TIMESTAMP.fullmatch(text)
    if match is None:
        raise BadValue("invalid value for TIMESTAMP, expected format YYYY-MM-DD HH24:MI:SS.FF6")
    year, month, day, hour, minute, second, fraction = match.groups()
    digits = min(column.precision, 6)
    kept = (fraction or "")[:digits].ljust(6, "0")
    try:
        return datetime.datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                                 int(second or 0), int(kept))
    except ValueError as error:
        raise BadValue(f"invalid TIMESTAMP: {error}") from error


_PARSERS = {
    Kind.DECIMAL: _decimal,
    Kind.DOUBLE: _double,
    Kind.BOOLEAN: _boolean,
    Kind.DATE: _date,
    Kind.TIMESTAMP: _timestamp,
}
