"""``"$SLEEP"(seconds)``: Exasol's built-in that blocks a statement for a while, and stops when it is aborted.

pyexasol's own test suite uses it to hold a statement open (``abort_query``, ``ExaConcurrencyError``); Exasol's
documentation does not describe it, so only that observable behaviour is emulated: it waits ``seconds``
(NULL or negative: no wait), returns NULL, and ends at once with the session's abort (``abortQuery``) or
query timeout. DuckDB cannot interrupt a Python function, so the function waits on the session's stop event
instead; the call is rewritten to pass the session id, because one function serves every session.
"""

from __future__ import annotations

import threading
from typing import Callable

import duckdb
from sqlglot import exp

SQL_NAME = "$SLEEP"
DUCKDB_NAME = "__emulator_sleep"


class SleepStopped(Exception):
    """Raised inside DuckDB when the session stops the statement; the session reports abort or timeout."""


def register(connection: duckdb.DuckDBPyConnection, stop_event: Callable[[int], threading.Event | None]) -> None:
    """Define the function once per database; ``stop_event`` finds a session's stop event by its id."""

    def sleep(session_id: int, seconds: float | None) -> None:
        event = stop_event(session_id)
        if seconds is None or seconds <= 0 or event is None:
            return None
        if event.wait(seconds):
            raise SleepStopped(f"{SQL_NAME} stopped")
        return None

    connection.create_function(DUCKDB_NAME, sleep, ["BIGINT", "DOUBLE"], "BOOLEAN", side_effects=True,
                               null_handling="special")


def bind_calls(tree: exp.Expression, session_id: int) -> exp.Expression:
    """Replace every ``"$SLEEP"(x)`` by the DuckDB function with the session id as first argument; an unaliased
    select-list call keeps Exasol's column name (the call's text)."""

    def replace(node: exp.Expression) -> exp.Expression:
        if not (isinstance(node, exp.Anonymous) and node.name == SQL_NAME and len(node.expressions) == 1):
            return node
        call = exp.Anonymous(this=DUCKDB_NAME, expressions=[exp.Literal.number(session_id),
                                                            node.expressions[0].copy()])
        if isinstance(node.parent, exp.Select) and node.arg_key == "expressions":
            return exp.alias_(call, node.sql(dialect="exasol").upper(), quoted=True)
        return call

    return tree.transform(replace)
