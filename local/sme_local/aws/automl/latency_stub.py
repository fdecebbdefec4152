"""A declared stand-in model: answers every ``text/csv`` row with one fixed line after a fixed latency.

Benchmarks need an endpoint whose cost is known and uses almost no CPU, so that what a client or the SQL path
adds on top of the model shows apart from the model's own work on a small machine (issue 15: 50 ms per request).
It is a model like any other here — a ``model.tar.gz`` written by ``artifacts.pack`` behind CreateModel's
``ModelDataUrl``, served through the same InvokeEndpoint route, metrics and faults — but its container does not
parse the request: it counts the rows by their line ends (so fields must not hold line breaks) and sleeps.
No AWS model behaves like this; it exists only because it was deliberately packed and deployed.
"""

from __future__ import annotations

import dataclasses
import time

from sme_local.aws.automl.stages import InferenceError


@dataclasses.dataclass(frozen=True)
class LatencyStub:
    """``answer_line`` (CSV fields, no line end) for each request row, ``latency_seconds`` after the request."""

    latency_seconds: float
    answer_line: str

    def answer(self, body: bytes) -> bytes:
        rows = body.count(b"\n") + (0 if body.endswith(b"\n") else 1)
        if not body.strip():
            raise InferenceError(400, "The request body holds no rows.")
        time.sleep(self.latency_seconds)
        return (self.answer_line + "\n").encode("utf-8") * rows
