"""Loading the bundled CSV files: SQL-friendly names, typed values, and clear errors (no stack needed)."""

import pytest

from exasol_sagemaker_extension.errors import SmeError
from sme_local.datasets import (
    CALIFORNIA_HOUSING, CHURN, DATA_DIR_ENV, exasol_csv, find_data_dir, read_rows, sql_name,
)


@pytest.mark.parametrize(("header", "name"), [
    ("Int'l Plan", "INTL_PLAN"), ("Churn?", "CHURN"), ("Day Mins", "DAY_MINS"), ("CustServ Calls", "CUSTSERV_CALLS"),
    ("median_house_value", "MEDIAN_HOUSE_VALUE"),
])
def test_sql_names(header, name):
    assert sql_name(header) == name


def test_a_header_without_letters_or_digits_is_refused():
    with pytest.raises(ValueError):
        sql_name("?!")


def test_churn_rows_are_typed_and_phone_is_unique():
    rows = read_rows(find_data_dir() / CHURN.file_name, CHURN)
    names = [c.name for c in CHURN.columns]
    first = dict(zip(names, rows[0]))

    assert len(rows) == 3333
    assert first["PHONE"] == "382-4657" and first["INTL_PLAN"] is False and first["VMAIL_PLAN"] is True
    assert first["DAY_MINS"] == "265.1" and first["DAY_CHARGE"] == "45.07" and first["ACCOUNT_LENGTH"] == 128
    assert first["CHURN"] is False
    assert sum(row[names.index("CHURN")] for row in rows) == 483
    assert len({row[names.index("PHONE")] for row in rows}) == 3333


def test_missing_values_become_null():
    rows = read_rows(find_data_dir() / CALIFORNIA_HOUSING.file_name, CALIFORNIA_HOUSING)
    bedrooms = [c.name for c in CALIFORNIA_HOUSING.columns].index("TOTAL_BEDROOMS")
    assert sum(row[bedrooms] is None for row in rows) == 207


def test_exasol_csv_writes_booleans_as_digits_and_null_as_empty():
    assert exasol_csv([("a,b", True, None, 1.5), ("x", False, 3, None)]) == b'"a,b",1,,1.5\nx,0,3,\n'


def test_a_bad_cell_is_named_with_line_and_column(tmp_path):
    path = tmp_path / "churn.csv"
    original = (find_data_dir() / CHURN.file_name).read_text().splitlines()
    path.write_text("\n".join([original[0], original[1].replace("False.", "Maybe.")]) + "\n")

    with pytest.raises(SmeError) as error:
        read_rows(path, CHURN)

    assert error.value.code == "E-SME-504" and "line 2" in error.value.message and "Churn?" in error.value.message


def test_a_missing_data_directory_names_the_option_and_the_variable(tmp_path, monkeypatch):
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))

    with pytest.raises(SmeError) as error:
        find_data_dir()

    assert error.value.code == "E-SME-503"
    assert "--data-dir" in str(error.value) and DATA_DIR_ENV in str(error.value) and str(tmp_path) in str(error.value)


def test_the_option_wins_over_the_variable(tmp_path, monkeypatch):
    chosen = tmp_path / "chosen"
    chosen.mkdir()
    (chosen / CHURN.file_name).write_bytes((find_data_dir() / CHURN.file_name).read_bytes())
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "elsewhere"))

    assert find_data_dir(chosen) == chosen
