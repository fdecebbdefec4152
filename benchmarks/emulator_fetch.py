"""Measure the Exasol emulator against DuckDB and pandas doing the same work directly.

Run: ``python benchmarks/emulator_fetch.py [--rows N] [--skip-fetch]``. Every line prints both timings and
their ratio from the same run (the machine's load changes between runs, ratios much less).

1. fetch: N rows × 5 columns through pyexasol (TLS, the real client) vs. the same query on DuckDB directly.
2. SET UDF sum: a SET UDF summing N rows in 10 groups via ``get_dataframe('all')`` vs. pandas ``groupby().sum()``
   on a frame already in memory, and vs. pandas including reading that frame from DuckDB.
3. emit(DataFrame): ``get_dataframe('all')`` + ``emit(df)`` of N rows × 2 columns (one group), aggregated by
   the database, vs. DuckDB → pandas → DuckDB with the same aggregate.
4. prediction-shaped: a SET UDF over N rows × 20 mixed columns called with ``GROUP BY IPROC()``, reading
   ``get_dataframe(num_rows=50000)`` chunks and emitting object-column DataFrames plus a prediction column, as
   the product's prediction UDF does — vs. the same Python function on the DuckDB → pandas frame in-process.

UDF lines also show the statement's time over 1 row per group: the fixed cost of a query with a UDF (worker
processes, ``import pandas``), which the per-row work comes on top of.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from typing import Any, Callable

os.environ.setdefault("EXASOL_TELEMETRY_DISABLE", "1")

import duckdb  # noqa: E402
import pandas  # noqa: E402
import pyexasol  # noqa: E402

from sme_local.exasol.api import Emulator  # noqa: E402

FETCH_QUERY = (
    "SELECT i AS id, i * 0.5 AS half, 'name ' || i AS label, (i % 2 = 0) AS even, "
    "CAST(DATE '2020-01-01' + (i % 365) * INTERVAL '1' DAY AS DATE) AS day FROM bench.numbers"
)
SUM_UDF = (
    "CREATE OR REPLACE PYTHON3 SET SCRIPT bench.group_sum(g DECIMAL(18,0), x DOUBLE)\n"
    "EMITS (g DECIMAL(18,0), s DOUBLE) AS\n"
    "def run(ctx):\n"
    "    df = ctx.get_dataframe(num_rows='all')\n"
    "    ctx.emit(int(df.iloc[0, 0]), float(df.iloc[:, 1].sum()))\n/"
)
ECHO_UDF = (
    "CREATE OR REPLACE PYTHON3 SET SCRIPT bench.echo(i DECIMAL(18,0), x DOUBLE) EMITS (i DECIMAL(18,0), x DOUBLE) AS\n"
    "def run(ctx):\n"
    "    ctx.emit(ctx.get_dataframe(num_rows='all'))\n/"
)
# The body of the prediction-shaped UDF, also run directly on pandas for the comparison.
PREDICT_CHUNK = '''
import numpy as np
import pandas as pd

def predict_chunk(frame):
    """Object columns of Python values (how the product emits keys and features) plus a DOUBLE prediction."""
    columns = {}
    for index in range(frame.shape[1]):
        series = frame.iloc[:, index]
        if series.dtype.kind == "M":  # timestamps go out as datetime64[ns]
            columns[index] = series.reset_index(drop=True)
            continue
        values = series.astype(object).where(series.notna(), None) if series.dtype.kind == "f" else series
        array = np.empty(len(values), dtype=object)
        array[:] = values.tolist()
        columns[index] = pd.Series(array, dtype=object)
    features = frame.iloc[:, 7:12].astype(float).fillna(0.0)  # the five DOUBLE columns
    columns[frame.shape[1]] = pd.Series(features.sum(axis=1).to_numpy() * 0.1)
    return pd.DataFrame(columns)
'''
# (name, type, Exasol expression, DuckDB expression) of the 20 columns: keys, decimals, doubles with NULLs,
# strings, booleans, dates and a timestamp
WIDE_COLUMNS = (
    [(f"K{i}", "DECIMAL(18,0)", f"i * {i + 1}", f"CAST(i * {i + 1} AS DECIMAL(18,0))") for i in range(4)]
    + [(f"D{i}", "DECIMAL(12,2)", f"CAST(i / {i + 3} AS DECIMAL(12,2))", f"CAST(i / {i + 3} AS DECIMAL(12,2))")
       for i in range(3)]
    + [(f"F{i}", "DOUBLE", *[f"CASE WHEN i % {11 + i} = 0 THEN NULL ELSE CAST(i * {0.25 * (i + 1)} AS DOUBLE) END"] * 2)
       for i in range(5)]
    + [(f"S{i}", "VARCHAR(20)", *[f"'v{i}_' || CAST(i % 997 AS VARCHAR(5))"] * 2) for i in range(3)]
    + [(f"B{i}", "BOOLEAN", *[f"i % {i + 2} = 0"] * 2) for i in range(2)]
    + [(f"T{i}", "DATE", f"CAST(ADD_DAYS(DATE '2000-01-01', i % {3650 + i}) AS DATE)",
        f"CAST(DATE '2000-01-01' + CAST(i % {3650 + i} AS INTEGER) AS DATE)") for i in range(2)]
    + [("TS", "TIMESTAMP", "ADD_SECONDS(TIMESTAMP '2020-01-01 00:00:00', i)",
        "TIMESTAMP '2020-01-01 00:00:00' + to_seconds(i)")]
)
PREDICT_UDF = (
    "CREATE OR REPLACE PYTHON3 SET SCRIPT bench.predict("
    + ", ".join(f"{name} {sql_type}" for name, sql_type, _, _ in WIDE_COLUMNS)
    + ") EMITS (" + ", ".join(f"{name} {sql_type}" for name, sql_type, _, _ in WIDE_COLUMNS)
    + ", PREDICTION DOUBLE) AS\n" + PREDICT_CHUNK
    + "\ndef run(ctx):\n"
    "    while True:\n"
    "        frame = ctx.get_dataframe(num_rows=50000)\n"
    "        if frame is None:\n"
    "            return\n"
    "        ctx.emit(predict_chunk(frame))\n/"
)


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def report(label: str, emulated: float, direct: float, direct_label: str, fixed: float | None = None) -> None:
    line = f"{label}: emulator {emulated:.2f}s, {direct_label} {direct:.3f}s, ratio {emulated / direct:.1f}x"
    if fixed is not None:
        line += (f"; fixed cost (1 row) {fixed:.2f}s, per-row part {emulated - fixed:.2f}s = "
                 f"{max(emulated - fixed, 0.0) / direct:.1f}x")
    print(line, flush=True)


def bench_fetch(connection: Any, direct_db: duckdb.DuckDBPyConnection, rows: int) -> None:
    emulated, fetched = timed(lambda: connection.execute(FETCH_QUERY).fetchall())
    direct, direct_rows = timed(lambda: direct_db.execute(FETCH_QUERY).fetchall())
    assert len(fetched) == len(direct_rows) == rows
    report(f"fetch {rows} rows x 5 columns", emulated, direct, "DuckDB direct")


def bench_set_sum(connection: Any, direct_db: duckdb.DuckDBPyConnection, rows: int) -> None:
    connection.execute(SUM_UDF)
    query = "SELECT bench.group_sum(i % 10, i * 1.0) FROM bench.numbers{} GROUP BY i % 10"
    fixed, _ = timed(lambda: connection.execute(query.format(" WHERE i <= 10")).fetchall())  # 10 groups of 1 row
    emulated, udf_rows = timed(lambda: connection.execute(query.format("")).fetchall())
    frame = direct_db.execute("SELECT i % 10 AS g, i * 1.0 AS x FROM bench.numbers").df()
    in_memory, sums = timed(lambda: frame.groupby("g")["x"].sum())
    with_read, _ = timed(lambda: direct_db.execute("SELECT i % 10 AS g, i * 1.0 AS x FROM bench.numbers").df()
                         .groupby("g")["x"].sum())
    assert len(udf_rows) == len(sums) == 10
    assert abs(sum(r[1] for r in udf_rows) - float(sums.sum())) < 1e-6 * float(sums.sum())
    report(f"SET UDF sum over {rows} rows (10 groups)", emulated, in_memory, "pandas groupby in memory", fixed)
    report(f"SET UDF sum over {rows} rows (10 groups)", emulated, with_read, "pandas incl. DuckDB read", fixed)


def bench_emit_dataframe(connection: Any, direct_db: duckdb.DuckDBPyConnection, rows: int) -> None:
    connection.execute(ECHO_UDF)
    query = "SELECT COUNT(*), SUM(x) FROM (SELECT bench.echo(i, i * 0.5) FROM bench.numbers{})"
    fixed, _ = timed(lambda: connection.execute(query.format(" WHERE i = 1")).fetchall())
    emulated, result = timed(lambda: connection.execute(query.format("")).fetchall())

    def direct() -> Any:
        frame = direct_db.execute("SELECT i, i * 0.5 AS x FROM bench.numbers").df()
        direct_db.register("echoed", frame.copy())
        try:
            return direct_db.execute("SELECT COUNT(*), SUM(x) FROM echoed").fetchall()
        finally:
            direct_db.unregister("echoed")

    direct_time, expected = timed(direct)
    assert result[0][0] == expected[0][0] == rows and abs(result[0][1] - expected[0][1]) < 1e-9 * expected[0][1]
    report(f"get_dataframe + emit(df) of {rows} rows x 2 columns", emulated, direct_time,
           "DuckDB -> pandas -> DuckDB", fixed)


def bench_prediction_shape(connection: Any, direct_db: duckdb.DuckDBPyConnection, rows: int) -> None:
    select = ", ".join(f"{expression} AS {name}" for name, _, expression, _ in WIDE_COLUMNS)
    connection.execute(f"CREATE OR REPLACE TABLE bench.wide AS SELECT {select} FROM bench.numbers")
    connection.execute(PREDICT_UDF)
    names = ", ".join(name for name, _, _, _ in WIDE_COLUMNS)
    query = (f"SELECT COUNT(*), SUM(PREDICTION) FROM (SELECT bench.predict({names}) FROM bench.wide{{}} "
             "GROUP BY IPROC())")
    fixed, _ = timed(lambda: connection.execute(query.format(" WHERE K0 = 1")).fetchall())
    emulated, result = timed(lambda: connection.execute(query.format("")).fetchall())
    direct_select = ", ".join(f"{expression} AS {name}" for name, _, _, expression in WIDE_COLUMNS)
    direct_db.execute(f"CREATE OR REPLACE TABLE bench.wide AS SELECT {direct_select} FROM bench.numbers")
    namespace: dict[str, Any] = {}
    exec(PREDICT_CHUNK, namespace)  # noqa: S102 - the benchmark's own UDF body, run directly for comparison

    def direct() -> Any:
        frame = direct_db.execute(f"SELECT {names} FROM bench.wide").df()
        outputs = [namespace["predict_chunk"](frame.iloc[start : start + 50000].reset_index(drop=True))
                   for start in range(0, len(frame), 50000)]
        direct_db.register("predicted", pandas.concat(outputs, ignore_index=True))
        try:
            return direct_db.execute(f'SELECT COUNT(*), SUM("{len(WIDE_COLUMNS)}") FROM predicted').fetchall()
        finally:
            direct_db.unregister("predicted")

    direct_time, expected = timed(direct)
    assert result[0][0] == expected[0][0] == rows and abs(result[0][1] - expected[0][1]) < 1e-9 * expected[0][1]
    report(f"prediction-shaped SET UDF over {rows} rows x 20 columns", emulated, direct_time,
           "same code on DuckDB -> pandas", fixed)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--skip-fetch", action="store_true")
    arguments = parser.parse_args()
    rows = arguments.rows
    with tempfile.TemporaryDirectory() as directory, Emulator(directory, port=0, bucketfs_port=None) as emulator:
        connection = pyexasol.connect(dsn=emulator.dsn, user="sys", password="exasol", socket_timeout=3600)
        connection.execute("CREATE SCHEMA bench")
        connection.execute(f"CREATE TABLE numbers AS SELECT i FROM VALUES BETWEEN 1 AND {rows} t(i)")
        direct_db = duckdb.connect()
        direct_db.execute(f"CREATE SCHEMA bench; CREATE TABLE bench.numbers AS SELECT range + 1 AS i "
                          f"FROM range({rows})")
        if not arguments.skip_fetch:
            bench_fetch(connection, direct_db, rows)
        bench_set_sum(connection, direct_db, rows)
        bench_emit_dataframe(connection, direct_db, rows)
        bench_prediction_shape(connection, direct_db, rows)
        connection.close()


if __name__ == "__main__":
    main()
