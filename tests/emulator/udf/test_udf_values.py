"""Type rules of emit and emit(DataFrame), SQL type parsing and script options, tested in-process.

These modules are the ones the worker runs; testing them directly keeps the many cases fast. One test at the
end checks the same rules through a real worker.
"""

from __future__ import annotations

import datetime
import decimal

import numpy
import pandas
import pytest

from sme_local.exasol.udf import UdfError
from sme_local.exasol.udf.vm.columns import decode_rows
from sme_local.exasol.udf.vm.dataframes import dataframe_batch
from sme_local.exasol.udf.vm.main import split_script_options
from sme_local.exasol.udf.vm.sql_types import parse_column_list, parse_sql_type
from sme_local.exasol.udf.vm.values import ColumnStore, emit_converter
from udf_test_support import col, run, script

D = decimal.Decimal
DAY = datetime.date(2024, 2, 29)
MOMENT = datetime.datetime(2024, 2, 29, 13, 14, 15, 123456)


def convert(sql_type: str, value):
    return emit_converter(ColumnStore("C", parse_sql_type(sql_type)))(value)


@pytest.mark.parametrize("sql_type, value, stored", [
    ("DECIMAL(18,0)", None, None),
    ("DECIMAL(18,0)", 42, 42),
    ("DECIMAL(9,0)", -7, -7),
    ("DECIMAL(36,0)", 10**35, 10**35),
    ("DECIMAL(10,2)", 5, D("5.00")),
    ("DOUBLE", 5, 5.0),
    ("DOUBLE", 2.5, 2.5),
    ("DECIMAL(18,0)", 2.9, 2),
    ("DECIMAL(18,0)", -2.9, -2),
    ("DECIMAL(10,2)", D("1.5"), D("1.50")),
    ("DECIMAL(18,0)", D("7.9"), 7),
    ("DOUBLE", D("0.25"), 0.25),
    ("BOOLEAN", True, True),
    ("VARCHAR(3) UTF8", "äöü", "äöü"),
    ("CHAR(3) UTF8", "a", "a  "),
    ("DATE", DAY, DAY),
    ("TIMESTAMP(3)", MOMENT, MOMENT.replace(microsecond=123000)),
    ("TIMESTAMP(6)", MOMENT, MOMENT),
])
def test_emit_accepts_what_exasol_accepts(sql_type, value, stored):
    result = convert(sql_type, value)
    assert result == stored and type(result) is type(stored)


@pytest.mark.parametrize("sql_type, value, message", [
    ("VARCHAR(10) UTF8", 1, "E-UDF-CL-SL-PYTHON-1091: emit column 'C' is of type unicode but data given have type "
                            "<class 'int'>"),
    ("BOOLEAN", 1.0, "E-UDF-CL-SL-PYTHON-1092: emit column 'C' is of type bool"),
    ("DECIMAL(18,0)", True, "E-UDF-CL-SL-PYTHON-1093: emit column 'C' is of type long"),
    ("DECIMAL(9,0)", "1", "E-UDF-CL-SL-PYTHON-1094: emit column 'C' is of type int"),
    ("DATE", D("1"), "E-UDF-CL-SL-PYTHON-1095: emit column 'C' is of type datetime.date"),
    ("TIMESTAMP(3)", DAY, "E-UDF-CL-SL-PYTHON-1096: emit column 'C' is of type datetime.datetime"),
    ("DATE", MOMENT, "E-UDF-CL-SL-PYTHON-1097: emit column 'C' is of type datetime.date"),
    ("DOUBLE", numpy.float64(1.0), "E-UDF-CL-SL-PYTHON-1098: data type <class 'numpy.float64'> is not supported"),
    ("DECIMAL(18,0)", numpy.int64(1), "E-UDF-CL-SL-PYTHON-1098: data type <class 'numpy.int64'> is not supported"),
    ("BOOLEAN", numpy.bool_(True), "E-UDF-CL-SL-PYTHON-1098"),
    ("DECIMAL(3,0)", 1000, "F-UDF-CL-SL-PYTHON-1099: numeric value 1000 out of range for column 'C' of type "
                           "DECIMAL(3,0)"),
    ("DECIMAL(5,2)", D("1234.5"), "F-UDF-CL-SL-PYTHON-1099: numeric value 1234.5 out of range"),
    ("DECIMAL(5,2)", D("1.234"), "F-UDF-CL-SL-PYTHON-1099: numeric value 1.234 has more than 2 digits"),
    ("DECIMAL(20,0)", D("NaN"), "F-UDF-CL-SL-PYTHON-1099: invalid numeric value 'NaN'"),
    ("DECIMAL(10,2)", 1.5, "in method 'ResultHandler_setInt64', argument 3 of type 'int64_t'"),
    ("VARCHAR(2) UTF8", "abc", "F-UDF-CL-SL-PYTHON-1099: string of length 3 is too long"),
    ("DOUBLE", float("nan"), "F-UDF-CL-SL-PYTHON-1099: invalid DOUBLE value nan"),
    ("TIMESTAMP(3)", MOMENT.replace(tzinfo=datetime.timezone.utc), "timestamp with time zone"),
])
def test_emit_refuses_what_exasol_refuses(sql_type, value, message):
    with pytest.raises((RuntimeError, TypeError)) as caught:
        convert(sql_type, value)
    assert str(caught.value).startswith(message) or message in str(caught.value)


def stores(*types: str) -> list[ColumnStore]:
    return [ColumnStore(f"C{i}", parse_sql_type(t)) for i, t in enumerate(types)]


def dataframe_rows(frame: pandas.DataFrame, column_stores: list[ColumnStore]) -> list[tuple]:
    return decode_rows(dataframe_batch(frame, column_stores))


def test_dataframe_numpy_columns_convert_like_exasol():
    frame = pandas.DataFrame({
        "i": numpy.array([1, 2], dtype="int64"),
        "f": [1.5, float("nan")],
        "t": [2.9, float("nan")],
        "b": [True, False],
        "ts": pandas.to_datetime(["2024-01-02 03:04:05.678901", None]),
        "n": numpy.array([3, 4], dtype="int32"),
        "p": [0.5, 1.25],
    })
    rows = dataframe_rows(frame, stores("DECIMAL(18,0)", "DOUBLE", "DECIMAL(18,0)", "BOOLEAN", "TIMESTAMP(3)",
                                        "DOUBLE", "DECIMAL(10,2)"))
    assert rows == [
        (1, 1.5, 2, True, datetime.datetime(2024, 1, 2, 3, 4, 5, 678000), 3.0, D("0.50")),
        (2, None, None, False, None, 4.0, D("1.25")),
    ]


def test_dataframe_object_columns_take_the_type_of_their_first_value():
    frame = pandas.DataFrame({
        "d": [None, D("1.25")],
        "s": ["a", None],
        "none": [None, None],
        "day": [DAY, None],
        "na": pandas.array(["x", pandas.NA], dtype="string"),
        "bool": pandas.array([True, pandas.NA], dtype="boolean"),
    })
    rows = dataframe_rows(frame, stores("DECIMAL(10,2)", "VARCHAR(5) UTF8", "DOUBLE", "DATE", "VARCHAR(1) UTF8",
                                        "BOOLEAN"))
    assert rows == [(None, "a", None, DAY, "x", True), (D("1.25"), None, None, None, None, None)]


@pytest.mark.parametrize("frame, sql_type, message", [
    (pandas.DataFrame({"a": [1.234]}), "DECIMAL(10,2)",
     "F-UDF-CL-SL-PYTHON-1136: F-UDF-CL-SL-PYTHON-1075: emit(): numeric value 1.234000 has more than 2 digits"),
    (pandas.DataFrame({"a": [1]}), "VARCHAR(5) UTF8",
     "F-UDF-CL-SL-PYTHON-1136: F-UDF-CL-SL-PYTHON-1058: emit column 0 of type STRING but data given have type int64"),
    (pandas.DataFrame({"a": [True]}), "DECIMAL(18,0)", "F-UDF-CL-SL-PYTHON-1065: emit column 0 of type INT64"),
    (pandas.DataFrame({"a": pandas.array([1, None], dtype="Int64")}), "DECIMAL(18,0)",
     "F-UDF-CL-SL-PYTHON-1134: F-UDF-CL-SL-PYTHON-1054: emit: unexpected type: Int64"),
    (pandas.DataFrame({"a": pandas.to_datetime(["2024-01-01"]).astype("datetime64[s]")}), "TIMESTAMP(3)",
     "F-UDF-CL-SL-PYTHON-1138: emit: unsupported datetime type: datetime64[s]"),
    (pandas.DataFrame({"a": [MOMENT]}, dtype=object), "TIMESTAMP(3)",
     "F-UDF-CL-SL-PYTHON-1056: emit: column 0, unexpected python type: py_datetime.datetime"),
    (pandas.DataFrame({"a": ["x"]}), "DATE", "F-UDF-CL-SL-PYTHON-1070: emit column 0 of type DATE"),
    (pandas.DataFrame({"a": [1, "x"]}, dtype=object), "DECIMAL(18,0)", "1074: emit(): Error setting value for row 1"),
])
def test_dataframe_refusals(frame, sql_type, message):
    with pytest.raises(RuntimeError, match=None) as caught:
        dataframe_rows(frame, stores(sql_type))
    assert message in str(caught.value)


@pytest.mark.parametrize("text, canonical", [
    ("DECIMAL(18,0)", "DECIMAL(18,0)"), ("int", "DECIMAL(18,0)"), ("BIGINT", "DECIMAL(36,0)"),
    ("decimal", "DECIMAL(18,0)"), ("NUMBER(10, 2)", "DECIMAL(10,2)"), ("number", "DOUBLE"),
    ("double precision", "DOUBLE"), ("FLOAT", "DOUBLE"), ("bool", "BOOLEAN"), ("varchar(100)", "VARCHAR(100) UTF8"),
    ("VARCHAR(5) ASCII", "VARCHAR(5) ASCII"), ("char", "CHAR(1) UTF8"), ("CLOB", "VARCHAR(2000000) UTF8"),
    ("date", "DATE"), ("timestamp", "TIMESTAMP(3)"), ("TIMESTAMP(6)", "TIMESTAMP(6)"),
])
def test_sql_types_are_canonicalised(text, canonical):
    assert parse_sql_type(text).text == canonical


@pytest.mark.parametrize("text", ["GEOMETRY", "INTERVAL DAY TO SECOND", "DECIMAL(37,0)", "VARCHAR(0)",
                                  "TIMESTAMP WITH LOCAL TIME ZONE", "DECIMAL(5,6)"])
def test_unsupported_sql_types_are_refused(text):
    with pytest.raises(ValueError):
        parse_sql_type(text)


def test_column_lists_follow_identifier_rules():
    assert [(name, t.text) for name, t in parse_column_list('a double, "Mixed ""q"" , x" VARCHAR(10), b DECIMAL(5,2)')] \
        == [("A", "DOUBLE"), ('Mixed "q" , x', "VARCHAR(10) UTF8"), ("B", "DECIMAL(5,2)")]
    for bad in ("", "a", "a double,,b int", '"a double', "1a int"):
        with pytest.raises(ValueError):
            parse_column_list(bad)


def test_env_options_only_at_the_top():
    variables, code = split_script_options("\n%env A=1;\n%env B = two words ;\nx = 1\n%env C=3;\n")
    assert variables == {"A": "1", "B": "two words"}
    assert code == "\n\n\nx = 1\n%env C=3;\n"


def test_emit_rules_hold_inside_a_worker():
    udf = script("""
        import numpy
        def run(ctx):
            for value in (numpy.int64(1), True, 10**20):
                try:
                    ctx.emit(value)
                except (RuntimeError, TypeError):
                    ctx.emit(None)
            ctx.emit(2.7)
        """, outputs=(col("Y", "DECIMAL(18,0)"),))
    assert run(udf, [[(1,)]])[1] == [[(None,), (None,), (None,), (2,)]]
    with pytest.raises(UdfError, match="E-UDF-CL-SL-PYTHON-1098: data type <class 'numpy.int64'> is not supported"):
        run(script("import numpy\ndef run(ctx):\n    ctx.emit(numpy.int64(1))\n"), [[(1,)]])
