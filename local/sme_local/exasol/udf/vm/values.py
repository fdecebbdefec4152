"""How an emitted value becomes a column value: Exasol's exact ``ctx.emit`` type rules plus the database checks.

Two layers, mirroring the real client: ``emit_converter`` reproduces the Python-side dispatch of
``exascript_python_wrap.py`` (exact ``type(v)`` checks, so ``bool`` never counts as ``int`` and numpy scalars are
rejected with E-UDF-CL-SL-PYTHON-1098), and ``ColumnStore`` plays the database receiving the value through the
slot's setter (range, length and finiteness checks); its refusals surface as F-UDF-CL-SL-PYTHON-1099 after a
plain emit, just as ``out.checkException()`` messages do. The check texts after the 1099 prefix are the emulator's own wording.
"""

from __future__ import annotations

import datetime
import decimal
import math
from typing import Any, Callable

from .columns import kind_of_sql_type
from .sql_types import SqlType

TYPE_NAMES = {
    "DOUBLE": "float",
    "BOOLEAN": "bool",
    "INT32": "int",
    "INT64": "long",
    "STRING": "unicode",
    "NUMERIC": "decimal.Decimal",
    "DATE": "datetime.date",
    "TIMESTAMP": "datetime.datetime",
}
_MISMATCH_CODES = {
    int: 1091,
    float: 1092,
    bool: 1093,
    str: 1094,
    decimal.Decimal: 1095,
    datetime.date: 1096,
    datetime.datetime: 1097,
}


class StoreRefusal(Exception):
    """The database refused a value; the caller adds the client's error-code prefix for its path."""


class ColumnStore:
    """The database side of one output column: accepts a value through a slot setter or refuses it."""

    def __init__(self, name: str, sql_type: SqlType) -> None:
        self.name = name
        self.sql_type = sql_type
        # the batch kind (``columns``) in which the values this column accepts travel to the parent
        self.wire_kind = kind_of_sql_type(sql_type.kind, sql_type.scale, sql_type.precision)

    def _refuse(self, reason: str) -> StoreRefusal:
        return StoreRefusal(f"{reason} for column '{self.name}' of type {self.sql_type.text}")

    def integer(self, value: int) -> int:
        if len(str(abs(value))) > self.sql_type.precision:
            raise self._refuse(f"numeric value {value} out of range")
        return value

    def numeric(self, text: str) -> int | decimal.Decimal:
        """Like a setNumeric() call: a decimal string that must fit precision and scale without rounding."""
        try:
            number = decimal.Decimal(text.strip())
        except decimal.InvalidOperation:
            raise self._refuse(f"invalid numeric value {text!r}") from None
        if not number.is_finite():
            raise self._refuse(f"invalid numeric value {text!r}")
        scale, precision = self.sql_type.scale, self.sql_type.precision
        exponent = number.normalize().as_tuple().exponent
        if number and -exponent > scale:
            raise self._refuse(f"numeric value {text} has more than {scale} digits after the decimal point")
        digits_before_point = len(str(abs(int(number)))) if abs(number) >= 1 else 0
        if digits_before_point > precision - scale:
            raise self._refuse(f"numeric value {text} out of range")
        if scale == 0:
            return int(number)
        return number.quantize(decimal.Decimal(1).scaleb(-scale))

    def double(self, value: float) -> float:
        if not math.isfinite(value):
            raise self._refuse(f"invalid DOUBLE value {value!r} (Exasol stores no NaN or infinity)")
        return value

    def string(self, value: str) -> str:
        if len(value) > self.sql_type.length:
            raise self._refuse(f"string of length {len(value)} is too long")
        if self.sql_type.kind == "CHAR":
            return value.ljust(self.sql_type.length)
        return value

    def timestamp(self, value: datetime.datetime) -> datetime.datetime:
        if value.tzinfo is not None:
            raise self._refuse(f"timestamp with time zone {value.isoformat(' ')} cannot be stored")
        keep = 10 ** (6 - min(self.sql_type.length, 6))
        return value.replace(microsecond=value.microsecond - value.microsecond % keep)


def emit_converter(store: ColumnStore) -> Callable[[Any], Any]:
    """Build the per-column function ``ctx.emit`` applies to each value (dispatch on the exact Python type)."""
    slot = store.sql_type.slot
    integer_slot = slot in ("INT32", "INT64")

    def mismatch(value: Any) -> Any:
        code = _MISMATCH_CODES[type(value)]
        raise RuntimeError(
            f"E-UDF-CL-SL-PYTHON-{code}: emit column '{store.name}' is of type {TYPE_NAMES[slot]} "
            f"but data given have type {type(value)}"
        )

    def from_int(value: int) -> Any:
        if integer_slot:
            return store.integer(value)
        if slot == "NUMERIC":
            return store.numeric(str(value))
        if slot == "DOUBLE":
            return store.double(float(value))
        return mismatch(value)

    def from_float(value: float) -> Any:
        if slot == "DOUBLE":
            return store.double(value)
        if integer_slot:
            return store.integer(int(value))
        if slot == "NUMERIC":
            # The client hands str(v) to setInt64 here, which SWIG refuses: floats never reach NUMERIC columns.
            raise TypeError("in method 'ResultHandler_setInt64', argument 3 of type 'int64_t'")
        return mismatch(value)

    def from_decimal(value: decimal.Decimal) -> Any:
        if slot == "NUMERIC":
            return store.numeric(str(value))
        if integer_slot:
            return store.integer(int(value))
        if slot == "DOUBLE":
            return store.double(float(value))
        return mismatch(value)

    def only(wanted_slot: str, accept: Callable[[Any], Any]) -> Callable[[Any], Any]:
        return accept if slot == wanted_slot else mismatch

    handlers: dict[type, Callable[[Any], Any]] = {
        int: from_int,
        float: from_float,
        decimal.Decimal: from_decimal,
        bool: only("BOOLEAN", lambda value: value),
        str: only("STRING", store.string),
        datetime.date: only("DATE", lambda value: value),
        datetime.datetime: only("TIMESTAMP", store.timestamp),
    }

    def convert(value: Any) -> Any:
        if value is None:
            return None
        handler = handlers.get(type(value))
        if handler is None:
            raise RuntimeError(f"E-UDF-CL-SL-PYTHON-1098: data type {type(value)} is not supported")
        try:
            return handler(value)
        except StoreRefusal as refusal:
            raise RuntimeError(f"F-UDF-CL-SL-PYTHON-1099: {refusal}") from None

    return convert
