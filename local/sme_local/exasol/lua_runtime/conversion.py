"""Values between the core's Python types and Lua.

Into Lua (query results, script arguments): int stays an integer, Decimal and float become numbers, bool a
boolean, str a string, DATE ``YYYY-MM-DD`` and TIMESTAMP ``YYYY-MM-DD HH:MI:SS.FFFFFF`` strings (Exasol's
default formats), None the ``null`` sentinel. Out of Lua (script results): each value is checked against its
column's COLUMN_TYPE and turned into the Python type the core expects, so a wrong value fails here with a
clear message instead of corrupting the result set.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from sme_local.exasol.catalog.types import parse_exa_type
from sme_local.exasol.sql.errors import SqlError

from .sql_parameters import SQL_NULL

_INT64 = range(-(2**63), 2**63)
_TIMESTAMP_FORMATS = ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S")


class ResultValueError(ValueError):
    """A value a script returned does not fit its declared column."""


def to_lua(value: Any) -> Any:
    """The Lua representation of one value coming from a statement result or a script argument."""
    if value is None:
        return SQL_NULL
    if isinstance(value, bool | str | float):
        return value
    if isinstance(value, int):
        return value if value in _INT64 else float(value)
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"no Lua representation for {type(value).__name__}")


def from_lua(value: Any, sql_type: str) -> Any:
    """The core's Python value for a Lua result value of a column typed ``sql_type``."""
    if value is None:
        return None
    try:
        exa_type = parse_exa_type(sql_type)
    except SqlError:
        raise ResultValueError(f"scripts cannot return values of type {sql_type}") from None
    if exa_type.name == "BOOLEAN":
        return _expect(value, bool, sql_type)
    if exa_type.name == "DOUBLE":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _mismatch(value, sql_type)
        return float(value)
    if exa_type.name == "DATE":
        return _parse_temporal(value, sql_type, lambda s: datetime.date.fromisoformat(s))
    if exa_type.name.startswith("TIMESTAMP"):
        return _parse_temporal(value, sql_type, _parse_timestamp)
    if exa_type.name == "DECIMAL":
        return _to_decimal(value, exa_type.precision, exa_type.scale, sql_type)
    if exa_type.name in ("VARCHAR", "CHAR"):
        text = _expect(value, str, sql_type)
        if len(text) > exa_type.size:
            raise ResultValueError(f"the string {text[:40]!r} is too long for {sql_type}")
        return text
    raise ResultValueError(f"scripts cannot return values of type {sql_type}")


def _expect(value: Any, kind: type, sql_type: str) -> Any:
    if type(value) is not kind:
        raise _mismatch(value, sql_type)
    return value


def _mismatch(value: Any, sql_type: str) -> ResultValueError:
    return ResultValueError(f"the value {value!r} cannot be stored in a {sql_type} column")


def _parse_temporal(value: Any, sql_type: str, parse: Any) -> Any:
    try:
        return parse(_expect(value, str, sql_type))
    except ValueError:
        raise _mismatch(value, sql_type) from None


def _parse_timestamp(text: str) -> datetime.datetime:
    for pattern in _TIMESTAMP_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise ValueError(text)


def _to_decimal(value: Any, precision: int, scale: int, sql_type: str) -> int | decimal.Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _mismatch(value, sql_type)
    if isinstance(value, float) and not value.is_integer() and scale == 0:
        raise _mismatch(value, sql_type)
    number = decimal.Decimal(value) if isinstance(value, int) else decimal.Decimal(repr(value))
    if not number.is_finite():
        raise _mismatch(value, sql_type)
    with decimal.localcontext(prec=80):
        quantized = number.quantize(decimal.Decimal(1).scaleb(-scale), rounding=decimal.ROUND_HALF_UP)
    if abs(quantized) >= decimal.Decimal(10) ** (precision - scale):
        raise ResultValueError(f"the value {value!r} does not fit into {sql_type}")
    return int(quantized) if scale == 0 else quantized
