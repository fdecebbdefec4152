"""One client session: who it is (id, user, login), its settings (open schema, parameters, timeout), the statement
it is running, and the wiring of the parts that run statements.

Exasol-only statements (recognised by ``recogniser``) are run by their handlers (``statements``); every other
statement by ``duckdb_statements`` (translated by ``translation``). The session counts statements and cleans up
after the outermost one; stopping a statement (abortQuery, QUERY_TIMEOUT) is ``statement_stop``'s job, the
transaction ``transaction_state``'s, the catalog's side of DDL ``catalog_sync``'s. Each session has its own
DuckDB cursor, which DuckDB allows to be used from its own thread while other sessions use theirs.
"""

from __future__ import annotations

import functools
import threading
from typing import Callable

import duckdb

from sme_local.exasol.catalog.relations import schema_exists
from sme_local.exasol.catalog.system_context import LoginInfo, SessionSnapshot, SystemContext
from sme_local.exasol.catalog.types import ExaType
from sme_local.exasol.sql.catalog_sync import CatalogSync
from sme_local.exasol.sql.context import DatabaseServices
from sme_local.exasol.sql.duck_errors import translate_duckdb_error
from sme_local.exasol.sql.duckdb_statements import DuckDbStatements
from sme_local.exasol.sql.errors import SqlError, unsupported_construct
from sme_local.exasol.sql.file_transfer import run_file_transfer
from sme_local.exasol.sql.lexer import WORD, tokenize
from sme_local.exasol.sql.privileges import Privileges
from sme_local.exasol.sql.query_engine import QueryEngine
from sme_local.exasol.sql.recogniser import recognise
from sme_local.exasol.sql.results import Result
from sme_local.exasol.sql.script_execution import execute_script
from sme_local.exasol.sql.statement_stop import StatementStop
from sme_local.exasol.sql.statements import ExasolStatements
from sme_local.exasol.sql.transaction_state import TransactionState
from sme_local.exasol.sql.translation import Translator
from sme_local.exasol.sql.udf_calls import UdfCalls


class Session:
    """Executes statements for one logged-in client (or for a Lua script running inside it)."""

    def __init__(self, database: DatabaseServices, session_id: int, user: str = "SYS") -> None:
        self.database = database
        self.id = session_id
        self.user = user
        self.privileges = Privileges(database.store, user, database.admin_user)
        self.cursor = database.duckdb.cursor()
        self.current_schema: str | None = None
        self.query_timeout = 0
        # Session parameters start as a copy of the system-wide ones; a later ALTER SYSTEM affects only new
        # sessions (docs.exasol.com sql/alter_system.htm, sql/alter_session.htm). python-extension-common's
        # deployer relies on it: after ALTER SYSTEM it reads SESSION_VALUE and expects the old aliases.
        self.parameters: dict[str, str] = database.store.parameters()
        self.statement_id = 0
        self.statement_kind = "SQL"  # first keyword of the running statement, named in E-EMU-20
        self.sql_text: str | None = None  # the latest statement, as EXA_DBA_SESSIONS.SQL_TEXT shows it
        self.login = LoginInfo()  # replaced by the server with what the client sent at login
        self.on_kill: Callable[[], None] = lambda: None  # set by the server: closes the client's connection
        self._stop = StatementStop(self.cursor)  # abortQuery, KILL STATEMENT, QUERY_TIMEOUT
        self._depth = 0
        self._lock = threading.RLock()
        self.udf_calls = UdfCalls(self)
        self.engine = QueryEngine(self.cursor, database.store, lambda: self.statement_kind,
                                  self.udf_calls.known_output_types)
        self.transaction = TransactionState(self.cursor, database.transactions, lambda: self.statement_kind)
        self.statements = ExasolStatements(self, functools.partial(execute_script, self),
                                           functools.partial(run_file_transfer, self))
        self.duckdb_statements = DuckDbStatements(self.cursor, Translator(self), self.engine, self.transaction,
                                                  CatalogSync(self.cursor, database.store, self.engine),
                                                  lambda: self.statement_kind)

    # -- public ----------------------------------------------------------------------------------------------
    def execute(self, sql: str) -> Result:
        """Run one statement. Failures are ``SqlError`` with an Exasol sqlCode."""
        with self._lock:
            self._depth += 1
            try:
                return self._execute_statement(sql)
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self.udf_calls.cleanup()

    def _execute_statement(self, sql: str) -> Result:
        self.statement_id += 1
        self.statement_kind = _statement_kind(sql)
        if self._depth == 1:
            self.sql_text = sql
            self._stop.clear()
        statement = recognise(sql)
        if statement is not None and self.statements.is_transaction_control(statement):
            return self.statements.run(statement)
        self.transaction.begin_if_needed()
        with self._stop.timeout(self.query_timeout):
            try:
                if statement is not None:
                    return self.statements.run(statement)
                return self.duckdb_statements.run(sql)
            except duckdb.Error as error:
                if self._stop.requested.is_set():  # e.g. "$SLEEP" stopped: DuckDB reports the function's exception
                    raise self._stop.error() from None
                raise translate_duckdb_error(error, self._stop.timed_out, self.statement_kind) from None

    def snapshot(self) -> SessionSnapshot:
        """This session as EXA_DBA_SESSIONS shows it; a session inside a statement is executing SQL."""
        busy = self._depth > 0
        return SessionSnapshot(
            self.id, "EXECUTE SQL" if busy else "IDLE", self.statement_kind if self.sql_text else None,
            self.statement_id, self.query_timeout, self.current_schema, self.sql_text, self.login,
        )

    @property
    def stop_requested(self) -> threading.Event:
        """Set while the running statement is to stop (abort or timeout): what ``$SLEEP`` and transfers wait on."""
        return self._stop.requested

    def interrupt(self) -> None:
        """abortQuery: stop the statement running in this session (it fails with R0003)."""
        self._stop.interrupt()

    def stopped_error(self) -> SqlError:
        """The error of a statement that a stop ended: timeout or abort."""
        return self._stop.error()

    def close(self) -> None:
        with self._lock:
            try:
                self.transaction.rollback()
            finally:
                self.cursor.close()

    def prepare(self, sql: str) -> tuple[list[tuple[str, ExaType]] | None, int]:
        """Describe a statement without running it: result columns (queries) and the number of ``?``."""
        with self._lock:
            if recognise(sql) is not None:
                return None, 0
            return self.duckdb_statements.describe(sql)

    def parameter_types(self, sql: str, count: int) -> list[ExaType]:
        """Types of a prepared statement's ``?`` parameters (``DuckDbStatements.parameter_types``)."""
        return self.duckdb_statements.parameter_types(sql, count)

    def execute_many(self, sql: str, columns: list[list], row_count: int) -> Result:
        """executePreparedStatement: the statement for each of ``row_count`` parameter rows, given column-major as
        the client sends them."""
        if recognise(sql) is not None:
            if columns or row_count != 1:
                raise unsupported_construct("parameters in an Exasol-specific statement")
            return self.execute(sql)
        with self._lock:
            self.statement_id += 1
            self.statement_kind = _statement_kind(sql)
            self.transaction.begin_if_needed()
            return self.duckdb_statements.run_many(sql, columns, row_count)

    def system_context(self) -> SystemContext:
        """What this session's SYS tables (and metadata commands) are built from, as of now."""
        return SystemContext(self.cursor, self.database.store, dict(self.parameters), self.database.release,
                             self.database.session_snapshots(), self.id, self.database.admin_user, self.user,
                             self.privileges.system_privileges(), self.privileges.can_see)

    def require_schema(self, schema: str) -> None:
        if not schema_exists(self.cursor, schema):
            raise SqlError("42000", f"schema {schema} not found")


def _statement_kind(sql: str) -> str:
    words = [token.upper for token in tokenize(sql)[:1] if token.kind == WORD]
    return words[0] if words else "SQL"
