"""Answer one InvokeEndpoint request with a loaded container chain: text/csv in, Autopilot's CSV out.

Requests carry no header; each row holds the training features in training order, the target excluded, and an
empty field is a missing value. Responses put one row per request row, its fields in the order of the keys in
``SAGEMAKER_INFERENCE_OUTPUT`` (list values as Python-style list literals, quoted as CSV requires), or just the
number for regression.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from typing import Any, Mapping, Sequence

from aws_emulator.automl.stages import InferenceError, RawRows, Response

CSV_TYPE = "text/csv"


@dataclasses.dataclass(frozen=True)
class LoadedContainer:
    stage: Any
    environment: Mapping[str, str]


def invoke(containers: Sequence[LoadedContainer], body: bytes, content_type: str | None,
           accept: str | None) -> bytes:
    """Run the serial pipeline on one request body; raises ``InferenceError`` like a container would."""
    if _media_type(content_type) != CSV_TYPE:
        raise InferenceError(415, f"Content type {content_type!r} is not supported; send {CSV_TYPE}.")
    if accept is not None and _media_type(accept) not in (CSV_TYPE, "*/*"):
        raise InferenceError(406, f"Accept type {accept!r} is not supported; accept {CSV_TYPE}.")
    payload: object = _parse(body)
    for container in containers:
        payload = container.stage.apply(payload, container.environment)
    if not isinstance(payload, Response):
        raise InferenceError(500, "The last container of this model does not produce a response.")
    return _render(payload)


def _media_type(value: str | None) -> str:
    return (value or "").split(";")[0].strip().lower()


def _parse(body: bytes) -> RawRows:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InferenceError(400, "The request body is not UTF-8 text.") from error
    try:
        rows = [[field if field != "" else None for field in row]
                for row in csv.reader(io.StringIO(text, newline=""), strict=True) if row]
    except csv.Error as error:
        raise InferenceError(400, f"The request body is not valid CSV: {error}.") from error
    if not rows:
        raise InferenceError(400, "The request body holds no rows.")
    return RawRows(rows)


def _render(response: Response) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(response.records)
    return buffer.getvalue().encode("utf-8")
