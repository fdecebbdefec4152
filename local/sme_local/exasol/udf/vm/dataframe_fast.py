"""Vectorised emit(DataFrame) conversions: the per-value rules of ``dataframes``, one numpy operation per column.

Each function returns the finished output column, or None when the column must go value by value: because
some value is refused (the per-value path then raises Exasol's exact error for the first such row), or because
the case is rare enough not to be worth a second implementation (NUMERIC targets, CHAR padding, pandas
Timestamps in object columns, mixed Python types). A fast result is never different from the per-value one —
the tests compare both on generated frames.

The dtype-level refusals (wrong dtype for the column's type) happen before these functions are called.
"""

from __future__ import annotations

import datetime
import decimal
import itertools
from typing import Any

from .columns import (
    BOOL,
    DATE,
    EPOCH_DATE_ORDINAL,
    FLOAT64,
    INT64,
    NUMPY_DTYPES,
    STRING,
    TIMESTAMP,
    Column,
    encode_values,
)
from .values import ColumnStore

_NAT = -(2**63)
_INTEGER_SLOTS = ("INT32", "INT64")
_OBJECT_TYPES = {"int": int, "float": float, "bool": bool, "str": str, "datetime.date": datetime.date,
                 "decimal.Decimal": decimal.Decimal}


def numpy_column(array: Any, store: ColumnStore, numpy: Any) -> Column | None:
    """A column of a numpy int, float, bool or datetime64[ns] dtype."""
    slot = store.sql_type.slot
    if array.dtype.kind in "iu":
        if slot in _INTEGER_SLOTS:
            return _integers(array, store.sql_type.precision, numpy)
        if slot == "DOUBLE":
            return _wire(FLOAT64, array.astype(numpy.float64), None, numpy)
        return None
    if array.dtype.kind == "f":
        values = array.astype(numpy.float64)
        nulls = numpy.isnan(values)
        if slot == "DOUBLE":
            return None if numpy.isinf(values).any() else _wire(FLOAT64, values, nulls, numpy)
        if slot in _INTEGER_SLOTS:
            return _truncated(values, nulls, store.sql_type.precision, numpy)
        return None
    if array.dtype.kind == "b":
        return _wire(BOOL, array, None, numpy)
    if array.dtype == numpy.dtype("datetime64[ns]"):
        nanos = array.view(numpy.int64)
        micros = nanos // 1000  # to_pydatetime() floors to microseconds, also before 1970
        return _wire(TIMESTAMP, micros - micros % _kept_micros(store), nanos == _NAT, numpy)
    return None


def object_column(python_kind: str, array: Any, nulls: Any, store: ColumnStore, numpy: Any) -> Column | None:
    """An object column (``array``, None where ``nulls``) whose first non-None value has type ``python_kind``
    (``_object_column_kind``). Only columns holding that one exact type (and None) are vectorised."""
    slot = store.sql_type.slot
    if python_kind == "NoneType":
        return encode_values(store.wire_kind, array.tolist())
    present_types = set(map(type, array))
    present_types.discard(type(None))
    if present_types != {_OBJECT_TYPES.get(python_kind)}:
        return None
    has_nulls = bool(nulls.any())
    if python_kind == "decimal.Decimal" and slot == "NUMERIC":
        return _numerics(array, nulls, has_nulls, store)
    if python_kind == "int" and (slot in _INTEGER_SLOTS or slot == "DOUBLE"):
        try:
            numbers = _filled(array, nulls, has_nulls, 0).astype(numpy.int64)
        except OverflowError:
            return None
        if slot == "DOUBLE":
            return _wire(FLOAT64, numbers.astype(numpy.float64), nulls, numpy)
        return _integers(numbers, store.sql_type.precision, numpy, nulls)
    if python_kind == "float" and (slot in _INTEGER_SLOTS or slot == "DOUBLE"):
        numbers = _filled(array, nulls, has_nulls, 0.0).astype(numpy.float64)
        if slot == "DOUBLE":  # NaN is refused here: only None means NULL in an object column
            return _wire(FLOAT64, numbers, nulls, numpy) if numpy.isfinite(numbers).all() else None
        return _truncated(numbers, nulls | numpy.isnan(numbers), store.sql_type.precision, numpy)
    if python_kind == "bool" and slot == "BOOLEAN":
        return _wire(BOOL, _filled(array, nulls, has_nulls, False).astype(bool), nulls, numpy)
    if python_kind == "str" and slot == "STRING" and store.sql_type.kind == "VARCHAR":
        longest = max(map(len, array[~nulls] if has_nulls else array), default=0)
        return (STRING, array.tolist(), None) if longest <= store.sql_type.length else None
    if python_kind == "datetime.date" and slot == "DATE":
        dates = _filled(array, nulls, has_nulls, datetime.date.fromordinal(EPOCH_DATE_ORDINAL))
        days = numpy.fromiter(map(datetime.date.toordinal, dates), dtype=numpy.int64, count=len(dates))
        return _wire(DATE, days - EPOCH_DATE_ORDINAL, nulls, numpy)
    return None


def _filled(array: Any, nulls: Any, has_nulls: bool, filler: Any) -> Any:
    """The object array with ``filler`` in place of None, so that numpy can convert it in C."""
    if not has_nulls:
        return array
    filled = array.copy()
    filled[nulls] = filler
    return filled


def _numerics(array: Any, nulls: Any, has_nulls: bool, store: ColumnStore) -> Column | None:
    """Decimals into a NUMERIC column, with ``ColumnStore.numeric``'s result: a value passes iff quantizing
    it to the column's scale loses nothing and its integer part fits; the stored value is that quantized
    number (an int for scale 0). Cheaper than the text round trip the per-value rule takes, same outcome
    (only where the column's precision fits the decimal context, so that no step there can round)."""
    precision, scale = store.sql_type.precision, store.sql_type.scale
    if precision > decimal.getcontext().prec:
        return None
    quantum = decimal.Decimal(1).scaleb(-scale)
    limit = decimal.Decimal(1).scaleb(precision - scale)
    present = (array[~nulls] if has_nulls else array).tolist()
    try:
        if not all(map(decimal.Decimal.is_finite, present)):
            return None
        quantized = list(map(decimal.Decimal.quantize, present, itertools.repeat(quantum)))
        if quantized != present or max(map(decimal.Decimal.copy_abs, quantized), default=0) >= limit:
            return None
    except decimal.DecimalException:
        return None
    stored = quantized if scale else list(map(int, quantized))
    if has_nulls:
        stored_values = iter(stored)
        stored = [None if null else next(stored_values) for null in nulls.tolist()]
    return encode_values(store.wire_kind, stored)


def _integers(numbers: Any, precision: int, numpy: Any, nulls: Any = None) -> Column | None:
    """Integers into DECIMAL(p<=18,0): refused from p+1 digits on (``ColumnStore.integer``)."""
    bound = 10**precision
    if numbers.dtype == numpy.uint64:
        if (numbers >= bound).any():
            return None
        numbers = numbers.astype(numpy.int64)
    else:
        numbers = numbers.astype(numpy.int64)
        if ((numbers >= bound) | (numbers <= -bound)).any():
            return None
    return _wire(INT64, numbers, nulls, numpy)


def _truncated(values: Any, nulls: Any, precision: int, numpy: Any) -> Column | None:
    """Floats into DECIMAL(p<=18,0): ``int(value)`` truncates; infinity and too many digits are refused."""
    finite = numpy.isfinite(values)
    if (~finite & ~nulls).any():
        return None
    whole = numpy.trunc(numpy.where(nulls, 0.0, values))
    if (numpy.abs(whole) >= float(10**precision)).any():
        return None
    return _wire(INT64, whole.astype(numpy.int64), nulls, numpy)


def _kept_micros(store: ColumnStore) -> int:
    """TIMESTAMP(p) keeps p fractional digits (``ColumnStore.timestamp``)."""
    return 10 ** (6 - min(store.sql_type.length, 6))


def _wire(kind: str, data: Any, nulls: Any, numpy: Any) -> Column:
    if nulls is not None and nulls.any():
        data = data.copy()
        data[nulls] = 0
        null_bytes = nulls.astype(numpy.uint8).tobytes()
    else:
        null_bytes = None
    return (kind, numpy.ascontiguousarray(data, dtype=NUMPY_DTYPES[kind]).tobytes(), null_bytes)
