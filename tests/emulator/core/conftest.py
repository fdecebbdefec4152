"""One emulator for the whole conformance suite, reached only through pyexasol (the real client)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from sme_local.exasol.api import Emulator

os.environ["EXASOL_TELEMETRY_DISABLE"] = "1"


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    with Emulator(tmp_path_factory.mktemp("exasol"), port=0, bucketfs_port=0, udf_workers=2) as running:
        yield running


