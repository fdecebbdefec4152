"""The one exception EXPORT/IMPORT raise, shaped like an Exasol statement error.

The emulator core turns it into its own query error unchanged (``sql_code`` and ``text``), so the SQL user
sees what a real Exasol would roughly say: an ``ETL-<n>`` text naming the file and, for bad data, the row and
column. Texts never contain a secret key, session token or password — callers build them from the connection
address and file names only, and S3 error responses are reduced to their error code.
"""

from __future__ import annotations

# SQLSTATE Exasol reports for ETL (IMPORT/EXPORT) failures [inf: as seen in client error logs].
ETL_SQL_CODE = "42636"
SYNTAX_SQL_CODE = "42000"
NOT_SUPPORTED_SQL_CODE = "0A000"


class CsvTransferError(Exception):
    """An EXPORT/IMPORT failure: ``sql_code`` (5 characters) and a user-facing ``text``."""

    def __init__(self, text: str, sql_code: str = ETL_SQL_CODE) -> None:
        super().__init__(text)
        self.text = text
        self.sql_code = sql_code
