"""JSON Lines request rows: the CSV codec's values and checks, in SageMaker's dense {"features": [...]} form."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pytest

from exasol_sagemaker_extension.autopilot.exasol_csv import FeatureColumn, encode_rows
from exasol_sagemaker_extension.autopilot.jsonlines_rows import encode_json_rows
from exasol_sagemaker_extension.autopilot.sql_type import parse_sql_type
from exasol_sagemaker_extension.errors import SmeError


def column(name, sql_type, values):
    return FeatureColumn(name, parse_sql_type(sql_type), values)


COLUMNS = [
    column("T", "VARCHAR(20) UTF8", ['a,"b"', "", None, "Zürich\n"]),
    column("I", "DECIMAL(18,0)", [1, None, -3, 12345678901234567890]),
    column("D", "DECIMAL(10,2)", [Decimal("1.50"), Decimal("-0.01"), None, Decimal("100")]),
    column("F", "DOUBLE", np.array([1e-5, np.nan, 2.5, 1e20])),
    column("B", "BOOLEAN", [True, False, None, True]),
    column("DT", "DATE", [date(2020, 1, 2), None, None, date(1999, 12, 31)]),
    column("TS", "TIMESTAMP(3)", [datetime(2020, 1, 2, 3, 4, 5, 600000), None, None, None]),
]


def test_every_type_keeps_its_json_kind_and_null_is_null():
    encoded = encode_json_rows(COLUMNS)
    rows = [json.loads(line)["features"] for line in encoded.body(0, len(encoded)).decode().splitlines()]
    assert rows == [
        ['a,"b"', 1, 1.5, 1e-05, True, "2020-01-02", "2020-01-02 03:04:05.600000"],
        ["", None, -0.01, None, False, None, None],
        [None, -3, None, 2.5, None, None, None],
        ["Zürich\n", 12345678901234567890, 100, 1e20, True, "1999-12-31", None],
    ]
    assert type(rows[3][2]) is int  # DECIMAL '100' stays the number the CSV export writes


def test_sizes_count_utf8_bytes_and_the_line_feed():
    encoded = encode_json_rows(COLUMNS)
    assert [int(size) for size in encoded.byte_sizes] == [len(line.encode()) + 1 for line in encoded.lines]


def test_the_numbers_are_spelled_as_in_csv():
    csv_fields = encode_rows(COLUMNS[1:4]).lines[0].split(",")
    assert json.loads(encode_json_rows(COLUMNS[1:4]).lines[0]) == {"features": [json.loads(f) for f in csv_fields]}


def test_values_the_csv_codec_refuses_are_refused_here_too():
    with pytest.raises(SmeError) as caught:
        encode_json_rows([column("F", "DOUBLE", [1.0, float("inf")])], first_row_number=11)
    assert caught.value.code == "E-SME-151" and "row 12" in caught.value.message
