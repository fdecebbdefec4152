"""Stopping a session's running statement: abortQuery and KILL STATEMENT (it fails with R0003), QUERY_TIMEOUT
(R0001).

Both set one event — what ``$SLEEP`` (sql/sleep.py) and EXPORT/IMPORT transfers wait on — and interrupt the
session's DuckDB cursor; the statement then fails with the error of whichever stopped it.
"""

from __future__ import annotations

import contextlib
import threading
from typing import Iterator

import duckdb

from sme_local.exasol.sql.errors import SqlError, query_stopped


class StatementStop:
    """The stop request of one session's statements."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection) -> None:
        self._cursor = cursor
        self.requested = threading.Event()
        self._timed_out = False

    @property
    def timed_out(self) -> bool:
        """Whether the latest statement's timeout expired (rather than a client's abort)."""
        return self._timed_out

    def clear(self) -> None:
        """A new statement begins: an earlier abort does not stop it."""
        self.requested.clear()

    def interrupt(self) -> None:
        self.requested.set()
        self._cursor.interrupt()

    def error(self) -> SqlError:
        """The error of a statement that a stop ended: timeout or abort."""
        return query_stopped(self._timed_out)

    @contextlib.contextmanager
    def timeout(self, seconds: float) -> Iterator[None]:
        """Interrupt what runs in the block once ``seconds`` have passed; 0 means no timeout."""
        self._timed_out = False
        if seconds <= 0:
            yield
            return

        def expire() -> None:
            self._timed_out = True
            self.interrupt()

        timer = threading.Timer(seconds, expire)
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
