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

from exasol_emulator.s3_csv.compression import compress_for, decompress_for
from exasol_emulator.s3_csv.connection import (
    S3Connection,
    S3Credentials,
    S3Location,
    parse_address,
    parse_credentials,
    s3_client,
)
from exasol_emulator.s3_csv.csv_text import CsvSyntaxError, parse_records, render_record
from exasol_emulator.s3_csv.errors import SYNTAX_SQL_CODE, CsvTransferError
from exasol_emulator.s3_csv.options import CsvOptions
from exasol_emulator.s3_csv.sql_types import ColumnType, parse_column_type
from exasol_emulator.s3_csv.value_format import DEFAULT_STYLE, ValueStyle, format_value
from exasol_emulator.s3_csv.value_parse import BadValue, parse_value

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
) -> int:
    """Write ``rows`` of ``columns`` ((name, COLUMN_TYPE) pairs) as CSV objects; returns the rows written.

    ``style`` holds the session's NLS settings, which Exasol's EXPORT applies to numbers and dates."""
    _check_files(files)
    types = [parse_column_type(sql_type) for _, sql_type in columns]
    location, credentials, client = _open(connection, aws_endpoint_url)
    all_rows = list(rows)
    header = render_record([name for name, _ in columns], options) if options.with_column_names else ""
    for file_name, chunk in zip(files, _split_contiguously(all_rows, len(files))):
        text = header + "".join(render_record(_format_row(row, types, file_name, style), options) for row in chunk)
        data = compress_for(file_name, _encode(text, options, location.url(file_name)))
        try:
            client.put_object(Bucket=location.bucket, Key=location.key(file_name), Body=data)
        except (ClientError, BotoCoreError) as error:
            raise _s3_failure("writing data to", location.url(file_name), error, credentials) from None
    return len(all_rows)


def import_csv(
    connection: S3Connection,
    files: Sequence[str],
    options: CsvOptions,
    column_types: Sequence[str],
    aws_endpoint_url: str | None = None,
) -> list[tuple]:
    """Read CSV objects into typed rows for columns of ``column_types`` (COLUMN_TYPE strings)."""
    _check_files(files)
    types = [parse_column_type(sql_type) for sql_type in column_types]
    location, credentials, client = _open(connection, aws_endpoint_url)
    rows: list[tuple] = []
    for file_name in files:
        url = location.url(file_name)
        try:
            data = client.get_object(Bucket=location.bucket, Key=location.key(file_name))["Body"].read()
        except (ClientError, BotoCoreError) as error:
            raise _s3_failure("reading data from", url, error, credentials) from None
        rows.extend(_parse_file(_decode(file_name, data, options, url), types, options, url))
    return rows


def _open(connection: S3Connection, aws_endpoint_url: str | None) -> tuple[S3Location, S3Credentials | None, Any]:
    location = parse_address(connection.address)
    credentials = parse_credentials(connection.user, connection.password)
    return location, credentials, s3_client(location, credentials, aws_endpoint_url)


def _check_files(files: Sequence[str]) -> None:
    if not files or any(not name or not name.strip("/") for name in files):
        raise CsvTransferError(f"EXPORT/IMPORT needs at least one non-empty FILE name, got {list(files)}",
                               SYNTAX_SQL_CODE)


def _split_contiguously(rows: list, parts: int) -> list[list]:
    size, larger = divmod(len(rows), parts)
    chunks, start = [], 0
    for index in range(parts):
        end = start + size + (1 if index < larger else 0)
        chunks.append(rows[start:end])
        start = end
    return chunks


def _format_row(row: Sequence[object], types: Sequence[ColumnType], file_name: str,
                style: ValueStyle) -> list[str | None]:
    if len(row) != len(types):
        raise CsvTransferError(f"row with {len(row)} values for {len(types)} columns while exporting '{file_name}'")
    return [None if value is None else format_value(value, column, style) for value, column in zip(row, types)]


def _encode(text: str, options: CsvOptions, url: str) -> bytes:
    try:
        return text.encode(options.python_encoding)
    except UnicodeEncodeError as error:
        raise CsvTransferError(f"ETL-2101: character {error.object[error.start]!r} cannot be written in "
                               f"ENCODING {options.encoding} [{url}]") from None


def _decode(file_name: str, data: bytes, options: CsvOptions, url: str) -> str:
    try:
        return decompress_for(file_name, data).decode(options.python_encoding)
    except ValueError as error:  # also UnicodeDecodeError
        raise CsvTransferError(f"ETL-2102: cannot read [{url}]: {error}") from None


def _parse_file(text: str, types: Sequence[ColumnType], options: CsvOptions, url: str) -> list[tuple]:
    rows: list[tuple] = []
    try:
        for record, fields in parse_records(text, options):
            if record <= options.skip or fields is None:
                continue
            if len(fields) != len(types):
                raise CsvTransferError(f"ETL-2105: Error while parsing row={record} [CSV parser found "
                                       f"{len(fields)} columns, expected {len(types)}] [{url}]")
            rows.append(tuple(_typed(field, column, options, record, index, url)
                              for index, (field, column) in enumerate(zip(fields, types), start=1)))
    except CsvSyntaxError as error:
        raise CsvTransferError(f"ETL-2105: Error while parsing row={error.record} [{error.reason}] [{url}]") from None
    return rows


def _typed(field: tuple[str, bool], column: ColumnType, options: CsvOptions, record: int, index: int,
           url: str) -> object:
    text, enclosed = field
    if text == "" or (not enclosed and text == options.null):
        return None
    try:
        return parse_value(text, column)
    except BadValue as error:
        code = "ETL-3003" if error.truncation else "ETL-3050"
        shown = text if len(text) <= 200 else text[:200] + "…"
        raise CsvTransferError(f"{code}: [Column={index} Row={record}] [Transformation of value='{shown}' "
                               f"failed - {error.reason}] [{url}]") from None


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
