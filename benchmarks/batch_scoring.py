"""Batch scoring against the prediction UDF on a real-time endpoint, same model, same rows, one run, on the local
stack (run: ``python benchmarks/batch_scoring.py --rows 1000000``; not part of the test suite).

The churn tutorial trains the model; its held-back customers are copied until the table has ``--rows`` rows.
Then, timed end to end as a user sees it (one SQL statement each):
1. ``SME_BATCH_SCORE_WITH_SAGEMAKER_AUTOPILOT`` into a new table: EXPORT → transform job → convert → IMPORT →
   INSERT … SELECT, artifacts removed;
2. ``CREATE TABLE … AS SELECT <prediction UDF>(PHONE, features…) FROM …`` on an endpoint of the same candidate.
Both targets are checked to hold every row with the same predictions.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("EXASOL_TELEMETRY_DISABLE", "1")

import pyexasol  # noqa: E402

from sme_local.churn_tutorial import KEY, TARGET, ChurnTutorial, TutorialSettings  # noqa: E402
from sme_local.datasets import CHURN, find_data_dir  # noqa: E402
from sme_local.extension_calls import ExtensionCalls  # noqa: E402
from sme_local.sql_console import SqlConsole  # noqa: E402
from sme_local.stack import LocalStack  # noqa: E402

SCHEMA = "BENCH"


def quiet(*_: object) -> None:
    """The tutorial's step-by-step output would drown the numbers."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db-port", type=int, default=0)
    parser.add_argument("--bucketfs-port", type=int, default=0)
    parser.add_argument("--aws-port", type=int, default=0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as directory, \
            LocalStack(Path(directory), args.db_port, args.bucketfs_port, args.aws_port,
                       max_training_seconds=6) as stack:
        description = stack.description
        settings = TutorialSettings(data_dir=find_data_dir(), schema=SCHEMA, job_timeout_seconds=180)
        job = ChurnTutorial(description, settings, quiet).run().job_name
        with pyexasol.connect(dsn=description.dsn, user=description.db_user,
                              password=description.db_password) as connection:
            console = SqlConsole(connection, quiet, secrets=[description.aws_secret_access_key])
            calls = ExtensionCalls(console, "SME", settings.connection_name)
            rows = fill(console, args.rows)
            started = time.monotonic()
            result = calls.batch_score({
                "job_name": job, "input_schema_name": SCHEMA, "input_table_or_view_name": "BIG",
                "key_columns": [KEY], "output_schema_name": SCHEMA, "output_table_name": "BATCH_OUT"})
            batch_seconds = time.monotonic() - started
            transform = stack.aws.client("sagemaker").describe_transform_job(
                TransformJobName=result["TRANSFORM_JOB_NAME"])
            transform_seconds = (transform["TransformEndTime"] - transform["CreationTime"]).total_seconds()
            assert int(result["ROWS_OUT"]) == rows, result
            calls.deploy(job, "bench-ep", SCHEMA)
            features = [c.name for c in CHURN.columns if c.name not in (KEY, TARGET)]
            arguments = ", ".join(f'"{name}"' for name in [KEY, *features])
            started = time.monotonic()
            console.execute(f'CREATE TABLE "{SCHEMA}"."UDF_OUT" AS SELECT "{SCHEMA}"."bench-ep"({arguments}) '
                            f'FROM "{SCHEMA}"."BIG"', show=False)
            udf_seconds = time.monotonic() - started
            calls.delete("bench-ep")
            same = console.rows(f'''SELECT COUNT(*) FROM (SELECT "PREDICTIONS", COUNT(*) C FROM "{SCHEMA}"."BATCH_OUT"
                GROUP BY 1) B JOIN (SELECT "PREDICTIONS", COUNT(*) C FROM "{SCHEMA}"."UDF_OUT" GROUP BY 1) U
                ON B."PREDICTIONS" = U."PREDICTIONS" AND B.C = U.C''', show=False)[0][0]
    print(f"batch scoring {rows:,} rows: {rows / batch_seconds:,.0f} rows/s ({batch_seconds:.1f} s end to end, "
          f"{transform_seconds:.1f} s of it in the transform job); "
          f"prediction UDF on an endpoint: {rows / udf_seconds:,.0f} rows/s ({udf_seconds:.1f} s); "
          f"ratio batch/UDF {udf_seconds / batch_seconds:.2f}x; prediction counts per label agree: "
          f"{int(same) >= 1}")


def fill(console: SqlConsole, rows: int) -> int:
    """BIG: the held-back customers, copied (doubling) and cut to ``rows`` rows."""
    console.execute(f'CREATE TABLE "{SCHEMA}"."DOUBLING" AS SELECT * FROM "{SCHEMA}"."CHURN_TEST"', show=False)
    while int(console.rows(f'SELECT COUNT(*) FROM "{SCHEMA}"."DOUBLING"', show=False)[0][0]) < rows:
        console.execute(f'INSERT INTO "{SCHEMA}"."DOUBLING" SELECT * FROM "{SCHEMA}"."DOUBLING"', show=False)
    console.execute(f'CREATE TABLE "{SCHEMA}"."BIG" AS SELECT * FROM "{SCHEMA}"."DOUBLING" LIMIT {rows}',
                    show=False)
    return int(console.rows(f'SELECT COUNT(*) FROM "{SCHEMA}"."BIG"', show=False)[0][0])


if __name__ == "__main__":
    main()
