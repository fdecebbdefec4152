"""Send encoded rows to a SageMaker endpoint: batches under the payload limit, several in flight, retries.

Why each part exists:
  * Batching by bytes and rows: InvokeEndpoint refuses bodies over 6 MiB (4 MiB for serverless endpoints), and
    the old extension's fixed 100 rows per request either wasted round trips or broke on wide rows. Batches
    grow to ``max_rows_per_request`` rows unless the byte limit ends them earlier; a single row over the limit
    can never be sent and is reported (row, size, limit) before any request goes out.
  * Concurrency: one request is mostly waiting for the network and the model, so ``max_requests_in_flight``
    requests run on a thread pool (boto3 clients are thread-safe). Results are put back in input order.
  * Retries: throttling (``ThrottlingException``, HTTP 429, ``ModelNotReadyException``), server faults (5xx) and
    model containers failing with a 5xx ``OriginalStatusCode`` are transient. They are retried with exponential
    backoff and jitter (so parallel UDF instances do not retry in lockstep), a bounded number of times.
    botocore's own retries are switched off in ``runtime_client`` so the two layers do not multiply.
  * Errors name the endpoint and the row range, because a SQL user scoring millions of rows needs to know
    which rows the model rejected.
"""

from __future__ import annotations

import random
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable

import boto3
import numpy as np
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from exasol_sagemaker_extension.autopilot.aws_errors import THROTTLING_CODES, error_code, translate
from exasol_sagemaker_extension.autopilot.exasol_csv import EncodedRows
from exasol_sagemaker_extension.autopilot.inference_response import (
    Predictions,
    RowRange,
    concat_predictions,
    normalise_problem_type,
    parse_response,
)
from exasol_sagemaker_extension.autopilot.response_layout import ResponseLayout, autopilot_layout
from exasol_sagemaker_extension.errors import SmeError

# botocore's model of InvokeEndpoint: Body max 6291456 bytes; serverless endpoints accept 4 MB.
REALTIME_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024
SERVERLESS_PAYLOAD_LIMIT_BYTES = 4 * 1024 * 1024
DEFAULT_MAX_ROWS_PER_REQUEST = 1000
DEFAULT_MAX_REQUESTS_IN_FLIGHT = 4
_TRANSIENT_CODES = THROTTLING_CODES | {"ModelNotReadyException"}
_NETWORK_ERRORS = (EndpointConnectionError, ConnectionClosedError, ConnectTimeoutError, ReadTimeoutError)
_MAX_AWS_TEXT = 300


@dataclass(frozen=True)
class PredictionSettings:
    """How requests are cut and sent; the model connection may override rows and concurrency."""

    max_rows_per_request: int = DEFAULT_MAX_ROWS_PER_REQUEST
    max_requests_in_flight: int = DEFAULT_MAX_REQUESTS_IN_FLIGHT
    serverless: bool = False
    max_attempts: int = 8
    first_backoff_seconds: float = 0.1
    max_backoff_seconds: float = 20.0
    read_timeout_seconds: float = 70.0  # AWS: models may take 60 s; the SDK socket timeout should be 70 s

    def __post_init__(self) -> None:
        for name in ("max_rows_per_request", "max_requests_in_flight", "max_attempts"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise SmeError(
                    "E-SME-163",
                    f"The prediction setting {name} must be a whole number of at least 1, not {value!r}.",
                    [f"Fix {name} in the model connection of the endpoint (or set it to null for the default)."],
                )

    @property
    def payload_limit_bytes(self) -> int:
        return SERVERLESS_PAYLOAD_LIMIT_BYTES if self.serverless else REALTIME_PAYLOAD_LIMIT_BYTES

    def backoff_seconds(self, attempt: int, jitter: float) -> float:
        """Delay before retry ``attempt`` (1-based): half exponential, half random ("equal jitter")."""
        ceiling = min(self.max_backoff_seconds, self.first_backoff_seconds * 2 ** (attempt - 1))
        return ceiling / 2 + ceiling / 2 * jitter


def runtime_client(session: boto3.Session, settings: PredictionSettings) -> Any:
    """A ``sagemaker-runtime`` client sized for the thread pool, with botocore's retries switched off."""
    config = Config(
        max_pool_connections=max(10, settings.max_requests_in_flight),
        retries={"total_max_attempts": 1, "mode": "standard"},
        read_timeout=settings.read_timeout_seconds,
        connect_timeout=10,
    )
    return session.client("sagemaker-runtime", config=config)


def plan_batches(byte_sizes: np.ndarray, max_rows: int, limit_bytes: int, first_row_number: int = 1) -> list[tuple[int, int]]:
    """``(start, stop)`` row slices, each at most ``max_rows`` rows and ``limit_bytes`` bytes, in order."""
    too_large = np.flatnonzero(byte_sizes > limit_bytes)
    if too_large.size:
        index = int(too_large[0])
        raise SmeError(
            "E-SME-152",
            f"Row {first_row_number + index} takes {int(byte_sizes[index])} bytes as CSV, more than the "
            f"{limit_bytes} bytes one request to the endpoint may carry.",
            ["Shorten the long text features of that row, or score it outside the endpoint (batch transform)."],
        )
    ends = np.cumsum(byte_sizes)
    batches: list[tuple[int, int]] = []
    start, total = 0, len(byte_sizes)
    while start < total:
        consumed = int(ends[start - 1]) if start else 0
        fits = int(np.searchsorted(ends, consumed + limit_bytes, side="right"))
        stop = min(start + max_rows, fits, total)
        batches.append((start, stop))
        start = stop
    return batches


class PendingPredictions:
    """The requests of one chunk, queued on the client's pool; ``result`` waits for them in input order."""

    def __init__(self, futures: list[Future[Predictions]]) -> None:
        self._futures = futures

    def result(self) -> Predictions:
        """Every row's prediction in order, or the first failure (the chunk's requests not yet sent are dropped)."""
        try:
            return concat_predictions([future.result() for future in self._futures])
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Drop the requests not yet sent (those in flight finish and are ignored)."""
        for future in self._futures:
            future.cancel()


class PredictionClient:
    """Predicts encoded rows with one endpoint; reuse it for every chunk of a UDF call, then ``close`` it."""

    def __init__(
        self,
        runtime: Any,
        endpoint_name: str,
        problem_type: str,
        settings: PredictionSettings = PredictionSettings(),
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        layout: ResponseLayout | None = None,
    ) -> None:
        """``layout`` describes an answer other than Autopilot's text/csv one for ``problem_type``."""
        self._runtime = runtime
        self._endpoint_name = endpoint_name
        self._layout = layout or autopilot_layout(normalise_problem_type(problem_type))
        self._settings = settings
        self._sleep = sleep
        self._jitter = jitter
        self._pool = ThreadPoolExecutor(settings.max_requests_in_flight, thread_name_prefix="sme-predict")

    def __enter__(self) -> PredictionClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def predict(self, rows: EncodedRows, first_row_number: int = 1) -> Predictions:
        """Predictions for every row, in input order; ``first_row_number`` numbers rows in messages."""
        return self.submit(rows, first_row_number).result()

    def submit(self, rows: EncodedRows, first_row_number: int = 1) -> PendingPredictions:
        """Queue the requests of ``rows`` and return at once, so that the caller can read and encode the next
        chunk (or emit the previous one) while these are in flight; the pool still bounds the requests in flight.
        An oversized row fails here, before any request of the chunk is sent."""
        batches = plan_batches(
            rows.byte_sizes, self._settings.max_rows_per_request, self._settings.payload_limit_bytes, first_row_number
        )
        return PendingPredictions(
            [self._pool.submit(self._invoke, rows, start, stop, first_row_number) for start, stop in batches]
        )

    def _invoke(self, rows: EncodedRows, start: int, stop: int, first_row_number: int) -> Predictions:
        row_range = RowRange(self._endpoint_name, first_row_number + start, first_row_number + stop - 1)
        body = rows.body(start, stop)
        for attempt in range(1, self._settings.max_attempts + 1):
            try:
                response = self._runtime.invoke_endpoint(
                    EndpointName=self._endpoint_name, ContentType=self._layout.content_type,
                    Accept=self._layout.content_type, Body=body,
                )
                return parse_response(response["Body"].read(), self._layout, row_range)
            except ClientError as error:
                transient = _is_transient(error)
                if not transient or attempt == self._settings.max_attempts:
                    raise self._failure(error, row_range, attempt, transient) from None
            except _NETWORK_ERRORS as error:
                if attempt == self._settings.max_attempts:
                    raise translate(error, "invoke", f"the endpoint {self._endpoint_name!r} ({row_range})") from None
            except BotoCoreError as error:
                raise translate(error, "invoke", f"the endpoint {self._endpoint_name!r} ({row_range})") from None
            self._sleep(self._settings.backoff_seconds(attempt, self._jitter()))
        raise AssertionError("unreachable: the last attempt either returns or raises")  # pragma: no cover

    def _failure(self, error: ClientError, rows: RowRange, attempts: int, transient: bool) -> SmeError:
        code = error_code(error)
        aws_text = _aws_text(error)
        if transient:
            return SmeError(
                "E-SME-155",
                f"The endpoint {self._endpoint_name!r} kept failing ({code or _status(error)}: {aws_text}) for "
                f"{rows}; gave up after {attempts} attempts.",
                [
                    "Throttling: lower max_requests_in_flight in the model connection, or run fewer UDF "
                    "instances in parallel (GROUP BY fewer keys).",
                    "Server errors: check the endpoint's CloudWatch logs and its instance count, then retry.",
                ],
            )
        if code == "ValidationError" and "not found" in aws_text.lower():
            return SmeError(
                "E-SME-153",
                f"The endpoint {self._endpoint_name!r} does not exist in this account and region.",
                [
                    "Deploy it again with SME_DEPLOY_SAGEMAKER_AUTOPILOT_ENDPOINT, or check aws_region in the "
                    "model connection.",
                ],
            )
        if code in ("ModelError", "ValidationError"):
            return SmeError(
                "E-SME-154",
                f"The endpoint rejected the input of {rows} ({code}: {aws_text}).",
                [
                    "Call the UDF with the feature columns, order and types the model was trained on.",
                    "Look for unusual values in these rows (very long text, unexpected categories).",
                ],
            )
        return translate(error, "invoke", f"the endpoint {self._endpoint_name!r} ({rows})")


def _is_transient(error: ClientError) -> bool:
    code = error_code(error)
    if code in _TRANSIENT_CODES:
        return True
    if code == "ModelError":
        return _original_status(error) >= 500
    status = _status(error)
    return status == 429 or status >= 500


def _status(error: ClientError) -> int:
    return int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)


def _original_status(error: ClientError) -> int:
    try:
        return int(error.response.get("OriginalStatusCode", 0) or 0)
    except (TypeError, ValueError):
        return 0


def _aws_text(error: ClientError) -> str:
    """AWS's message, preferring the model container's own words; shortened so one row cannot flood the log."""
    text = str(error.response.get("OriginalMessage") or error.response.get("Error", {}).get("Message", ""))
    return text if len(text) <= _MAX_AWS_TEXT else text[: _MAX_AWS_TEXT - 3] + "..."
