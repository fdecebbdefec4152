"""EXPORT formats and frames whole columns at once (``format_column``, ``render_columns``); the result must be
exactly what the value-by-value and record-by-record functions give, fast path or not."""

from __future__ import annotations

import gzip
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sme_local.exasol.s3_csv import CsvOptions, CsvTransferError, Delimit, ValueStyle
from sme_local.exasol.s3_csv.codec import render_file
from sme_local.exasol.s3_csv.csv_text import render_columns, render_record
from sme_local.exasol.s3_csv.sql_types import parse_column_type
from sme_local.exasol.s3_csv.value_format import format_column, format_value

TEXTS = st.one_of(st.none(), st.sampled_from(["", "#x", "a b", "NULL", "x|y", '"q"', "\t", "é", "1.5"]),
                  st.text(max_size=6))
OPTIONS = st.builds(CsvOptions, null=st.sampled_from(["", "NULL"]), column_separator=st.sampled_from([",", ";", "||"]),
                    column_delimiter=st.sampled_from(['"', "'"]), delimit=st.sampled_from(list(Delimit)),
                    row_separator=st.sampled_from(["LF", "CRLF"]))


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 4).flatmap(lambda width: st.lists(st.lists(TEXTS, min_size=width, max_size=width),
                                                        max_size=8)), OPTIONS)
def test_columns_render_as_the_records_do(rows, options):
    width = len(rows[0]) if rows else 1
    columns = [[row[index] for row in rows] for index in range(width)]
    assert render_columns(columns, options) == "".join(render_record(row, options) for row in rows)


VALUES = {
    "DOUBLE": st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=False), st.integers(-5, 5)),
    "DECIMAL(18,0)": st.one_of(st.none(), st.integers(-10**17, 10**17)),
    "DECIMAL(10,2)": st.one_of(st.none(), st.decimals(places=2, min_value=-10**6, max_value=10**6), st.integers(0, 9)),
    "VARCHAR(20) UTF8": st.one_of(st.none(), st.text(max_size=5)),
}


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(VALUES)).flatmap(lambda t: st.tuples(st.just(t), st.lists(VALUES[t], max_size=12))),
       st.sampled_from([ValueStyle(), ValueStyle(decimal_character=",")]))
def test_a_column_formats_as_its_values_do(typed_values, style):
    sql_type, values = typed_values
    column = parse_column_type(sql_type)
    assert format_column(values, column, style) == [
        None if value is None else format_value(value, column, style) for value in values]


@pytest.mark.parametrize(("values", "sql_type", "message"), [
    ([1.5, float("nan")], "DOUBLE", "nan"),
    ([1.5, float("-inf")], "DOUBLE", "-inf"),
    ([1, True], "DECIMAL(18,0)", "True"),
    (["a", 3], "VARCHAR(10) UTF8", "3"),
])
def test_a_value_the_fast_path_cannot_take_fails_as_alone(values, sql_type, message):
    with pytest.raises(CsvTransferError, match=message):
        format_column(values, parse_column_type(sql_type))


def test_a_file_of_rows_with_the_wrong_width_is_refused():
    types = [parse_column_type("DOUBLE")] * 2
    with pytest.raises(CsvTransferError, match="row with 1 values for 2 columns while exporting 'f.csv'"):
        render_file(["A", "B"], [(1.0, 2.0), (1.0,)], types, CsvOptions(), "f.csv", "s3://b/f.csv")


def test_a_rendered_gzip_file_holds_the_header_and_every_record():
    types = [parse_column_type("DOUBLE"), parse_column_type("DECIMAL(9,2)"), parse_column_type("VARCHAR(9) UTF8")]
    rows = [(0.1, Decimal("2.50"), "NEAR BAY"), (None, 3, None), (1e16, Decimal("-0.00"), "#1")]
    data = render_file(["X", "D", "S"], rows, types, CsvOptions(with_column_names=True), "f.csv.gz", "s3://b/f")
    assert gzip.decompress(data).decode() == 'X,D,S\n0.1,2.5,"NEAR BAY"\n,3,\n1e+16,0,#1\n'
