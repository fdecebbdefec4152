"""KILL SESSION ends another session (its client sees the connection gone); KILL STATEMENT stops only its
statement (docs.exasol.com sql/kill.htm)."""

from __future__ import annotations

import threading
import time

import pyexasol
import pytest


def test_kill_session_closes_the_other_clients_connection(connect) -> None:
    killer, victim = connect(), connect()
    assert killer.execute(f"KILL SESSION {victim.session_id()}").rowcount() == 0
    with pytest.raises(pyexasol.ExaCommunicationError):
        victim.close()
    listed = killer.execute("SELECT session_id FROM EXA_DBA_SESSIONS").fetchcol()
    deadline = time.monotonic() + 5
    while int(victim.session_id()) in map(int, listed) and time.monotonic() < deadline:
        time.sleep(0.1)
        listed = killer.execute("SELECT session_id FROM EXA_DBA_SESSIONS").fetchcol()
    assert int(victim.session_id()) not in map(int, listed)


def test_kill_statement_stops_only_the_running_statement(connect) -> None:
    killer, busy = connect(), connect()
    failure: list[BaseException] = []

    def sleep() -> None:
        try:
            busy.execute('SELECT "$SLEEP"(20)')
        except pyexasol.ExaQueryError as error:
            failure.append(error)

    worker = threading.Thread(target=sleep)
    worker.start()
    time.sleep(1)
    killer.execute(f"KILL STATEMENT IN SESSION {busy.session_id()} WITH MESSAGE 'enough'")
    worker.join(10)
    assert not worker.is_alive() and failure and failure[0].code == "R0003"
    assert busy.execute("SELECT 1").fetchval() == 1  # the session lives on


def test_kill_of_an_unknown_session_is_an_error(connect) -> None:
    with pytest.raises(pyexasol.ExaQueryError, match="session 12345 not found"):
        connect().execute("KILL SESSION 12345")
