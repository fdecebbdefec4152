"""How EXPORT writes one typed value as CSV text (before quoting).

Spellings follow what real Exasol exports (runtime notes §6, from pyexasol's tests against a real database):
BOOLEAN ``1``/``0``; DATE ``YYYY-MM-DD``; TIMESTAMP ``YYYY-MM-DD HH:MI:SS.ffffff`` (six digits); DECIMAL in
plain notation without trailing zeros, leading zero kept (``0.7``, ``100``, ``-12.5``). DOUBLE is not pinned
down by any evidence; the emulator writes Python's shortest round-trip ``repr`` (``0.1``, ``1e-05``,
``1e+16``), which every CSV reader, Exasol's IMPORT included, parses back to the same double. NaN and
infinity cannot be stored in Exasol, so meeting one is a fault, not something to spell.

Those spellings are the session defaults. Exasol's EXPORT writes DATE and TIMESTAMP in the session's
NLS_DATE_FORMAT / NLS_TIMESTAMP_FORMAT when no column FORMAT is given (docs "Format Models"), and numbers with the
decimal character of NLS_NUMERIC_CHARACTERS (inferred), so ``ValueStyle`` carries those three settings.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Sequence

from sme_local.exasol.catalog.parameters import NLS_DEFAULTS
from sme_local.exasol.s3_csv.errors import CsvTransferError
from sme_local.exasol.s3_csv.sql_types import DECIMAL_CONTEXT, ColumnType, Kind


# Date/time format model elements the emulator can write; anything else in a format is refused (E-EMU-2).
_ELEMENTS: dict[str, Callable[[datetime.datetime], str]] = {
    "YYYY": lambda t: f"{t.year:04d}", "MM": lambda t: f"{t.month:02d}", "DD": lambda t: f"{t.day:02d}",
    "HH24": lambda t: f"{t.hour:02d}", "MI": lambda t: f"{t.minute:02d}", "SS": lambda t: f"{t.second:02d}",
    **{f"FF{n}": (lambda n: lambda t: f"{t.microsecond:06d}{'0' * 3}"[:n])(n) for n in range(1, 10)},
}
_TOKEN = re.compile(r"FF[1-9]|HH24|YYYY|MM|DD|MI|SS|[-/.:, T]")


def parse_datetime_format(model: str) -> list[str]:
    """The tokens of a date/time format model; ValueError naming the first element the emulator cannot write."""
    tokens, position, upper = [], 0, model.upper()
    while position < len(upper):
        match = _TOKEN.match(upper, position)
        if match is None:
            raise ValueError(f"the format element at {model[position:]!r}")
        tokens.append(match.group())
        position = match.end()
    return tokens


@dataclass(frozen=True)
class ValueStyle:
    """The session settings EXPORT formats with: NLS_NUMERIC_CHARACTERS' decimal character and the date formats."""

    decimal_character: str = NLS_DEFAULTS["NLS_NUMERIC_CHARACTERS"][0]
    date_format: str = NLS_DEFAULTS["NLS_DATE_FORMAT"]
    timestamp_format: str = NLS_DEFAULTS["NLS_TIMESTAMP_FORMAT"]

    @classmethod
    def from_parameters(cls, parameters: dict[str, str]) -> "ValueStyle":
        merged = {**NLS_DEFAULTS, **{k: v for k, v in parameters.items() if v}}
        return cls(merged["NLS_NUMERIC_CHARACTERS"][0], merged["NLS_DATE_FORMAT"], merged["NLS_TIMESTAMP_FORMAT"])


DEFAULT_STYLE = ValueStyle()


def _apply_format(moment: datetime.datetime, model: str) -> str:
    return "".join(_ELEMENTS[token](moment) if token in _ELEMENTS else token for token in parse_datetime_format(model))


def format_value(value: object, column: ColumnType, style: ValueStyle = DEFAULT_STYLE) -> str:
    """The CSV text of a non-NULL value of ``column``'s type; CsvTransferError if it does not fit the type."""
    formatter = _FORMATTERS[column.kind]
    text = formatter(value)
    if text is None:
        raise CsvTransferError(
            f"value {value!r} of Python type {type(value).__name__} cannot be exported as {column.text}"
        )
    if style == DEFAULT_STYLE:
        return text
    if column.kind in (Kind.DECIMAL, Kind.DOUBLE):
        return text.replace(".", style.decimal_character)
    if column.kind is Kind.DATE:
        return _apply_format(datetime.datetime.fromisoformat(text), style.date_format)
    if column.kind is Kind.TIMESTAMP:
        return _apply_format(datetime.datetime.fromisoformat(text), style.timestamp_format)
    return text


def format_column(values: Sequence[object], column: ColumnType, style: ValueStyle = DEFAULT_STYLE) -> list[str | None]:
    """``format_value`` for a whole column (None stays None). EXPORT formats millions of values, so the common
    cases take one C-level step per value: DOUBLE columns of floats (``float.__repr__``), integral DECIMALs of
    ints (``int.__repr__``) and strings in the default style. Anything else, including a value that fails, goes
    through ``format_value``, which raises the same error as for a single value."""
    fast = _FAST_FORMATTERS.get(column.kind) if style == DEFAULT_STYLE else None
    if fast is not None and set(map(type, values)) <= {fast[0], type(None)}:
        texts = (list(map(fast[1], values)) if None not in values
                 else [None if value is None else fast[1](value) for value in values])
        if column.kind is not Kind.DOUBLE or not _NON_FINITE.intersection(texts):
            return texts
    return [None if value is None else format_value(value, column, style) for value in values]


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


# kind -> (the only Python type the fast path takes, its formatter); bool is no int here: type() is exact.
_FAST_FORMATTERS: dict[Kind, tuple[type, Callable[[object], str]]] = {
    Kind.DOUBLE: (float, float.__repr__),
    Kind.DECIMAL: (int, int.__repr__),
    Kind.VARCHAR: (str, str.__str__),
    Kind.CHAR: (str, str.__str__),
}
_NON_FINITE = {"nan", "inf", "-inf"}

_FORMATTERS = {
    Kind.DECIMAL: _decimal,
    Kind.DOUBLE: _double,
    Kind.BOOLEAN: _boolean,
    Kind.DATE: _date,
    Kind.TIMESTAMP: _timestamp,
    Kind.VARCHAR: _text,
    Kind.CHAR: _text,
}
