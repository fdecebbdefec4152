"""What each statement handler may use of the session and of the database, as one narrow protocol per handler.

A handler module types against its own protocol here instead of importing ``session`` or ``database``:
``Session`` creates the handlers, so an import back would make the SQL core one circle. Each protocol lists exactly
what its handler reads, sets or calls (tests/emulator/core/test_handler_contexts.py checks both directions), so
the signature tells a reader what a handler can touch:

- ``StatementSession`` for ``statements.ExasolStatements`` (schemas, scripts, users, grants, parameters …),
- ``UdfCallSession`` for ``udf_calls.UdfCalls``,
- ``TransferSession`` for ``file_transfer`` (EXPORT/IMPORT),
- ``ScriptSession`` for ``script_execution`` (EXECUTE SCRIPT),
- ``TranslatingSession`` for ``translation.Translator`` (plain SQL into a DuckDB tree).

``DatabaseServices`` is what ``Session`` itself needs of ``database.Database``; it includes every handler's
database protocol because the session hands its database on. Dependencies point down only (developer guide,
"Exasol emulator: internal interfaces").
"""

from __future__ import annotations

import threading
from typing import Any, Protocol

import duckdb
from sqlglot import exp

from sme_local.exasol.catalog.store import CatalogStore
from sme_local.exasol.catalog.system_context import SessionSnapshot, SystemContext
from sme_local.exasol.http_transport.tunnels import Tunnels
from sme_local.exasol.release import ExasolRelease
from sme_local.exasol.sql.errors import SqlError
from sme_local.exasol.sql.privileges import Privileges
from sme_local.exasol.sql.query_engine import QueryEngine
from sme_local.exasol.sql.results import Result
from sme_local.exasol.sql.transactions import TransactionManager


# -- the database, as each handler sees it -------------------------------------------------------------------
class StatementDatabase(Protocol):
    store: CatalogStore
    admin_user: str

    def kill_session(self, session_id: int, statement_only: bool = False) -> bool: ...


class UdfDatabase(Protocol):
    store: CatalogStore
    release: ExasolRelease
    nodes: int  # NPROC() (sql/nodes.py)

    def udf_executor(self) -> Any: ...


class TransferDatabase(Protocol):
    store: CatalogStore
    tunnels: Tunnels
    aws_endpoint_url: str | None
    nodes: int


class ScriptDatabase(Protocol):
    store: CatalogStore
    release: ExasolRelease
    nodes: int


class TranslationDatabase(Protocol):
    nodes: int


class DatabaseServices(StatementDatabase, UdfDatabase, TransferDatabase, ScriptDatabase, TranslationDatabase,
                       Protocol):
    """The shared parts of the emulated database a session uses (``database.Database``)."""

    duckdb: duckdb.DuckDBPyConnection
    transactions: TransactionManager

    def session_snapshots(self) -> tuple[SessionSnapshot, ...]: ...


# -- the session, as each handler sees it --------------------------------------------------------------------
class TransactionControl(Protocol):
    """COMMIT and ROLLBACK of the session's transaction (``transaction_state.TransactionState``)."""

    def commit(self) -> None: ...

    def rollback(self) -> None: ...


class StatementSession(Protocol):
    """The Exasol-only statements: they change the catalog, the open schema and the session's parameters."""

    database: StatementDatabase
    cursor: duckdb.DuckDBPyConnection
    privileges: Privileges
    transaction: TransactionControl
    id: int
    user: str
    current_schema: str | None
    parameters: dict[str, str]
    query_timeout: int

    def require_schema(self, schema: str) -> None: ...


class UdfCallSession(Protocol):
    """UDF calls in a query: read their input through the engine, run them, load their output."""

    database: UdfDatabase
    cursor: duckdb.DuckDBPyConnection
    engine: QueryEngine
    privileges: Privileges
    id: int
    user: str
    statement_id: int
    statement_kind: str
    current_schema: str | None
    parameters: dict[str, str]


class TransferSession(Protocol):
    """EXPORT and IMPORT: run the exported query, stage imported rows, stop when the statement is stopped."""

    database: TransferDatabase
    cursor: duckdb.DuckDBPyConnection
    engine: QueryEngine
    privileges: Privileges
    id: int
    statement_id: int
    current_schema: str | None
    parameters: dict[str, str]
    stop_requested: threading.Event

    def execute(self, sql: str) -> Result: ...

    def stopped_error(self) -> SqlError: ...


class ScriptSession(Protocol):
    """EXECUTE SCRIPT: the script's ``query()`` calls run back in the same session."""

    database: ScriptDatabase
    privileges: Privileges
    id: int
    user: str
    statement_id: int
    current_schema: str | None

    def execute(self, sql: str) -> Result: ...


class UdfSubstitution(Protocol):
    """Runs the UDF calls of a tree and puts their output in their place (``udf_calls.UdfCalls``)."""

    def substitute(self, tree: exp.Expression) -> exp.Expression: ...


class TranslatingSession(Protocol):
    """Translation: the session's values (CURRENT_SCHEMA …), privileges, SYS tables and UDF calls."""

    database: TranslationDatabase
    engine: QueryEngine
    udf_calls: UdfSubstitution
    privileges: Privileges
    id: int
    user: str
    statement_id: int
    current_schema: str | None

    def system_context(self) -> SystemContext: ...
