"""One session's transaction: its autocommit mode, whether an engine (DuckDB) transaction is open, and that
transaction's footprint in the database's shared ``TransactionManager``.

The engine transaction and the footprint begin and end together, so that a conflict the manager finds (WAIT FOR
COMMIT, 40001) always concerns exactly the data the session's DuckDB transaction holds. In autocommit mode each
statement is one engine transaction — UDF input, UDF output and the final DuckDB statement alike — as Exasol runs
one statement; with autocommit off the transaction spans statements until COMMIT or ROLLBACK.
"""

from __future__ import annotations

import contextlib
from typing import Callable, Iterator

import duckdb
from sqlglot import exp

from sme_local.exasol.sql.duck_errors import translate_duckdb_error
from sme_local.exasol.sql.errors import SqlError
from sme_local.exasol.sql.transactions import Transaction, TransactionManager, footprint


class TransactionState:
    """Begins, commits and rolls back one session's transactions on its DuckDB cursor."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, manager: TransactionManager,
                 statement_kind: Callable[[], str]) -> None:
        self._cursor = cursor
        self._manager = manager
        self._statement_kind = statement_kind  # named in a translated DuckDB error of COMMIT
        self.autocommit = True
        self._open = False  # an engine transaction is open
        self._footprint: Transaction | None = None  # the tables it read and wrote, once a statement declared them

    @property
    def in_transaction(self) -> bool:
        return self._open

    def set_autocommit(self, enabled: bool) -> None:
        """Switching autocommit on commits the open transaction, as Exasol does."""
        if enabled and not self.autocommit:
            self.commit()
        self.autocommit = enabled

    def begin_if_needed(self) -> None:
        """With autocommit off, the first statement after COMMIT/ROLLBACK opens the next transaction."""
        if not self.autocommit and not self._open:
            self._cursor.execute("BEGIN TRANSACTION")
            self._open = True

    @contextlib.contextmanager
    def statement(self, tree: exp.Expression) -> Iterator[None]:
        """Declare the statement's tables to the manager (it may wait, or refuse with 40001: the transaction is then
        rolled back) and, in autocommit mode, run the whole statement as one engine transaction that commits when
        the block ends and rolls back if it fails."""
        if self._footprint is None:
            self._footprint = self._manager.begin()
        own = not self._open
        reads, writes = footprint(tree)
        try:
            self._manager.access(self._footprint, reads, writes)
        except SqlError:
            if own:
                self._manager.end(self._footprint)
                self._footprint = None
            else:
                self.rollback()
            raise
        if not own:
            yield
            return
        self._cursor.execute("BEGIN TRANSACTION")
        self._open = True
        try:
            yield
        except BaseException:
            self.rollback()
            raise
        try:
            self.commit()
        except duckdb.Error as error:
            raise translate_duckdb_error(error, statement=self._statement_kind()) from None

    def commit(self) -> None:
        if self._open:
            try:
                self._finish(commit=True)
            finally:
                self._open = False  # a failed COMMIT has rolled the engine's transaction back

    def rollback(self) -> None:
        if self._open:
            try:
                self._finish(commit=False)
            finally:
                self._open = False

    def _finish(self, commit: bool) -> None:
        """End the engine's transaction and its footprint together."""
        transaction, self._footprint = self._footprint, None
        if transaction is not None and commit:
            self._manager.commit(transaction, lambda: self._cursor.execute("COMMIT"))
            return
        try:
            self._cursor.execute("COMMIT" if commit else "ROLLBACK")
        finally:
            if transaction is not None:
                self._manager.end(transaction)
