"""Peak RSS of the emulator's UDF workers (issue 15 e): it must not grow with the table a UDF reads in chunks.

The emulator runs in this process (``LocalStack``), so its UDF workers are this process's children. While a
statement runs, ``WorkerPeaks`` reads every 20 ms the high-water mark of resident memory (``VmHWM`` of
``/proc/<pid>/status``) of each child whose command line is the emulator's worker bootstrap; the peak of a
statement is the largest mark seen. ``VmHWM`` only grows, so a late sample loses at most the last 20 ms' growth.

Measured statements: the prediction UDF scoring the benchmark tables as one UDF instance (``measure``, inside
``python -m benchmarks``), and a model-free SET UDF reading ``get_dataframe(num_rows=1000)`` chunks and emitting
each one, the way the prediction UDF walks its input (``measure_chunked_udf``; ``python -m
benchmarks.worker_memory --rows 100000 1000000`` runs it on its own stack). A flat worker shows the same peak at
every size; the difference between sizes is reported as MB per 100,000 rows.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("EXASOL_TELEMETRY_DISABLE", "1")

import numpy  # noqa: E402
import pandas  # noqa: E402
import pyexasol  # noqa: E402

from benchmarks import sql_scoring  # noqa: E402
from benchmarks.scoring_stack import ScoringSetup  # noqa: E402
from sme_local.stack import LocalStack, StackDescription  # noqa: E402

WORKER_MARK = b"_exaemu_udf_vm"  # in the worker's bootstrap command line (sme_local.exasol.udf.worker_process)
SAMPLE_SECONDS = 0.02
SCHEMA = "BENCH_MEMORY"
CHUNK_ROWS = 1000

_CHUNKED_UDF = f"""CREATE OR REPLACE PYTHON3 SET SCRIPT "{SCHEMA}"."CHUNKED_ECHO"("K" DECIMAL(18,0), "X" DOUBLE)
EMITS ("K" DECIMAL(18,0), "X" DOUBLE) AS
def run(ctx):
    while True:
        frame = ctx.get_dataframe(num_rows={CHUNK_ROWS})
        if frame is None:
            break
        ctx.emit(frame)
"""


def _children(parent: int) -> list[int]:
    pids = []
    for task in Path(f"/proc/{parent}/task").iterdir():
        try:
            pids.extend(int(pid) for pid in (task / "children").read_text().split())
        except OSError:  # the thread ended meanwhile
            continue
    return pids


def _worker_high_water_kb(pid: int) -> int | None:
    """VmHWM of ``pid`` in kB if it is a UDF worker that is still alive, else None."""
    try:
        if WORKER_MARK not in Path(f"/proc/{pid}/cmdline").read_bytes():
            return None
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:  # exited between listing and reading
        return None
    return None  # a zombie has no memory lines


class WorkerPeaks:
    """Context manager: the high-water RSS (kB) of every UDF worker of this process seen while it is open."""

    def __init__(self, interval: float = SAMPLE_SECONDS) -> None:
        self.interval = interval
        self.kilobytes: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample_until_stopped, name="worker-rss", daemon=True)

    def _sample(self) -> None:
        for pid in _children(os.getpid()):
            mark = _worker_high_water_kb(pid)
            if mark is not None:
                self.kilobytes[pid] = max(mark, self.kilobytes.get(pid, 0))

    def _sample_until_stopped(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def __enter__(self) -> "WorkerPeaks":
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mb(self) -> float:
        return max(self.kilobytes.values(), default=0) / 1024


def sampled(run: Callable[[], Any]) -> tuple[Any, WorkerPeaks]:
    """``run()``'s result and the worker peaks seen while it ran."""
    with WorkerPeaks() as peaks:
        result = run()
    return result, peaks


def entry(label: str, rows: int, seconds: float, peaks: WorkerPeaks, rows_out: int) -> dict[str, Any]:
    return {"udf": label, "rows": rows, "seconds": round(seconds, 2), "workers": len(peaks.kilobytes),
            "peak_rss_mb": round(peaks.peak_mb, 1), "rows_out": rows_out}


def growth(runs: list[dict[str, Any]]) -> dict[str, float]:
    """Per UDF: how much the peak grows per 100,000 rows from its smallest to its largest table."""
    slopes = {}
    for label in sorted({run["udf"] for run in runs}):
        mine = sorted((run for run in runs if run["udf"] == label), key=lambda run: run["rows"])
        if len(mine) > 1 and mine[-1]["rows"] > mine[0]["rows"]:
            slopes[label] = round((mine[-1]["peak_rss_mb"] - mine[0]["peak_rss_mb"]) * 100_000
                                  / (mine[-1]["rows"] - mine[0]["rows"]), 2)
    return slopes


def section(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``worker_memory`` section of latest.json."""
    return {"runs": runs, "mb_per_100k_rows": growth(runs), "sample_seconds": SAMPLE_SECONDS}


def measure(setup: ScoringSetup, endpoint: str, tables: dict[int, str]) -> list[dict[str, Any]]:
    """``endpoint``'s prediction UDF as one instance over each benchmark table (``tables``: rows -> table name),
    with the model connection's default settings."""
    runs = []
    for rows, table in sorted(tables.items()):
        run, peaks = sampled(
            lambda: sql_scoring.score(setup, endpoint, table, "single", *sql_scoring.DEFAULT_SETTING))
        runs.append(entry("prediction UDF", rows, run.seconds, peaks, run.rows_out))
    return runs


def measure_chunked_udf(description: StackDescription, sizes: list[int]) -> list[dict[str, Any]]:
    """The model-free chunked SET UDF over a table of each size (K unique, X random)."""
    connection = pyexasol.connect(dsn=description.dsn, user=description.db_user, password=description.db_password)
    runs = []
    try:
        connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"')
        connection.execute(_CHUNKED_UDF)
        for rows in sorted(sizes):
            connection.execute(f'CREATE OR REPLACE TABLE "{SCHEMA}"."T" ("K" DECIMAL(18,0), "X" DOUBLE)')
            frame = pandas.DataFrame({"K": numpy.arange(rows), "X": numpy.random.default_rng(rows).random(rows)})
            connection.import_from_pandas(frame, (SCHEMA, "T"))
            statement = f'CREATE OR REPLACE TABLE "{SCHEMA}"."OUT" AS SELECT "{SCHEMA}"."CHUNKED_ECHO"("K", "X") ' \
                        f'FROM "{SCHEMA}"."T"'
            started = time.perf_counter()
            _, peaks = sampled(lambda: connection.execute(statement))
            seconds = time.perf_counter() - started
            rows_out, distinct = connection.execute(
                f'SELECT COUNT(*), COUNT(DISTINCT "K") FROM "{SCHEMA}"."OUT"').fetchone()
            runs.append(entry("chunked get_dataframe UDF", rows, seconds, peaks, min(int(rows_out), int(distinct))))
    finally:
        connection.close()
    return runs


def markdown(memory: dict[str, Any]) -> str:
    lines = ["| UDF worker peak RSS | rows | seconds | workers | peak RSS (MB) | rows out |",
             "|---|---|---|---|---|---|"]
    for run in memory["runs"]:
        lines.append(f"| {run['udf']} | {run['rows']:,} | {run['seconds']:.2f} | {run['workers']} | "
                     f"{run['peak_rss_mb']:,.1f} | {run['rows_out']:,} |")
    slopes = ", ".join(f"{label}: {slope:+.2f} MB per 100,000 rows" for label, slope in
                       memory["mb_per_100k_rows"].items())
    return "\n".join(lines) + (f"\n\nGrowth of the peak with the table: {slopes}.\n" if slopes else "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.worker_memory", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-memory-stack-") as directory, \
            LocalStack(Path(directory)) as stack:
        runs = measure_chunked_udf(stack.description, args.rows)
    print(markdown(section(runs)))
    return 0 if all(run["rows_out"] == run["rows"] for run in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
