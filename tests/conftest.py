"""Settings shared by every test (no telemetry from pyexasol, no real AWS credentials or endpoints), and the local
stack that the end-to-end and reliability suites share."""
from __future__ import annotations

import os

os.environ["EXASOL_TELEMETRY_DISABLE"] = "1"
# Tests must never reach real AWS: strip anything that would point boto3 at a real account.
for _name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
    os.environ.pop(_name, None)
os.environ.setdefault("AWS_DEFAULT_REGION", "eu-central-1")

# Imported after the settings above, so that nothing reads the environment before they hold.
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import boto3
import pyexasol
import pytest

from sme_local.datasets import find_data_dir
from sme_local.extension import activate_host_python, run_sme_deploy
from sme_local.extension_calls import ExtensionCalls, create_aws_connection
from sme_local.sql_console import SqlConsole
from sme_local.stack import LocalStack, StackDescription


# The local stack for the end-to-end and reliability suites (tests/e2e, tests/reliability): one stack per test
# session, the extension installed once with the real ``sme-deploy`` (in a separate process), every call through
# pyexasol, exactly as a user makes it. Started only when a test asks for ``e2e_stack``.

EXTENSION_SCHEMA = "SME"
DATA_SCHEMA = "E2E"
AWS_CONNECTION = "AWS_CONN"
# Short AutoML searches keep the directory within its time budget on two shared cores.
MAX_TRAINING_SECONDS = 6.0
JOB_TIMEOUT_SECONDS = 120.0


@dataclass(frozen=True)
class E2eStack:
    """The running stack and the names every e2e test shares."""

    description: StackDescription
    data_dir: Path
    directory: Path  # the stack's --dir: its logs, state and the database files
    extension_schema: str = EXTENSION_SCHEMA
    data_schema: str = DATA_SCHEMA
    connection_name: str = AWS_CONNECTION
    job_timeout_seconds: float = JOB_TIMEOUT_SECONDS

    def connect(self) -> pyexasol.ExaConnection:
        return pyexasol.connect(dsn=self.description.dsn, user=self.description.db_user,
                                password=self.description.db_password)

    def console(self, connection: pyexasol.ExaConnection) -> SqlConsole:
        return SqlConsole(connection, print, secrets=[self.description.aws_secret_access_key])

    def aws_client(self, service: str):
        """A boto3 client on the AWS emulator, to check from outside what the extension did there."""
        return boto3.client(service, endpoint_url=self.description.aws_endpoint_url,
                            region_name=self.description.aws_region,
                            aws_access_key_id=self.description.aws_access_key_id,
                            aws_secret_access_key=self.description.aws_secret_access_key)


@pytest.fixture(scope="session")
def e2e_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[E2eStack]:
    yield from _e2e_stack(tmp_path_factory.mktemp("e2e-stack"), nodes=1)


@pytest.fixture(scope="session")
def e2e_stack_three_nodes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[E2eStack]:
    """The same stack with a 3-node database (NPROC() = 3), for the flows parametrized over the node count."""
    yield from _e2e_stack(tmp_path_factory.mktemp("e2e-stack-3-nodes"), nodes=3)


def _e2e_stack(directory: Path, nodes: int) -> Iterator[E2eStack]:
    with LocalStack(directory, max_training_seconds=MAX_TRAINING_SECONDS, nodes=nodes) as stack:
        environment = E2eStack(stack.description, find_data_dir(), directory)
        with environment.connect() as connection:
            console = environment.console(connection)
            activate_host_python(console)
            run_sme_deploy(stack.description, EXTENSION_SCHEMA, print)
            console.execute(f'CREATE SCHEMA IF NOT EXISTS "{DATA_SCHEMA}"')
            create_aws_connection(console, AWS_CONNECTION, stack.description)
        yield environment


@pytest.fixture
def console(e2e_stack: E2eStack) -> Iterator[SqlConsole]:
    with e2e_stack.connect() as connection:
        yield e2e_stack.console(connection)


@pytest.fixture
def calls(console: SqlConsole) -> ExtensionCalls:
    return ExtensionCalls(console, EXTENSION_SCHEMA, AWS_CONNECTION)
