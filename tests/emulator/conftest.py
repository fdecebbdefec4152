"""Connection fixtures shared by the emulator suites that talk to a running emulator through pyexasol.

Each suite folder provides its own session-scoped ``emulator`` fixture (plain, or wired to a moto server); these
fixtures connect to whichever one the requesting test's folder defines.
"""

from typing import Iterator

import pyexasol
import pytest

from sme_local.exasol.api import Emulator


@pytest.fixture()
def connect(emulator: Emulator) -> Iterator:
    """A factory for pyexasol connections (TLS, fingerprint pinned); all are closed after the test."""
    opened: list[pyexasol.ExaConnection] = []

    def factory(**options) -> pyexasol.ExaConnection:
        connection = pyexasol.connect(**{"dsn": emulator.dsn, "user": "sys", "password": "exasol", **options})
        opened.append(connection)
        return connection

    yield factory
    for connection in opened:
        connection.close()


@pytest.fixture()
def db(connect, request: pytest.FixtureRequest) -> pyexasol.ExaConnection:
    """A connection with a fresh schema named after the test, opened."""
    connection = connect()
    schema = "T_" + "".join(c if c.isalnum() else "_" for c in request.node.name.upper())[:100]
    connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    connection.execute(f'CREATE SCHEMA "{schema}"')
    return connection
