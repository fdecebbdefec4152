"""Answer one InvokeEndpoint request with a loaded container chain: text/csv or JSON Lines in and out.

CSV requests carry no header; each row holds the training features in training order, the target excluded, and
an empty field is a missing value. JSON Lines requests (``application/jsonlines``) hold one object per row in
SageMaker's dense form ``{"features": [v1, …, vN]}``, ``null`` being a missing value and ``true``/``false`` the
``1``/``0`` of the training CSV. CSV responses put one row per request row, its fields in the order of the keys
in ``SAGEMAKER_INFERENCE_OUTPUT`` (list values as Python-style list literals, quoted as CSV requires), or just
the number for regression. With ``Accept: application/jsonlines`` each row is one JSON object with those keys:
``predicted_label`` (a number for regression), ``probability``, ``probabilities`` (numbers) and ``labels``.
Without an Accept header the answer is CSV, the containers' ``SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT``.
"""

from __future__ import annotations

import ast
import csv
import dataclasses
import io
import json
from typing import Any, Mapping, Sequence

from sme_local.aws.automl.latency_stub import LatencyStub
from sme_local.aws.automl.stages import LABELS, PROBABILITIES, PROBABILITY, InferenceError, RawRows, Response

CSV_TYPE = "text/csv"
JSON_LINES_TYPE = "application/jsonlines"
_TYPES = (CSV_TYPE, JSON_LINES_TYPE)


@dataclasses.dataclass(frozen=True)
class LoadedContainer:
    stage: Any
    environment: Mapping[str, str]


def invoke(containers: Sequence[LoadedContainer], body: bytes, content_type: str | None,
           accept: str | None) -> bytes:
    """Run the serial pipeline on one request body; raises ``InferenceError`` like a container would."""
    request_type = _media_type(content_type)
    if request_type not in _TYPES:
        raise InferenceError(415, f"Content type {content_type!r} is not supported; send {' or '.join(_TYPES)}.")
    answer_type = response_type(accept)
    if len(containers) == 1 and isinstance(containers[0].stage, LatencyStub):
        if request_type != CSV_TYPE or answer_type != CSV_TYPE:
            raise InferenceError(415, f"The latency stub answers only {CSV_TYPE} requests with {CSV_TYPE}.")
        return containers[0].stage.answer(body)
    payload: object = _parse(body, request_type)
    for container in containers:
        payload = container.stage.apply(payload, container.environment)
    if not isinstance(payload, Response):
        raise InferenceError(500, "The last container of this model does not produce a response.")
    return _render_json_lines(payload) if answer_type == JSON_LINES_TYPE else _render(payload)


def response_type(accept: str | None) -> str:
    """The media type of the answer to a request with this Accept header (406 for one the containers lack)."""
    if accept is None or _media_type(accept) in ("", "*/*"):
        return CSV_TYPE
    if _media_type(accept) not in _TYPES:
        raise InferenceError(406, f"Accept type {accept!r} is not supported; accept {' or '.join(_TYPES)}.")
    return _media_type(accept)


def _media_type(value: str | None) -> str:
    return (value or "").split(";")[0].strip().lower()


def _parse(body: bytes, request_type: str) -> RawRows:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InferenceError(400, "The request body is not UTF-8 text.") from error
    if request_type == JSON_LINES_TYPE:
        rows = [_json_row(line, number) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    else:
        try:
            rows = [[field if field != "" else None for field in row]
                    for row in csv.reader(io.StringIO(text, newline=""), strict=True) if row]
        except csv.Error as error:
            raise InferenceError(400, f"The request body is not valid CSV: {error}.") from error
    if not rows:
        raise InferenceError(400, "The request body holds no rows.")
    return RawRows(rows)


def _json_row(line: str, number: int) -> list[str | None]:
    """The fields of one ``{"features": [...]}`` line as the CSV reader would give them."""
    try:
        record = json.loads(line)
    except ValueError as error:
        raise InferenceError(400, f"Line {number} of the request is not JSON: {error}.") from error
    features = record.get("features") if isinstance(record, dict) else None
    if not isinstance(features, list) or any(isinstance(v, (list, dict)) for v in features):
        raise InferenceError(400, f'Line {number} of the request is not {{"features": [v1, ..., vN]}} with plain '
                                  "values.")
    return [_json_field(value) for value in features]


def _json_field(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    return value if isinstance(value, str) else repr(value) if isinstance(value, float) else str(value)


def _render(response: Response) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(response.records)
    return buffer.getvalue().encode("utf-8")


def _render_json_lines(response: Response) -> bytes:
    lines = [json.dumps({key: _json_value(key, field, response.numeric_label)
                         for key, field in zip(response.keys, record)})
             for record in response.records]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _json_value(key: str, field: str, numeric_label: bool) -> Any:
    if key == PROBABILITY or numeric_label:
        return float(field)
    if key == PROBABILITIES:
        return json.loads(field)
    if key == LABELS:
        return list(ast.literal_eval(field))
    return field

