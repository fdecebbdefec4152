"""One emulator for pyexasol's HTTP transport tests; connections come from the shared ``connect``/``db`` fixtures."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from sme_local.exasol.api import Emulator

os.environ["EXASOL_TELEMETRY_DISABLE"] = "1"


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    with Emulator(tmp_path_factory.mktemp("exasol_http"), port=0, bucketfs_port=None, udf_workers=1) as running:
        yield running
