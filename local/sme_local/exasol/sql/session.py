"""One client session: its DuckDB cursor, open schema, transaction mode and parameters, and statement dispatch.

Exasol-only statements (recognised by ``recogniser``) are run by the emulator's own handlers; every other
statement is parsed by sqlglot's exasol dialect, rewritten (``rewrite``), stripped of UDF calls (``udf_calls``)
and run on DuckDB. Each session has its own DuckDB cursor, which DuckDB allows to be used from its own thread
while other sessions use theirs.
"""

from __future__ import annotations

import datetime
import functools
import threading
from typing import Callable

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

from sme_local.exasol.catalog.relations import relations, schema_exists
from sme_local.exasol.catalog.system_context import LoginInfo, SessionSnapshot, SystemContext
from sme_local.exasol.catalog.system_tables import build_system_table
from sme_local.exasol.catalog.types import VARCHAR_MAX, ExaType
from sme_local.exasol.sql import nodes, rewrite, sleep
from sme_local.exasol.sql.bulk_insert import inserts_one_parameter_row, insert_columns
from sme_local.exasol.sql.catalog_sync import CatalogSync
from sme_local.exasol.sql.context import DatabaseServices
from sme_local.exasol.sql.duck_errors import translate_duckdb_error
from sme_local.exasol.sql.empty_string import (
    nullify_inserted, nullify_updated, parameters_without_empty, replace_empty_strings,
)
from sme_local.exasol.sql.errors import (
    SqlError, query_stopped, syntax_error, unsupported_construct, unsupported_statement,
)
from sme_local.exasol.sql.file_transfer import run_file_transfer
from sme_local.exasol.sql.lexer import WORD, tokenize
from sme_local.exasol.sql.numeric_literals import type_decimal_literals
from sme_local.exasol.sql.preprocess import preprocess
from sme_local.exasol.sql.privileges import Privileges
from sme_local.exasol.sql.query_engine import QUERY_TYPES, STRING_TYPES, QueryEngine, first_line, row_count
from sme_local.exasol.sql.recogniser import recognise
from sme_local.exasol.sql.results import Result, RowCountResult
from sme_local.exasol.sql.script_execution import execute_script
from sme_local.exasol.sql.statements import ExasolStatements
from sme_local.exasol.sql.transaction_state import TransactionState
from sme_local.exasol.sql.udf_calls import UdfCalls

SUPPORTED_STATEMENTS = QUERY_TYPES + (exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Create, exp.Drop,
                                      exp.Alter, exp.TruncateTable)
UNSUPPORTED_EXASOL_STATEMENTS = ("RENAME", "RECOMPRESS", "REORGANIZE", "PRELOAD", "FLUSH", "DESCRIBE",
                                  "ANALYZE", "IMPERSONATE", "EXPLAIN", "DESC")


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
        self._timed_out = False
        self.stop_requested = threading.Event()  # abortQuery or timeout; what "$SLEEP" waits on
        self._depth = 0
        self._lock = threading.RLock()
        self.udf_calls = UdfCalls(self)
        self.engine = QueryEngine(self.cursor, database.store, lambda: self.statement_kind,
                                  self.udf_calls.known_output_types)
        self.transaction = TransactionState(self.cursor, database.transactions, lambda: self.statement_kind)
        self.catalog_sync = CatalogSync(self.cursor, database.store, self.engine)
        self.statements = ExasolStatements(self, functools.partial(execute_script, self),
                                           functools.partial(run_file_transfer, self))

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
            self.stop_requested.clear()
        statement = recognise(sql)
        if statement is not None and self.statements.is_transaction_control(statement):
            return self.statements.run(statement)
        self.transaction.begin_if_needed()
        timer = self._start_timeout_timer()
        try:
            if statement is not None:
                return self.statements.run(statement)
            return self._execute_sql(sql)
        except duckdb.Error as error:
            if self.stop_requested.is_set():  # e.g. "$SLEEP" stopped: DuckDB reports the function's exception
                raise self.stopped_error() from None
            raise translate_duckdb_error(error, self._timed_out, self.statement_kind) from None
        finally:
            if timer is not None:
                timer.cancel()

    def snapshot(self) -> SessionSnapshot:
        """This session as EXA_DBA_SESSIONS shows it; a session inside a statement is executing SQL."""
        busy = self._depth > 0
        return SessionSnapshot(
            self.id, "EXECUTE SQL" if busy else "IDLE", self.statement_kind if self.sql_text else None,
            self.statement_id, self.query_timeout, self.current_schema, self.sql_text, self.login,
        )

    def interrupt(self) -> None:
        """abortQuery: stop the statement running in this session (it fails with R0003)."""
        self.stop_requested.set()
        self.cursor.interrupt()

    def stopped_error(self) -> SqlError:
        """The error of a statement that ``stop_requested`` ended: timeout or abort."""
        return query_stopped(self._timed_out)

    def close(self) -> None:
        with self._lock:
            try:
                self.transaction.rollback()
            finally:
                self.cursor.close()

    def session_values(self) -> rewrite.SessionValues:
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        return rewrite.SessionValues(self.id, self.statement_id, self.current_schema, now, self.user)

    def prepare(self, sql: str) -> tuple[list[tuple[str, ExaType]] | None, int]:
        """Describe a statement without running it: result columns (queries) and the number of ``?``."""
        with self._lock:
            if recognise(sql) is not None:
                return None, 0
            tree, _ = self._translate(sql)
            placeholders = len(list(tree.find_all(exp.Placeholder)))
            if not isinstance(tree, QUERY_TYPES) or placeholders:
                return None, placeholders
            return self.engine.describe(tree), 0

    def execute_many(self, sql: str, columns: list[list], row_count: int) -> Result:
        """executePreparedStatement: the statement for each of ``row_count`` parameter rows, given column-major as
        the client sends them. ``INSERT … VALUES (?, …)`` runs as one bulk statement, other shapes row by row."""
        if recognise(sql) is not None:
            if columns or row_count != 1:
                raise unsupported_construct("parameters in an Exasol-specific statement")
            return self.execute(sql)
        with self._lock:
            self.statement_id += 1
            self.statement_kind = _statement_kind(sql)
            self.transaction.begin_if_needed()
            tree, declared, system_tables = self._parse(sql)
            columns = [parameters_without_empty(column) for column in columns]
            rows = [list(row) for row in zip(*columns)] if columns else [[] for _ in range(row_count)]
            with self.transaction.statement(tree):
                tree = self._bind(tree, system_tables)
                try:
                    if isinstance(tree, QUERY_TYPES):
                        if row_count != 1:
                            raise unsupported_construct("a prepared query executed with more than one parameter row")
                        return self.engine.fetch(self.cursor.sql(self.engine.generate(tree), params=rows[0]), tree)
                    if row_count == 0:
                        return RowCountResult(0)
                    count = self._insert_in_bulk(tree, columns)
                    if count is None:
                        count = self._execute_per_row(tree, rows)
                except duckdb.Error as error:
                    raise translate_duckdb_error(error, statement=self.statement_kind) from None
                self.catalog_sync.after_statement(tree, declared, sql)
            return RowCountResult(count)

    def _insert_in_bulk(self, tree: exp.Expression, columns: list[list]) -> int | None:
        """The row count of a bulk ``INSERT … VALUES (?, …)``, or None if the statement has another shape."""
        if not inserts_one_parameter_row(tree):
            return None
        targets = self._insert_target_columns(tree)
        if targets is None or len(targets) != len(columns):
            return None  # DuckDB reports the mismatch when the statement runs row by row
        schema, table = rewrite.qualified_target(tree)
        return insert_columns(self.cursor, schema, table, targets, columns)

    def _execute_per_row(self, tree: exp.Expression, rows: list[list]) -> int:
        duck_sql = self.engine.generate(tree)
        if len(rows) == 1:
            return row_count(self.cursor.execute(duck_sql, rows[0]))
        self.cursor.executemany(duck_sql, rows)
        return len(rows) if isinstance(tree, exp.Insert) else row_count(self.cursor)

    def _insert_target_columns(self, tree: exp.Insert) -> list[tuple[str, ExaType]] | None:
        """The columns an INSERT fills (listed ones, else all) with their Exasol types; None if unknown."""
        target = rewrite.qualified_target(tree)
        found = relations(self.cursor, self.database.store, *target) if target is not None else []
        if not found:
            return None
        types = {column.name: column.exa_type for column in found[0].columns}
        listed = [column.name for column in tree.this.expressions] if isinstance(tree.this, exp.Schema) else None
        names = list(types) if listed is None else listed
        if any(name not in types for name in names):
            return None
        return [(name, types[name]) for name in names]

    def _store_empty_strings_as_null(self, tree: exp.Expression) -> None:
        """INSERT … SELECT/VALUES and UPDATE store a computed ``''`` in a string column as NULL (``empty_string``)."""
        if isinstance(tree, exp.Insert) and isinstance(tree.expression, QUERY_TYPES):
            targets = self._insert_target_columns(tree)
            if targets is not None:
                nullify_inserted(tree, [exa_type.name in STRING_TYPES for _, exa_type in targets])
        elif isinstance(tree, exp.Update):
            target = rewrite.qualified_target(tree)
            found = relations(self.cursor, self.database.store, *target) if target is not None else []
            if found:
                nullify_updated(tree, {c.name for c in found[0].columns if c.exa_type.name in STRING_TYPES})

    def parameter_types(self, sql: str, count: int) -> list[ExaType]:
        """Types of the ``?`` parameters: the target columns of an INSERT, else VARCHAR(2000000)."""
        tree, _ = self._translate(sql)
        targets = self._insert_target_columns(tree) if isinstance(tree, exp.Insert) else None
        if targets is not None and len(targets) == count:
            return [exa_type for _, exa_type in targets]
        return [VARCHAR_MAX] * count

    # -- plain SQL ---------------------------------------------------------------------------------------------
    def _execute_sql(self, sql: str) -> Result:
        tree, declared, system_tables = self._parse(sql)
        with self.transaction.statement(tree):
            tree = self._bind(tree, system_tables)
            self._store_empty_strings_as_null(tree)
            duck_sql = self.engine.generate(tree)
            if isinstance(tree, QUERY_TYPES):
                return self.engine.fetch(self.cursor.sql(duck_sql), tree)
            existed = self.catalog_sync.target_exists(tree)
            count = row_count(self.cursor.execute(duck_sql))
            self.catalog_sync.after_statement(tree, declared, sql, existed)
        return RowCountResult(count)

    def _translate(self, sql: str) -> tuple[exp.Expression, dict[str, ExaType]]:
        tree, declared, system_tables = self._parse(sql)
        return self._bind(tree, system_tables), declared

    def _parse(self, sql: str) -> tuple[exp.Expression, dict[str, ExaType], set[str]]:
        """The statement parsed, checked and qualified; nothing read or run yet."""
        text = preprocess(sql)
        try:
            trees = sqlglot.parse(text, dialect="exasol", error_level=ErrorLevel.RAISE)
        except ParseError as error:
            first_word = text.split(None, 1)[0].upper() if text.split() else ""
            if first_word in UNSUPPORTED_EXASOL_STATEMENTS:
                raise unsupported_statement(first_word) from None
            if any(token.is_word("HASHTYPE") for token in tokenize(text)):
                # sqlglot's exasol dialect has no HASHTYPE: say so instead of a misleading syntax error
                raise unsupported_construct("data type HASHTYPE in SQL statements") from None
            raise syntax_error(first_line(str(error))) from None
        trees = [t for t in trees if t is not None]
        if len(trees) != 1:
            raise syntax_error("exactly one statement expected")
        tree = trees[0]
        rewrite.reject_unsupported(tree)
        if not isinstance(tree, SUPPORTED_STATEMENTS) or (
            isinstance(tree, (exp.Create, exp.Drop, exp.Alter))
            and str(tree.args.get("kind") or "").upper() not in ("TABLE", "VIEW")
        ):
            raise unsupported_statement(f"{tree.key.upper()} {str(tree.args.get('kind') or '').upper()}".strip())
        tree = normalize_identifiers(tree, dialect="exasol")
        rewrite.name_result_columns(tree)
        tree = replace_empty_strings(tree)
        type_decimal_literals(tree)
        tree = rewrite.replace_pseudo_columns(tree, self.session_values())
        tree = nodes.replace_node_functions(tree, self.database.nodes)
        tree = sleep.bind_calls(tree, self.id)
        system_tables = rewrite.resolve_special_tables(tree)
        rewrite.qualify_tables(tree, self.current_schema)
        self.privileges.check_sql(tree)
        declared = rewrite.convert_data_types(tree)
        return tree, declared, system_tables

    def _bind(self, tree: exp.Expression, system_tables: set[str]) -> exp.Expression:
        """Build the SYS tables the statement reads and run its UDF calls (their output replaces them)."""
        for name in sorted(system_tables):
            self._materialise_system_table(name)
        return self.udf_calls.substitute(tree)

    def _materialise_system_table(self, name: str) -> None:
        table = build_system_table(name, self.system_context())
        self.engine.load_temp_table(rewrite.SYSTEM_TABLE_PREFIX + name, table.columns, table.rows)

    def system_context(self) -> SystemContext:
        """What this session's SYS tables (and metadata commands) are built from, as of now."""
        return SystemContext(self.cursor, self.database.store, dict(self.parameters), self.database.release,
                             self.database.session_snapshots(), self.id, self.database.admin_user, self.user,
                             self.privileges.system_privileges(), self.privileges.can_see)

    # -- statement timeout ---------------------------------------------------------------------------------
    def _start_timeout_timer(self) -> threading.Timer | None:
        self._timed_out = False
        if self.query_timeout <= 0:
            return None

        def expire() -> None:
            self._timed_out = True
            self.stop_requested.set()
            self.cursor.interrupt()

        timer = threading.Timer(self.query_timeout, expire)
        timer.daemon = True
        timer.start()
        return timer

    def require_schema(self, schema: str) -> None:
        if not schema_exists(self.cursor, schema):
            raise SqlError("42000", f"schema {schema} not found")


def _statement_kind(sql: str) -> str:
    words = [token.upper for token in tokenize(sql)[:1] if token.kind == WORD]
    return words[0] if words else "SQL"
