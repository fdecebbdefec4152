"""The database's side of one HTTP request over a pyexasol tunnel: PUT a file (EXPORT) or GET one (IMPORT).

The database is the HTTP (and, for ``https://``, the TLS) *client* of the tunnel socket; pyexasol is the
server. With ``https://`` Exasol ≥ 8.32 checks the server's certificate against the statement's ``PUBLIC KEY
'sha256//<base64 SHA-256 of the DER SubjectPublicKeyInfo>'`` (the certificate itself is self-signed and not
verified otherwise); the emulator does the same, and without a PUBLIC KEY clause it accepts any certificate,
as Exasol before 8.32 did. Bodies are chunked both ways (``Transfer-Encoding: chunked``), as pyexasol expects
and sends; an IMPORT whose body ends before the final zero-length chunk fails instead of loading part of the
data — pyexasol withholds that chunk when its callback failed.

Failures raise ``CsvTransferError`` with Exasol's ETL-5105 (reading) / ETL-5106 (writing) wording, naming the
URL and how many bytes got through. ``abort`` (from another thread) closes the socket, which ends any
blocking read or write at once: that is how abortQuery stops a running transfer.
"""

from __future__ import annotations

import base64
import hashlib
import re
import socket
import ssl
from dataclasses import dataclass
from typing import BinaryIO

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from sme_local.exasol.s3_csv import CsvTransferError

CHUNK_BYTES = 65_524  # the chunk size Exasol writes (pyexasol's reader mirrors it)
MAX_LINE_BYTES = 8_192
_ADDRESS = re.compile(r"^(?P<scheme>https?)://(?P<host_port>\d{1,3}(?:\.\d{1,3}){3}:\d{1,5})/?$", re.IGNORECASE)
_PUBLIC_KEY = re.compile(r"^sha256//(?P<digest>[A-Za-z0-9+/=_-]+)$")


@dataclass(frozen=True)
class Endpoint:
    """An ``AT 'http[s]://ip:port'`` address that may name a tunnel, with its PUBLIC KEY pin if any."""

    tls: bool
    host_port: str
    public_key: str | None

    def url(self, file_name: str) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host_port}/{file_name.lstrip('/')}"


def parse_endpoint(address: str, public_key: str | None) -> Endpoint | None:
    """The endpoint for ``http[s]://<ip>:<port>`` addresses (the form pyexasol writes), else None."""
    match = _ADDRESS.match(address.strip())
    if match is None:
        return None
    return Endpoint(match["scheme"].lower() == "https", match["host_port"], public_key)


class TunnelExchange:
    """One request over one tunnel; ``put``/``get`` may be called once."""

    def __init__(self, tunnel: socket.socket, endpoint: Endpoint, file_name: str) -> None:
        self._socket: socket.socket = tunnel
        self._endpoint = endpoint
        self._file_name = file_name
        self._url = endpoint.url(file_name)
        self._bytes = 0
        self._aborted = False

    def abort(self) -> None:
        self._aborted = True
        try:
            self._socket.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def put(self, data: bytes) -> None:
        """EXPORT: send ``data`` as the chunked body of a PUT and expect 200."""
        try:
            self._connect()
            self._socket.sendall(self._request_head("PUT", "Transfer-Encoding: chunked\r\n"))
            for start in range(0, len(data), CHUNK_BYTES):
                chunk = data[start:start + CHUNK_BYTES]
                self._socket.sendall(b"%X\r\n%b\r\n" % (len(chunk), chunk))
                self._bytes += len(chunk)
            self._socket.sendall(b"0\r\n\r\n")
            with self._socket.makefile("rb") as reader:
                self._expect_ok(reader)
                _read_body(reader)
        except (OSError, ValueError) as error:
            raise self._failure("writing data to", error) from None
        finally:
            self._close()

    def get(self) -> bytes:
        """IMPORT: GET the file and return its whole body."""
        try:
            self._connect()
            self._socket.sendall(self._request_head("GET", ""))
            with self._socket.makefile("rb") as reader:
                self._expect_ok(reader)
                return _read_body(reader, self._count)
        except (OSError, ValueError) as error:
            raise self._failure("reading data from", error) from None
        finally:
            self._close()

    # -- steps ---------------------------------------------------------------------------------------------------
    def _connect(self) -> None:
        if not self._endpoint.tls:
            return
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # self-signed by design; the PUBLIC KEY pin is the check
        self._socket = context.wrap_socket(self._socket)
        if self._endpoint.public_key is not None:
            self._check_public_key(self._socket.getpeercert(binary_form=True))

    def _check_public_key(self, certificate_der: bytes | None) -> None:
        match = _PUBLIC_KEY.match(self._endpoint.public_key or "")
        if match is None:
            raise ValueError(f"PUBLIC KEY {self._endpoint.public_key!r} is not of the form 'sha256//<base64>'")
        if certificate_der is None:
            raise ValueError("the server sent no certificate")
        key = x509.load_der_x509_certificate(certificate_der).public_key()
        der = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        if base64.b64encode(hashlib.sha256(der).digest()).decode() != match["digest"]:
            raise ValueError("the public key of the server's certificate does not match PUBLIC KEY")

    def _request_head(self, method: str, extra_headers: str) -> bytes:
        path = "/" + self._file_name.lstrip("/")
        return (f"{method} {path} HTTP/1.1\r\nHost: {self._endpoint.host_port}\r\n{extra_headers}"
                "Connection: close\r\n\r\n").encode("latin-1")

    def _expect_ok(self, reader: BinaryIO) -> None:
        status = _line(reader).decode("latin-1")
        parts = status.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/"):
            raise ValueError(f"not an HTTP response: {status[:80]!r}")
        if parts[1] != "200":
            raise ValueError(f"HTTP status {parts[1]} {parts[2] if len(parts) > 2 else ''}".rstrip())
        headers = {}
        while line := _line(reader):
            name, _, value = line.decode("latin-1").partition(":")
            headers[name.strip().lower()] = value.strip().lower()
        if headers.get("transfer-encoding") != "chunked":
            raise ValueError("the response body is not chunked (Transfer-Encoding: chunked)")

    def _count(self, size: int) -> None:
        self._bytes += size

    def _failure(self, action: str, error: Exception) -> CsvTransferError:
        reason = "the statement was aborted" if self._aborted else (str(error) or type(error).__name__)
        code = "ETL-5106" if action.startswith("writing") else "ETL-5105"
        return CsvTransferError(f"{code}: Following error occured while {action} external connection "
                                f"[{self._url} failed after {self._bytes} bytes. [{reason}]]")

    def _close(self) -> None:
        try:
            self._socket.close()
        except OSError:
            pass


def _line(reader: BinaryIO) -> bytes:
    line = reader.readline(MAX_LINE_BYTES)
    if not line.endswith(b"\n"):
        raise ValueError("the connection closed in the middle of the HTTP exchange" if len(line) < MAX_LINE_BYTES
                         else "HTTP line too long")
    return line.rstrip(b"\r\n")


def _read_body(reader: BinaryIO, count=None) -> bytes:  # noqa: ANN001 (optional progress callback)
    """A chunked body up to and including its final zero-length chunk (and trailers)."""
    parts = []
    while True:
        size_text = _line(reader).split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise ValueError(f"invalid chunk size {size_text[:20]!r}") from None
        if size == 0:
            while _line(reader):
                pass
            return b"".join(parts)
        chunk = reader.read(size)
        if len(chunk) != size or reader.read(2) != b"\r\n":
            raise ValueError("the connection closed before the end of the data (no final chunk)")
        parts.append(chunk)
        if count is not None:
            count(size)
