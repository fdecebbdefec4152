"""Statement results inside the emulator, and their encoding as WebSocket API values.

Inside the emulator (Lua ``query()``, UDF input, system tables) values are Exasol's Python UDF types: ``int``
for DECIMAL(p,0), ``decimal.Decimal``, ``float``, ``bool``, ``str``, ``datetime.date``, ``datetime.datetime`` or
``None``. On the wire (runtime notes §1.4) DECIMAL(p<=18,0) is a JSON number, every other DECIMAL a string in
plain notation without trailing zeros, DATE ``YYYY-MM-DD``, TIMESTAMP with six fraction digits.
"""

from __future__ import annotations

import datetime
import decimal
from dataclasses import dataclass
from typing import Any, Callable

from sme_local.exasol.catalog.types import ExaType

MAX_JSON_INTEGER_PRECISION = 18


@dataclass
class QueryResult:
    columns: list[tuple[str, ExaType]]
    rows: list[tuple]


@dataclass
class RowCountResult:
    count: int


Result = QueryResult | RowCountResult


def decimal_text(value: decimal.Decimal | int) -> str:
    """Plain notation, no exponent, no trailing fraction zeros (``0.70000`` → ``0.7``, ``5.00`` → ``5``)."""
    if isinstance(value, int):
        return str(value)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _timestamp_encoder(precision: int) -> Callable[[Any], Any]:
    """Exasol's wire text: year zero-padded to four digits (``0001-01-01 …``; strftime would give ``1-01-01``
    on Linux), always six fraction digits, the digits beyond the column's precision zero (TIMESTAMP(3) keeps
    milliseconds)."""
    unit = 10 ** (6 - max(0, min(precision, 6)))

    def encode(value: datetime.datetime | None) -> str | None:
        if value is None:
            return None
        micros = value.microsecond // unit * unit
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d} {value.hour:02d}:{value.minute:02d}:" \
               f"{value.second:02d}.{micros:06d}"

    return encode


def _identity(value: Any) -> Any:
    return value


def wire_encoder(exa_type: ExaType) -> Callable[[Any], Any]:
    """A function turning one emulator value of ``exa_type`` into its JSON value (``None`` stays ``null``)."""
    if exa_type.name == "DECIMAL":
        if exa_type.scale == 0 and exa_type.precision <= MAX_JSON_INTEGER_PRECISION:
            return lambda v: None if v is None else int(v)
        return lambda v: None if v is None else decimal_text(v)
    if exa_type.name == "DATE":
        return lambda v: None if v is None else f"{v.year:04d}-{v.month:02d}-{v.day:02d}"
    if exa_type.name.startswith("TIMESTAMP"):
        return _timestamp_encoder(exa_type.precision)
    if exa_type.name == "DOUBLE":
        return lambda v: None if v is None else float(v)
    return _identity


def column_major(rows: list[tuple], columns: list[tuple[str, ExaType]]) -> list[list[Any]]:
    """Rows → the API's column-major ``data`` arrays, each value wire-encoded."""
    encoders = [wire_encoder(exa_type) for _, exa_type in columns]
    if not rows:
        return [[] for _ in columns]
    data = []
    for encoder, values in zip(encoders, zip(*rows)):
        data.append(list(values) if encoder is _identity else [encoder(v) for v in values])
    return data


def udf_value(value: Any, exa_type: ExaType) -> Any:
    """DuckDB returns Decimal for every DECIMAL; UDFs and Lua see ``int`` when the scale is 0."""
    if value is not None and exa_type.is_integral and isinstance(value, decimal.Decimal):
        return int(value)
    return value
