"""Turn pandas columns back into the exact Python values Exasol's ``emit`` accepts for a SQL type.

``ctx.get_dataframe`` builds its frame from Python values, and pandas then "helps": an INTEGER column with a
NULL becomes ``float64`` with NaN (the old extension emitted such keys as 3.0), booleans with NULLs become
objects, in-range timestamps become ``datetime64[ns]``. Exasol's emit checks types exactly and determines an
object column's type from its first non-NULL value, so an echoed column must be homogeneous and of the one
Python type its SQL type maps to: ``int`` (DECIMAL(p,0)), ``Decimal`` (DECIMAL(p,s)), ``float``, ``bool``,
``str``, ``date``, ``datetime`` — and ``None`` for NULL, never NaN or a NumPy scalar.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from exasol_sagemaker_extension.autopilot.exasol_csv import as_array
from exasol_sagemaker_extension.autopilot.sql_type import (
    BOOLEAN,
    DATE,
    DECIMAL,
    DOUBLE,
    TIMESTAMP,
    SqlType,
)


def to_emit_values(values: Any, sql_type: SqlType | None) -> list[Any]:
    """The column as a list of Exasol UDF values; ``sql_type=None`` (a type the extension does not model)
    only replaces missing markers by ``None`` and NumPy scalars by Python ones."""
    array = as_array(values)
    items = array.tolist()  # NumPy scalars → Python scalars; datetime64[ns] → int, handled below
    if array.dtype.kind == "M":
        items = _datetimes(array)
    elif array.dtype.kind == "f" or array.dtype.kind == "O":
        nulls = pd.isna(array)
        if nulls.any():
            items = [None if null else item for item, null in zip(items, nulls.tolist())]
    if sql_type is None:
        return items
    python_type, convert = _conversion_for(sql_type)
    if set(map(type, items)) <= {python_type, type(None)}:  # already exact: the usual case, no per-cell call
        return items
    return [None if item is None else convert(item) for item in items]


def _conversion_for(sql_type: SqlType) -> tuple[type, Any]:
    if sql_type.kind == DECIMAL:
        return (int, _to_int) if sql_type.is_integer else (Decimal, _to_decimal)
    return _CONVERSIONS.get(sql_type.kind, (str, str))




def _datetimes(array: np.ndarray) -> list[datetime | None]:
    # datetime64[us].tolist() yields datetime.datetime (NaT → None); [ns] would yield plain ints.
    return array.astype("datetime64[us]").tolist()


def _to_int(value: Any) -> int:
    return value if type(value) is int else int(value)


def _to_decimal(value: Any) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(int(value))


def _to_float(value: Any) -> float:
    return value if type(value) is float else float(value)


def _to_bool(value: Any) -> Any:
    return bool(value) if isinstance(value, np.bool_) else value


def _to_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value


def _to_datetime(value: Any) -> datetime:
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


_CONVERSIONS = {
    DOUBLE: (float, _to_float),
    BOOLEAN: (bool, _to_bool),
    DATE: (date, _to_date),
    TIMESTAMP: (datetime, _to_datetime),
}
