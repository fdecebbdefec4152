"""``ctx.get_dataframe``: the frame Exasol's client returns, built column by column from the group's buffers.

The client hands pandas a list of row lists of Python values, i.e. ``pandas.DataFrame(rows, columns=names)``,
and the UDF sees whatever pandas infers per column. Building that list costs a Python object per value, so the
frame is built from the buffers instead, reproducing pandas' per-column inference for the values a kind can
hold (checked against the list-of-rows construction by the tests):

- int64: ``int64``; with a NULL ``float64`` (NaN); all NULL ``object`` (None) — the last rule holds for every
  kind.
- float64: ``float64`` (NULL → NaN).
- bool: ``bool``; with a NULL ``object`` (True/False/None).
- date, decimal, string: ``object`` holding ``date`` / ``Decimal`` / ``str`` and None.
- timestamp: ``datetime64[ns]`` (NaT) when every value fits nanoseconds, else ``object`` (datetime/None).
- object, and string when pandas is set to infer its string dtype: pandas' own inference on the values.
"""

from __future__ import annotations

from typing import Any

from .columns import BOOL, DATE, DECIMAL, FLOAT64, INT64, NUMPY_DTYPES, OBJECT, STRING, TIMESTAMP, Column, map_present
from .input_group import InputGroup

_NAT = -(2**63)
# microseconds whose nanosecond count fits datetime64[ns] (NaT, the smallest int64, excluded)
_NS_MICROS = (-((2**63 - 1) // 1000), (2**63 - 1) // 1000)


def build_dataframe(group: InputGroup, start: int, stop: int, start_col: int, names: list[str]) -> Any:
    """Rows ``start:stop`` of the columns from ``start_col`` on, as ``get_dataframe`` returns them."""
    import numpy
    import pandas

    infer_strings = _pandas_infers_strings(pandas)
    columns, offset = group.window(start, stop)
    arrays = {
        position: _frame_column(columns[index], offset, offset + stop - start, infer_strings, numpy, pandas)
        for position, index in enumerate(range(start_col, len(columns)))
    }
    frame = pandas.DataFrame(arrays, index=pandas.RangeIndex(stop - start))
    frame.columns = list(names)
    return frame


def _pandas_infers_strings(pandas: Any) -> bool:
    try:
        return bool(pandas.get_option("future.infer_string"))
    except (KeyError, AttributeError):  # pandas' OptionError is both; older pandas lack the option
        return False


def _frame_column(column: Column, start: int, stop: int, infer_strings: bool, numpy: Any, pandas: Any) -> Any:
    kind, data, nulls = column
    if kind == OBJECT or (kind == STRING and infer_strings):
        return _inferred(data[start:stop], pandas)
    if kind in (STRING, DECIMAL):
        values = data[start:stop] if kind == STRING else _decimals(data[start:stop])
        return _objects(values, numpy)
    buffer = numpy.frombuffer(data, dtype=NUMPY_DTYPES[kind])[start:stop]
    mask = None if nulls is None else numpy.frombuffer(nulls, dtype=numpy.uint8)[start:stop].astype(bool)
    if mask is not None and not mask.any():
        mask = None
    if mask is not None and mask.all():
        return numpy.full(len(buffer), None, dtype=object)
    if kind == INT64:
        return buffer.copy() if mask is None else _with_nan(buffer.astype(numpy.float64), mask, numpy)
    if kind == FLOAT64:
        return buffer.copy() if mask is None else _with_nan(buffer.copy(), mask, numpy)
    if kind == BOOL:
        flags = buffer.astype(bool)
        return flags if mask is None else _with_none(flags.astype(object), mask)
    if kind == DATE:
        return _with_none(buffer.astype("datetime64[D]").astype(object), mask)
    if kind == TIMESTAMP:
        return _timestamps(buffer, mask, numpy)
    raise AssertionError(f"unknown column kind {kind!r}")


def _timestamps(micros: Any, mask: Any, numpy: Any) -> Any:
    present = micros if mask is None else micros[~mask]
    if _NS_MICROS[0] <= present.min() and present.max() <= _NS_MICROS[1]:
        nanos = micros * 1000
        if mask is not None:
            nanos[mask] = _NAT
        return nanos.view("datetime64[ns]")
    return _with_none(micros.astype("datetime64[us]").astype(object), mask)


def _with_nan(values: Any, mask: Any, numpy: Any) -> Any:
    values[mask] = numpy.nan
    return values


def _with_none(values: Any, mask: Any) -> Any:
    if mask is not None:
        values[mask] = None
    return values


def _objects(values: list, numpy: Any) -> Any:
    array = numpy.empty(len(values), dtype=object)
    array[:] = values
    return array


def _decimals(texts: list) -> list:
    import decimal

    return map_present(decimal.Decimal, texts)


def _inferred(values: list, pandas: Any) -> Any:
    """pandas' inference for one column of a list-of-rows frame (it infers each column on its own)."""
    return pandas.DataFrame([[value] for value in values]).iloc[:, 0]
