"""What the statement handlers (statements, udf_calls, file_transfer, script_execution) may use of the session
and the database, as protocols.

The handlers type against these instead of importing ``session`` or ``database``: ``Session`` creates the
handlers, so an import back would make the SQL core one circle. Dependencies point down only (see the developer
guide, "Exasol emulator: internal interfaces").
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Protocol

import duckdb

from sme_local.exasol.catalog.store import CatalogStore
from sme_local.exasol.catalog.system_context import SessionSnapshot
from sme_local.exasol.http_transport.tunnels import Tunnels
from sme_local.exasol.release import ExasolRelease
from sme_local.exasol.sql.errors import SqlError
from sme_local.exasol.sql.privileges import Privileges
from sme_local.exasol.sql.query_engine import QueryEngine
from sme_local.exasol.sql.results import Result
from sme_local.exasol.sql.transactions import TransactionManager


class DatabaseServices(Protocol):
    """The shared parts of the emulated database (``database.Database``)."""

    duckdb: duckdb.DuckDBPyConnection
    store: CatalogStore
    transactions: TransactionManager
    tunnels: Tunnels
    release: ExasolRelease
    admin_user: str
    aws_endpoint_url: str | None
    bucketfs_root: Path | None
    nodes: int  # NPROC() (sql/nodes.py)

    def session_snapshots(self) -> tuple[SessionSnapshot, ...]: ...

    def kill_session(self, session_id: int, statement_only: bool = False) -> bool: ...

    def udf_executor(self) -> Any: ...


class SessionContext(Protocol):
    """One session as a statement handler sees it (``session.Session``)."""

    database: DatabaseServices
    engine: QueryEngine
    cursor: duckdb.DuckDBPyConnection
    privileges: Privileges
    id: int
    user: str
    statement_id: int
    statement_kind: str
    current_schema: str | None
    parameters: dict[str, str]
    query_timeout: int
    stop_requested: threading.Event

    def execute(self, sql: str) -> Result: ...

    def stopped_error(self) -> SqlError: ...

    def require_schema(self, schema: str) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...
