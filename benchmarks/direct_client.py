"""The endpoint's own limit: a plain boto3 ``sagemaker-runtime`` client with a thread pool sending the table's
rows, encoded once beforehand exactly as the prediction UDF encodes them, searched over a few batch sizes and
concurrencies; the best rows/s is the "direct" number the SQL path is compared with."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import boto3
from botocore.config import Config

from exasol_sagemaker_extension.autopilot.exasol_csv import EncodedRows
from sme_local.stack import StackDescription


@dataclass(frozen=True)
class DirectRun:
    endpoint: str
    rows_per_request: int
    threads: int
    rows: int
    seconds: float
    answered_rows: int

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds


def drive(description: StackDescription, endpoint: str, encoded: EncodedRows, rows_per_request: int,
          threads: int) -> DirectRun:
    """Send every row once, ``threads`` requests in flight; counts the answer lines so a short answer shows."""
    client = boto3.client(
        "sagemaker-runtime", endpoint_url=description.aws_endpoint_url, region_name=description.aws_region,
        aws_access_key_id=description.aws_access_key_id, aws_secret_access_key=description.aws_secret_access_key,
        config=Config(max_pool_connections=max(10, threads), retries={"total_max_attempts": 1}))
    slices = [(start, min(start + rows_per_request, len(encoded))) for start in range(0, len(encoded),
                                                                                       rows_per_request)]
    bodies = [encoded.body(start, stop) for start, stop in slices]

    def invoke(body: bytes) -> int:
        answer = client.invoke_endpoint(EndpointName=endpoint, Body=body, ContentType="text/csv",
                                        Accept="text/csv")["Body"].read()
        return answer.count(b"\n")

    started = time.monotonic()
    with ThreadPoolExecutor(threads) as pool:
        answered = sum(pool.map(invoke, bodies))
    return DirectRun(endpoint, rows_per_request, threads, len(encoded), time.monotonic() - started, answered)


def search(description: StackDescription, endpoint: str, encoded: EncodedRows,
           batch_sizes: tuple[int, ...], concurrencies: tuple[int, ...]) -> list[DirectRun]:
    """Every combination once, in one run (the best of them is the endpoint's limit)."""
    return [drive(description, endpoint, encoded, size, threads)
            for size in batch_sizes for threads in concurrencies]
