"""The tunnels pyexasol's HTTP transport opens to the database, by the internal address handed out for each.

A tunnel is the client's socket right after the magic packet; it stays here until an EXPORT/IMPORT names its
address, or until the client closes it (pyexasol does when the statement failed first, or when its transport
was never used), which is noticed and cleaned up on the next registration or lookup.
"""

from __future__ import annotations

import itertools
import select
import socket
import struct
import threading

MAGIC = struct.pack("iii", 0x02212102, 1, 1)  # what the client sends first (little-endian ints, as pyexasol packs)
FIRST_PORT = 40000  # internal "ports" are only names of tunnels; real Exasol hands out node-internal ports
PORT_SPAN = 20000


class Tunnels:
    """Registry shared by the listener (which registers) and every session (which takes)."""

    def __init__(self) -> None:
        self._open: dict[str, socket.socket] = {}
        self._lock = threading.Lock()
        self._ports = itertools.cycle(range(FIRST_PORT, FIRST_PORT + PORT_SPAN))

    def register(self, client: socket.socket) -> None:
        """Answer the magic packet (already read) with a fresh internal address and keep the socket."""
        ip = client.getsockname()[0]
        with self._lock:
            self._forget_closed()
            port = next(self._ports)
            while f"{ip}:{port}" in self._open:
                port = next(self._ports)
            client.settimeout(None)
            self._open[f"{ip}:{port}"] = client
        client.sendall(struct.pack("ii16s", 0, port, ip.encode()))

    def take(self, address: str) -> socket.socket | None:
        """The tunnel registered under ``ip:port`` (removed: each serves one request), or None."""
        with self._lock:
            self._forget_closed()
            return self._open.pop(address, None)

    def close(self) -> None:
        with self._lock:
            tunnels, self._open = list(self._open.values()), {}
        for tunnel in tunnels:
            tunnel.close()

    def _forget_closed(self) -> None:
        for address, tunnel in list(self._open.items()):
            if _closed_by_peer(tunnel):
                del self._open[address]
                tunnel.close()


def _closed_by_peer(tunnel: socket.socket) -> bool:
    """A tunnel the client closed is readable with nothing to read. An open one never has data waiting: the
    client speaks only after the database's HTTP request (a TLS server waits for the ClientHello too)."""
    try:
        readable, _, _ = select.select([tunnel], [], [], 0)
        return bool(readable) and tunnel.recv(1, socket.MSG_PEEK) == b""
    except (OSError, ValueError):
        return True
