"""Parse the answers of SageMaker endpoints into per-row predictions.

``response_layout`` says where each value is. For endpoints this extension deploys it is Autopilot's text/csv
layout, which depends on the problem type (the keys the deployment chose for ``SAGEMAKER_INFERENCE_OUTPUT``):
  * Regression: one number per line.
  * BinaryClassification: ``predicted_label,probability``.
  * MulticlassClassification: ``predicted_label,probability,probabilities,labels`` where the last two are
    Python list literals inside one quoted CSV field each, e.g. ``dog,0.9,"[0.05, 0.9]","['cat', 'dog']"``.
    Labels may themselves be quoted strings containing commas and quotes, so both the CSV layer and the
    list literal are parsed properly (``csv`` and ``ast.literal_eval``), never split on commas.
Other endpoints may put these values at other CSV positions, or answer in JSON Lines with one object per row.

A response that does not answer exactly the rows that were sent would silently shift every later prediction
onto the wrong row, so a count mismatch is an error naming the endpoint and the row range.
"""

from __future__ import annotations

import ast
import csv
import io
import json
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from exasol_sagemaker_extension.autopilot.response_layout import (
    BINARY_CLASSIFICATION,
    JSON_LINES,
    MULTICLASS_CLASSIFICATION,
    REGRESSION,
    Location,
    ResponseLayout,
)
from exasol_sagemaker_extension.errors import SmeError

PROBLEM_TYPES = (REGRESSION, BINARY_CLASSIFICATION, MULTICLASS_CLASSIFICATION)


def normalise_problem_type(problem_type: str | None) -> str:
    """AWS's spelling of a problem type, whatever the case it was stored in."""
    by_lower = {name.lower(): name for name in PROBLEM_TYPES}
    try:
        return by_lower[str(problem_type).strip().lower()]
    except KeyError:
        raise SmeError(
            "E-SME-164",
            f"Unknown problem type {problem_type!r}; expected one of {', '.join(PROBLEM_TYPES)}.",
            ["Redeploy the endpoint with SME_DEPLOY_SAGEMAKER_AUTOPILOT_ENDPOINT so its UDF is regenerated."],
        ) from None


@dataclass(frozen=True)
class RowRange:
    """Rows of one request, numbered 1-based within the UDF group, for messages."""

    endpoint_name: str  # or the transform job's name, with ``sent_to`` "transform job"
    first: int
    last: int
    sent_to: str = "endpoint"

    def __str__(self) -> str:
        return f"rows {self.first}..{self.last} sent to {self.sent_to} {self.endpoint_name!r}"


@dataclass(frozen=True)
class Predictions:
    """Per-row results: the raw label text, the probability of that label, the label→probability JSON."""

    labels: list[str]
    probability: list[float] | None = None
    probabilities: list[str] | None = None

    def __len__(self) -> int:
        return len(self.labels)


def concat_predictions(parts: list[Predictions]) -> Predictions:
    """Join per-request results in request order."""
    labels = [label for part in parts for label in part.labels]
    probability = None if not parts or parts[0].probability is None else [p for x in parts for p in x.probability]
    probabilities = (
        None if not parts or parts[0].probabilities is None else [p for x in parts for p in x.probabilities]
    )
    return Predictions(labels, probability, probabilities)


def parse_response(body: bytes, layout: ResponseLayout, rows: RowRange) -> Predictions:
    """The predictions in ``body`` for the rows of ``rows``; the count must match exactly."""
    text = _decode(body, rows)
    if layout.content_type == JSON_LINES:
        records: list = [_json_record(line, rows, offset)
                         for offset, line in enumerate(line for line in text.splitlines() if line.strip())]
    elif layout.width == 1:
        records = [[line] for line in text.splitlines()]
    else:
        records = list(csv.reader(io.StringIO(text, newline="")))
    return parse_records(records, layout, rows)


def parse_records(records: list, layout: ResponseLayout, rows: RowRange) -> Predictions:
    """The predictions in answer records already split (CSV fields or JSON objects), one per row of ``rows``."""
    expected = rows.last - rows.first + 1
    if len(records) != expected:
        raise SmeError(
            "E-SME-156",
            f"The endpoint answered {len(records)} predictions for {expected} {rows}.",
            [
                "Check that the endpoint serves the model trained for this UDF (redeploy if in doubt).",
                "If the model was trained on other columns, call the UDF with exactly those feature columns.",
            ],
        )
    if layout.content_type != JSON_LINES:
        _check_widths(records, layout, rows)
    labels = [_field(record, layout.label, rows, offset) for offset, record in enumerate(records)]
    if layout.probability is None:
        return Predictions(labels)
    probability = _probabilities_column(
        [_field(record, layout.probability, rows, offset) for offset, record in enumerate(records)], rows)
    if layout.probabilities is None or layout.labels is None:
        return Predictions(labels, probability)
    distributions = [
        _distribution_json(_field(r, layout.probabilities, rows, offset), _field(r, layout.labels, rows, offset),
                           rows, offset)
        for offset, r in enumerate(records)
    ]
    return Predictions(labels, probability, distributions)


def _check_widths(records: list[list[str]], layout: ResponseLayout, rows: RowRange) -> None:
    for offset, record in enumerate(records):
        if layout.width is not None and len(record) != layout.width:
            raise _malformed(rows, offset, f"{len(record)} fields instead of {layout.width} for "
                                           f"{layout.problem_type()}")
        if len(record) < layout.fields_needed:
            raise _malformed(rows, offset, f"{len(record)} fields, but the layout reads field "
                                           f"{layout.fields_needed}")


def _json_record(line: str, rows: RowRange, offset: int) -> dict:
    try:
        record = json.loads(line)
    except ValueError as error:
        raise _malformed(rows, offset, f"the line is not JSON ({error})") from None
    if not isinstance(record, dict):
        raise _malformed(rows, offset, "the line is not a JSON object")
    return record


def _field(record: list[str] | dict, location: Location, rows: RowRange, offset: int) -> str:
    """The text of one value: a CSV field as it is; a JSON value as its label text (lists as JSON text)."""
    if isinstance(record, list):
        return record[int(location) - 1]
    if location not in record:
        raise _malformed(rows, offset, f"the object has no key {location!r}")
    value = record[location]
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _decode(body: bytes, rows: RowRange) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise _malformed(rows, None, "the body is not UTF-8 text") from None


def _probabilities_column(texts: list[str], rows: RowRange) -> list[float]:
    try:
        values = np.array(texts, dtype=np.float64)
    except ValueError:
        values = None
    if values is None or not np.isfinite(values).all():
        for offset, text in enumerate(texts):
            if not _is_finite_number(text):
                raise _malformed(rows, offset, f"probability {text[:40]!r} is not a finite number")
    return values.tolist()


def _is_finite_number(text: str) -> bool:
    try:
        return bool(np.isfinite(float(text)))
    except ValueError:
        return False


def _distribution_json(probabilities_text: str, labels_text: str, rows: RowRange, offset: int) -> str:
    """``{"label": probability, …}`` from the two list literals of a multiclass record."""
    try:
        labels = _label_list(labels_text)
        probabilities = _probability_list(probabilities_text)
        if len(labels) != len(probabilities):
            raise ValueError(f"{len(probabilities)} probabilities for {len(labels)} labels")
        return json.dumps(dict(zip(labels, probabilities)), allow_nan=False, ensure_ascii=False)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as error:
        raise _malformed(rows, offset, f"cannot read the probabilities/labels lists ({error})") from None


@lru_cache(maxsize=256)
def _label_list(literal: str) -> tuple[str, ...]:
    """Labels from a Python list literal; cached because every row of an endpoint repeats the same list."""
    value = ast.literal_eval(literal.strip())
    if not isinstance(value, (list, tuple)):
        raise ValueError("labels are not a list")
    return tuple(str(label) for label in value)


def _probability_list(literal: str) -> list[float]:
    try:
        value = json.loads(literal)
    except ValueError:
        value = ast.literal_eval(literal.strip())
    if not isinstance(value, (list, tuple)) or not all(
        isinstance(p, (int, float)) and not isinstance(p, bool) for p in value
    ):
        raise ValueError("probabilities are not a list of numbers")
    return [float(p) for p in value]


def _malformed(rows: RowRange, offset: int | None, reason: str) -> SmeError:
    where = f"row {rows.first + offset} of the {rows}" if offset is not None else str(rows)
    return SmeError(
        "E-SME-157",
        f"The endpoint's answer for {where} cannot be read: {reason}.",
        [
            "Check that the endpoint was deployed by this extension (response keys predicted_label, probability, "
            "probabilities, labels in text/csv); redeploy it if in doubt.",
            "For a UDF made with SME_CREATE_ENDPOINT_UDF: check its format and where it reads label, probability, "
            "probabilities and labels (CSV position or JSON key) against one answer of the endpoint.",
        ],
    )
