"""``ctx.emit(DataFrame)``: Exasol's pandas bridge (pyextdataframe) rebuilt in Python.

pandas is imported only when a UDF uses DataFrames, from whatever the worker's path offers — a language
container without pandas fails with ModuleNotFoundError exactly like Exasol would.

emit(DataFrame) follows the client's rules per column dtype: numpy ints, floats and bools take the fast path
(NaN → NULL for floats, float → DECIMAL(p<=18,0) truncates, float → other DECIMAL goes through the number's
``%f`` text); ``datetime64[ns]`` fills TIMESTAMP columns (NaT → NULL); object/string/arrow columns take the type
of their first non-missing value (int, float, Decimal, str, date, pandas Timestamp, None) and every value of the
column is handled as that type. Any other dtype — including pandas' nullable ``Int64`` — is refused, as upstream.

The rules are written here value by value; that is the reference and the path that words every error.
``dataframe_fast`` computes the same result a column at a time where it can, which is what keeps a million-row
emit from taking seconds.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any, Callable

from . import dataframe_fast
from .columns import Batch, Column, encode_values
from .values import ColumnStore, StoreRefusal

_NUMPY_INT_CODES = {"int64": 1058, "uint64": 1058, "int32": 1059, "uint32": 1059, "intc": 1059, "int": 1059,
                    "intp": 1058, "int16": 1060, "uint16": 1060, "int8": 1061, "uint8": 1061}
_NUMPY_FLOAT_CODES = {"float64": 1062, "double": 1062, "float32": 1063, "float": 1063, "float16": 1063,
                      "halffloat": 1063}
_OBJECT_DTYPES = {"object", "string", "string[python]", "string[pyarrow]", "boolean"}
_PY_KINDS = {"bool", "int", "float", "decimal.Decimal", "str", "datetime.date", "Timestamp"}


def dataframe_batch(frame: Any, stores: list[ColumnStore]) -> Batch:
    """Convert an emitted DataFrame to an output batch, or raise Exasol's error for the first offending column.

    Columns are converted in order, each vectorised where ``dataframe_fast`` can prove the per-value result,
    otherwise (and always for the exact error text) value by value."""
    import numpy
    import pandas

    dtype_names = [str(dtype) for dtype in frame.dtypes.tolist()]
    for dtype_name in dtype_names:
        if not _is_known_dtype(dtype_name):
            raise RuntimeError(_unknown_dtype_message(dtype_name))
    columns = [_column(index, frame.iloc[:, index], dtype_name, store, numpy, pandas)
               for index, (dtype_name, store) in enumerate(zip(dtype_names, stores))]
    return (frame.shape[0], columns)


def _column(index: int, column: Any, dtype_name: str, store: ColumnStore, numpy: Any, pandas: Any) -> Column:
    if _is_numpy_dtype(dtype_name):
        convert = _numpy_converter(index, dtype_name, store, pandas)
        fast = dataframe_fast.numpy_column(column.to_numpy(), store, numpy)
        if fast is not None:
            return fast
        values = column.tolist() if dtype_name != "datetime64[ns]" else list(column.astype(object))
    else:
        array, nulls = _object_values(column, numpy, pandas)
        python_kind = _object_column_kind(index, array, nulls)
        convert = _guarded(index, _object_setter(python_kind, store, _refusal(index, store)))
        fast = dataframe_fast.object_column(python_kind, array, nulls, store, numpy)
        if fast is not None:
            return fast
        values = array.tolist()
    return encode_values(store.wire_kind, [convert(row, value) for row, value in enumerate(values)])


def _object_values(column: Any, numpy: Any, pandas: Any) -> tuple[Any, Any]:
    """The column as an object array with pandas.NA replaced by None, and the mask of its Nones.

    ``pandas.isna`` finds candidates in C (None, NA, but also NaN and NaT, which are values here); only those
    are looked at one by one, by identity (``==`` against NA would answer NA)."""
    array = column.to_numpy(dtype=object)  # may be the frame's own array: copied before any change
    nulls = numpy.zeros(len(array), dtype=bool)
    copied = False
    for position in numpy.flatnonzero(pandas.isna(array)).tolist():
        value = array[position]
        if value is pandas.NA:
            if not copied:
                array, copied = array.copy(), True
            array[position] = None
        nulls[position] = value is None or value is pandas.NA
    return array, nulls


def _is_numpy_dtype(name: str) -> bool:
    return name in _NUMPY_INT_CODES or name in _NUMPY_FLOAT_CODES or name in ("bool", "datetime64[ns]")


def _is_known_dtype(name: str) -> bool:
    return (name in _NUMPY_INT_CODES or name in _NUMPY_FLOAT_CODES or name in ("bool", "datetime64[ns]")
            or name in _OBJECT_DTYPES or name.endswith("[pyarrow]"))


def _unknown_dtype_message(name: str) -> str:
    if name.startswith("datetime64["):
        return (f"F-UDF-CL-SL-PYTHON-1134: F-UDF-CL-SL-PYTHON-1138: emit: unsupported datetime type: {name} emit "
                "dataframe only supports datetime64[ns] which represents datetime with nanosecond resolution "
                "without time zone. If you need time zone please use an additional result column. Note: the "
                "nanosecond resolution gets truncated by the database to milliseconds")
    return f"F-UDF-CL-SL-PYTHON-1134: F-UDF-CL-SL-PYTHON-1054: emit: unexpected type: {name}"


def _refusal(index: int, store: ColumnStore) -> Callable[[int, str], RuntimeError]:
    slot = store.sql_type.slot

    def refuse(code: int, given: str) -> RuntimeError:
        return RuntimeError(f"F-UDF-CL-SL-PYTHON-1136: F-UDF-CL-SL-PYTHON-{code}: emit column {index} of type "
                            f"{slot} but data given have type {given}")

    return refuse


def _numpy_converter(index: int, dtype_name: str, store: ColumnStore, pandas: Any) -> Callable[[int, Any], Any]:
    """The per-value rule for a numpy column, or the client's refusal of the dtype for this column's type."""
    slot = store.sql_type.slot
    refuse = _refusal(index, store)
    if dtype_name in _NUMPY_INT_CODES or dtype_name in _NUMPY_FLOAT_CODES:
        is_float = dtype_name in _NUMPY_FLOAT_CODES
        code = (_NUMPY_FLOAT_CODES if is_float else _NUMPY_INT_CODES)[dtype_name]
        if slot not in ("INT32", "INT64", "NUMERIC", "DOUBLE"):
            raise refuse(code, dtype_name)
        # std::to_string(double) is printf("%f"): six decimals, which a DECIMAL(p,s<6) column then refuses.
        numeric_text = (lambda value: "%f" % value) if is_float else (lambda value: str(int(value)))
        setter = {"INT32": lambda v: store.integer(int(v)), "INT64": lambda v: store.integer(int(v)),
                  "NUMERIC": lambda v: store.numeric(numeric_text(v)), "DOUBLE": lambda v: store.double(float(v))}[slot]
        return _guarded(index, lambda value: None if is_float and value != value else setter(value))
    if dtype_name == "bool":
        if slot != "BOOLEAN":
            raise refuse(1065, dtype_name)
        return _guarded(index, bool)
    if slot != "TIMESTAMP":
        raise refuse(1072, dtype_name)
    return _guarded(index, lambda value: None if value is pandas.NaT else store.timestamp(value.to_pydatetime()))


def _object_column_kind(index: int, array: Any, nulls: Any) -> str:
    """The type of the column's first non-None value, which decides how every value is handled."""
    if nulls.all():
        return "NoneType"
    kind = _python_type_name(array[int(nulls.argmin())])
    if kind not in _PY_KINDS:
        raise RuntimeError(f"F-UDF-CL-SL-PYTHON-1135: F-UDF-CL-SL-PYTHON-1056: emit: column {index}, "
                           f"unexpected python type: py_{kind}")
    return kind


def _python_type_name(value: Any) -> str:
    kind = type(value)
    return f"{kind.__module__}.{kind.__name__}" if kind.__module__ in ("decimal", "datetime") else kind.__name__


def _object_setter(kind: str, store: ColumnStore,
                   refuse: Callable[[int, str], RuntimeError]) -> Callable[[Any], Any]:
    slot = store.sql_type.slot
    integer_slot = slot in ("INT32", "INT64")
    if kind == "NoneType":
        return lambda value: None
    if kind == "bool" and slot == "BOOLEAN":
        return lambda value: value if type(value) is bool else _wrong_value(value)
    if kind == "int" and (integer_slot or slot in ("NUMERIC", "DOUBLE")):
        return {"NUMERIC": lambda v: store.numeric(str(v)), "DOUBLE": lambda v: store.double(float(v))}.get(
            slot, lambda v: store.integer(int(v)))
    if kind == "float" and (integer_slot or slot in ("NUMERIC", "DOUBLE")):
        if slot == "DOUBLE":
            return lambda value: store.double(float(value))
        if slot == "NUMERIC":
            return lambda value: store.numeric(str(value))
        return lambda value: None if value != value else store.integer(int(value))
    if kind == "decimal.Decimal" and (integer_slot or slot in ("NUMERIC", "DOUBLE")):
        return {"NUMERIC": lambda v: store.numeric(str(v)), "DOUBLE": lambda v: store.double(float(v))}.get(
            slot, lambda v: store.integer(int(v)))
    if kind == "str" and slot in ("STRING", "NUMERIC"):
        return store.string if slot == "STRING" else store.numeric
    if kind == "datetime.date" and slot == "DATE":
        return lambda value: value if type(value) is datetime.date else _wrong_value(value)
    if kind == "Timestamp" and slot == "TIMESTAMP":
        return lambda value: store.timestamp(value.tz_localize(None).to_pydatetime())
    codes = {"bool": 1066, "int": 1068, "float": 1140, "decimal.Decimal": 1069, "str": 1070, "datetime.date": 1071,
             "Timestamp": 1141}
    raise refuse(codes[kind], f"py_{kind}")


def _wrong_value(value: Any) -> Any:
    raise TypeError(f"unexpected value {value!r} of type {type(value).__name__}")


def _guarded(index: int, setter: Callable[[Any], Any]) -> Callable[[int, Any], Any]:
    """Attach the row/column position to a refused value, as the client's emit loop does."""

    def convert(row: int, value: Any) -> Any:
        try:
            return None if value is None else setter(value)
        except StoreRefusal as refusal:
            raise RuntimeError(f"F-UDF-CL-SL-PYTHON-1136: F-UDF-CL-SL-PYTHON-1075: emit(): {refusal}") from None
        except (TypeError, ValueError, OverflowError, AttributeError, decimal.InvalidOperation) as error:
            raise RuntimeError(f"F-UDF-CL-SL-PYTHON-1136: F-UDF-CL-SL-PYTHON-1074: emit(): Error setting value "
                               f"for row {row}, column {index}: {error}") from None

    return convert
