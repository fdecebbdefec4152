"""The prediction client against a real HTTP endpoint on 127.0.0.1 (see stub_sagemaker_runtime)."""

from __future__ import annotations

import socket

import boto3
import numpy as np
import pytest
from botocore.config import Config
from moto import mock_aws
from stub_sagemaker_runtime import Failure, StubEndpoint

from exasol_sagemaker_extension.autopilot.exasol_csv import FeatureColumn, encode_rows
from exasol_sagemaker_extension.autopilot.prediction import (
    REALTIME_PAYLOAD_LIMIT_BYTES,
    SERVERLESS_PAYLOAD_LIMIT_BYTES,
    PredictionClient,
    PredictionSettings,
    plan_batches,
    runtime_client,
)
from exasol_sagemaker_extension.autopilot.sql_type import parse_sql_type
from exasol_sagemaker_extension.errors import SmeError


def _ids(count: int, padding: str = ""):
    """Rows whose first field is the row id (the stub echoes it back), plus an optional wide text column."""
    columns = [FeatureColumn("id", parse_sql_type("DECIMAL(18,0)"), np.arange(count))]
    if padding:
        columns.append(FeatureColumn("pad", parse_sql_type("VARCHAR(2000000) UTF8"), [padding] * count))
    return encode_rows(columns)


class _Recorder:
    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def _client(stub: StubEndpoint, sleep=None, **settings) -> PredictionClient:
    return PredictionClient(
        stub.client(), "churn-ep", "Regression", PredictionSettings(**settings), sleep=sleep or _Recorder()
    )


def test_batches_run_concurrently_and_results_come_back_in_order():
    with StubEndpoint(latency_seconds=0.03) as stub, _client(stub, max_rows_per_request=100, max_requests_in_flight=4) as client:
        result = client.predict(_ids(2_450))
    assert result.labels == [str(i) for i in range(2_450)]
    assert len(stub.state.bodies) == 25
    assert max(body.count(b"\n") for body in stub.state.bodies) == 100
    assert stub.state.max_in_flight == 4


@pytest.mark.parametrize(("serverless", "limit"), [(False, REALTIME_PAYLOAD_LIMIT_BYTES), (True, SERVERLESS_PAYLOAD_LIMIT_BYTES)])
def test_no_request_body_exceeds_the_payload_limit(serverless, limit):
    rows = _ids(120, padding="x" * 150_000)  # ~18 MB in total, far below the 1000-row cap
    with StubEndpoint() as stub, _client(stub, serverless=serverless) as client:
        result = client.predict(rows)
    assert result.labels == [str(i) for i in range(120)]
    sizes = [len(body) for body in stub.state.bodies]
    assert max(sizes) <= limit and sum(sizes) == int(rows.byte_sizes.sum())
    assert len(sizes) == -(-int(rows.byte_sizes.sum()) // (limit // int(rows.byte_sizes[0]) * int(rows.byte_sizes[0])))


def test_plan_batches_fills_each_batch_greedily():
    sizes = np.array([4, 4, 4, 9, 1, 1, 1, 1, 1])
    assert plan_batches(sizes, max_rows=3, limit_bytes=10) == [(0, 2), (2, 3), (3, 5), (5, 8), (8, 9)]


def test_a_single_row_over_the_limit_is_reported_before_anything_is_sent():
    rows = _ids(3, padding="y" * (SERVERLESS_PAYLOAD_LIMIT_BYTES + 10))
    with StubEndpoint() as stub, _client(stub, serverless=True) as client:
        with pytest.raises(SmeError) as error:
            client.predict(rows, first_row_number=41)
    assert error.value.code == "E-SME-152"
    assert "Row 41" in error.value.message and str(SERVERLESS_PAYLOAD_LIMIT_BYTES) in error.value.message
    assert str(int(rows.byte_sizes[0])) in error.value.message
    assert stub.state.bodies == []


def test_throttling_and_server_faults_are_retried_with_growing_backoff():
    sleep = _Recorder()
    with StubEndpoint() as stub, _client(stub, sleep=sleep, max_requests_in_flight=1) as client:
        stub.state.failures.extend(
            [
                Failure(429, "ThrottlingException"),
                Failure(500, "InternalFailure"),
                Failure(424, "ModelError", "worker died", original_status=503),
                Failure(429, "ModelNotReadyException"),
                Failure(503, "ServiceUnavailable"),
            ]
        )
        result = client.predict(_ids(5))
    assert result.labels == ["0", "1", "2", "3", "4"]
    assert len(sleep.delays) == 5
    settings = PredictionSettings()
    for attempt, delay in enumerate(sleep.delays, start=1):
        ceiling = min(settings.max_backoff_seconds, settings.first_backoff_seconds * 2 ** (attempt - 1))
        assert ceiling / 2 <= delay <= ceiling


def test_backoff_is_capped_and_jittered():
    settings = PredictionSettings(first_backoff_seconds=1, max_backoff_seconds=5)
    assert settings.backoff_seconds(1, 0.0) == 0.5 and settings.backoff_seconds(1, 1.0) == 1.0
    assert settings.backoff_seconds(10, 0.0) == 2.5 and settings.backoff_seconds(10, 1.0) == 5.0


def test_gives_up_after_max_attempts():
    with StubEndpoint() as stub, _client(stub, max_attempts=3) as client:
        stub.state.failures.extend([Failure(429, "ThrottlingException", "Rate exceeded")] * 3)
        with pytest.raises(SmeError) as error:
            client.predict(_ids(5))
    assert error.value.code == "E-SME-155"
    assert "3 attempts" in error.value.message and "Rate exceeded" in error.value.message


def test_rejected_input_names_endpoint_and_row_range_and_is_not_retried():
    with StubEndpoint() as stub, _client(stub, max_rows_per_request=100, max_requests_in_flight=1) as client:
        stub.state.failures.extend([Failure(424, "ModelError", "could not convert string to float", original_status=400)])
        with pytest.raises(SmeError) as error:
            client.predict(_ids(300), first_row_number=1001)
    assert error.value.code == "E-SME-154"
    message = error.value.message
    assert "rows 1001..1100" in message and "'churn-ep'" in message and "could not convert" in message
    assert not stub.state.failures


def test_validation_error_is_rejected_input():
    with StubEndpoint() as stub, _client(stub) as client:
        stub.state.failures.append(Failure(400, "ValidationError", "Body is not valid CSV"))
        with pytest.raises(SmeError) as error:
            client.predict(_ids(2))
    assert error.value.code == "E-SME-154"


def test_unknown_endpoint():
    with StubEndpoint() as stub, _client(stub) as client:
        stub.state.unknown_endpoints.add("churn-ep")
        with pytest.raises(SmeError) as error:
            client.predict(_ids(2))
    assert error.value.code == "E-SME-153" and "'churn-ep'" in error.value.message


def test_moto_cannot_show_an_unknown_endpoint_so_the_stub_does():
    """moto 5.2.5 answers InvokeEndpoint for any name with canned data; this pins that fact."""
    with mock_aws():
        runtime = boto3.client("sagemaker-runtime", region_name="eu-central-1")
        answer = runtime.invoke_endpoint(EndpointName="never-deployed", ContentType="text/csv", Body=b"1\n")
    assert answer["Body"].read() == b"body"


def test_credential_failures_are_not_retried_and_keep_their_own_code():
    with StubEndpoint() as stub, _client(stub) as client:
        stub.state.failures.append(Failure(403, "UnrecognizedClientException", "The security token is invalid"))
        with pytest.raises(SmeError) as error:
            client.predict(_ids(2))
    assert error.value.code == "E-SME-120"


def test_short_answer_is_a_row_count_error():
    def drop_last_line(name: str, body: bytes) -> bytes:
        return b"".join(line + b"\n" for line in body.split(b"\n")[:-2])

    with StubEndpoint(responder=drop_last_line) as stub, _client(stub, max_rows_per_request=10) as client:
        with pytest.raises(SmeError) as error:
            client.predict(_ids(25))
    assert error.value.code == "E-SME-156" and "'churn-ep'" in error.value.message


def test_unreachable_endpoint_is_retried_then_reported():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    runtime = boto3.client(
        "sagemaker-runtime",
        endpoint_url=f"http://127.0.0.1:{port}",
        region_name="eu-central-1",
        aws_access_key_id="AKIDSTUB",
        aws_secret_access_key="stub-secret",
        config=Config(retries={"total_max_attempts": 1}, connect_timeout=1),
    )
    sleep = _Recorder()
    with PredictionClient(runtime, "ep", "Regression", PredictionSettings(max_attempts=2), sleep=sleep) as client:
        with pytest.raises(SmeError) as error:
            client.predict(_ids(1))
    assert error.value.code == "E-SME-127" and len(sleep.delays) == 1


@pytest.mark.parametrize("field", ["max_rows_per_request", "max_requests_in_flight", "max_attempts"])
@pytest.mark.parametrize("value", [0, -1, 2.5, True])
def test_settings_are_validated(field, value):
    with pytest.raises(SmeError) as error:
        PredictionSettings(**{field: value})
    assert error.value.code == "E-SME-163" and field in error.value.message


def test_runtime_client_honours_aws_endpoint_url(monkeypatch):
    with StubEndpoint() as stub:
        monkeypatch.setenv("AWS_ENDPOINT_URL", stub.url)
        session = boto3.Session(aws_access_key_id="AKIDSTUB", aws_secret_access_key="s", region_name="eu-central-1")
        settings = PredictionSettings(max_requests_in_flight=16)
        runtime = runtime_client(session, settings)
        assert runtime.meta.config.max_pool_connections == 16
        with PredictionClient(runtime, "ep", "Regression", settings) as client:
            assert client.predict(_ids(3)).labels == ["0", "1", "2"]
