"""Benchmarks of the prediction path (a script, not a test): ``python benchmarks/prediction_client.py``.

1. Client overhead per row — encode 20 mixed-type columns to Exasol CSV, parse a binary-classification answer,
   cast labels to BOOLEAN — against pandas ``to_csv`` + ``read_csv`` of the same frame in the same run.
   Goal: at most 1.0× pandas.
2. Throughput against a local stub endpoint with a fixed 50 ms latency per request, DEFAULT settings.
   Goal: at least 80 % of the ideal in-flight × rows-per-request / latency.

The frame is built the way Exasol's ``get_dataframe`` builds it: ``pd.DataFrame`` from lists of Python values,
so INTEGER columns with NULLs arrive as float64/NaN, DECIMALs as ``Decimal`` objects, and so on.
"""

from __future__ import annotations

import io
import multiprocessing
import random
import sys
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pandas as pd

_ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(_ROOT), str(_ROOT / "tests" / "unit" / "autopilot")]  # product (if not installed) + stub
from stub_sagemaker_runtime import StubEndpoint  # noqa: E402

from exasol_sagemaker_extension.autopilot.exasol_csv import FeatureColumn, encode_rows  # noqa: E402
from exasol_sagemaker_extension.autopilot.inference_response import (  # noqa: E402
    BINARY_CLASSIFICATION,
    RowRange,
    parse_response,
)
from exasol_sagemaker_extension.autopilot.prediction import PredictionClient, PredictionSettings  # noqa: E402
from exasol_sagemaker_extension.autopilot.prediction_types import cast_predictions  # noqa: E402
from exasol_sagemaker_extension.autopilot.sql_type import parse_sql_type  # noqa: E402

OVERHEAD_ROWS = 50_000
THROUGHPUT_ROWS = 200_000
LATENCY_SECONDS = 0.05
REPEATS = 5
# 20 columns: (SQL type, generator of one Python value or None)
_WORDS = ["alpha", "beta, gamma", 'say "hi"', "plain", "naïve", "x"]
COLUMNS = (
    [("DECIMAL(18,0)", lambda r: None if r.random() < 0.1 else r.randint(-10**9, 10**9))] * 4
    + [("DECIMAL(12,2)", lambda r: Decimal(r.randint(-10**8, 10**8)).scaleb(-2))] * 3
    + [("DOUBLE", lambda r: r.uniform(-1e6, 1e6))] * 4
    + [("VARCHAR(100) UTF8", lambda r: None if r.random() < 0.05 else r.choice(_WORDS))] * 4
    + [("BOOLEAN", lambda r: r.random() < 0.5)] * 2
    + [("DATE", lambda r: date(2000, 1, 1) + timedelta(days=r.randint(0, 9000)))]
    + [("TIMESTAMP(3)", lambda r: datetime(2020, 1, 1) + timedelta(seconds=r.randint(0, 10**8), microseconds=r.randint(0, 999) * 1000))] * 2
)


def _frame(rows: int) -> pd.DataFrame:
    rng = random.Random(7)
    return pd.DataFrame([[make(rng) for _, make in COLUMNS] for _ in range(rows)])


def _best_of(function, repeats: int = REPEATS) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def overhead() -> tuple[float, float]:
    frame = _frame(OVERHEAD_ROWS)
    types = [parse_sql_type(sql) for sql, _ in COLUMNS]
    answer = "".join("true,0.87\n" if i % 3 else "false,0.61\n" for i in range(OVERHEAD_ROWS)).encode()
    target = parse_sql_type("BOOLEAN")

    def ours() -> None:
        encode_rows([FeatureColumn(str(i), t, frame[i]) for i, t in enumerate(types)])
        result = parse_response(answer, BINARY_CLASSIFICATION, RowRange("bench", 1, OVERHEAD_ROWS))
        cast_predictions(result.labels, target)

    def pandas() -> None:
        text = frame.to_csv(header=False, index=False)
        pd.read_csv(io.StringIO(text), header=None)

    return _best_of(ours) / OVERHEAD_ROWS * 1e6, _best_of(pandas) / OVERHEAD_ROWS * 1e6


def throughput() -> tuple[float, float]:
    settings = PredictionSettings()
    features = [
        FeatureColumn("id", parse_sql_type("DECIMAL(18,0)"), list(range(THROUGHPUT_ROWS))),
        FeatureColumn("x", parse_sql_type("DOUBLE"), [i * 0.5 for i in range(THROUGHPUT_ROWS)]),
        FeatureColumn("s", parse_sql_type("VARCHAR(10) UTF8"), ["abc"] * THROUGHPUT_ROWS),
    ]
    rows = encode_rows(features)
    with _stub_in_own_process() as stub:
        with PredictionClient(stub.client(settings.max_requests_in_flight), "bench", "Regression", settings) as client:
            seconds = _best_of(lambda: client.predict(rows), repeats=2)
    ideal = settings.max_requests_in_flight * settings.max_rows_per_request / LATENCY_SECONDS
    return THROUGHPUT_ROWS / seconds, ideal


def _serve_stub(urls: multiprocessing.Queue, stop: multiprocessing.Event) -> None:
    with StubEndpoint(latency_seconds=LATENCY_SECONDS) as stub:
        urls.put(stub.url)
        stop.wait(timeout=600)


@contextmanager
def _stub_in_own_process() -> Iterator[_RemoteStub]:
    """The stub in a separate process, like a real endpoint: its CPU work must not compete for our GIL."""
    context = multiprocessing.get_context("fork")
    urls, stop = context.Queue(), context.Event()
    server = context.Process(target=_serve_stub, args=(urls, stop), daemon=True)
    server.start()
    try:
        yield _RemoteStub(urls.get(timeout=30))
    finally:
        stop.set()
        server.join(timeout=10)


class _RemoteStub(StubEndpoint):
    """Client side of a stub served by another process."""

    def __init__(self, url: str) -> None:  # the server lives in the other process; only client() is used here
        self._remote_url = url

    @property
    def url(self) -> str:
        return self._remote_url


def main() -> None:
    ours, pandas = overhead()
    rate, ideal = throughput()
    print("| measurement | value | goal |")
    print("|---|---|---|")
    print(f"| client overhead (encode+decode+cast, 20 cols) | {ours:.2f} µs/row | ≤ pandas |")
    print(f"| pandas to_csv + read_csv, same frame | {pandas:.2f} µs/row | |")
    print(f"| ratio ours / pandas | {ours / pandas:.2f}× | ≤ 1.0× |")
    print(f"| throughput, default settings, 50 ms stub | {rate:,.0f} rows/s | ≥ {0.8 * ideal:,.0f} |")
    print(f"| ideal (in-flight × rows / latency) | {ideal:,.0f} rows/s | |")
    print(f"| share of ideal | {rate / ideal:.0%} | ≥ 80% |")


if __name__ == "__main__":
    main()
