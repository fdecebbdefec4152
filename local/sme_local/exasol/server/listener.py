"""The TCP listener: TLS and plain WebSocket on one port, told apart by the first byte of the connection.

A TLS ClientHello starts with 0x16 (handshake record); a plain WebSocket upgrade starts with ``G`` (GET).
pyexasol's HTTP-transport tunnel starts with its magic packet (first byte 0x02): that socket is handed to the
database's tunnel registry (``sme_local.exasol.http_transport.tunnels``), where an EXPORT/IMPORT finds it.
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from sme_local.exasol.database import Database
from sme_local.exasol.http_transport.tunnels import MAGIC as HTTP_TUNNEL_MAGIC
from sme_local.exasol.server.protocol import ClientConnection
from sme_local.exasol.server.websocket import HandshakeRejected, WebSocket, WebSocketClosed, accept_handshake

LOG = logging.getLogger(__name__)
TLS_RECORD_HANDSHAKE = 0x16
HTTP_TUNNEL_FIRST_BYTE = HTTP_TUNNEL_MAGIC[0]
HANDSHAKE_TIMEOUT_SECONDS = 10.0
ACCEPT_POLL_SECONDS = 0.5


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str


class Listener:
    def __init__(self, database: Database, host: str, port: int, tls: ssl.SSLContext, credentials: Credentials) -> None:
        self._database = database
        self._tls = tls
        self._credentials = credentials
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._public_key_pem = self._key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.PKCS1
        ).decode()
        self._socket = socket.create_server((host, port), reuse_port=False)
        self._socket.settimeout(ACCEPT_POLL_SECONDS)
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._accept_loop, name="exasol-emulator-listener", daemon=True)
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()

    @property
    def port(self) -> int:
        return self._socket.getsockname()[1]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._thread.join(timeout=10)
        self._socket.close()
        with self._lock:
            connections = list(self._connections)
        for connection in connections:
            try:
                connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _accept_loop(self) -> None:
        while not self._stopped.is_set():
            try:
                client, address = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client, address), name=f"exasol-client-{address[1]}",
                             daemon=True).start()

    def _serve(self, client: socket.socket, address: tuple) -> None:
        with self._lock:
            self._connections.add(client)
        connection = client
        handed_over = False
        try:
            client.settimeout(HANDSHAKE_TIMEOUT_SECONDS)
            first = client.recv(1, socket.MSG_PEEK)
            if not first:
                return
            if first[0] == TLS_RECORD_HANDSHAKE:
                connection = self._tls.wrap_socket(client, server_side=True)
                with self._lock:
                    self._connections.add(connection)
            elif first[0] == HTTP_TUNNEL_FIRST_BYTE:
                if client.recv(len(HTTP_TUNNEL_MAGIC), socket.MSG_WAITALL) == HTTP_TUNNEL_MAGIC:
                    self._database.tunnels.register(client)
                    handed_over = True
                return
            elif first[:1] != b"G":
                LOG.warning("closing connection from %s: not a WebSocket request", address[0])
                return
            accept_handshake(connection)
            connection.settimeout(None)
            ClientConnection(WebSocket(connection), self._database, self._credentials.user,
                             self._credentials.password, self._key, self._public_key_pem).serve()
        except (HandshakeRejected, WebSocketClosed, ssl.SSLError, OSError) as error:
            LOG.debug("connection from %s ended: %s", address[0], error)
        finally:
            with self._lock:
                self._connections.discard(client)
                self._connections.discard(connection)
            if not handed_over:
                try:
                    connection.close()
                except OSError:
                    pass
