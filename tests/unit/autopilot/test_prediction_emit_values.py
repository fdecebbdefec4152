"""Echoed columns go back to Exasol as the exact Python types of their SQL types, whatever pandas made of them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd

from exasol_sagemaker_extension.autopilot.exasol_values import to_emit_values
from exasol_sagemaker_extension.autopilot.sql_type import parse_sql_type


def _emit(values, sql_type):
    return to_emit_values(values, parse_sql_type(sql_type) if sql_type else None)


def test_the_frame_get_dataframe_builds_comes_back_as_exasol_values():
    rows = [
        [1, Decimal("1.50"), 2.5, True, "a", date(2020, 1, 1), datetime(2020, 1, 1, 1)],
        [None, None, None, None, None, None, None],
        [2**53, Decimal("-3"), 1e300, False, "", date(1, 1, 1), datetime(1500, 1, 1)],
    ]
    types = ["DECIMAL(18,0)", "DECIMAL(10,2)", "DOUBLE", "BOOLEAN", "VARCHAR(5) UTF8", "DATE", "TIMESTAMP"]
    frame = pd.DataFrame(rows)  # INT+NULL → float64/NaN, BOOLEAN+NULL → object, …
    assert frame[0].dtype == np.float64
    for index, sql_type in enumerate(types):
        emitted = _emit(frame[index], sql_type)
        assert emitted == [row[index] for row in rows], sql_type
        assert [type(v) for v in emitted] == [type(row[index]) for row in rows], sql_type


def test_uniform_types_per_column():
    assert _emit(pd.Series([1, 2.5, None], dtype=object), "DECIMAL(10,1)") == [Decimal(1), Decimal("2.5"), None]
    assert [type(v) for v in _emit(np.array([1, 2]), "DOUBLE")] == [float, float]
    assert _emit(pd.Series(pd.to_datetime(["2020-01-01", None])), "TIMESTAMP") == [datetime(2020, 1, 1), None]
    assert _emit(pd.Series(pd.to_datetime(["2020-01-01 05:00"])), "DATE") == [date(2020, 1, 1)]
    assert _emit(pd.array([True, None], dtype="boolean"), "BOOLEAN") == [True, None]
    assert [type(v) for v in _emit(np.array([True, False]), "BOOLEAN")] == [bool, bool]


def test_types_the_extension_does_not_model_only_lose_missing_markers():
    assert _emit(pd.Series(["1 02:03:04", np.nan], dtype=object), None) == ["1 02:03:04", None]
    assert [type(v) for v in _emit(np.array([1, 2], dtype=np.int32), None)] == [int, int]
