"""Fault injection: make chosen AWS operations of the emulator fail the way AWS fails, for reliability tests.

Real AWS throttles, answers 5xx, stalls and drops connections; moto never does. Tests need those failures on one
operation at a time (``sagemaker:CreateEndpoint``, ``sagemaker-runtime:InvokeEndpoint``, ``s3:PutObject``, or
``sagemaker:*`` for every call of a service), for the next N calls or a fraction of them, to show that the
extension retries where AWS advises it and fails cleanly where it cannot.

The injector is WSGI middleware around moto's application (see ``server``), so it sees every request before moto
parses it and can answer in the wire shape of the service's protocol, stall, or drop the TCP connection. Rules
are set through the admin route ``/_emulator/faults`` (``POST`` a rule, ``GET`` the rules with their counters,
``DELETE`` all) — ``FaultControl`` is its client. Rules live in the server's memory only: a restart clears them.
"""

from __future__ import annotations

import json
import random
import re
import socket
import struct
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable

ADMIN_PATH = "/_emulator/faults"
KINDS = ("throttling", "internal", "unavailable", "timeout", "reset")
DEFAULT_TIMEOUT_DELAY_SECONDS = 5.0

_INVOCATIONS_PATH = re.compile(r"^/endpoints/[^/]+/invocations$")
_SCOPE_SERVICE = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request")
# (protocol family, kind) -> (HTTP status, error code, message), as AWS answers them.
_ANSWERS = {
    ("json", "throttling"): (400, "ThrottlingException", "Rate exceeded"),
    ("json", "internal"): (500, "InternalFailure", "The request processing has failed because of an unknown error."),
    ("json", "unavailable"): (503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server."),
    ("s3", "throttling"): (503, "SlowDown", "Please reduce your request rate."),
    ("s3", "internal"): (500, "InternalError", "We encountered an internal error. Please try again."),
    ("s3", "unavailable"): (503, "ServiceUnavailable", "Service is unable to handle request."),
}


class FaultRuleError(ValueError):
    """A rule the injector cannot apply; the admin route answers it with HTTP 400 and this message."""


@dataclass
class FaultRule:
    """Fail ``operation`` (``service:Operation`` or ``service:*``) for the next ``count`` matching calls, or for
    each call with probability ``fraction`` (``seed`` makes the choice repeatable)."""

    operation: str
    kind: str
    count: int | None = None
    fraction: float | None = None
    seed: int | None = None
    delay_seconds: float = DEFAULT_TIMEOUT_DELAY_SECONDS
    matched: int = 0
    injected: int = 0
    _random: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise FaultRuleError(f"E-EMU-70: unknown fault kind {self.kind!r}; use one of {', '.join(KINDS)}")
        if not re.fullmatch(r"[a-z0-9-]+:(\*|[A-Za-z0-9]+)", self.operation or ""):
            raise FaultRuleError(f"E-EMU-71: operation {self.operation!r} is not 'service:Operation' or 'service:*'")
        if (self.count is None) == (self.fraction is None):
            raise FaultRuleError("E-EMU-72: give exactly one of count (next N calls) and fraction (0 < p <= 1)")
        if self.count is not None and (not isinstance(self.count, int) or self.count < 1):
            raise FaultRuleError(f"E-EMU-72: count must be a whole number of at least 1, not {self.count!r}")
        if self.fraction is not None and not 0 < self.fraction <= 1:
            raise FaultRuleError(f"E-EMU-72: fraction must be in (0, 1], not {self.fraction!r}")
        if self.seed is not None:
            self._random.seed(self.seed)

    def matches(self, operation: str) -> bool:
        service, name = self.operation.split(":")
        return self.operation == operation or (name == "*" and operation.startswith(service + ":"))

    def fires(self) -> bool:
        """Whether this matching call fails; counts the call and the injection."""
        self.matched += 1
        if self.count is not None:
            fire = self.injected < self.count
        else:
            fire = self._random.random() < self.fraction
        self.injected += fire
        return fire

    def public(self) -> dict[str, Any]:
        return {key: value for key, value in asdict(self).items() if not key.startswith("_")}


def operation_of(environ: dict[str, Any]) -> str | None:
    """``service:Operation`` of a request, from what the wire carries (no body is read)."""
    path = environ.get("PATH_INFO", "")
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if _INVOCATIONS_PATH.match(path):
        return "sagemaker-runtime:InvokeEndpoint"
    if target.startswith("SageMaker."):
        return "sagemaker:" + target.split(".", 1)[1]
    scope = _SCOPE_SERVICE.search(environ.get("HTTP_AUTHORIZATION", ""))
    if scope and scope.group(1) == "s3":
        return "s3:" + _s3_operation(environ["REQUEST_METHOD"], path, environ.get("QUERY_STRING", ""),
                                     "HTTP_X_AMZ_COPY_SOURCE" in environ)
    return None


def _s3_operation(method: str, path: str, query: str, copy: bool) -> str:
    """The S3 operations the extension and the emulated EXPORT/IMPORT use, by method and query (path style)."""
    keys = {part.split("=", 1)[0] for part in query.split("&") if part}
    has_key = path.strip("/").count("/") >= 1
    if method == "PUT" and has_key:
        return "UploadPart" if "partNumber" in keys else "CopyObject" if copy else "PutObject"
    if method == "POST" and has_key:
        return "CreateMultipartUpload" if "uploads" in keys else "CompleteMultipartUpload"
    if method == "GET":
        return "GetObject" if has_key else "ListObjectsV2" if "list-type" in keys else "ListObjects"
    if method == "HEAD":
        return "HeadObject" if has_key else "HeadBucket"
    if method == "DELETE":
        return "AbortMultipartUpload" if "uploadId" in keys else "DeleteObject" if has_key else "DeleteBucket"
    if method == "POST" and "delete" in keys:
        return "DeleteObjects"
    return "CreateBucket" if method == "PUT" else "Other"


class FaultInjector:
    """The middleware: answers the admin route, applies the first rule that matches a request, else passes on."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self._app = app
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == ADMIN_PATH:
            return self._admin(environ, start_response)
        operation = operation_of(environ) if self._rules else None
        rule = self._firing_rule(operation) if operation else None
        if rule is None:
            return self._app(environ, start_response)
        if rule.kind == "timeout":
            time.sleep(rule.delay_seconds)
            return self._app(environ, start_response)
        if rule.kind == "reset":
            return _reset(environ, start_response)
        return _error_answer(operation, rule.kind, start_response)

    def _firing_rule(self, operation: str) -> FaultRule | None:
        with self._lock:
            for rule in self._rules:
                if rule.matches(operation) and rule.fires():
                    return rule
        return None

    def _admin(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        status, answer = "200 OK", None
        with self._lock:
            if method == "POST":
                try:
                    length = int(environ.get("CONTENT_LENGTH") or 0)
                    document = json.loads(environ["wsgi.input"].read(length) or b"{}")
                    fields = {k: document[k] for k in ("operation", "kind", "count", "fraction", "seed",
                                                       "delay_seconds") if document.get(k) is not None}
                    self._rules.append(FaultRule(**fields))
                except (ValueError, TypeError, AttributeError) as error:
                    status, answer = "400 Bad Request", {"message": str(error)}
            elif method == "DELETE":
                self._rules.clear()
            if answer is None:
                answer = {"rules": [rule.public() for rule in self._rules]}
        body = json.dumps(answer).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


def _error_answer(operation: str, kind: str, start_response: Callable[..., Any]) -> Iterable[bytes]:
    service = operation.split(":")[0]
    status, code, message = _ANSWERS[("s3" if service == "s3" else "json", kind)]
    request_id = str(uuid.uuid4())
    if service == "s3":
        content_type = "application/xml"
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message>'
                f"<RequestId>{request_id}</RequestId><HostId>{request_id}</HostId></Error>").encode()
        headers = [("x-amz-request-id", request_id)]
    elif service == "sagemaker-runtime":  # rest-json: the code travels in a header
        content_type, body = "application/json", json.dumps({"message": message}).encode()
        headers = [("x-amzn-ErrorType", code), ("x-amzn-RequestId", request_id)]
    else:  # json 1.1
        content_type = "application/x-amz-json-1.1"
        body = json.dumps({"__type": code, "message": message}).encode()
        headers = [("x-amzn-RequestId", request_id)]
    start_response(f"{status} {_REASONS[status]}", [("Content-Type", content_type),
                                                    ("Content-Length", str(len(body))), *headers])
    return [body]


_REASONS = {400: "Bad Request", 500: "Internal Server Error", 503: "Service Unavailable"}


def _reset(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Drop the connection without an answer: linger 0 makes the close a TCP reset, as a failing load balancer."""
    connection = environ.get("werkzeug.socket")
    if connection is not None:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.shutdown(socket.SHUT_RDWR)
    start_response("500 Internal Server Error", [("Content-Length", "0")])
    return []


class FaultControl:
    """Client of a running emulator's admin route, for tests: ``inject``, ``rules``, ``clear``."""

    def __init__(self, endpoint_url: str) -> None:
        self._url = endpoint_url.rstrip("/") + ADMIN_PATH

    def inject(self, operation: str, kind: str, *, count: int | None = None, fraction: float | None = None,
               seed: int | None = None, delay_seconds: float | None = None) -> None:
        document = {"operation": operation, "kind": kind, "count": count, "fraction": fraction, "seed": seed,
                    "delay_seconds": delay_seconds}
        self._call("POST", json.dumps(document).encode())

    def rules(self) -> list[dict[str, Any]]:
        """Every rule with ``matched`` (calls seen) and ``injected`` (calls failed) so far."""
        return self._call("GET")["rules"]

    def clear(self) -> None:
        self._call("DELETE")

    def _call(self, method: str, body: bytes | None = None) -> dict[str, Any]:
        request = urllib.request.Request(self._url, data=body, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise FaultRuleError(json.loads(error.read()).get("message", str(error))) from None
