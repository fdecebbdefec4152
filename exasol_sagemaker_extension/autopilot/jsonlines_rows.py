"""Encode feature columns as JSON Lines records, SageMaker's dense form ``{"features": [v1, …, vN]}`` per row.

For endpoints that want ``application/jsonlines`` instead of CSV (``SME_CREATE_ENDPOINT_UDF`` with that
format). Each value is first written exactly as the CSV codec writes it — the same checks (no NaN, no infinity,
the right Python types) and the same spellings of numbers, dates and timestamps — and then given its JSON form:
numbers stay numbers, BOOLEAN becomes ``true``/``false``, text, DATE and TIMESTAMP become JSON strings, NULL is
``null``. The CSV codec quotes a text field only when it must (and always for the empty string), so a field is
NULL exactly when it is empty, and a quoted field is unquoted before it is put into JSON.
"""

from __future__ import annotations

import json
from typing import Callable, Sequence

from exasol_sagemaker_extension.autopilot.exasol_csv import EncodedRows, FeatureColumn, encode_column
from exasol_sagemaker_extension.autopilot.sql_type import BOOLEAN, CHAR, DATE, DECIMAL, DOUBLE, TIMESTAMP, VARCHAR

_BOOLEANS = {"1": "true", "0": "false", "": "null"}


def encode_json_rows(columns: Sequence[FeatureColumn], first_row_number: int = 1) -> EncodedRows:
    """One ``{"features": [...]}`` line per row; ``first_row_number`` only numbers rows in error messages."""
    if not columns:
        raise ValueError("at least one feature column is needed")
    fields = [list(map(_converter(column.sql_type.kind), encode_column(column, first_row_number)))
              for column in columns]
    return EncodedRows.of(['{"features": [' + ", ".join(row) + "]}" for row in zip(*fields)])


def _converter(kind: str) -> Callable[[str], str]:
    if kind in (DECIMAL, DOUBLE):
        return _number
    if kind == BOOLEAN:
        return _BOOLEANS.__getitem__
    if kind in (VARCHAR, CHAR):
        return _text
    assert kind in (DATE, TIMESTAMP), kind
    return _plain_string


def _number(field: str) -> str:
    return field or "null"


def _plain_string(field: str) -> str:
    return json.dumps(field) if field else "null"


def _text(field: str) -> str:
    if not field:
        return "null"
    if field.startswith('"'):
        field = field[1:-1].replace('""', '"')
    return json.dumps(field, ensure_ascii=False)
