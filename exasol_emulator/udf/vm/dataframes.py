"""``ctx.get_dataframe`` and ``ctx.emit(DataFrame)``: Exasol's pandas bridge (pyextdataframe) rebuilt in Python.

pandas is imported only when a UDF uses these calls, from whatever the worker's path offers — a language
container without pandas fails with ModuleNotFoundError exactly like Exasol would.

emit(DataFrame) follows the client's rules per column dtype: numpy ints, floats and bools take the fast path
(NaN → NULL for floats, float → DECIMAL(p<=18,0) truncates, float → other DECIMAL goes through the number's
``%f`` text); ``datetime64[ns]`` fills TIMESTAMP columns (NaT → NULL); object/string/arrow columns take the type
of their first non-missing value (int, float, Decimal, str, date, pandas Timestamp, None) and every value of the
column is handled as that type. Any other dtype — including pandas' nullable ``Int64`` — is refused, as upstream.
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any, Callable, Sequence

from .values import ColumnStore, StoreRefusal

_NUMPY_INT_CODES = {"int64": 1058, "uint64": 1058, "int32": 1059, "uint32": 1059, "intc": 1059, "int": 1059,
                    "intp": 1058, "int16": 1060, "uint16": 1060, "int8": 1061, "uint8": 1061}
_NUMPY_FLOAT_CODES = {"float64": 1062, "double": 1062, "float32": 1063, "float": 1063, "float16": 1063,
                      "halffloat": 1063}
_OBJECT_DTYPES = {"object", "string", "string[python]", "string[pyarrow]", "boolean"}
_PY_KINDS = {"bool", "int", "float", "decimal.Decimal", "str", "datetime.date", "Timestamp"}


def build_dataframe(rows: Sequence[Sequence[Any]], names: list[str]) -> Any:
    """What ``get_dataframe`` returns: ``pandas.DataFrame(list_of_rows, columns=names)``, as the client builds it."""
    import pandas

    return pandas.DataFrame([list(row) for row in rows], columns=names)


def dataframe_rows(frame: Any, stores: list[ColumnStore]) -> list[tuple]:
    """Convert an emitted DataFrame to typed rows, or raise Exasol's error for the first offending column."""
    import pandas

    dtype_names = [str(dtype) for dtype in frame.dtypes.tolist()]
    for dtype_name in dtype_names:
        if not _is_known_dtype(dtype_name):
            raise RuntimeError(_unknown_dtype_message(dtype_name))
    columns = []
    for index, (dtype_name, store) in enumerate(zip(dtype_names, stores)):
        column = frame.iloc[:, index]
        if dtype_name in _NUMPY_INT_CODES or dtype_name in _NUMPY_FLOAT_CODES or dtype_name == "bool":
            values = column.tolist()
        else:
            values = [None if value is pandas.NA else value for value in column.astype(object)]
        convert = _column_converter(index, dtype_name, values, store, pandas)
        columns.append([convert(row, value) for row, value in enumerate(values)])
    return list(zip(*columns))


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


def _column_converter(index: int, dtype_name: str, values: list, store: ColumnStore,
                      pandas: Any) -> Callable[[int, Any], Any]:
    slot = store.sql_type.slot

    def refuse(code: int, given: str) -> RuntimeError:
        return RuntimeError(f"F-UDF-CL-SL-PYTHON-1136: F-UDF-CL-SL-PYTHON-{code}: emit column {index} of type "
                            f"{slot} but data given have type {given}")

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
    if dtype_name == "datetime64[ns]":
        if slot != "TIMESTAMP":
            raise refuse(1072, dtype_name)
        return _guarded(index, lambda value: None if value is pandas.NaT else store.timestamp(value.to_pydatetime()))
    kind = _object_column_kind(index, values)
    return _guarded(index, _object_setter(kind, store, refuse))


def _object_column_kind(index: int, values: list) -> str:
    for value in values:
        if value is not None:
            kind = _python_type_name(value)
            if kind not in _PY_KINDS:
                raise RuntimeError(f"F-UDF-CL-SL-PYTHON-1135: F-UDF-CL-SL-PYTHON-1056: emit: column {index}, "
                                   f"unexpected python type: py_{kind}")
            return kind
    return "NoneType"


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
        except (TypeError, ValueError, OverflowError, decimal.InvalidOperation) as error:
            raise RuntimeError(f"F-UDF-CL-SL-PYTHON-1136: F-UDF-CL-SL-PYTHON-1074: emit(): Error setting value "
                               f"for row {row}, column {index}: {error}") from None

    return convert
