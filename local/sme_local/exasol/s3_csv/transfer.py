"""EXPORT … INTO CSV AT <s3 connection> and IMPORT … FROM CSV AT <s3 connection>, executed with boto3.

EXPORT with several FILE clauses splits the rows into contiguous chunks, one per file in FILE order, sizes
differing by at most one row (Exasol leaves the split unspecified; only the union is defined). Every file is
written even if it gets no rows, and with WITH COLUMN NAMES every file starts with the header, because
readers of parallel exports (pyexasol, SageMaker's ``header=present``) parse each file on its own. Objects are
overwritten: S3 cannot append. IMPORT reads the files in FILE order.

Failures raise ``CsvTransferError`` whose text names the file's URL (built from the connection address, never
from credentials) and, for bad data, the 1-based row (record number in the file) and column.
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from botocore.exceptions import BotoCoreError, ClientError

from sme_local.exasol.s3_csv.codec import check_files, parse_file, render_file, split_contiguously
from sme_local.exasol.s3_csv.connection import (
    S3Connection,
    S3Credentials,
    S3Location,
    parse_address,
    parse_credentials,
    s3_client,
)
from sme_local.exasol.s3_csv.errors import CsvTransferError
from sme_local.exasol.s3_csv.node_writers import write_from_nodes
from sme_local.exasol.s3_csv.options import CsvOptions
from sme_local.exasol.s3_csv.sql_types import parse_column_type
from sme_local.exasol.s3_csv.value_format import DEFAULT_STYLE, ValueStyle

DEFAULT_OPTIONS = CsvOptions()  # frozen, so one shared instance is safe

# S3 error codes -> what they mean for the user (the raw S3 message is never shown: for a signature
# mismatch it can echo request headers, including a session token).
_S3_REASONS = {
    "NoSuchBucket": "the bucket does not exist",
    "NoSuchKey": "the file does not exist",
    "AccessDenied": "access denied by S3 for these credentials",
    "AllAccessDisabled": "access to the bucket is disabled",
    "InvalidAccessKeyId": "the access key id of the connection is not known to S3",
    "SignatureDoesNotMatch": "the secret key of the connection does not match its access key id",
    "InvalidToken": "the session token of the connection is invalid",
    "ExpiredToken": "the session token of the connection has expired",
    "PermanentRedirect": "the bucket is in another region than the connection address says",
}


def export_csv(
    columns: Sequence[tuple[str, str]],
    rows: Iterable[Sequence[object]],
    connection: S3Connection,
    files: Sequence[str],
    options: CsvOptions = DEFAULT_OPTIONS,
    aws_endpoint_url: str | None = None,
    style: ValueStyle = DEFAULT_STYLE,
    nodes: int = 1,
) -> int:
    """Write ``rows`` of ``columns`` ((name, COLUMN_TYPE) pairs) as CSV objects; returns the rows written.

    ``style`` holds the session's NLS settings, which Exasol's EXPORT applies to numbers and dates; the files
    are written by ``nodes`` threads at once (``node_writers``)."""
    check_files(files)
    types = [parse_column_type(sql_type) for _, sql_type in columns]
    names = [name for name, _ in columns]
    location, credentials, client = _open(connection, aws_endpoint_url)
    all_rows = list(rows)
    chunks = split_contiguously(all_rows, len(files))

    def write(position: int) -> None:
        file_name = files[position]
        data = render_file(names, chunks[position], types, options, file_name, location.url(file_name), style)
        try:
            client.put_object(Bucket=location.bucket, Key=location.key(file_name), Body=data)
        except (ClientError, BotoCoreError) as error:
            raise _s3_failure("writing data to", location.url(file_name), error, credentials) from None

    write_from_nodes(len(files), nodes, write)
    return len(all_rows)


def import_csv(
    connection: S3Connection,
    files: Sequence[str],
    options: CsvOptions,
    column_types: Sequence[str],
    aws_endpoint_url: str | None = None,
    csv_columns: Sequence[int] | None = None,
) -> list[tuple]:
    """Read CSV objects into typed rows for columns of ``column_types`` (COLUMN_TYPE strings), from the CSV
    columns numbered ``csv_columns`` (1-based) or from all of them."""
    check_files(files)
    types = [parse_column_type(sql_type) for sql_type in column_types]
    location, credentials, client = _open(connection, aws_endpoint_url)
    rows: list[tuple] = []
    for file_name in files:
        url = location.url(file_name)
        try:
            data = client.get_object(Bucket=location.bucket, Key=location.key(file_name))["Body"].read()
        except (ClientError, BotoCoreError) as error:
            raise _s3_failure("reading data from", url, error, credentials) from None
        rows.extend(parse_file(data, types, options, file_name, url, csv_columns))
    return rows


def _open(connection: S3Connection, aws_endpoint_url: str | None) -> tuple[S3Location, S3Credentials | None, Any]:
    location = parse_address(connection.address)
    credentials = parse_credentials(connection.user, connection.password)
    return location, credentials, s3_client(location, credentials, aws_endpoint_url)


def _s3_failure(action: str, url: str, error: Exception, credentials: S3Credentials | None) -> CsvTransferError:
    if isinstance(error, ClientError):
        code = error.response.get("Error", {}).get("Code", "Unknown")
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "?")
        reason = _S3_REASONS.get(code, f"S3 error {code}")
        detail = f"{reason} (S3 error {code}, HTTP {status})"
    else:
        detail = f"{type(error).__name__}: {error}"
    for secret in credentials.secrets if credentials else ():
        detail = detail.replace(secret, "***")
    return CsvTransferError(f"ETL-5105: Following error occured while {action} external connection "
                            f"[{url} failed: {detail}]")
