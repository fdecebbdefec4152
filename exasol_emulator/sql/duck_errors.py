"""Translate DuckDB exceptions into Exasol error codes (sqlCode) so clients can branch on them as on Exasol."""

from __future__ import annotations

import duckdb

from exasol_emulator.sql.errors import (
    CONSTRAINT_VIOLATION, DATA_EXCEPTION, NUMERIC_OUT_OF_RANGE, SYNTAX_OR_UNKNOWN_OBJECT, TRANSACTION_CONFLICT,
    SqlError, query_stopped,
)

_CODES: tuple[tuple[type[Exception], str], ...] = (
    (duckdb.ConstraintException, CONSTRAINT_VIOLATION),
    (duckdb.OutOfRangeException, NUMERIC_OUT_OF_RANGE),
    (duckdb.ConversionException, DATA_EXCEPTION),
    (duckdb.InvalidInputException, DATA_EXCEPTION),
    (duckdb.TransactionException, TRANSACTION_CONFLICT),
    (duckdb.CatalogException, SYNTAX_OR_UNKNOWN_OBJECT),
    (duckdb.BinderException, SYNTAX_OR_UNKNOWN_OBJECT),
    (duckdb.ParserException, SYNTAX_OR_UNKNOWN_OBJECT),
    (duckdb.NotImplementedException, SYNTAX_OR_UNKNOWN_OBJECT),
)


def translate_duckdb_error(error: duckdb.Error, timed_out: bool = False) -> SqlError:
    if isinstance(error, duckdb.InterruptException):
        return query_stopped(timed_out)
    text = str(error).strip()
    for error_type, code in _CODES:
        if isinstance(error, error_type):
            return SqlError(code, text)
    return SqlError(DATA_EXCEPTION, text)
