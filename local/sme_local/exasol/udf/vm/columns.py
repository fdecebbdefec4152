"""Column batches: how a group's input and a VM's output cross the process boundary in bulk.

Per-row tuples made every value a pickled Python object and every row a Python-level step on both sides; a
million rows cost seconds before a UDF ran. A batch is instead ``(row_count, [column, ...])`` and a column is
``(kind, data, nulls)``: fixed-width kinds carry one ``bytes`` buffer (native byte order, both ends are the same
machine) that numpy maps without a copy and the stdlib ``array`` module decodes in C; ``nulls`` is ``None`` or
one byte per row (1 = NULL, the data byte/word under it is 0). Variable-width kinds carry a list.

Only builtins travel (the worker may have neither numpy nor the emulator's classes). The ``kind`` alone fixes
the Python type a UDF receives, so both sides agree on Exasol's value types without looking at SQL types:

======== =========================== ==================================
kind     data                        Python value
======== =========================== ==================================
int64    int64 buffer                ``int`` (DECIMAL(p<=18,0))
float64  float64 buffer              ``float`` (DOUBLE)
bool     uint8 buffer (0/1)          ``bool``
date     int32 buffer, days since    ``datetime.date``
         1970-01-01
timestamp int64 buffer, microseconds ``datetime.datetime`` (naive)
         since 1970-01-01 00:00
decimal  list of exact decimal text  ``decimal.Decimal``
string   list of str                 ``str``
object   list of Python values       the values themselves (e.g. ints beyond int64)
======== =========================== ==================================

In list kinds NULL is ``None`` inside the list and ``nulls`` is ``None``.
"""

from __future__ import annotations

import datetime
import decimal
import itertools
import operator
from array import array
from typing import Any, Sequence

Column = tuple  # (kind, data, nulls)
Batch = tuple  # (row_count, [Column, ...])

INT64 = "int64"
FLOAT64 = "float64"
BOOL = "bool"
DATE = "date"
TIMESTAMP = "timestamp"
DECIMAL = "decimal"
STRING = "string"
OBJECT = "object"

# array typecodes of the fixed-width kinds (sizes checked at import: 'q' 8, 'd' 8, 'B' 1, 'i' 4 bytes)
BUFFER_CODES = {INT64: "q", FLOAT64: "d", BOOL: "B", DATE: "i", TIMESTAMP: "q"}
# numpy dtype names of the same buffers, for the sides that have numpy
NUMPY_DTYPES = {INT64: "int64", FLOAT64: "float64", BOOL: "uint8", DATE: "int32", TIMESTAMP: "int64"}
LIST_KINDS = (DECIMAL, STRING, OBJECT)
# the exact Python type each typed kind holds (``object`` holds anything)
PYTHON_TYPES = {INT64: int, FLOAT64: float, BOOL: bool, DATE: datetime.date, TIMESTAMP: datetime.datetime,
                DECIMAL: decimal.Decimal, STRING: str}

EPOCH_DATE_ORDINAL = datetime.date(1970, 1, 1).toordinal()
EPOCH = datetime.datetime(1970, 1, 1)
_ONE_MICROSECOND = datetime.timedelta(microseconds=1)
_INT64_RANGE = (-(2**63), 2**63 - 1)
_INT32_RANGE = (-(2**31), 2**31 - 1)

for _kind, _code in BUFFER_CODES.items():
    assert array(_code).itemsize == {"q": 8, "d": 8, "B": 1, "i": 4}[_code], (_kind, _code)


def kind_of_sql_type(kind: str, scale: int | None = None, precision: int | None = None) -> str:
    """The wire kind for an Exasol base type (``SqlType.kind`` spelling) — one place for both directions."""
    if kind == "DECIMAL":
        if scale:
            return DECIMAL
        return INT64 if precision is not None and precision <= 18 else OBJECT
    return {"DOUBLE": FLOAT64, "BOOLEAN": BOOL, "VARCHAR": STRING, "CHAR": STRING, "DATE": DATE,
            "TIMESTAMP": TIMESTAMP}[kind]


def encode_values(kind: str, values: Sequence[Any]) -> Column:
    """Encode Python values as ``kind``; values that do not all have the kind's exact type (or are out of its
    range) are sent as ``object`` instead, so whatever the caller had arrives unchanged."""
    wanted = PYTHON_TYPES.get(kind)
    if wanted is None or not set(map(type, values)) <= {wanted, type(None)}:
        return (OBJECT, list(values), None)
    if kind == DECIMAL:
        return (kind, map_present(str, values), None)
    if kind in LIST_KINDS:
        return (kind, list(values), None)
    present = [value for value in values if value is not None]
    if kind == DATE:
        present = [value.toordinal() - EPOCH_DATE_ORDINAL for value in present]
    elif kind == TIMESTAMP:
        if any(value.tzinfo is not None or value.fold for value in present):  # not representable as micros
            return (OBJECT, list(values), None)
        present = [(value - EPOCH) // _ONE_MICROSECOND for value in present]
    low, high = _INT32_RANGE if kind == DATE else _INT64_RANGE
    if kind in (INT64, DATE, TIMESTAMP) and present and not low <= min(present) <= max(present) <= high:
        return (OBJECT, list(values), None)
    if len(present) == len(values):
        return (kind, array(BUFFER_CODES[kind], present).tobytes(), None)
    filled = iter(present)
    data = array(BUFFER_CODES[kind], [0 if value is None else next(filled) for value in values])
    return (kind, data.tobytes(), bytes(value is None for value in values))


def decode_values(column: Column) -> list:
    """The column as a list of Exasol's Python UDF values (None for NULL)."""
    kind, data, nulls = column
    if kind in LIST_KINDS:
        return map_present(decimal.Decimal, data) if kind == DECIMAL else list(data)
    numbers = array(BUFFER_CODES[kind])
    numbers.frombytes(data)
    if kind == BOOL:
        values: list = list(map(bool, numbers))
    elif kind == DATE:
        fromordinal = datetime.date.fromordinal
        values = [fromordinal(EPOCH_DATE_ORDINAL + days) for days in numbers]
    elif kind == TIMESTAMP:
        values = [EPOCH + datetime.timedelta(microseconds=micros) for micros in numbers]
    else:
        values = numbers.tolist()
    if nulls is not None:
        position = nulls.find(1)
        while position >= 0:
            values[position] = None
            position = nulls.find(1, position + 1)
    return values


def map_present(function: Any, values: Sequence[Any]) -> list:
    """``function`` applied to every value but None (which stays None), looping in C when there is no None."""
    if not any(map(operator.is_, values, itertools.repeat(None))):  # ``None in`` would call each __eq__
        return list(map(function, values))
    return [None if value is None else function(value) for value in values]


def encode_rows(kinds: Sequence[str], rows: Sequence[Sequence[Any]]) -> Batch:
    """Row tuples (the executor's row API) as a batch; ``kinds`` has one entry per column."""
    columns = list(zip(*rows)) if rows else [() for _ in kinds]
    return (len(rows), [encode_values(kind, values) for kind, values in zip(kinds, columns)])


def decode_rows(batch: Batch) -> list[tuple]:
    row_count, columns = batch
    if not columns:
        return [() for _ in range(row_count)]
    return list(zip(*(decode_values(column) for column in columns)))
