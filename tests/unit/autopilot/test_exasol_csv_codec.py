"""The request encoder writes exactly Exasol's CSV export format.

Property tests encode random typed rows, parse the text back with Python's ``csv`` module and compare. On
Python 3.11 ``csv`` cannot tell an unquoted empty field (NULL) from ``""`` (empty string), so ``_read`` walks
the raw text alongside the parsed values to learn which fields were quoted: that checks the NULL/empty rule and
that quoting happens exactly when needed.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exasol_sagemaker_extension.autopilot.exasol_csv import FeatureColumn, encode_column, encode_rows
from exasol_sagemaker_extension.autopilot.sql_type import parse_sql_type
from exasol_sagemaker_extension.errors import SmeError

SPECIAL = ',"\r\n'
# Exasol strings are UTF-8, so lone surrogates (category Cs) cannot reach the codec from a column.
AWKWARD_TEXT = st.text(alphabet=st.sampled_from(list('ab ,"\r\n\'éß€😀\t;')) | st.characters(exclude_categories=("Cs",)), max_size=12)
BIG = 10**36 - 1


def _read(text: str) -> list[list[tuple[str, bool]]]:
    """Records of (value, was_quoted) parsed by ``csv``; asserts every record ends with LF."""
    records, position = [], 0
    for row in csv.reader(io.StringIO(text, newline="")):
        record = []
        for index, value in enumerate(row):
            quoted = text.startswith('"', position)
            raw_length = len(value) + value.count('"') + 2 if quoted else len(value)
            position += raw_length
            expected_end = "," if index < len(row) - 1 else "\n"
            assert text[position] == expected_end, (text, position)
            position += 1
            record.append((value, quoted))
        records.append(record)
    assert position == len(text)
    return records


def _needs_quotes(value: str) -> bool:
    return value == "" or any(c in value for c in SPECIAL)


def _column(name: str, sql_type: str, values) -> FeatureColumn:
    return FeatureColumn(name, parse_sql_type(sql_type), values)


ROW = st.tuples(
    st.none() | st.integers(-BIG, BIG),
    st.none() | st.decimals(allow_nan=False, allow_infinity=False),
    st.none() | st.floats(allow_nan=False, allow_infinity=False),
    st.none() | AWKWARD_TEXT,
    st.none() | st.booleans(),
    st.none() | st.dates(),
    st.none() | st.datetimes(),
)
TYPES = ["DECIMAL(36,0)", "DECIMAL(36,10)", "DOUBLE", "VARCHAR(2000) UTF8", "BOOLEAN", "DATE", "TIMESTAMP(6)"]


def _check_field(value, field: str, quoted: bool, sql_type: str) -> None:
    if value is None:
        assert (field, quoted) == ("", False)
        return
    parsed = parse_sql_type(sql_type)
    if parsed.kind == "VARCHAR":
        assert field == value and quoted == _needs_quotes(value)
        return
    assert not quoted
    if parsed.is_integer:
        assert int(field) == value and field == str(value)
    elif parsed.kind == "DECIMAL":
        assert Decimal(field) == value
        assert "E" not in field.upper() and not (("." in field) and field.endswith("0")) and field != "-0"
    elif parsed.kind == "DOUBLE":
        assert field == repr(value) and float(field) == value
    elif parsed.kind == "BOOLEAN":
        assert field == ("1" if value else "0")
    elif parsed.kind == "DATE":
        assert date.fromisoformat(field) == value and len(field) == 10
    else:
        assert parsed.kind == "TIMESTAMP"
        assert datetime.strptime(field, "%Y-%m-%d %H:%M:%S.%f") == value and len(field) == 26


@settings(max_examples=150, deadline=None)
@given(st.lists(ROW, min_size=1, max_size=20))
def test_round_trip_of_python_values(rows):
    columns = [_column(f"c{i}", t, [row[i] for row in rows]) for i, t in enumerate(TYPES)]
    encoded = encode_rows(columns)
    text = encoded.body(0, len(rows)).decode("utf-8")
    records = _read(text)
    assert len(records) == len(rows)
    for row, record in zip(rows, records):
        assert len(record) == len(TYPES)
        for value, (field, quoted), sql_type in zip(row, record, TYPES):
            _check_field(value, field, quoted, sql_type)
    assert encoded.byte_sizes.tolist() == [len(line.encode("utf-8")) + 1 for line in encoded.lines]


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.none() | st.integers(-(2**53), 2**53),
            st.none() | st.floats(allow_nan=False, allow_infinity=False),
            st.none() | AWKWARD_TEXT,
            st.none() | st.booleans(),
            st.none() | st.datetimes(min_value=datetime(1700, 1, 1), max_value=datetime(2200, 1, 1)),
        ),
        min_size=1,
        max_size=20,
    )
)
def test_round_trip_of_the_frames_exasol_builds(rows):
    """get_dataframe builds its frame from row lists, so pandas turns INT+NULL into float64/NaN etc."""
    types = ["DECIMAL(18,0)", "DOUBLE", "VARCHAR(2000) UTF8", "BOOLEAN", "TIMESTAMP(6)"]
    frame = pd.DataFrame([list(r) for r in rows])
    records = _read(encode_rows([_column(str(i), t, frame[i]) for i, t in enumerate(types)]).body(0, len(rows)).decode())
    for row, record in zip(rows, records):
        for value, (field, quoted), sql_type in zip(row, record, types):
            _check_field(value, field, quoted, sql_type)


def test_exact_spellings():
    cases = [
        ("DECIMAL(10,2)", [Decimal("85.50"), Decimal("1E+3"), Decimal("-0.00"), Decimal("0.10"), Decimal("1E-7")],
         ["85.5", "1000", "0", "0.1", "0.0000001"]),
        ("DECIMAL(36,0)", [10**35, -5, None], ["100000000000000000000000000000000000", "-5", ""]),
        ("DOUBLE", [1e16, 1e-05, 0.1, -0.0, 5e-324, 1.7976931348623157e308],
         ["1e+16", "1e-05", "0.1", "-0.0", "5e-324", "1.7976931348623157e+308"]),
        ("VARCHAR(20) UTF8", ["plain", "a,b", 'say "hi"', "", "line\nbreak", "cr\r", None],
         ["plain", '"a,b"', '"say ""hi"""', '""', '"line\nbreak"', '"cr\r"', ""]),
        ("BOOLEAN", [True, False, None, np.True_], ["1", "0", "", "1"]),
        ("DATE", [date(2024, 2, 29), date(5, 1, 1)], ["2024-02-29", "0005-01-01"]),
        ("TIMESTAMP(3)", [datetime(2024, 1, 2, 3, 4, 5), datetime(1, 1, 1, 0, 0, 0, 123456)],
         ["2024-01-02 03:04:05.000000", "0001-01-01 00:00:00.123456"]),
    ]
    for sql_type, values, expected in cases:
        assert encode_column(_column("c", sql_type, values)) == expected, sql_type


def test_pandas_representations_are_written_like_python_values():
    stamps = pd.Series(pd.to_datetime(["2020-01-01 10:00:00.5", None]))
    assert encode_column(_column("t", "TIMESTAMP", stamps)) == ["2020-01-01 10:00:00.500000", ""]
    assert encode_column(_column("i", "DECIMAL(18,0)", pd.Series([1.0, np.nan, -3.0]))) == ["1", "", "-3"]
    assert encode_column(_column("i", "DECIMAL(18,0)", pd.array([7, None], dtype="Int64"))) == ["7", ""]
    assert encode_column(_column("d", "DOUBLE", pd.Series([2, 3]))) == ["2.0", "3.0"]
    assert encode_column(_column("b", "BOOLEAN", pd.Series([True, None], dtype="boolean"))) == ["1", ""]
    assert encode_column(_column("d", "DATE", pd.Series(pd.to_datetime(["2021-03-04"])))) == ["2021-03-04"]


def test_nan_in_a_float64_column_is_null_but_a_nan_value_is_rejected():
    assert encode_column(_column("x", "DOUBLE", np.array([1.5, np.nan]))) == ["1.5", ""]
    with pytest.raises(SmeError) as error:
        encode_column(_column("x", "DOUBLE", [1.5, None, float("nan")]), first_row_number=11)
    assert error.value.code == "E-SME-151" and "row 13" in error.value.message and "'x'" in error.value.message
    with pytest.raises(SmeError) as error:
        encode_column(_column("d", "DECIMAL(10,2)", [Decimal("NaN")]))
    assert error.value.code == "E-SME-151"


@pytest.mark.parametrize("value", [math.inf, -math.inf])
def test_infinity_is_rejected_with_its_row(value):
    with pytest.raises(SmeError) as error:
        encode_rows([_column("x", "DOUBLE", np.array([0.0, 1.0, value]))], first_row_number=101)
    assert error.value.code == "E-SME-151" and "row 103" in error.value.message


@pytest.mark.parametrize(
    ("sql_type", "values"),
    [
        ("DOUBLE", [1.0, "2.0"]),
        ("BOOLEAN", [True, "false"]),
        ("BOOLEAN", [True, 1]),
        ("VARCHAR(10) UTF8", ["a", 5]),
        ("DECIMAL(18,0)", [1, Decimal("1.5")]),
        ("DECIMAL(18,0)", [1, True]),
        ("DATE", [date(2020, 1, 1), "2020-01-02"]),
        ("TIMESTAMP", [datetime(2020, 1, 1), date(2020, 1, 2)]),
    ],
)
def test_a_value_of_the_wrong_type_is_rejected_with_its_row(sql_type, values):
    with pytest.raises(SmeError) as error:
        encode_column(_column("f", sql_type, values))
    assert error.value.code == "E-SME-165" and "row 2" in error.value.message


def test_byte_sizes_count_utf8_bytes_and_the_line_feed():
    encoded = encode_rows([_column("s", "VARCHAR(10) UTF8", ["abc", "€", "a,b"]), _column("n", "DOUBLE", [1.0, 2.0, 3.0])])
    assert encoded.lines == ["abc,1.0", "€,2.0", '"a,b",3.0']
    assert encoded.byte_sizes.tolist() == [8, 8, 10]
    assert encoded.body(1, 3) == '€,2.0\n"a,b",3.0\n'.encode()


def test_unsupported_types_are_named():
    with pytest.raises(SmeError) as error:
        parse_sql_type("INTERVAL DAY(2) TO SECOND(3)")
    assert error.value.code == "E-SME-150"
    assert parse_sql_type("VARCHAR(100) UTF8").length == 100
    assert parse_sql_type("DECIMAL(9,3)").scale == 3
    assert parse_sql_type("NUMBER").kind == "DOUBLE"
    assert parse_sql_type("BIGINT").precision == 36
