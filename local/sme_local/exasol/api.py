"""The Python entry point: start an Exasol emulator (WebSocket API + BucketFS) on loopback and stop it again.

    with Emulator(tmp_path) as emulator:
        connection = pyexasol.connect(dsn=emulator.dsn, user="sys", password="exasol")

``dsn`` carries the TLS certificate's fingerprint, so pyexasol's default (encrypted, certificate checked)
works without a CA; ``encryption=False`` with ``plain_dsn`` works on the same port.
"""

from __future__ import annotations

import atexit
import threading
from pathlib import Path
from types import TracebackType

from sme_local.exasol.database import Database
from sme_local.exasol.release import DEFAULT_VERSION, release
from sme_local.exasol.server.listener import Credentials, Listener
from sme_local.exasol.server.tls import ensure_certificate, fingerprint, server_context

DEFAULT_PORT = 8563
DEFAULT_BUCKETFS_PORT = 2580
DEFAULT_USER = "sys"
DEFAULT_PASSWORD = "exasol"


_running: set["Emulator"] = set()
_running_lock = threading.Lock()


@atexit.register
def _stop_forgotten_emulators() -> None:
    """Stop emulators the program never stopped (Ctrl-C, a forgotten ``stop()``) when the interpreter exits.

    Otherwise their DuckDB connection, session cursors and result types are still alive at interpreter
    shutdown, and DuckDB's bindings print ~40 "nanobind: leaked instance/type/function" lines to stderr; a
    stop also checkpoints the DuckDB file.
    """
    with _running_lock:
        forgotten = list(_running)
    for emulator in forgotten:
        emulator.stop()


class Emulator:
    """One emulated database in ``data_dir``. Ports 0 pick free ports (see ``port``/``bucketfs_url``)."""

    def __init__(self, data_dir: Path | str, host: str = "127.0.0.1", port: int = DEFAULT_PORT,
                 bucketfs_port: int | None = DEFAULT_BUCKETFS_PORT, aws_endpoint_url: str | None = None,
                 udf_workers: int | None = None, user: str = DEFAULT_USER, password: str = DEFAULT_PASSWORD,
                 exasol_version: str = DEFAULT_VERSION, nodes: int = 1) -> None:
        self.data_dir = Path(data_dir).absolute()  # handed to UDF workers, which run in another directory
        self.release = release(exasol_version)
        self.host = host
        self._requested_port = port
        self._bucketfs_port = bucketfs_port
        self.aws_endpoint_url = aws_endpoint_url
        self._udf_workers = udf_workers
        self.nodes = nodes  # NPROC() of the emulated cluster (sql/nodes.py)
        self._credentials = Credentials(user, password)
        self._database: Database | None = None
        self._listener: Listener | None = None
        self._bucketfs = None
        self._fingerprint: str | None = None

    # -- lifecycle -------------------------------------------------------------------------------------------
    def start(self) -> "Emulator":
        if self._listener is not None:
            raise RuntimeError("emulator already started")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        cert_path, key_path = ensure_certificate(self.data_dir)
        self._fingerprint = fingerprint(cert_path)
        with_bucketfs = self._bucketfs_port is not None
        if with_bucketfs:
            self.bucketfs_root.mkdir(parents=True, exist_ok=True)
        self._database = Database(self.data_dir, self.aws_endpoint_url, self._udf_workers,
                                  self.bucketfs_root if with_bucketfs else None, self.release, self._credentials.user, self.nodes)
        try:
            if with_bucketfs:
                from sme_local.exasol.bucketfs import BucketFsService

                self._bucketfs = BucketFsService(self.bucketfs_root, host=self.host, port=self._bucketfs_port)
                self._bucketfs.start()
            self._listener = Listener(self._database, self.host, self._requested_port,
                                      server_context(cert_path, key_path), self._credentials)
            self._listener.start()
        except BaseException:
            self.stop()
            raise
        with _running_lock:
            _running.add(self)
        return self

    def stop(self) -> None:
        with _running_lock:
            _running.discard(self)
        if self._listener is not None:
            self._listener.stop()
            self._listener = None
        if self._bucketfs is not None:
            self._bucketfs.stop()
            self._bucketfs = None
        if self._database is not None:
            self._database.close()
            self._database = None

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    # -- addresses -------------------------------------------------------------------------------------------
    @property
    def port(self) -> int:
        if self._listener is None:
            raise RuntimeError("emulator not started")
        return self._listener.port

    @property
    def tls_fingerprint(self) -> str:
        if self._fingerprint is None:
            raise RuntimeError("emulator not started")
        return self._fingerprint

    @property
    def dsn(self) -> str:
        """``host/<fingerprint>:port`` for pyexasol with encryption (its default)."""
        return f"{self.host}/{self.tls_fingerprint}:{self.port}"

    @property
    def plain_dsn(self) -> str:
        """``host:port`` for pyexasol with ``encryption=False``."""
        return f"{self.host}:{self.port}"

    @property
    def bucketfs_root(self) -> Path:
        """Where BucketFS keeps files; a UDF's ``/buckets/<service>/<bucket>/x`` is ``<root>/<service>/<bucket>/x``."""
        return self.data_dir / "bucketfs"

    @property
    def bucketfs_url(self) -> str | None:
        return None if self._bucketfs is None else self._bucketfs.url

    @property
    def user(self) -> str:
        return self._credentials.user

    @property
    def password(self) -> str:
        return self._credentials.password
