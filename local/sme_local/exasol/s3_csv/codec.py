"""Whole CSV files as EXPORT writes and IMPORT reads them, independent of where the bytes go.

One codec for every destination: the S3 transfer (``transfer``) and pyexasol's HTTP transport
(``sme_local.exasol.http_transport``) both turn rows into file bytes (values formatted per column type, CSV
framing, character encoding, compression by the FILE name's suffix) and back here, so a CSV option behaves the
same whichever way the file travels.

Errors are ``CsvTransferError``s whose text names the file's ``url`` and, for bad data, the 1-based record
number in the file and the column.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Sequence

from sme_local.exasol.s3_csv.compression import compress_for, decompress_for
from sme_local.exasol.s3_csv.csv_text import CsvSyntaxError, parse_records, render_columns, render_record
from sme_local.exasol.s3_csv.errors import SYNTAX_SQL_CODE, CsvTransferError
from sme_local.exasol.s3_csv.options import CsvOptions
from sme_local.exasol.s3_csv.sql_types import ColumnType
from sme_local.exasol.s3_csv.value_format import DEFAULT_STYLE, ValueStyle, format_column
from sme_local.exasol.s3_csv.value_parse import BadValue, parse_value


def check_files(files: Sequence[str]) -> None:
    if not files or any(not name or not name.strip("/") for name in files):
        raise CsvTransferError(f"EXPORT/IMPORT needs at least one non-empty FILE name, got {list(files)}",
                               SYNTAX_SQL_CODE)


def split_contiguously(rows: list, parts: int) -> list[list]:
    """``parts`` contiguous chunks in order, sizes differing by at most one row (EXPORT's split over FILEs)."""
    size, larger = divmod(len(rows), parts)
    chunks, start = [], 0
    for index in range(parts):
        end = start + size + (1 if index < larger else 0)
        chunks.append(rows[start:end])
        start = end
    return chunks


def render_file(names: Sequence[str], rows: Sequence[Sequence[object]], types: Sequence[ColumnType],
                options: CsvOptions, file_name: str, url: str, style: ValueStyle = DEFAULT_STYLE) -> bytes:
    """The bytes of one exported file: header (WITH COLUMN NAMES), records, encoding, compression. ``style``
    holds the session's NLS settings, which Exasol's EXPORT applies to numbers and dates."""
    header = render_record(list(names), options) if options.with_column_names else ""
    return compress_for(file_name, _encode(header + render_columns(_format_columns(rows, types, file_name, style),
                                                                   options), options, url))


def parse_file(data: bytes, types: Sequence[ColumnType], options: CsvOptions, file_name: str, url: str,
               csv_columns: Sequence[int] | None = None) -> list[tuple]:
    """Typed rows of one imported file. ``csv_columns`` (1-based) picks which fields of each record fill the
    target columns, in order; None takes every field, and then the record must have exactly one per column."""
    text = _decode(file_name, data, options, url)
    rows: list[tuple] = []
    try:
        for record, fields in parse_records(text, options):
            if record <= options.skip or fields is None:
                continue
            if csv_columns is None:
                if len(fields) != len(types):
                    raise CsvTransferError(f"ETL-2105: Error while parsing row={record} [CSV parser found "
                                           f"{len(fields)} columns, expected {len(types)}] [{url}]")
                numbered = list(enumerate(fields, start=1))
            else:
                if max(csv_columns) > len(fields):
                    raise CsvTransferError(f"ETL-2105: Error while parsing row={record} [CSV parser found "
                                           f"{len(fields)} columns, expected at least {max(csv_columns)}] [{url}]")
                numbered = [(number, fields[number - 1]) for number in csv_columns]
            rows.append(tuple(_typed(field, column, options, record, number, url)
                              for (number, field), column in zip(numbered, types)))
    except CsvSyntaxError as error:
        raise CsvTransferError(f"ETL-2105: Error while parsing row={error.record} [{error.reason}] [{url}]") from None
    return rows


def _format_columns(rows: Sequence[Sequence[object]], types: Sequence[ColumnType], file_name: str,
                    style: ValueStyle) -> list[list[str | None]]:
    """The field texts column by column (``render_columns``' input)."""
    wrong = set(map(len, rows)) - {len(types)}
    if wrong:
        raise CsvTransferError(f"row with {min(wrong)} values for {len(types)} columns while exporting '{file_name}'")
    return [format_column(list(map(itemgetter(index), rows)), column, style) for index, column in enumerate(types)]


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


def _typed(field: tuple[str, bool], column: ColumnType, options: CsvOptions, record: int, index: int,
           url: str) -> object:
    text, enclosed = field
    text = options.trimmed(text)
    if text == "" or (not enclosed and text == options.null):
        return None
    try:
        return parse_value(text, column)
    except BadValue as error:
        code = "ETL-3003" if error.truncation else "ETL-3050"
        shown = text if len(text) <= 200 else text[:200] + "…"
        raise CsvTransferError(f"{code}: [Column={index} Row={record}] [Transformation of value='{shown}' "
                               f"failed - {error.reason}] [{url}]") from None
