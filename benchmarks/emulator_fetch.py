"""Measure the Exasol emulator against DuckDB itself (run: ``python benchmarks/emulator_fetch.py``).

1. Fetch 1,000,000 rows × 5 columns through pyexasol (TLS, the real client) vs. the same query directly on an
   in-process DuckDB connection, as a ratio.
2. A SET UDF summing 1,000,000 rows in 10 groups vs. the same work in pandas directly, as a ratio.
"""

from __future__ import annotations

import os
import tempfile
import time

os.environ.setdefault("EXASOL_TELEMETRY_DISABLE", "1")

import duckdb  # noqa: E402
import pyexasol  # noqa: E402

from exasol_emulator.api import Emulator  # noqa: E402

ROWS = 1_000_000
FETCH_QUERY = (
    "SELECT i AS id, i * 0.5 AS half, 'name ' || i AS label, (i % 2 = 0) AS even, "
    "CAST(DATE '2020-01-01' + (i % 365) * INTERVAL '1' DAY AS DATE) AS day FROM bench.numbers"
)
UDF = (
    "CREATE OR REPLACE PYTHON3 SET SCRIPT bench.group_sum(g DECIMAL(18,0), x DOUBLE) EMITS (g DECIMAL(18,0), s DOUBLE) AS\n"
    "def run(ctx):\n"
    "    df = ctx.get_dataframe(num_rows='all')\n"
    "    ctx.emit(int(df.iloc[0, 0]), float(df.iloc[:, 1].sum()))\n/"
)


def timed(action) -> tuple[float, object]:  # noqa: ANN001
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def main() -> None:
    with tempfile.TemporaryDirectory() as directory, Emulator(directory, port=0, bucketfs_port=None) as emulator:
        connection = pyexasol.connect(dsn=emulator.dsn, user="sys", password="exasol")
        connection.execute("CREATE SCHEMA bench")
        connection.execute(f"CREATE TABLE numbers AS SELECT i FROM VALUES BETWEEN 1 AND {ROWS} t(i)")

        emulated, rows = timed(lambda: connection.execute(FETCH_QUERY).fetchall())
        direct_db = duckdb.connect()
        direct_db.execute(f"CREATE SCHEMA bench; CREATE TABLE bench.numbers AS SELECT range + 1 AS i FROM range({ROWS})")
        direct, direct_rows = timed(lambda: direct_db.execute(FETCH_QUERY).fetchall())
        assert len(rows) == len(direct_rows) == ROWS
        print(f"fetch {ROWS} rows x 5 columns: pyexasol+emulator {emulated:.2f}s, DuckDB direct {direct:.2f}s, "
              f"ratio {emulated / direct:.1f}x")

        connection.execute(UDF)
        udf_query = "SELECT bench.group_sum(i % 10, i * 1.0) FROM bench.numbers GROUP BY i % 10"
        udf_time, udf_rows = timed(lambda: connection.execute(udf_query).fetchall())
        frame = direct_db.execute("SELECT i % 10 AS g, i * 1.0 AS x FROM bench.numbers").df()
        pandas_time, sums = timed(lambda: frame.groupby("g")["x"].sum())
        assert len(udf_rows) == len(sums) == 10
        assert abs(sum(r[1] for r in udf_rows) - float(sums.sum())) < 1e-6 * float(sums.sum())
        print(f"SET UDF over {ROWS} rows (10 groups): emulator {udf_time:.2f}s, pandas direct {pandas_time:.3f}s, "
              f"ratio {udf_time / pandas_time:.0f}x")
        connection.close()


if __name__ == "__main__":
    main()
