"""The central guard between DuckDB and the client: every DuckDB exception becomes an Exasol-shaped error.

Errors whose Exasol wording is known (unknown object, bad cast, interrupt/timeout) get Exasol's text and
sqlCode, so clients that match on them behave as against Exasol. Every other engine message is wrapped in
E-EMU-20 naming the statement kind: the sqlCode keeps DuckDB's error class (so a constraint violation still
reads 27001), but the text says plainly that it is the emulator's engine talking, never a bare DuckDB message.
"""

from __future__ import annotations

import re

import duckdb

from sme_local.exasol.sql.errors import (
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

# (DuckDB message pattern, sqlCode, Exasol text built from the match); sources in local/sme_local/exasol/README.md
_KNOWN: tuple[tuple[re.Pattern[str], str, str], ...] = (
    # DuckDB's own optimistic check (e.g. two transactions creating one table) is Exasol's collision rollback
    (re.compile(r"write-write conflict"), TRANSACTION_CONFLICT,
     "GlobalTransactionRollback msg: Transaction collision: automatic transaction rollback."),
    (re.compile(r'Table with name "?([^"!]+?)"? does not exist'), SYNTAX_OR_UNKNOWN_OBJECT, "object {0} not found"),
    (re.compile(r'Referenced column "([^"]+)" not found'), SYNTAX_OR_UNKNOWN_OBJECT, "object {0} not found"),
    (re.compile(r"Could not convert string '(.*)' to (?:INT|DECIMAL|DOUBLE|FLOAT|BIGINT|HUGEINT|SMALLINT|TINYINT)",
                re.DOTALL), DATA_EXCEPTION, "invalid character value for cast; Value: '{0}'"),
    (re.compile(r'Could not convert string "(.*)" to (?:INT|DECIMAL|DOUBLE|FLOAT|BIGINT|HUGEINT|SMALLINT|TINYINT)',
                re.DOTALL), DATA_EXCEPTION, "invalid character value for cast; Value: '{0}'"),
)


def translate_duckdb_error(error: duckdb.Error, timed_out: bool = False, statement: str = "SQL") -> SqlError:
    """``statement`` names the statement kind (first keyword, e.g. SELECT) for errors without an Exasol text."""
    if isinstance(error, duckdb.InterruptException):
        return query_stopped(timed_out)
    text = str(error).strip()
    first_line = text.splitlines()[0] if text else type(error).__name__
    for pattern, code, template in _KNOWN:
        match = pattern.search(first_line)
        if match:
            return SqlError(code, template.format(*match.groups()))
    code = next((code for error_type, code in _CODES if isinstance(error, error_type)), DATA_EXCEPTION)
    return SqlError(code, f"E-EMU-20: {statement} statement failed in the emulator's engine with an error it has "
                          f"no Exasol text for ({first_line}). Mitigation: check the statement; if it is valid "
                          f"Exasol SQL, test it against a real Exasol database")
