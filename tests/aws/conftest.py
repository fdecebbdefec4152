"""Shared fixtures: one AWS emulator per test module and boto3 clients aimed at it (helpers: aws_flow.py)."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from sme_local.aws import AwsEmulator


@pytest.fixture(scope="module")
def emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AwsEmulator]:
    with AwsEmulator(data_dir=tmp_path_factory.mktemp("aws"), max_training_seconds=8,
                     endpoint_startup_seconds=0.3) as running:
        yield running


@pytest.fixture(scope="module")
def s3(emulator: AwsEmulator) -> Any:
    return emulator.client("s3")


@pytest.fixture(scope="module")
def sagemaker(emulator: AwsEmulator) -> Any:
    return emulator.client("sagemaker")


@pytest.fixture(scope="module")
def runtime(emulator: AwsEmulator) -> Any:
    return emulator.client("sagemaker-runtime")
