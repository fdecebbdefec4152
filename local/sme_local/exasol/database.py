"""The emulated database: one DuckDB file, the catalog store and the session registry of a data directory.

All sessions share one DuckDB database; each gets its own cursor (DuckDB's unit of concurrency). The UDF
executor is created on first use because most sessions never call a UDF.
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from pathlib import Path
from typing import Any

import duckdb

from sme_local.exasol.catalog.store import CatalogStore
from sme_local.exasol.catalog.system_context import SessionSnapshot
from sme_local.exasol.release import ExasolRelease, release
from sme_local.exasol.http_transport.tunnels import Tunnels
from sme_local.exasol.sql import sleep
from sme_local.exasol.sql.session import Session
from sme_local.exasol.sql.transactions import TransactionManager

DUCKDB_FILE = "exasol.duckdb"


class Database:
    def __init__(self, data_dir: Path, aws_endpoint_url: str | None = None, udf_workers: int | None = None,
                 bucketfs_root: Path | None = None, exasol_release: ExasolRelease | None = None,
                 admin_user: str = "SYS", nodes: int = 1) -> None:
        if nodes < 1:
            raise ValueError(f"a database has at least one node, not {nodes}")
        data_dir.mkdir(parents=True, exist_ok=True)
        self.nodes = nodes  # NPROC(); sql/nodes.py says which node holds which row
        self.data_dir = data_dir
        self.release = exasol_release or release()
        self.aws_endpoint_url = aws_endpoint_url
        self.admin_user = admin_user.upper()  # the DBA, as SYS is in Exasol (sql/privileges.py)
        self.bucketfs_root = bucketfs_root
        self.duckdb = duckdb.connect(str(data_dir / DUCKDB_FILE))
        self.store = CatalogStore(data_dir)
        self._udf_workers = udf_workers
        self._udf_executor: Any = None
        self._sessions: dict[int, Session] = {}
        self.transactions = TransactionManager()  # Exasol's WAIT FOR COMMIT and 40001 collisions
        self.tunnels = Tunnels()  # pyexasol HTTP-transport tunnels waiting for their EXPORT/IMPORT
        self._lock = threading.Lock()
        self._session_ids = itertools.count(int(time.time() * 1000) * 1000)
        sleep.register(self.duckdb, self._stop_event)

    def open_session(self, user: str | None = None) -> Session:
        """A session of ``user`` (a created user or the admin, default the admin)."""
        with self._lock:
            session = Session(self, next(self._session_ids), user or self.admin_user)
            self._sessions[session.id] = session
            return session

    def close_session(self, session: Session) -> None:
        with self._lock:
            self._sessions.pop(session.id, None)
        session.close()

    def kill_session(self, session_id: int, statement_only: bool = False) -> bool:
        """KILL: stop the session's statement and, unless ``statement_only``, end the session; False if unknown."""
        with self._lock:
            session = self._sessions.get(session_id)
        if session is None:
            return False
        session.interrupt()
        if not statement_only:
            session.on_kill()
        return True

    def session_snapshots(self) -> tuple[SessionSnapshot, ...]:
        """Every open session as EXA_DBA_SESSIONS lists it."""
        with self._lock:
            sessions = list(self._sessions.values())
        return tuple(session.snapshot() for session in sessions)

    def _stop_event(self, session_id: int) -> threading.Event | None:
        session = self._sessions.get(session_id)
        return session.stop_requested if session is not None else None

    def udf_executor(self) -> Any:
        """The shared UDF executor; its worker processes see exactly one variable, AWS_ENDPOINT_URL."""
        with self._lock:
            if self._udf_executor is None:
                from sme_local.exasol.udf.executor import UdfExecutor

                environment = {"AWS_ENDPOINT_URL": self.aws_endpoint_url} if self.aws_endpoint_url else {}
                # at least one VM per node, so GROUP BY IPROC() runs one instance per node at the same time
                workers = max(self._udf_workers or os.cpu_count() or 1, self.nodes)
                self._udf_executor = UdfExecutor(self.bucketfs_root, environment, workers=workers)
            return self._udf_executor

    def close(self) -> None:
        with self._lock:
            sessions = list(self._sessions.values())
            self._sessions.clear()
            executor, self._udf_executor = self._udf_executor, None
        for session in sessions:
            session.interrupt()
            session.close()
        if executor is not None:
            executor.close()
        self.tunnels.close()
        self.duckdb.close()
