"""Measure prepared INSERTs through the Exasol emulator against DuckDB itself (run:
``python benchmarks/emulator_insert.py``), in rows per second:

1. pyexasol ``executemany`` (one prepared ``INSERT … VALUES (?, …)``, TLS, the real client) of 100,000 rows ×
   5 columns into the emulator — which runs it as one bulk ``INSERT … SELECT`` from the parameter columns.
2. DuckDB's own ``executemany`` of the same statement on a file database inside one transaction (what the
   emulator did before; it is slow and grows worse than linearly, so it gets a 10,000-row sample).
3. DuckDB's bulk path (a DataFrame scanned by ``INSERT … SELECT``, the Python counterpart of its appender).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("EXASOL_TELEMETRY_DISABLE", "1")

import duckdb  # noqa: E402
import pandas  # noqa: E402
import pyexasol  # noqa: E402

from sme_local.exasol.api import Emulator  # noqa: E402

ROWS = 100_000
DUCKDB_EXECUTEMANY_ROWS = 10_000
TABLE = "(id DECIMAL(9,0), name VARCHAR(100), amount DECIMAL(10,2), day DATE, flag BOOLEAN)"


def sample_rows(count: int) -> list[tuple]:
    return [(i, f"name {i}", f"{i}.25", f"2021-01-{1 + i % 28:02d}", i % 2 == 0) for i in range(count)]


def rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f} rows/s ({count:,} rows in {seconds:.2f}s)"


def emulator_executemany(directory: Path, rows: list[tuple]) -> float:
    with Emulator(directory / "exasol", port=0, bucketfs_port=None) as emulator:
        connection = pyexasol.connect(dsn=emulator.dsn, user="sys", password="exasol")
        connection.execute("CREATE SCHEMA bench")
        connection.execute(f"CREATE TABLE bench.t {TABLE}")
        started = time.perf_counter()
        connection.ext.insert_multi("T", rows)
        seconds = time.perf_counter() - started
        assert connection.execute("SELECT COUNT(*) FROM bench.t").fetchval() == len(rows)
        connection.close()
    return seconds


def duckdb_executemany(directory: Path, rows: list[tuple]) -> float:
    database = duckdb.connect(str(directory / "executemany.duckdb"))
    database.execute(f"CREATE TABLE t {TABLE}")
    started = time.perf_counter()
    database.execute("BEGIN TRANSACTION")
    database.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [list(row) for row in rows])
    database.execute("COMMIT")
    seconds = time.perf_counter() - started
    database.close()
    return seconds


def duckdb_bulk(directory: Path, rows: list[tuple]) -> float:
    database = duckdb.connect(str(directory / "bulk.duckdb"))
    database.execute(f"CREATE TABLE t {TABLE}")
    started = time.perf_counter()
    frame = pandas.DataFrame(rows, columns=["id", "name", "amount", "day", "flag"])
    database.register("batch", frame)
    database.execute("INSERT INTO t SELECT id, name, CAST(amount AS DECIMAL(10,2)), CAST(day AS DATE), flag FROM batch")
    seconds = time.perf_counter() - started
    database.close()
    return seconds


def main() -> None:
    rows = sample_rows(ROWS)
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        emulated = emulator_executemany(directory, rows)
        per_row = duckdb_executemany(directory, rows[:DUCKDB_EXECUTEMANY_ROWS])
        bulk = duckdb_bulk(directory, rows)
    print(f"prepared INSERT, 5 columns: pyexasol executemany into the emulator {rate(ROWS, emulated)}; "
          f"DuckDB executemany {rate(DUCKDB_EXECUTEMANY_ROWS, per_row)}; DuckDB bulk {rate(ROWS, bulk)}")


if __name__ == "__main__":
    main()
