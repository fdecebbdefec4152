"""Loads a dataset into an Exasol table, either from a DataFrame with pyexasol's ``import_from_pandas``
(``import_frame``, the tutorial's way) or through S3: the typed rows are staged as a clean CSV object in the
bucket of the AWS connection and read with ``IMPORT … FROM CSV AT <connection>``, which a real Exasol and the
emulator both understand. The same code serves real AWS (``aws_endpoint_url`` None) and the AWS emulator.

``sme-local up`` stages the tutorial's demo data itself (``stage_demo_data``), so that the tutorial's by-hand
``IMPORT`` finds its object without running the tutorial script; the object's key is the one place that names it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import boto3
import pandas as pd

from sme_local.datasets import CHURN, CsvDataset, Value, create_table_sql, exasol_csv, quote, read_rows
from sme_local.sql_console import SqlConsole, sql_string
from sme_local.stack import StackDescription

STAGING_PREFIX = "sme-local-datasets"
# The tables the tutorial imports by hand (tutorial/README.md, section 2): dataset, schema, table.
DEMO_TABLES: tuple[tuple[CsvDataset, str, str], ...] = ((CHURN, "DEMO", "CHURN"),)


def s3_client(description: StackDescription):  # boto3 clients have no public static type
    """An S3 client with the stack's credentials (the tutorial's own upload, not the extension's)."""
    return boto3.client("s3", endpoint_url=description.aws_endpoint_url, region_name=description.aws_region,
                        aws_access_key_id=description.aws_access_key_id,
                        aws_secret_access_key=description.aws_secret_access_key)


def staging_key(schema: str, table: str) -> str:
    """The S3 key the clean CSV of ``schema.table`` is staged under (the tutorial's IMPORT names it)."""
    return f"{STAGING_PREFIX}/{schema}.{table}.csv"


def stage_rows(description: StackDescription, key: str, rows: Sequence[tuple[Value, ...]]) -> None:
    """Write ``rows`` as Exasol's CSV to ``key`` in the stack's bucket; the same rows give the same object, so
    staging again (every ``sme-local up``) is harmless."""
    s3_client(description).put_object(Bucket=description.s3_bucket, Key=key, Body=exasol_csv(rows))


def stage_demo_data(description: StackDescription, data_dir: Path) -> list[str]:
    """Stage every table of ``DEMO_TABLES`` from the datasets in ``data_dir``; returns the ``s3://`` URIs."""
    staged = []
    for dataset, schema, table in DEMO_TABLES:
        key = staging_key(schema, table)
        stage_rows(description, key, read_rows(data_dir / dataset.file_name, dataset))
        staged.append(f"s3://{description.s3_bucket}/{key}")
    return staged


def import_frame(console: SqlConsole, dataset: CsvDataset, frame: pd.DataFrame, schema: str, table: str) -> None:
    """(Re)create ``schema.table`` with the dataset's columns and fill it from ``frame`` with pyexasol's
    ``import_from_pandas``: the client streams the CSV through an HTTP tunnel the database opens, on a real Exasol
    as on the emulator, so no bucket or connection is needed."""
    console.execute(create_table_sql(schema, table, dataset.columns))
    console.note(f"import_from_pandas: {len(frame)} rows of {dataset.file_name} into {quote(schema)}.{quote(table)}")
    console.connection.import_from_pandas(frame, (schema, table))


def load_table(console: SqlConsole, description: StackDescription, connection_name: str, dataset: CsvDataset,
               rows: Sequence[tuple[Value, ...]], schema: str, table: str) -> int:
    """(Re)create ``schema.table`` with the dataset's columns and fill it with ``rows``; returns the row count."""
    key = staging_key(schema, table)
    console.note(f"staging {len(rows)} rows of {dataset.file_name} as s3://{description.s3_bucket}/{key}")
    stage_rows(description, key, rows)
    console.execute(create_table_sql(schema, table, dataset.columns))
    statement = console.execute(f"IMPORT INTO {quote(schema)}.{quote(table)} FROM CSV AT {quote(connection_name)} "
                                f"FILE {sql_string(key)}")
    return statement.rowcount()
