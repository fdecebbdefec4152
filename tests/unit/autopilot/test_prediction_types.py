"""Casting predicted labels to the declared PREDICTIONS type: exact rules, never truthiness."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exasol_sagemaker_extension.autopilot.prediction_types import cast_predictions
from exasol_sagemaker_extension.autopilot.sql_type import parse_sql_type
from exasol_sagemaker_extension.errors import SmeError


def _cast(labels, sql_type, first_row_number=1):
    return cast_predictions(labels, parse_sql_type(sql_type), first_row_number)


def test_boolean_words():
    labels = ["True", "false", "TRUE", "0", "1", "yes", "No", "1.0", "0.0", " true ", ""]
    assert _cast(labels, "BOOLEAN") == [True, False, True, False, True, True, False, True, False, True, None]
    assert all(type(v) is bool for v in _cast(labels[:-1], "BOOLEAN"))


@pytest.mark.parametrize("label", ["False.", "maybe", "2", "t", "-1"])
def test_anything_else_is_not_a_boolean_even_if_truthy(label):
    with pytest.raises(SmeError) as error:
        _cast(["true", "false", label], "BOOLEAN", first_row_number=501)
    assert error.value.code == "E-SME-158" and "row 503" in error.value.message


def test_decimal_is_exact_rounded_half_up_and_scale_zero_is_int():
    assert _cast(["123.455", "1e2", "-0.005", "99.994999999999999999"], "DECIMAL(5,2)") == [
        Decimal("123.46"), Decimal("100.00"), Decimal("-0.01"), Decimal("99.99")
    ]
    values = _cast(["2.5", "-2.5", "12345678901234567890123456789012345", "7.0"], "DECIMAL(36,0)")
    assert values == [3, -3, 12345678901234567890123456789012345, 7]
    assert all(type(v) is int for v in values)


@pytest.mark.parametrize("label", ["1000", "999.995", "1e100", "abc", "NaN", "Infinity", "True"])
def test_decimal_out_of_range_or_not_a_number(label):
    with pytest.raises(SmeError) as error:
        _cast(["1", label], "DECIMAL(5,2)")
    assert error.value.code == "E-SME-159" and "row 2" in error.value.message


def test_double_fast_path_and_errors():
    values = _cast(["1.5", "-3", "1e-300"], "DOUBLE")
    assert values == [1.5, -3.0, 1e-300] and all(type(v) is float for v in values)
    assert _cast(["1.5", ""], "DOUBLE") == [1.5, None]
    for bad in ["nan", "inf", "x"]:
        with pytest.raises(SmeError) as error:
            _cast(["1", bad], "DOUBLE")
        assert error.value.code == "E-SME-160"


def test_strings_are_length_checked_in_characters():
    assert _cast(["ab", "€€€", ""], "VARCHAR(3) UTF8") == ["ab", "€€€", None]
    assert _cast(["ab"], "CHAR(2) UTF8") == ["ab"]
    with pytest.raises(SmeError) as error:
        _cast(["ab", "abcd"], "VARCHAR(3) UTF8")
    assert error.value.code == "E-SME-161" and "4 characters" in error.value.message


def test_dates_and_timestamps():
    assert _cast(["2024-02-29"], "DATE") == [date(2024, 2, 29)]
    assert _cast(["2024-02-29 10:11:12.5"], "TIMESTAMP(3)") == [datetime(2024, 2, 29, 10, 11, 12, 500000)]
    for sql_type in ("DATE", "TIMESTAMP"):
        with pytest.raises(SmeError) as error:
            _cast(["2024-02-30"], sql_type)
        assert error.value.code == "E-SME-162"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["yes", "no", "1", "0", "True", "False"]), min_size=1, max_size=50))
def test_distinct_label_casting_keeps_row_order(labels):
    expected = [label.lower() in ("yes", "1", "true") for label in labels]
    assert _cast(labels, "BOOLEAN") == expected
