"""A real HTTP server on 127.0.0.1 that speaks SageMaker Runtime's InvokeEndpoint (rest-json) wire format.

The prediction client is tested through boto3 against this server rather than with mocked boto3 calls, so
request signing, body streaming, botocore's error parsing (``x-amzn-ErrorType``, ``OriginalStatusCode``) and
the client's thread pool all run for real. Responses are produced by a ``responder`` the test chooses, and a
queue of scripted failures lets a test say "answer 429 twice, then succeed". The benchmark reuses it with a
fixed latency.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

import boto3
from botocore.config import Config

Responder = Callable[[str, bytes], bytes]


def first_field_as_label(endpoint_name: str, body: bytes) -> bytes:
    """Regression-style answer that echoes each row's first field, so tests can check order and completeness."""
    lines = body.decode("utf-8").split("\n")[:-1]
    return "".join(line.split(",", 1)[0] + "\n" for line in lines).encode("utf-8")


@dataclass
class Failure:
    """One scripted error answer: HTTP status, AWS error type and optional ModelError fields."""

    status: int
    error_type: str
    message: str = "scripted failure"
    original_status: int | None = None


@dataclass
class StubState:
    responder: Responder
    latency_seconds: float = 0.0
    unknown_endpoints: set[str] = field(default_factory=set)
    failures: deque[Failure] = field(default_factory=deque)
    bodies: list[bytes] = field(default_factory=list)
    media_types: list[tuple[str | None, str | None]] = field(default_factory=list)  # (Content-Type, Accept)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: "_Server"

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in separate writes; without TCP_NODELAY, Nagle + delayed ACK add ~40 ms each.
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:  # noqa: N802 (http.server naming)
        state = self.server.state
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        name = self.path.split("/")[2] if self.path.startswith("/endpoints/") else ""
        with state.lock:
            state.in_flight += 1
            state.max_in_flight = max(state.max_in_flight, state.in_flight)
            failure = state.failures.popleft() if state.failures else None
        try:
            if state.latency_seconds:
                time.sleep(state.latency_seconds)
            if name in state.unknown_endpoints:
                failure = Failure(400, "ValidationError", f"Endpoint {name} of account 123456789012 not found.")
            if failure is not None:
                self._send_error(failure)
                return
            with state.lock:
                state.bodies.append(body)
                state.media_types.append((self.headers.get("Content-Type"), self.headers.get("Accept")))
            self._send(200, state.responder(name, body), {"Content-Type": self.headers.get("Accept") or "text/csv"})
        finally:
            with state.lock:
                state.in_flight -= 1

    def _send_error(self, failure: Failure) -> None:
        document: dict[str, object] = {"message": failure.message}
        if failure.original_status is not None:
            document.update(OriginalStatusCode=failure.original_status, OriginalMessage=failure.message)
        headers = {"Content-Type": "application/json", "x-amzn-ErrorType": failure.error_type}
        self._send(failure.status, json.dumps(document).encode(), headers)

    def _send(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 64

    def __init__(self, state: StubState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state


class StubEndpoint:
    """Context manager running the server in a thread; ``url`` is the endpoint URL for boto3."""

    def __init__(self, responder: Responder = first_field_as_label, latency_seconds: float = 0.0) -> None:
        self.state = StubState(responder, latency_seconds)
        self._server = _Server(self.state)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def client(self, max_pool_connections: int = 10):
        """A plain boto3 sagemaker-runtime client for this server (botocore retries off, dummy credentials)."""
        return boto3.client(
            "sagemaker-runtime",
            endpoint_url=self.url,
            region_name="eu-central-1",
            aws_access_key_id="AKIDSTUB",
            aws_secret_access_key="stub-secret",
            config=Config(
                retries={"total_max_attempts": 1, "mode": "standard"},
                max_pool_connections=max_pool_connections,
                read_timeout=10,
                connect_timeout=5,
            ),
        )

    def __enter__(self) -> "StubEndpoint":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
