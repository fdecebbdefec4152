"""Finds the bundled CSV datasets and loads them into Exasol tables with SQL-friendly, typed columns.

CSV headers such as ``Int'l Plan`` or ``Churn?`` would need quoting in every statement, so each column gets an
upper-case identifier (``sql_name``: apostrophes dropped, any other run of non-alphanumerics becomes ``_``) and
an Exasol type. The typed rows either become a DataFrame for pyexasol's ``import_from_pandas`` (the tutorial's
way, the same on a real Exasol) or a clean CSV that ``IMPORT … FROM CSV AT <s3 connection>`` reads (the way data
reaches Exasol from S3). Both are bulk loads: row-by-row prepared INSERTs of the 3,333 churn rows took 12-22 s on
the emulator, the IMPORT 0.5 s.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Callable, Iterable, Sequence

import pandas as pd

from exasol_sagemaker_extension.errors import SmeError

DATA_DIR_ENV = "SME_LOCAL_DATA_DIR"
# Where the datasets sit next to a development checkout: repository/../shared/data, seen from this file,
# repository/local/sme_local/datasets.py.
_CHECKOUT_DATA_DIR = Path(__file__).resolve().parents[3] / "shared" / "data"

Value = int | float | str | bool | None


def sql_name(header: str) -> str:
    """``"Int'l Plan"`` -> ``INTL_PLAN``, ``"Churn?"`` -> ``CHURN``, ``"Day Mins"`` -> ``DAY_MINS``."""
    name = re.sub(r"[^0-9A-Za-z]+", "_", header.replace("'", "")).strip("_").upper()
    if not name or name[0].isdigit():
        raise ValueError(f"no SQL identifier can be derived from the CSV header {header!r}")
    return name


def quote(identifier: str) -> str:
    """An Exasol delimited identifier (exact case, inner quotes doubled)."""
    return '"' + identifier.replace('"', '""') + '"'


@dataclass(frozen=True)
class CsvColumn:
    """One CSV column: its header, its SQL name and type, and how its text becomes a value (empty = NULL)."""

    header: str
    name: str
    sql_type: str
    parse: Callable[[str], Value]


def integer(text: str) -> int:
    return int(Decimal(text))


def double(text: str) -> float:
    return float(text)


def text(value: str) -> str:
    return value


def decimal_text(text: str) -> str:
    """DECIMAL(p,s) values travel as their exact decimal text, never through a binary float."""
    return format(Decimal(text).normalize(), "f")


def boolean(true_text: str, false_text: str) -> Callable[[str], bool]:
    """A parser for a two-valued text column (``yes``/``no``, ``True.``/``False.``); anything else is an error."""
    def parse(value: str) -> bool:
        if value == true_text:
            return True
        if value == false_text:
            return False
        raise ValueError(f"expected {true_text!r} or {false_text!r}, found {value!r}")
    return parse


def column(header: str, sql_type: str, parse: Callable[[str], Value], name: str | None = None) -> CsvColumn:
    return CsvColumn(header, name or sql_name(header), sql_type, parse)


@dataclass(frozen=True)
class CsvDataset:
    """A bundled CSV file and the typed columns it is loaded with (in table order)."""

    file_name: str
    columns: tuple[CsvColumn, ...]


_MINUTES, _CHARGE, _COUNT = "DECIMAL(6,1)", "DECIMAL(6,2)", "DECIMAL(9,0)"

CHURN = CsvDataset("churn.csv", (
    column("State", "VARCHAR(2) UTF8", text),
    column("Account Length", _COUNT, integer),
    column("Area Code", "VARCHAR(3) UTF8", text),
    column("Phone", "VARCHAR(8) UTF8", text),
    column("Int'l Plan", "BOOLEAN", boolean("yes", "no")),
    column("VMail Plan", "BOOLEAN", boolean("yes", "no")),
    column("VMail Message", _COUNT, integer),
    column("Day Mins", _MINUTES, decimal_text),
    column("Day Calls", _COUNT, integer),
    column("Day Charge", _CHARGE, decimal_text),
    column("Eve Mins", _MINUTES, decimal_text),
    column("Eve Calls", _COUNT, integer),
    column("Eve Charge", _CHARGE, decimal_text),
    column("Night Mins", _MINUTES, decimal_text),
    column("Night Calls", _COUNT, integer),
    column("Night Charge", _CHARGE, decimal_text),
    column("Intl Mins", _MINUTES, decimal_text),
    column("Intl Calls", _COUNT, integer),
    column("Intl Charge", _CHARGE, decimal_text),
    column("CustServ Calls", _COUNT, integer),
    column("Churn?", "BOOLEAN", boolean("True.", "False.")),
))

CALIFORNIA_HOUSING = CsvDataset("california_housing.csv", (
    column("longitude", "DOUBLE", double),
    column("latitude", "DOUBLE", double),
    column("housing_median_age", "DOUBLE", double),
    column("total_rooms", "DOUBLE", double),
    column("total_bedrooms", "DOUBLE", double),
    column("population", "DOUBLE", double),
    column("households", "DOUBLE", double),
    column("median_income", "DOUBLE", double),
    column("median_house_value", "DOUBLE", double),
    column("ocean_proximity", "VARCHAR(20) UTF8", text),
))


def find_data_dir(explicit: Path | None = None) -> Path:
    """The directory holding the datasets: the option, else ``$SME_LOCAL_DATA_DIR``, else the checkout's
    ``../shared/data`` next to the repository. Never a silent guess: if none holds churn.csv, E-SME-503 names
    the option and the variable."""
    if explicit is not None:
        origin, directory = "--data-dir", explicit
    elif os.environ.get(DATA_DIR_ENV):
        origin, directory = DATA_DIR_ENV, Path(os.environ[DATA_DIR_ENV])
    else:
        origin, directory = "the repository checkout", _CHECKOUT_DATA_DIR
    if (directory / CHURN.file_name).is_file():
        return directory
    raise SmeError("E-SME-503", f"No {CHURN.file_name} in {directory} (taken from {origin}).", [
        f"Pass --data-dir DIR or set {DATA_DIR_ENV}=DIR to a directory holding {CHURN.file_name} and "
        f"{CALIFORNIA_HOUSING.file_name}.",
    ])


def read_rows(path: Path, dataset: CsvDataset) -> list[tuple[Value, ...]]:
    """All rows of ``path`` as typed tuples in the dataset's column order; E-SME-504 names a bad cell."""
    with open(path, newline="", encoding="utf-8") as file:
        reader = csv.DictReader(file)
        missing = [c.header for c in dataset.columns if c.header not in (reader.fieldnames or [])]
        if missing:
            raise SmeError("E-SME-504", f"{path.name} lacks the columns {missing}.", [
                f"Use the original {dataset.file_name} (see SOURCES.md of the data directory)."])
        rows = []
        for line, record in enumerate(reader, start=2):
            rows.append(tuple(_cell(path, line, c, record[c.header]) for c in dataset.columns))
    return rows


def read_frame(path: Path, dataset: CsvDataset) -> pd.DataFrame:
    """The rows of ``read_rows`` as a DataFrame with the SQL column names, ready for pyexasol's
    ``import_from_pandas``. Object columns keep each value as parsed: an integer column with a NULL must not turn
    into floats, whose ``1.0`` a DECIMAL(9,0) column would refuse."""
    return pd.DataFrame(read_rows(path, dataset), columns=[c.name for c in dataset.columns], dtype=object)


def _cell(path: Path, line: int, csv_column: CsvColumn, raw: str | None) -> Value:
    if raw is None or raw.strip() == "":
        return None
    try:
        return csv_column.parse(raw.strip())
    except (ValueError, ArithmeticError) as error:
        raise SmeError("E-SME-504", f"{path.name} line {line}, column {csv_column.header!r}: {error}.", [
            f"Use the original {path.name} (see SOURCES.md of the data directory)."]) from None


def create_table_sql(schema: str, table: str, columns: Sequence[CsvColumn]) -> str:
    definitions = ", ".join(f"{quote(c.name)} {c.sql_type}" for c in columns)
    return f"CREATE OR REPLACE TABLE {quote(schema)}.{quote(table)} ({definitions})"


def exasol_csv(rows: Iterable[tuple[Value, ...]]) -> bytes:
    """The rows in the CSV form Exasol's IMPORT reads: no header, NULL as an empty field, BOOLEAN as 1/0."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if v is None else int(v) if isinstance(v, bool) else v for v in row])
    return buffer.getvalue().encode("utf-8")
