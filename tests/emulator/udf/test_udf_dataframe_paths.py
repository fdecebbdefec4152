"""The column-wise DataFrame paths against the definitions they replace, on generated data.

- ``get_dataframe``: the frame built from buffers must equal ``pandas.DataFrame(list_of_rows, columns=names)``
  (what Exasol's client builds and what the emulator built before) in dtypes, values and value types.
- ``emit(DataFrame)``: the vectorised conversions must give exactly the per-value result, or the same error.
"""

from __future__ import annotations

import datetime
import decimal
from unittest import mock

import numpy
import pandas
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sme_local.exasol.udf.vm import dataframe_fast, dataframes
from sme_local.exasol.udf.vm.columns import (
    BOOL,
    DATE,
    DECIMAL,
    FLOAT64,
    INT64,
    OBJECT,
    STRING,
    TIMESTAMP,
    decode_rows,
    decode_values,
    encode_values,
)
from sme_local.exasol.udf.vm.dataframe_input import build_dataframe
from sme_local.exasol.udf.vm.dataframes import dataframe_batch
from sme_local.exasol.udf.vm.input_group import InputGroup
from sme_local.exasol.udf.vm.sql_types import parse_sql_type
from sme_local.exasol.udf.vm.values import ColumnStore

D = decimal.Decimal
NS_EDGES = [datetime.datetime(1677, 9, 21, 0, 12, 43, 145224), datetime.datetime(1677, 9, 21, 0, 12, 43, 145225),
            datetime.datetime(2262, 4, 11, 23, 47, 16, 854775), datetime.datetime(2262, 4, 11, 23, 47, 16, 854776)]
INPUT_VALUES = {
    INT64: st.integers(-(2**63), 2**63 - 1) | st.sampled_from([0, 2**53 + 1, -(2**63)]),
    FLOAT64: st.floats(allow_nan=False) | st.just(-0.0),
    BOOL: st.booleans(),
    DATE: st.dates(),
    TIMESTAMP: st.datetimes(datetime.datetime(1900, 1, 1), datetime.datetime(2100, 1, 1)) | st.sampled_from(NS_EDGES)
    | st.datetimes(),
    DECIMAL: st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-999, max_value=999),
    STRING: st.text(max_size=3),
    OBJECT: st.integers(-(10**25), 10**25),
}


def described(values) -> list:
    return [(type(value), repr(value)) for value in values]


@st.composite
def input_groups(draw):
    kinds = draw(st.lists(st.sampled_from(sorted(INPUT_VALUES)), min_size=0, max_size=4))
    row_count = draw(st.integers(1, 12))
    columns = []
    for kind in kinds:
        nulls = draw(st.sampled_from(["none", "some", "all"]))
        values = [draw(INPUT_VALUES[kind]) for _ in range(row_count)]
        if nulls == "all":
            values = [None] * row_count
        elif nulls == "some":
            values = [None if draw(st.booleans()) else value for value in values]
        columns.append(values)
    start = draw(st.integers(0, row_count - 1))
    stop = draw(st.integers(start + 1, row_count))
    start_col = draw(st.integers(0, len(kinds)))
    return kinds, columns, row_count, start, stop, start_col


def windowed(row_count: int, wire: list, window_rows: int) -> InputGroup:
    """The group as a VM gets it: the first ``window_rows`` rows, the others fetched window by window."""

    def fetch(start: int, stop: int) -> tuple:
        assert 0 <= start < stop <= row_count
        return (stop - start, [encode_values(column[0], decode_values(column)[start:stop]) for column in wire])

    return InputGroup(row_count, fetch(0, min(row_count, window_rows)) if row_count else (0, wire), fetch,
                      window_rows)


@settings(max_examples=150, deadline=None)
@given(input_groups(), st.integers(1, 12), st.booleans())
def test_get_dataframe_equals_the_list_of_rows_frame(case, window_rows, moved):
    kinds, columns, row_count, start, stop, start_col = case
    wire = [encode_values(kind, values) for kind, values in zip(kinds, columns)]
    names = [f"c{i}" for i in range(len(kinds))][start_col:]
    group = windowed(row_count, wire, window_rows)
    if moved and wire and row_count:  # a row read beyond the first window moved the window away from start
        group.value(0, row_count - 1)
    frame = build_dataframe(group, start, stop, start_col, names)
    rows = [list(row) for row in zip(*[decode_values(column) for column in wire])] if wire else [[]] * row_count
    expected = pandas.DataFrame([row[start_col:] for row in rows[start:stop]], columns=names)
    pandas.testing.assert_frame_equal(frame, expected, check_exact=True)
    for name in names:
        if frame[name].dtype == object:
            assert described(frame[name].tolist()) == described(expected[name].tolist())
        elif frame[name].dtype.kind == "f":  # -0.0 and NaN positions, bit for bit
            assert frame[name].to_numpy().tobytes() == expected[name].to_numpy().tobytes()
    frame.iloc[0, :] = frame.iloc[0, :]  # writable, like the client's frames


def test_get_dataframe_keeps_duplicate_names_and_builds_no_column_frames():
    wire = [encode_values(INT64, [1, 2]), encode_values(STRING, ["a", None])]
    frame = build_dataframe(windowed(2, wire, 2), 0, 2, 0, ["A", "A"])
    assert list(frame.columns) == ["A", "A"] and frame.iloc[1, 1] is None
    empty = build_dataframe(windowed(2, wire, 2), 0, 2, 2, [])
    pandas.testing.assert_frame_equal(empty, pandas.DataFrame([[], []], columns=[]))


TARGETS = ["DECIMAL(1,0)", "DECIMAL(3,0)", "DECIMAL(9,0)", "DECIMAL(18,0)", "DECIMAL(20,0)", "DECIMAL(10,2)",
           "DOUBLE", "BOOLEAN", "VARCHAR(3) UTF8", "CHAR(2) UTF8", "DATE", "TIMESTAMP(0)", "TIMESTAMP(3)",
           "TIMESTAMP(6)", "TIMESTAMP(9)"]
NUMPY_INTS = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
FLOATS = st.floats() | st.sampled_from([1e18, -1e18, 999999999.9, 1e9, 2.0**63, -0.0, float("inf")])
OBJECT_VALUES = {
    "int": st.integers(-(10**20), 10**20) | st.integers(-1000, 1000),
    "float": FLOATS,
    "bool": st.booleans(),
    "str": st.text(max_size=4),
    "decimal": st.decimals(allow_nan=False, places=3, min_value=-(10**10), max_value=10**10) | st.just(D("NaN")),
    "date": st.dates(),
    "timestamp": st.datetimes(datetime.datetime(1800, 1, 1), datetime.datetime(2200, 1, 1)).map(pandas.Timestamp),
}


# the column types each value kind is usually emitted into, so that the fast paths get exercised often
NATURAL_TARGETS = {
    "int": ["DECIMAL(18,0)", "DECIMAL(3,0)", "DOUBLE"], "float": ["DOUBLE", "DECIMAL(18,0)", "DECIMAL(9,0)"],
    "bool": ["BOOLEAN"], "datetime": ["TIMESTAMP(3)", "TIMESTAMP(6)", "TIMESTAMP(0)"], "str": ["VARCHAR(3) UTF8"],
    "decimal": ["DECIMAL(10,2)"], "date": ["DATE"], "timestamp": ["TIMESTAMP(3)"],
}


@st.composite
def emitted_columns(draw):
    shape = draw(st.sampled_from(["int", "float", "bool", "datetime", "object", "mixed", "string", "boolean"]))
    size = draw(st.integers(1, 8))
    kind = shape
    if shape == "int":
        dtype = numpy.dtype(draw(st.sampled_from(NUMPY_INTS)))
        info = numpy.iinfo(dtype)
        values = draw(st.lists(st.integers(int(info.min), int(info.max)) | st.integers(-1000, 1000).filter(
            lambda v: info.min <= v <= info.max), min_size=size, max_size=size))
        series = pandas.Series(numpy.array(values, dtype=dtype))
    elif shape == "float":
        dtype = draw(st.sampled_from(["float16", "float32", "float64"]))
        values = draw(st.lists(FLOATS | st.just(float("nan")), min_size=size, max_size=size))
        with numpy.errstate(over="ignore"):
            series = pandas.Series(numpy.array(values, dtype="float64").astype(dtype))
    elif shape == "bool":
        series = pandas.Series(draw(st.lists(st.booleans(), min_size=size, max_size=size)), dtype=bool)
    elif shape == "datetime":
        moments = draw(st.lists(st.none() | st.integers(-(2**62), 2**62), min_size=size, max_size=size))
        series = pandas.Series(numpy.array([numpy.iinfo(numpy.int64).min if m is None else m for m in moments],
                                           dtype="int64").view("datetime64[ns]"))
    elif shape in ("string", "boolean"):  # pandas' nullable extension dtypes: NA marks missing values
        kind = "str" if shape == "string" else "bool"
        values = draw(st.lists(st.none() | OBJECT_VALUES[kind], min_size=size, max_size=size))
        series = pandas.Series(values, dtype=shape)
    else:
        kind = draw(st.sampled_from(sorted(OBJECT_VALUES)))
        pool = OBJECT_VALUES[kind] if shape == "object" else st.one_of(*OBJECT_VALUES.values())
        values = draw(st.lists(st.none() | st.just(pandas.NA) | pool, min_size=size, max_size=size))
        series = pandas.Series(values, dtype=object)
    return series, draw(st.sampled_from(TARGETS) | st.sampled_from(NATURAL_TARGETS.get(kind, TARGETS)))


def outcome(frame: pandas.DataFrame, target: str):
    try:
        batch = dataframe_batch(frame, [ColumnStore("C", parse_sql_type(target))])
        return "rows", [described(row) for row in decode_rows(batch)]
    except Exception as error:  # noqa: BLE001 - whatever the per-value path raises, the fast one must too
        return "error", f"{type(error).__name__}: {error}"


@pytest.mark.filterwarnings("ignore:Discarding nonzero nanoseconds")  # pandas, on the per-value path
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(emitted_columns())
def test_emit_dataframe_vectorised_equals_value_by_value(case):
    series, target = case
    frame = pandas.DataFrame({"a": series})
    fast = outcome(frame, target)
    with mock.patch.object(dataframe_fast, "numpy_column", return_value=None), \
            mock.patch.object(dataframe_fast, "object_column", return_value=None):
        slow = outcome(frame, target)
    assert fast == slow


def test_vectorised_paths_are_taken_for_the_common_columns():
    frame = pandas.DataFrame({
        "i": numpy.arange(3), "f": [0.5, numpy.nan, 2.0], "b": [True, False, True],
        "t": pandas.to_datetime(["2024-01-01 00:00:00.123456", None, "1960-01-01 00:00:00.000000"]),
        "oi": pandas.Series([1, None, 3], dtype=object), "of": pandas.Series([1.5, None, 2.5], dtype=object),
        "ob": pandas.Series([True, None, False], dtype=object), "os": pandas.Series(["x", None, "yz"], dtype=object),
        "od": pandas.Series([datetime.date(2024, 1, 1), None, datetime.date(1, 1, 1)], dtype=object),
    })
    stores = [ColumnStore(f"C{i}", parse_sql_type(t)) for i, t in enumerate(
        ["DECIMAL(18,0)", "DOUBLE", "BOOLEAN", "TIMESTAMP(3)", "DECIMAL(9,0)", "DOUBLE", "BOOLEAN", "VARCHAR(2)",
         "DATE"])]
    calls = []
    original = dataframes.encode_values
    with mock.patch.object(dataframes, "encode_values", side_effect=lambda *a: calls.append(a) or original(*a)):
        rows = decode_rows(dataframe_batch(frame, stores))
    assert calls == []  # no column went value by value
    assert rows == [
        (0, 0.5, True, datetime.datetime(2024, 1, 1, 0, 0, 0, 123000), 1, 1.5, True, "x", datetime.date(2024, 1, 1)),
        (1, None, False, None, None, None, None, None, None),
        (2, 2.0, True, datetime.datetime(1960, 1, 1), 3, 2.5, False, "yz", datetime.date(1, 1, 1)),
    ]


@pytest.mark.parametrize("values, target, message", [
    (numpy.array([5, 10**9], dtype="int64"), "DECIMAL(9,0)", "numeric value 1000000000 out of range"),
    (numpy.array([1.0, float("inf")]), "DOUBLE", "invalid DOUBLE value inf"),
    (numpy.array([1.0, float("inf")]), "DECIMAL(18,0)", "Error setting value for row 1, column 0"),
    (pandas.Series([1.0, float("nan")], dtype=object), "DOUBLE", "invalid DOUBLE value nan"),
    (pandas.Series(["ab", "abcd"], dtype=object), "VARCHAR(3) UTF8", "string of length 4 is too long"),
    (pandas.Series(["1", 2], dtype=object), "DECIMAL(20,0)", "1074: emit(): Error setting value for row 1, column 0"),
])
def test_refused_values_report_the_per_value_error(values, target, message):
    frame = pandas.DataFrame({"a": values})
    kind, error = outcome(frame, target)
    assert kind == "error" and message in error


def test_emit_leaves_the_users_frame_unchanged():
    frame = pandas.DataFrame({"a": pandas.Series(["x", pandas.NA, None], dtype=object)})
    assert decode_rows(dataframe_batch(frame, [ColumnStore("C", parse_sql_type("VARCHAR(1)"))])) == [
        ("x",), (None,), (None,)]
    assert frame["a"].tolist()[1] is pandas.NA
