"""Loads a dataset into an Exasol table through S3: the typed rows are staged as a clean CSV object in the
bucket of the AWS connection and read with ``IMPORT … FROM CSV AT <connection>``, which a real Exasol and the
emulator both understand. The same code serves real AWS (``aws_endpoint_url`` None) and the AWS emulator."""

from __future__ import annotations

from typing import Sequence

import boto3

from sme_local.datasets import CsvDataset, Value, create_table_sql, exasol_csv, quote
from sme_local.sql_console import SqlConsole, sql_string
from sme_local.stack import StackDescription

STAGING_PREFIX = "sme-local-datasets"


def s3_client(description: StackDescription):  # boto3 clients have no public static type
    """An S3 client with the stack's credentials (the tutorial's own upload, not the extension's)."""
    return boto3.client("s3", endpoint_url=description.aws_endpoint_url, region_name=description.aws_region,
                        aws_access_key_id=description.aws_access_key_id,
                        aws_secret_access_key=description.aws_secret_access_key)


def load_table(console: SqlConsole, description: StackDescription, connection_name: str, dataset: CsvDataset,
               rows: Sequence[tuple[Value, ...]], schema: str, table: str) -> int:
    """(Re)create ``schema.table`` with the dataset's columns and fill it with ``rows``; returns the row count."""
    key = f"{STAGING_PREFIX}/{schema}.{table}.csv"
    console.note(f"staging {len(rows)} rows of {dataset.file_name} as s3://{description.s3_bucket}/{key}")
    s3_client(description).put_object(Bucket=description.s3_bucket, Key=key, Body=exasol_csv(rows))
    console.execute(create_table_sql(schema, table, dataset.columns))
    statement = console.execute(f"IMPORT INTO {quote(schema)}.{quote(table)} FROM CSV AT {quote(connection_name)} "
                                f"FILE {sql_string(key)}")
    return statement.rowcount()
