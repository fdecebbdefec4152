"""pytest plugin for pyexasol's integration suite: point it at a running emulator and load its test data.

pyexasol's suite prepares its database with a loader that copies CSV files into a Docker container and runs
``test/data/import.sql`` through exaplus (``IMPORT … FROM LOCAL CSV``, which the emulator does not offer).
This plugin replaces only that loader's ``load``: it runs the same DDL statements through pyexasol and loads
each ``IMPORT INTO <table> FROM LOCAL CSV FILE '<file>'`` with ``ext.insert_multi`` instead. Every test and
fixture of the suite stays as pyexasol wrote it, except that the address fixtures ``default_ipaddr`` and
``default_port`` (hard-wired to localhost:8563 in pyexasol's test/conftest.py) take the emulator's host and port
from ``EMULATOR_ADDRESS`` (set by ``run_pyexasol_suite``). Loaded by ``run_pyexasol_suite`` with ``-p``.
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest
from pyexasol_utils import docker_util  # from the pyexasol checkout under test (cwd of the run)

from sme_local.exasol.conformance import ADDRESS_VARIABLE

_IMPORT = re.compile(r"IMPORT\s+INTO\s+(\S+)\s+FROM\s+LOCAL\s+CSV\s+FILE\s+'([^']+)'", re.IGNORECASE)


def _load(loader: docker_util.DockerDataLoader) -> None:
    import pyexasol

    csv_files = {path.name: path for path in Path(loader.data_directory).rglob("*.csv")}
    connection = pyexasol.connect(dsn=os.environ[ADDRESS_VARIABLE], user=os.environ["EXAUID"],
                                  password=os.environ["EXAPWD"], websocket_sslopt={"cert_reqs": 0})
    try:
        for statement in Path(loader.ddl_file).read_text(encoding="utf-8").split(";"):
            if not statement.strip():
                continue
            match = _IMPORT.search(statement)
            if match is None:
                connection.execute(statement)
                continue
            with csv_files[match.group(2)].open(newline="", encoding="utf-8") as file:
                rows = [[value if value != "" else None for value in row] for row in csv.reader(file)]
            connection.ext.insert_multi(tuple(match.group(1).split(".")), rows)
        connection.commit()
    finally:
        connection.close()


docker_util.DockerDataLoader.load = _load


@pytest.hookimpl(tryfirst=True)
def pytest_fixture_setup(fixturedef, request):
    """Answer the suite's address fixtures from EMULATOR_ADDRESS (``host:port``); conftest fixtures outrank plugin ones,
    so the value is supplied at fixture setup instead of by a fixture of the same name."""
    host, _, port = os.environ[ADDRESS_VARIABLE].rpartition(":")
    value = {"default_ipaddr": host, "default_port": int(port)}.get(fixturedef.argname)
    if value is None:
        return None
    fixturedef.cached_result = (value, fixturedef.cache_key(request), None)
    return value
