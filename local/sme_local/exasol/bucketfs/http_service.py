"""The BucketFS HTTP interface, as spoken by ``exasol.bucketfs`` and the language-container deployer.

Requests (verified against exasol-bucketfs 2.3.1, ``_service.py`` and ``_buckets.py``):

- ``GET /`` — no authentication; the configured bucket names, one per line.
- ``GET /<bucket>`` — the bucket's uploaded keys, one per line, recursive, archives as uploaded.
- ``PUT /<bucket>/<path>`` — write user; body by ``Content-Length`` or ``Transfer-Encoding: chunked`` (what
  ``requests`` sends for iterables); overwrites; an archive is unpacked before the response is sent, so
  python-extension-common's ExtractValidator finds ``exasol-manifest.json`` on its first poll.
- ``GET /<bucket>/<path>`` — read or write user (or anyone for a public bucket); the bytes.
- ``DELETE /<bucket>/<path>`` — write user; 200 also when the key does not exist.

Authentication is HTTP basic with the fixed user names of BucketFS: ``r`` (read password) and ``w`` (write
password, which also reads). Missing or wrong credentials give 401, a valid read user writing gives 403.
Passwords are never logged and never echoed.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import shutil
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import BinaryIO, Iterable, Sequence

from sme_local.exasol.bucketfs.archives import UnsafeArchiveError
from sme_local.exasol.bucketfs.store import BucketStore, ConflictError, InvalidKeyError

LOGGER = logging.getLogger(__name__)

DEFAULT_PORT = 2580
DEFAULT_SERVICE_NAME = "bfsdefault"
_CHUNK = 1 << 20
_MAX_CHUNK_LINE = 1024
_SOCKET_TIMEOUT_SECONDS = 120
_POLL_SECONDS = 0.05  # how fast stop() takes effect


@dataclass(frozen=True)
class BucketConfig:
    """One bucket: its name, the passwords of users ``r`` and ``w``, and whether anyone may read it."""

    name: str
    read_password: str = "read"
    write_password: str = "write"
    public: bool = False

    def __repr__(self) -> str:  # passwords stay out of reprs, logs and tracebacks
        return f"BucketConfig(name={self.name!r}, public={self.public})"


class _Access:
    READ = "read"
    WRITE = "write"


@dataclass(frozen=True)
class _Grant:
    """Whether valid credentials were presented (401 vs 403) and what they, or a public bucket, allow."""

    authenticated: bool
    rights: frozenset[str]


class _BadRequest(Exception):
    """The request body framing is broken (bad chunk size, body shorter than announced)."""


class BucketFsService:
    """A BucketFS service on loopback, storing under ``<root>/<service_name>/<bucket>/``.

    ``port=0`` picks a free port; ``url`` tells which one after ``start()``.
    """

    def __init__(
        self,
        root: Path | str,
        buckets: Sequence[BucketConfig] = (BucketConfig("default"),),
        service_name: str = DEFAULT_SERVICE_NAME,
        host: str = "127.0.0.1",
        port: int = DEFAULT_PORT,
    ) -> None:
        if not buckets:
            raise ValueError("a BucketFS service needs at least one bucket")
        names = [bucket.name for bucket in buckets]
        if len(set(names)) != len(names) or any(not name or "/" in name for name in names):
            raise ValueError(f"bucket names must be unique and non-empty without '/': {names}")
        self.root = Path(root)
        self.service_name = service_name
        self._configs = {bucket.name: bucket for bucket in buckets}
        self._stores = {name: BucketStore(self.root, service_name, name) for name in names}
        self._host = host
        self._port = port
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://host:port`` of the running service (the port actually bound when started with 0)."""
        if self._server is None:
            return f"http://{self._host}:{self._port}"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def bucket_directory(self, bucket_name: str) -> Path:
        """The local directory that UDFs see as ``/buckets/<service_name>/<bucket_name>``."""
        return self._stores[bucket_name].directory

    def start(self) -> None:
        if self._server is not None:
            raise RuntimeError("BucketFS service already started")
        server = ThreadingHTTPServer((self._host, self._port), _make_handler(self))
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": _POLL_SECONDS},
                                        name="bucketfs-http", daemon=True)
        self._thread.start()
        LOGGER.info("BucketFS service %s listening on %s", self.service_name, self.url)

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None

    def __enter__(self) -> BucketFsService:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def bucket_names(self) -> list[str]:
        return list(self._configs)

    def access(self, bucket_name: str, authorization: str | None) -> tuple[BucketStore, _Grant] | None:
        """The bucket's store and what the credentials of an Authorization header may do there.

        None if the bucket does not exist.
        """
        bucket = self._configs.get(bucket_name)
        if bucket is None:
            return None
        return self._stores[bucket_name], _granted(bucket, authorization)


def _granted(bucket: BucketConfig, authorization: str | None) -> _Grant:
    """What the credentials in an Authorization header may do in ``bucket``."""
    user, password = _basic_credentials(authorization)
    if user == "w" and _same(password, bucket.write_password):
        return _Grant(authenticated=True, rights=frozenset({_Access.READ, _Access.WRITE}))
    if user == "r" and _same(password, bucket.read_password):
        return _Grant(authenticated=True, rights=frozenset({_Access.READ}))
    return _Grant(authenticated=False, rights=frozenset({_Access.READ} if bucket.public else ()))


def _same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def _basic_credentials(authorization: str | None) -> tuple[str | None, str | None]:
    if not authorization or not authorization.lower().startswith("basic "):
        return None, None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None, None
    user, separator, password = decoded.partition(":")
    return (user, password) if separator else (None, None)


def _make_handler(service: BucketFsService) -> type[BaseHTTPRequestHandler]:
    class Handler(_BucketFsRequestHandler):
        bucketfs = service

    return Handler


class _BucketFsRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = _SOCKET_TIMEOUT_SECONDS
    bucketfs: BucketFsService

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (signature of the base class)
        LOGGER.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        bucket_name, key = self._split_path()
        if bucket_name is None:
            self._reply(HTTPStatus.OK, _lines(self.bucketfs.bucket_names))
            return
        store = self._authorize(bucket_name, _Access.READ)
        if store is None:
            return
        if not key:
            self._reply(HTTPStatus.OK, _lines(store.list_files()))
            return
        try:
            path = store.file_for_download(key)
        except InvalidKeyError as error:
            self._reply(HTTPStatus.BAD_REQUEST, str(error))
            return
        if path is None:
            self._reply(HTTPStatus.NOT_FOUND, f"file not found: {key}")
            return
        self._send_file(path)

    def do_PUT(self) -> None:
        bucket_name, key = self._split_path()
        if bucket_name is None:
            self._reply(HTTPStatus.METHOD_NOT_ALLOWED, "PUT needs /<bucket>/<path>")
            return
        store = self._authorize(bucket_name, _Access.WRITE)
        if store is None:
            return
        try:
            store.upload(key, self._copy_body)
        except (InvalidKeyError, UnsafeArchiveError, _BadRequest) as error:
            self._reply(HTTPStatus.BAD_REQUEST, str(error))
        except ConflictError as error:
            self._reply(HTTPStatus.CONFLICT, str(error))
        else:
            self._reply(HTTPStatus.OK, "")

    def do_DELETE(self) -> None:
        bucket_name, key = self._split_path()
        if bucket_name is None:
            self._reply(HTTPStatus.METHOD_NOT_ALLOWED, "DELETE needs /<bucket>/<path>")
            return
        store = self._authorize(bucket_name, _Access.WRITE)
        if store is None:
            return
        try:
            store.delete(key)
        except InvalidKeyError as error:
            self._reply(HTTPStatus.BAD_REQUEST, str(error))
        else:
            self._reply(HTTPStatus.OK, "")

    def _split_path(self) -> tuple[str | None, str]:
        path = self.path.split("?", 1)[0]
        bucket_name, _, key = path.lstrip("/").partition("/")
        return (bucket_name or None), key

    def _authorize(self, bucket_name: str, needed: str) -> BucketStore | None:
        """The bucket's store if the request may do ``needed`` there; otherwise replies 404/401/403."""
        access = self.bucketfs.access(bucket_name, self.headers.get("Authorization"))
        if access is None:
            self._reply(HTTPStatus.NOT_FOUND, f"bucket not found: {bucket_name}")
            return None
        store, grant = access
        if needed in grant.rights:
            return store
        if grant.authenticated:
            self._reply(HTTPStatus.FORBIDDEN, f"the given user may not {needed} bucket {bucket_name}")
        else:
            self._reply(HTTPStatus.UNAUTHORIZED, f"authentication required for bucket {bucket_name}",
                        {"WWW-Authenticate": f'Basic realm="{bucket_name}"'})
        return None

    def _copy_body(self, sink: BinaryIO) -> None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            for chunk in self._chunked_body():
                sink.write(chunk)
            return
        length_header = self.headers.get("Content-Length")
        if length_header is None or not length_header.strip().isdigit():
            raise _BadRequest("a PUT needs Content-Length or chunked transfer encoding")
        remaining = int(length_header)
        while remaining > 0:
            data = self.rfile.read(min(_CHUNK, remaining))
            if not data:
                raise _BadRequest("request body shorter than Content-Length")
            sink.write(data)
            remaining -= len(data)

    def _chunked_body(self) -> Iterable[bytes]:
        while True:
            line = self.rfile.readline(_MAX_CHUNK_LINE)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError as error:
                raise _BadRequest("malformed chunk size in chunked request body") from error
            if size == 0:
                self._skip_trailers()
                return
            remaining = size
            while remaining > 0:
                data = self.rfile.read(min(_CHUNK, remaining))
                if not data:
                    raise _BadRequest("chunked request body ended early")
                remaining -= len(data)
                yield data
            if self.rfile.readline(_MAX_CHUNK_LINE).strip():
                raise _BadRequest("chunk not terminated by CRLF")

    def _skip_trailers(self) -> None:
        for _ in range(100):
            if self.rfile.readline(_MAX_CHUNK_LINE).strip() == b"":
                return
        raise _BadRequest("too many trailer lines in chunked request body")

    def _send_file(self, path: Path) -> None:
        with open(path, "rb") as source:
            size = path.stat().st_size
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            shutil.copyfileobj(source, self.wfile, _CHUNK)

    def _reply(self, status: HTTPStatus, text: str, headers: dict[str, str] | None = None) -> None:
        body = text.encode("utf-8")
        if status >= 400:
            # The body of a rejected request may still be unread; closing is the only safe framing.
            self.close_connection = True
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


def _lines(names: Iterable[str]) -> str:
    return "".join(f"{name}\n" for name in names)
