"""EXPORT … INTO CSV / IMPORT … FROM CSV against S3, in Exasol's CSV format, for the Exasol emulator.

The core parses the statement and calls::

    export_csv(columns, rows, connection, files, options, aws_endpoint_url, style) -> rows written
    import_csv(connection, files, options, column_types, aws_endpoint_url) -> typed rows

``columns`` are (name, COLUMN_TYPE) pairs, ``column_types`` COLUMN_TYPE strings, ``connection`` an
``S3Connection(address, user, password)`` straight from the CONNECTION object, ``options`` a ``CsvOptions``,
``aws_endpoint_url`` the emulator's S3 endpoint override (None = real AWS). ``style`` a ``ValueStyle`` with
the session's NLS_NUMERIC_CHARACTERS / NLS_DATE_FORMAT / NLS_TIMESTAMP_FORMAT. Values are the UDF-interface types
(int, Decimal, float, bool, str, date, datetime, None). Every failure is a ``CsvTransferError`` carrying an
Exasol-like ``sql_code`` and ``text``. ``codec`` (``render_file``, ``parse_file``, ``split_contiguously``) is the
file format alone, shared with pyexasol's HTTP transport (``sme_local.exasol.http_transport``).
"""

from sme_local.exasol.s3_csv.codec import check_files, parse_file, render_file, split_contiguously
from sme_local.exasol.s3_csv.connection import S3Connection
from sme_local.exasol.s3_csv.errors import CsvTransferError
from sme_local.exasol.s3_csv.options import CsvOptions, Delimit
from sme_local.exasol.s3_csv.sql_types import parse_column_type
from sme_local.exasol.s3_csv.transfer import export_csv, import_csv
from sme_local.exasol.s3_csv.value_format import ValueStyle, parse_datetime_format

__all__ = ["CsvOptions", "CsvTransferError", "Delimit", "S3Connection", "ValueStyle", "check_files", "export_csv",
           "import_csv", "parse_column_type", "parse_datetime_format", "parse_file", "render_file", "split_contiguously"]
