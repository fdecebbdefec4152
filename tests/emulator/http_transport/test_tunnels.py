"""The tunnel registry: addresses handed out, one statement per tunnel, tunnels the client closed forgotten."""

from __future__ import annotations

import socket
import struct

from sme_local.exasol.http_transport.tunnels import Tunnels


def _register(tunnels: Tunnels) -> tuple[socket.socket, str]:
    listener = socket.create_server(("127.0.0.1", 0))
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()
    listener.close()
    tunnels.register(server)
    _, port, ip = struct.unpack("ii16s", client.recv(24))
    return client, ip.rstrip(b"\0").decode() + f":{port}"


def test_addresses_are_distinct_and_taken_once():
    tunnels = Tunnels()
    first_client, first = _register(tunnels)
    second_client, second = _register(tunnels)
    assert first != second and first.startswith("127.0.0.1:")
    taken = tunnels.take(first)
    assert taken is not None and tunnels.take(first) is None
    taken.sendall(b"ping")
    assert first_client.recv(4) == b"ping"  # it is the client's own socket
    for sock in (taken, first_client, second_client):
        sock.close()
    tunnels.close()


def test_tunnels_closed_by_the_client_are_forgotten():
    tunnels = Tunnels()
    client, address = _register(tunnels)
    client.close()
    assert tunnels.take(address) is None
