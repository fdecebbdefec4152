"""The one failure type of the emulator's SQL layer: an Exasol-shaped error with an SQLSTATE-like code.

pyexasol turns ``{"status": "error", "exception": {"sqlCode", "text"}}`` into ExaQueryError; clients and the
product's Lua scripts branch on ``sqlCode`` (42000 syntax / unknown object, 42500 privileges, 22xxx data,
R0001 timeout, R0003 abort), so every failure the emulator reports carries one. Limitations of the emulator
itself (something real Exasol supports but the stand-in does not) additionally carry an ``E-EMU-<n>`` code
and a mitigation, so that a failing test says plainly "the emulator cannot do this" rather than looking like
a product bug.
"""

from __future__ import annotations

SYNTAX_OR_UNKNOWN_OBJECT = "42000"
INSUFFICIENT_PRIVILEGES = "42500"
DATA_EXCEPTION = "22000"
NUMERIC_OUT_OF_RANGE = "22003"
STRING_TOO_LONG = "22001"
CONSTRAINT_VIOLATION = "27001"
TRANSACTION_CONFLICT = "40001"
AUTHENTICATION_FAILED = "08004"
QUERY_TIMEOUT = "R0001"
QUERY_ABORTED = "R0003"
NOT_SUPPORTED = "0A000"


class SqlError(Exception):
    """An error as Exasol reports it: a code for programs and a text for people."""

    def __init__(self, sql_code: str, text: str) -> None:
        super().__init__(text)
        self.sql_code = sql_code
        self.text = text


class EmulatorLimitation(SqlError):
    """A statement or construct real Exasol accepts but this emulator does not implement.

    The text names the construct, the ``E-EMU-<n>`` code and a mitigation; it is never a silent success.
    """

    def __init__(self, code: str, construct: str, mitigation: str) -> None:
        self.code = code
        super().__init__(
            NOT_SUPPORTED,
            f"{code}: {construct} is not supported by the Exasol emulator. Mitigation: {mitigation}",
        )


def unsupported_statement(what: str) -> EmulatorLimitation:
    """E-EMU-1: a statement kind the emulator does not implement."""
    return EmulatorLimitation(
        "E-EMU-1", f"statement {what!r}", "use a supported statement (see local/sme_local/exasol/README.md)"
    )


def unsupported_construct(what: str) -> EmulatorLimitation:
    """E-EMU-2: a construct inside an otherwise supported statement (function, clause, type) is missing."""
    return EmulatorLimitation(
        "E-EMU-2", what, "rewrite the statement without it or test against a real Exasol database"
    )


def statistics_table_unsupported(name: str) -> EmulatorLimitation:
    """E-EMU-21: a statistical system table (schema EXA_STATISTICS, profiling, auditing) the emulator lacks."""
    return EmulatorLimitation(
        "E-EMU-21", f"statistical system table {name}",
        "the emulator records no statistics, profiles or audit logs; measure on a real Exasol database",
    )


def query_stopped(timed_out: bool) -> SqlError:
    """What a statement stopped by the query timeout (R0001) or by abortQuery (R0003) fails with. The abort text
    is the one pyexasol's suite expects from Exasol (test/integration/import_and_export)."""
    if timed_out:
        return SqlError(QUERY_TIMEOUT, "Query terminated because timeout has been reached.")
    return SqlError(QUERY_ABORTED, "Client requested execution abort.")


def object_not_found(kind: str, name: str) -> SqlError:
    """Exasol's wording for unknown schemas, tables, scripts and connections."""
    return SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"{kind} {name} not found")


def syntax_error(detail: str) -> SqlError:
    return SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"syntax error: {detail}")
