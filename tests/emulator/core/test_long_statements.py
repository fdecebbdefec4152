"""Long statements: heartbeat frames at the session's feedbackInterval, and "$SLEEP" that abort and timeout stop."""

from __future__ import annotations

import base64
import json
import threading
import time

import pyexasol
import pytest
import websocket
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding

from sme_local.exasol.api import Emulator


def _raw_login(emulator: Emulator) -> websocket.WebSocket:
    """A bare WebSocket session (no pyexasol), so the test sees every frame the server sends."""
    ws = websocket.create_connection(f"ws://127.0.0.1:{emulator.port}", timeout=10)
    ws.send(json.dumps({"command": "login", "protocolVersion": 3}))
    key = serialization.load_pem_public_key(json.loads(ws.recv())["responseData"]["publicKeyPem"].encode())
    password = base64.b64encode(key.encrypt(b"exasol", padding.PKCS1v15())).decode()
    ws.send(json.dumps({"username": "sys", "password": password, "useCompression": False}))
    assert json.loads(ws.recv())["status"] == "ok"
    return ws


def _execute_counting_pongs(ws: websocket.WebSocket, request: dict) -> tuple[dict, list[float]]:
    ws.send(json.dumps(request))
    started, pongs = time.monotonic(), []
    while True:
        opcode, frame = ws.recv_data_frame(control_frame=True)
        if opcode == websocket.ABNF.OPCODE_PONG:
            pongs.append(time.monotonic() - started)
            continue
        return json.loads(frame.data), pongs


def test_heartbeats_come_at_the_feedback_interval(emulator):
    ws = _raw_login(emulator)
    try:
        answer, pongs = _execute_counting_pongs(ws, {"command": "execute", "sqlText": 'SELECT "$SLEEP"(3.5)'})
        assert answer["status"] == "ok"
        assert len(pongs) == 3 and all(abs(at - n) < 0.4 for n, at in enumerate(pongs, start=1))

        answer, _ = _execute_counting_pongs(ws, {"command": "setAttributes", "attributes": {"feedbackInterval": 2}})
        assert answer["attributes"]["feedbackInterval"] == 2
        answer, pongs = _execute_counting_pongs(ws, {"command": "execute", "sqlText": 'SELECT "$SLEEP"(3)'})
        assert answer["status"] == "ok" and len(pongs) == 1 and abs(pongs[0] - 2) < 0.4

        answer, pongs = _execute_counting_pongs(ws, {"command": "execute", "sqlText": "SELECT 1"})
        assert answer["status"] == "ok" and pongs == []  # quick answers carry no heartbeat
    finally:
        ws.close()


def test_feedback_interval_must_be_whole_positive_seconds(connect):
    connection = connect()
    with pytest.raises(pyexasol.ExaRequestError, match="feedbackInterval"):
        connection.set_attr({"feedbackInterval": 0})
    connection.get_attr()
    assert connection.attr["feedbackInterval"] == 1


def test_statement_longer_than_the_socket_timeout_succeeds(connect):
    connection = connect(socket_timeout=2)
    started = time.monotonic()
    statement = connection.execute('SELECT "$SLEEP"(5)')
    assert time.monotonic() - started >= 5
    assert statement.fetchall() == [(None,)]
    assert list(statement.columns()) == ['"$SLEEP"(5)']


@pytest.mark.slow
def test_statement_past_pyexasols_default_30_s_timeout_succeeds(connect):
    connection = connect()  # pyexasol's defaults: socket_timeout 30 s
    assert connection.options["socket_timeout"] == 30
    started = time.monotonic()
    assert connection.execute('SELECT "$SLEEP"(35)').fetchall() == [(None,)]
    assert time.monotonic() - started >= 35


def test_abort_query_stops_sleep(connect):
    connection = connect()
    timer = threading.Timer(0.5, connection.abort_query)
    timer.start()
    started = time.monotonic()
    with pytest.raises(pyexasol.ExaQueryAbortError) as raised:
        connection.execute('SELECT "$SLEEP"(20)')
    timer.join()
    assert time.monotonic() - started < 3
    assert raised.value.code == "R0003" and "Client requested execution abort." in raised.value.message
    assert connection.execute('SELECT "$SLEEP"(0.1) AS s').fetchall() == [(None,)]  # the next one runs normally


def test_query_timeout_stops_sleep(connect):
    connection = connect(query_timeout=1)
    started = time.monotonic()
    with pytest.raises(pyexasol.ExaQueryTimeoutError):
        connection.execute('SELECT "$SLEEP"(20)')
    assert time.monotonic() - started < 3


def test_sleep_of_null_or_negative_returns_at_once(connect):
    connection = connect()
    started = time.monotonic()
    assert connection.execute('SELECT "$SLEEP"(NULL), "$SLEEP"(-1) FROM DUAL').fetchall() == [(None, None)]
    assert time.monotonic() - started < 1


def test_abort_from_another_session_is_not_shared(connect):
    sleeper, other = connect(), connect()
    timer = threading.Timer(0.3, other.abort_query)  # nothing runs in `other`: nothing to abort
    timer.start()
    assert sleeper.execute('SELECT "$SLEEP"(1)').fetchall() == [(None,)]
    timer.join()
