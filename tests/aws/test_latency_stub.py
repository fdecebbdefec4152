"""The latency stub (benchmarks' fixed-cost endpoint): packed like a model, answered through the same
InvokeEndpoint pipeline, one fixed line per request row after the declared latency, CSV only."""

from __future__ import annotations

import time

import pytest

from sme_local.aws.automl import artifacts
from sme_local.aws.automl.inference import LoadedContainer, invoke
from sme_local.aws.automl.latency_stub import LatencyStub
from sme_local.aws.automl.stages import InferenceError


def _stub(latency: float = 0.05) -> list[LoadedContainer]:
    return [LoadedContainer(artifacts.unpack(artifacts.pack(LatencyStub(latency, "False,0.5"))), {})]


@pytest.mark.parametrize("body, rows", [(b"a,1\nb,2\nc,3\n", 3), (b"a,1\nb,2", 2), (b"x", 1)])
def test_one_answer_line_per_request_row_after_the_latency(body, rows):
    started = time.monotonic()
    answer = invoke(_stub(), body, "text/csv", "text/csv")
    assert time.monotonic() - started >= 0.05
    assert answer == b"False,0.5\n" * rows


def test_an_empty_body_and_json_lines_are_refused_as_a_container_refuses_them():
    with pytest.raises(InferenceError) as empty:
        invoke(_stub(0), b"\n", "text/csv", None)
    assert empty.value.status == 400
    with pytest.raises(InferenceError) as json_lines:
        invoke(_stub(0), b'{"features": [1]}\n', "application/jsonlines", None)
    assert json_lines.value.status == 415
