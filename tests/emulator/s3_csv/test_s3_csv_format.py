"""Exasol's CSV spelling of values and its framing of fields and records (no S3 involved)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sme_local.exasol.s3_csv import CsvOptions, CsvTransferError, Delimit
from sme_local.exasol.s3_csv.csv_text import CsvSyntaxError, parse_records, render_field, render_record
from sme_local.exasol.s3_csv.sql_types import Kind, parse_column_type
from sme_local.exasol.s3_csv.value_format import format_value
from sme_local.exasol.s3_csv.value_parse import BadValue, parse_value


@pytest.mark.parametrize(
    ("value", "sql_type", "expected"),
    [
        (Decimal("0.70000"), "DECIMAL(10,5)", "0.7"),  # the real database's "0.7" (runtime notes §1.4)
        (Decimal("100.00"), "DECIMAL(10,2)", "100"),
        (Decimal("-12.50"), "DECIMAL(10,2)", "-12.5"),
        (Decimal("-0.000"), "DECIMAL(10,3)", "0"),
        (Decimal("123456789012345678901234567890123456"), "DECIMAL(36,0)", "123456789012345678901234567890123456"),
        (42, "DECIMAL(18,0)", "42"),
        (85.5, "DECIMAL(10,2)", "85.5"),
        (0.1, "DOUBLE", "0.1"),
        (22.07, "DOUBLE", "22.07"),
        (1e-05, "DOUBLE", "1e-05"),
        (3, "DOUBLE", "3.0"),
        (True, "BOOLEAN", "1"),
        (False, "BOOLEAN", "0"),
        (datetime.date(2018, 7, 12), "DATE", "2018-07-12"),
        (datetime.date(33, 1, 2), "DATE", "0033-01-02"),
        (datetime.datetime(2018, 4, 3, 18, 36, 40, 553000), "TIMESTAMP(3)", "2018-04-03 18:36:40.553000"),
        (datetime.date(2020, 2, 29), "TIMESTAMP", "2020-02-29 00:00:00.000000"),
        ("text, with \"stuff\"", "VARCHAR(100) UTF8", "text, with \"stuff\""),
    ],
)
def test_format_value(value: object, sql_type: str, expected: str) -> None:
    assert format_value(value, parse_column_type(sql_type)) == expected


@pytest.mark.parametrize(
    ("value", "sql_type"),
    [(float("nan"), "DOUBLE"), (float("inf"), "DOUBLE"), (True, "DECIMAL(18,0)"), ("1", "DECIMAL(18,0)"),
     (1, "BOOLEAN"), ("2020-01-01", "DATE"), (5, "VARCHAR(10) UTF8"), (Decimal("NaN"), "DECIMAL(18,2)")],
)
def test_values_that_do_not_fit_the_type_are_refused(value: object, sql_type: str) -> None:
    with pytest.raises(CsvTransferError, match="cannot be exported"):
        format_value(value, parse_column_type(sql_type))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ("a,b", '"a,b"'),
        ('say "hi"', '"say ""hi"""'),
        ("line\nbreak", '"line\nbreak"'),
        ("carriage\rreturn", '"carriage\rreturn"'),
        ("2019-01-01 12:00:00.900000", '"2019-01-01 12:00:00.900000"'),  # real Exasol quotes this (notes §6)
        (" padded", '" padded"'),
        ("tab\there", '"tab\there"'),
        ("", '""'),
        (None, ""),
    ],
)
def test_delimit_auto_encloses_only_when_needed(text: str | None, expected: str) -> None:
    assert render_field(text, CsvOptions()) == expected


def test_delimit_always_never_and_null_text() -> None:
    assert render_field("abc", CsvOptions(delimit=Delimit.ALWAYS)) == '"abc"'
    assert render_field(None, CsvOptions(delimit=Delimit.ALWAYS)) == ""
    assert render_field("a,b", CsvOptions(delimit=Delimit.NEVER)) == "a,b"
    with_null = CsvOptions(null="NULL")
    assert render_field(None, with_null) == "NULL"
    assert render_field("NULL", with_null) == '"NULL"'
    assert render_record(["#tag", "#tag"], CsvOptions()) == '"#tag",#tag\n'


def test_render_record_with_other_separators() -> None:
    options = CsvOptions(column_separator="||", column_delimiter="'", row_separator="CRLF")
    assert render_record(["a", "b||c", "it's", None], options) == "a||'b||c'||'it''s'||\r\n"


def test_parse_records_handles_enclosures_comments_and_line_breaks() -> None:
    text = '# a comment, "not" parsed\nplain,"enc, with ""q"""\n"multi\nline",\n,last'
    records = list(parse_records(text, CsvOptions()))
    assert records == [
        (1, None),
        (2, [("plain", False), ('enc, with "q"', True)]),
        (3, [("multi\nline", True), ("", False)]),
        (4, [("", False), ("last", False)]),
    ]


def test_parse_records_with_crlf_and_multi_character_separator() -> None:
    options = CsvOptions(column_separator="::", row_separator="CRLF")
    assert list(parse_records('a::"b\r\nc"::d\r\ne::f\r\n', options)) == [
        (1, [("a", False), ("b\r\nc", True), ("d", False)]),
        (2, [("e", False), ("f", False)]),
    ]


@pytest.mark.parametrize(("text", "record"), [('a,"open\n', 1), ('ok\n"closed"x,y\n', 2)])
def test_malformed_enclosures_are_errors_with_the_record_number(text: str, record: int) -> None:
    with pytest.raises(CsvSyntaxError) as raised:
        list(parse_records(text, CsvOptions()))
    assert raised.value.record == record


_FIELD_ALPHABET = st.sampled_from(list('ab ,;|"\'#\r\n\tä€'))
_OPTIONS = st.builds(
    CsvOptions,
    column_separator=st.sampled_from([",", ";", "||", "\t"]),
    column_delimiter=st.sampled_from(['"', "'"]),
    row_separator=st.sampled_from(["LF", "CRLF", "CR"]),
    delimit=st.sampled_from([Delimit.AUTO, Delimit.ALWAYS]),
    null=st.sampled_from(["", "NULL"]),
)


@settings(max_examples=300, deadline=None)
@given(
    records=st.lists(st.lists(st.none() | st.text(_FIELD_ALPHABET, max_size=8), min_size=3, max_size=3),
                     max_size=6),
    options=_OPTIONS,
)
def test_what_export_writes_import_reads_back(records: list[list[str | None]], options: CsvOptions) -> None:
    text = "".join(render_record(record, options) for record in records)
    parsed = list(parse_records(text, options))
    assert [number for number, _ in parsed] == list(range(1, len(records) + 1))
    for original, (_, fields) in zip(records, parsed):
        assert fields is not None
        for value, (field_text, enclosed) in zip(original, fields):
            if value is None:
                assert (field_text, enclosed) == (options.null, False)
            else:
                assert field_text == value


@pytest.mark.parametrize(
    ("text", "sql_type", "expected"),
    [
        ("0.7", "DECIMAL(10,5)", Decimal("0.70000")),
        ("1.005", "DECIMAL(5,2)", Decimal("1.01")),  # rounded half up to the scale
        ("-42", "DECIMAL(18,0)", -42),
        ("1e3", "DECIMAL(18,0)", 1000),
        ("123456789012345678901234567890123456", "DECIMAL(36,0)", 123456789012345678901234567890123456),
        (" 7 ", "DECIMAL(9,0)", 7),
        ("2.5e-3", "DOUBLE", 0.0025),
        ("-0", "DOUBLE", -0.0),
        ("t", "BOOLEAN", True),
        ("FALSE", "BOOLEAN", False),
        ("1", "BOOLEAN", True),
        ("F", "BOOLEAN", False),
        ("2024-02-29", "DATE", datetime.date(2024, 2, 29)),
        ("2018-04-03 18:36:40.553123", "TIMESTAMP(6)", datetime.datetime(2018, 4, 3, 18, 36, 40, 553123)),
        ("2018-04-03 18:36:40.553999", "TIMESTAMP(3)", datetime.datetime(2018, 4, 3, 18, 36, 40, 553000)),
        ("2018-04-03 18:36:40", "TIMESTAMP", datetime.datetime(2018, 4, 3, 18, 36, 40)),
        ("2018-04-03", "TIMESTAMP", datetime.datetime(2018, 4, 3)),
        ("  spaced  ", "VARCHAR(10) UTF8", "  spaced  "),
        ("äöü", "CHAR(3) UTF8", "äöü"),
    ],
)
def test_parse_value(text: str, sql_type: str, expected: object) -> None:
    value = parse_value(text, parse_column_type(sql_type))
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    ("text", "sql_type", "truncation"),
    [
        ("abc", "DECIMAL(18,0)", False),
        ("1000", "DECIMAL(3,0)", False),
        ("100.00", "DECIMAL(4,2)", False),
        ("1e999999", "DECIMAL(18,0)", False),
        ("nan", "DOUBLE", False),
        ("inf", "DOUBLE", False),
        ("1e400", "DOUBLE", False),
        ("1_000", "DOUBLE", False),
        ("yes", "BOOLEAN", False),
        ("2023-02-29", "DATE", False),
        ("12.03.2023", "DATE", False),
        ("2023-01-01 25:00:00", "TIMESTAMP", False),
        ("too long", "VARCHAR(3) UTF8", True),
        ("é", "VARCHAR(3) ASCII", False),
    ],
)
def test_parse_value_rejects(text: str, sql_type: str, truncation: bool) -> None:
    with pytest.raises(BadValue) as raised:
        parse_value(text, parse_column_type(sql_type))
    assert raised.value.truncation is truncation


@pytest.mark.parametrize(
    ("sql_type", "kind", "attributes"),
    [
        ("DECIMAL(18,2)", Kind.DECIMAL, {"precision": 18, "scale": 2}),
        ("INTEGER", Kind.DECIMAL, {"precision": 18, "scale": 0}),
        ("VARCHAR(100) UTF8", Kind.VARCHAR, {"size": 100, "ascii_only": False}),
        ("CHAR(2) ASCII", Kind.CHAR, {"size": 2, "ascii_only": True}),
        ("TIMESTAMP(6) WITH LOCAL TIME ZONE", Kind.TIMESTAMP, {"precision": 6}),
        ("timestamp", Kind.TIMESTAMP, {"precision": 3}),
        ("DOUBLE PRECISION", Kind.DOUBLE, {}),
    ],
)
def test_parse_column_type(sql_type: str, kind: Kind, attributes: dict) -> None:
    column = parse_column_type(sql_type)
    assert column.kind is kind
    assert {name: getattr(column, name) for name in attributes} == attributes


@pytest.mark.parametrize("sql_type", ["GEOMETRY", "INTERVAL DAY TO SECOND", "HASHTYPE(16 BYTE)", "DATE(3)"])
def test_unsupported_column_types_fail_loudly(sql_type: str) -> None:
    with pytest.raises(CsvTransferError, match="not supported by the Exasol emulator") as raised:
        parse_column_type(sql_type)
    assert raised.value.sql_code == "0A000"


@pytest.mark.parametrize(
    "kwargs",
    [{"row_separator": "NL"}, {"column_separator": ""}, {"column_delimiter": ""}, {"column_separator": "\n"},
     {"column_separator": '"'}, {"encoding": "EBCDIC"}, {"skip": -1}],
)
def test_invalid_options_are_rejected(kwargs: dict) -> None:
    with pytest.raises(CsvTransferError):
        CsvOptions(**kwargs)
