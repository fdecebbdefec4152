"""One emulator for the whole conformance suite, reached only through pyexasol (the real client)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pyexasol
import pytest

from exasol_emulator.api import Emulator

os.environ["EXASOL_TELEMETRY_DISABLE"] = "1"


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    with Emulator(tmp_path_factory.mktemp("exasol"), port=0, bucketfs_port=0, udf_workers=2) as running:
        yield running


@pytest.fixture()
def connect(emulator: Emulator) -> Iterator:
    """A factory for pyexasol connections (TLS with the fingerprint by default); all are closed afterwards."""
    opened = []

    def factory(**options) -> pyexasol.ExaConnection:
        options = {"dsn": emulator.dsn, "user": "sys", "password": "exasol", **options}
        connection = pyexasol.connect(**options)
        opened.append(connection)
        return connection

    yield factory
    for connection in opened:
        connection.close()


@pytest.fixture()
def db(connect, request: pytest.FixtureRequest) -> pyexasol.ExaConnection:
    """A connection with a fresh schema named after the test, opened."""
    connection = connect()
    schema = "T_" + request.node.name.upper().replace("[", "_").replace("]", "").replace("-", "_")[:100]
    connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    connection.execute(f'CREATE SCHEMA "{schema}"')
    return connection
