"""Server side of RFC 6455 over a blocking socket: the HTTP upgrade, and reading/writing messages.

Only what the Exasol WebSocket API uses: text and binary messages (fragmented or not), ping/pong and close.
Client frames must be masked (RFC 6455 §5.1); server frames are not.
"""

from __future__ import annotations

import base64
import hashlib
import socket
import ssl
import struct
import threading

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
MAX_HEADER_BYTES = 16_384
MAX_MESSAGE_BYTES = 1 << 30
OP_CONTINUATION, OP_TEXT, OP_BINARY, OP_CLOSE, OP_PING, OP_PONG = 0x0, 0x1, 0x2, 0x8, 0x9, 0xA


class WebSocketClosed(Exception):
    """The peer closed the connection (cleanly or not)."""


class HandshakeRejected(Exception):
    """The first bytes were not a WebSocket upgrade request."""


def _receive_exactly(sock: socket.socket, count: int) -> bytes:
    chunks, remaining = [], count
    while remaining:
        chunk = sock.recv(min(remaining, 1 << 20))
        if not chunk:
            raise WebSocketClosed("connection closed by peer")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def accept_handshake(sock: socket.socket) -> None:
    """Read the HTTP upgrade request and answer 101; anything else is rejected with 400."""
    request = b""
    while b"\r\n\r\n" not in request:
        chunk = sock.recv(4096)
        if not chunk:
            raise WebSocketClosed("connection closed during handshake")
        request += chunk
        if len(request) > MAX_HEADER_BYTES:
            raise HandshakeRejected("request header too large")
    head = request.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    lines = head.split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    key = headers.get("sec-websocket-key")
    if not lines[0].startswith("GET ") or headers.get("upgrade", "").lower() != "websocket" or not key:
        sock.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        raise HandshakeRejected("not a WebSocket upgrade request")
    accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
    sock.sendall(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Accept: {accept}\r\n\r\n".encode()
    )


class WebSocket:
    """A message-oriented view of one accepted connection. ``send`` may be called from several threads."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._send_lock = threading.Lock()

    @property
    def encrypted(self) -> bool:
        """Whether the connection runs over TLS (EXA_DBA_SESSIONS.ENCRYPTED)."""
        return isinstance(self._sock, ssl.SSLSocket)

    @property
    def peer_host(self) -> str | None:
        """The client's IP address (EXA_DBA_SESSIONS.HOST)."""
        try:
            return str(self._sock.getpeername()[0])
        except (OSError, IndexError):
            return None

    def receive(self) -> tuple[int, bytes]:
        """Next complete data message as (opcode, payload); answers pings; raises WebSocketClosed on close."""
        message_opcode, parts, size = None, [], 0
        while True:
            fin, opcode, payload = self._read_frame()
            if opcode == OP_PING:
                self._write_frame(OP_PONG, payload)
                continue
            if opcode == OP_PONG:
                continue
            if opcode == OP_CLOSE:
                try:
                    self._write_frame(OP_CLOSE, payload[:2])
                finally:
                    raise WebSocketClosed("close frame received")
            if opcode != OP_CONTINUATION:
                message_opcode, parts, size = opcode, [], 0
            elif message_opcode is None:
                raise WebSocketClosed("continuation frame without a message")
            parts.append(payload)
            size += len(payload)
            if size > MAX_MESSAGE_BYTES:
                raise WebSocketClosed("message too large")
            if fin:
                return message_opcode, b"".join(parts)

    def send(self, payload: bytes, binary: bool = False) -> None:
        self._write_frame(OP_BINARY if binary else OP_TEXT, payload)

    def send_pong(self) -> None:
        """An unsolicited Pong (RFC 6455 §5.5.3: a unidirectional heartbeat, no answer expected)."""
        self._write_frame(OP_PONG, b"")

    def close(self) -> None:
        try:
            self._write_frame(OP_CLOSE, struct.pack("!H", 1000))
        except OSError:
            pass

    def shutdown(self) -> None:
        """End the connection at once, from any thread (KILL SESSION): the reader sees it closed."""
        try:
            self._sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _read_frame(self) -> tuple[bool, int, bytes]:
        first, second = _receive_exactly(self._sock, 2)
        fin, opcode, masked, length = bool(first & 0x80), first & 0x0F, bool(second & 0x80), second & 0x7F
        if length == 126:
            (length,) = struct.unpack("!H", _receive_exactly(self._sock, 2))
        elif length == 127:
            (length,) = struct.unpack("!Q", _receive_exactly(self._sock, 8))
        if length > MAX_MESSAGE_BYTES:
            raise WebSocketClosed("frame too large")
        if not masked:
            raise WebSocketClosed("client frames must be masked")
        mask = _receive_exactly(self._sock, 4)
        payload = _unmask(_receive_exactly(self._sock, length), mask)
        return fin, opcode, payload

    def _write_frame(self, opcode: int, payload: bytes) -> None:
        length = len(payload)
        if length < 126:
            header = struct.pack("!BB", 0x80 | opcode, length)
        elif length < 1 << 16:
            header = struct.pack("!BBH", 0x80 | opcode, 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 127, length)
        with self._send_lock:
            self._sock.sendall(header + payload)


def _unmask(data: bytes, mask: bytes) -> bytes:
    """XOR with the 4-byte mask, done on big integers (fast for megabyte payloads)."""
    if not data:
        return data
    repeated = (mask * (len(data) // 4 + 1))[: len(data)]
    return (int.from_bytes(data, "little") ^ int.from_bytes(repeated, "little")).to_bytes(len(data), "little")
