"""exasol-python-extension-common's LanguageContainerDeployer, unchanged, against the emulator.

The deployer uploads the archive through the BucketFS HTTP API, reads SCRIPT_LANGUAGES from SYS.EXA_PARAMETERS,
runs ALTER SYSTEM/SESSION SET SCRIPT_LANGUAGES, and (validator on) creates a SET UDF in the new alias in a
temporary schema that looks for ``exasol-manifest.json`` under ``/buckets`` on every node. All of that runs here
through its real code path; only the timeouts are shortened.
"""

from __future__ import annotations

import io
import json
import tarfile
from datetime import timedelta
from pathlib import Path

import exasol.bucketfs as bfs
import pyexasol
import pytest
from exasol.python_extension_common.deployment.extract_validator import ExtractValidator
from exasol.python_extension_common.deployment.language_container_deployer import LanguageContainerDeployer

from sme_local.exasol.api import Emulator

VALIDATION_TIMEOUT = timedelta(seconds=60)
VALIDATION_INTERVAL = timedelta(seconds=1)


def build_container(directory: Path, name: str, module_version: int) -> Path:
    """A minimal language container: manifest at the root, the UDF client placeholder, one package."""
    members = {
        "exasol-manifest.json": json.dumps({"flavor": "conformance-test", "version": module_version}),
        "exaudf/exaudfclient": "#!/bin/sh\n# placeholder: the emulator runs Python itself\n",
        "usr/lib/python3/dist-packages/conformance_probe/__init__.py":
            f"VERSION = {module_version}\n\ndef describe(value):\n    return f'probe v{{VERSION}}: {{value}}'\n",
    }
    archive = directory / name
    with tarfile.open(archive, "w:gz") as tar:
        for member_name, text in members.items():
            data = text.encode()
            info = tarfile.TarInfo(member_name)
            info.size = len(data)
            info.mode = 0o755 if member_name.startswith("exaudf/") else 0o644
            tar.addfile(info, io.BytesIO(data))
    return archive


def deployer_for(connection: pyexasol.ExaConnection, emulator: Emulator, alias: str) -> LanguageContainerDeployer:
    bucket_path = bfs.path.build_path(backend="onprem", url=emulator.bucketfs_url, username="w", password="write",
                                      bucket_name="default", service_name="bfsdefault", verify=False)
    validator = ExtractValidator(connection, timeout=VALIDATION_TIMEOUT, interval=VALIDATION_INTERVAL)
    return LanguageContainerDeployer(connection, alias, bucket_path, validator)


def script_languages(connection: pyexasol.ExaConnection, level: str) -> dict[str, str]:
    value = connection.execute(
        f"SELECT {level}_VALUE FROM SYS.EXA_PARAMETERS WHERE PARAMETER_NAME = 'SCRIPT_LANGUAGES'").fetchval()
    return dict(entry.split("=", 1) for entry in value.split())


def new_session(connect, schema: str) -> pyexasol.ExaConnection:
    """ALTER SYSTEM reaches only sessions opened afterwards, so the UDFs run in a new one."""
    connection = connect()
    connection.execute(f'OPEN SCHEMA "{schema}"')
    return connection


def container_url(path: str) -> str:
    return (f"localzmq+protobuf:///bfsdefault/default/{path}?lang=python"
            f"#/buckets/bfsdefault/default/{path}/exaudf/exaudfclient")


def test_deploy_then_use_the_container_in_scalar_and_set_udfs(connect, db, emulator: Emulator,
                                                              tmp_path: Path) -> None:
    deploying = connect()  # no open schema: the validator takes the deployer's temporary-schema path
    archive = build_container(tmp_path, "probe.tar.gz", module_version=1)
    deployer_for(deploying, emulator, "PYTHON3_TEST").run(
        container_file=archive, bucket_file_path="containers/probe.tar.gz", alter_system=True,
        allow_override=False, wait_for_completion=True)

    assert script_languages(deploying, "SYSTEM")["PYTHON3_TEST"] == container_url("containers/probe")
    assert script_languages(deploying, "SESSION")["PYTHON3_TEST"] == container_url("containers/probe")
    assert deploying.execute("SELECT CURRENT_SCHEMA").fetchval() is None
    leftovers = db.execute("SELECT SCRIPT_NAME FROM SYS.EXA_ALL_SCRIPTS WHERE SCRIPT_NAME LIKE '%manifest%'")
    assert leftovers.fetchall() == []
    assert "PYTHON3_TEST" not in script_languages(db, "SESSION")  # opened before the ALTER SYSTEM
    assert script_languages(db, "SYSTEM")["PYTHON3_TEST"] == container_url("containers/probe")

    db = new_session(connect, db.current_schema())
    db.execute(
        "CREATE OR REPLACE PYTHON3_TEST SCALAR SCRIPT describe_scalar(x VARCHAR(20)) RETURNS VARCHAR(100) AS\n"
        "import conformance_probe\n"
        "def run(ctx):\n    return conformance_probe.describe(ctx.x)\n/"
    )
    db.execute(
        "CREATE OR REPLACE PYTHON3_TEST SET SCRIPT describe_set(x DECIMAL(9,0)) EMITS (total DECIMAL(9,0), "
        "text VARCHAR(100)) AS\n"
        "import conformance_probe\n"
        "def run(ctx):\n"
        "    total = 0\n"
        "    while True:\n"
        "        total += ctx.x\n"
        "        if not ctx.next():\n"
        "            break\n"
        "    ctx.emit(total, conformance_probe.describe(total))\n/"
    )
    assert db.execute("SELECT describe_scalar('hello')").fetchval() == "probe v1: hello"
    rows = db.execute("SELECT describe_set(n) FROM VALUES BETWEEN 1 AND 4 t(n)").fetchall()
    assert rows == [(10, "probe v1: 10")]


def test_host_only_package_is_missing_inside_the_container(connect, db, emulator: Emulator, tmp_path: Path) -> None:
    archive = build_container(tmp_path, "isolated.tar.gz", module_version=1)
    deployer_for(connect(), emulator, "PYTHON3_ISOLATED").run(
        container_file=archive, bucket_file_path="containers/isolated.tar.gz", alter_system=True)
    db = new_session(connect, db.current_schema())
    body = "import boto3\ndef run(ctx):\n    return boto3.__name__\n/"
    db.execute(f"CREATE OR REPLACE PYTHON3 SCALAR SCRIPT host_import() RETURNS VARCHAR(20) AS\n{body}")
    db.execute(f"CREATE OR REPLACE PYTHON3_ISOLATED SCALAR SCRIPT container_import() RETURNS VARCHAR(20) AS\n{body}")

    assert db.execute("SELECT host_import()").fetchval() == "boto3"
    with pytest.raises(pyexasol.ExaQueryError) as raised:
        db.execute("SELECT container_import()")
    assert "ModuleNotFoundError" in raised.value.message and "boto3" in raised.value.message


def test_redeploying_an_alias_in_use_needs_allow_override(connect, db, emulator: Emulator, tmp_path: Path) -> None:
    deploying = connect()
    first = build_container(tmp_path, "v1.tar.gz", module_version=1)
    second = build_container(tmp_path, "v2.tar.gz", module_version=2)
    deployer_for(deploying, emulator, "PYTHON3_REDEPLOY").run(
        container_file=first, bucket_file_path="containers/redeploy-v1.tar.gz", alter_system=True)

    with pytest.raises(RuntimeError, match="language alias PYTHON3_REDEPLOY is already in use"):
        deployer_for(deploying, emulator, "PYTHON3_REDEPLOY").run(
            container_file=second, bucket_file_path="containers/redeploy-v2.tar.gz", alter_system=True,
            allow_override=False)
    assert script_languages(deploying, "SYSTEM")["PYTHON3_REDEPLOY"] == container_url("containers/redeploy-v1")

    deployer_for(deploying, emulator, "PYTHON3_REDEPLOY").run(
        container_file=second, bucket_file_path="containers/redeploy-v2.tar.gz", alter_system=True,
        allow_override=True)
    settings = script_languages(deploying, "SYSTEM")
    assert settings["PYTHON3_REDEPLOY"] == container_url("containers/redeploy-v2")
    assert settings["PYTHON3"] == "builtin_python3"  # the other aliases are kept

    fresh = new_session(connect, db.current_schema())
    fresh.execute("CREATE OR REPLACE PYTHON3_REDEPLOY SCALAR SCRIPT version() RETURNS DECIMAL(9,0) AS\n"
                  "import conformance_probe\ndef run(ctx):\n    return conformance_probe.VERSION\n/")
    assert fresh.execute("SELECT version()").fetchval() == 2
