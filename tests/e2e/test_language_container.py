"""The language container, built here without Docker and deployed with the real ``sme-deploy``, is complete: the
whole flow runs from it, and nothing of the host's Python leaks into it.

Everything happens on the session's stack (conftest.py), next to the installation the other tests use: the
container goes into its own BucketFS directory, is activated under its own alias and gets its own extension
schema, so the session's ``PYTHON3_SME=builtin_python3`` and schema ``SME`` stay exactly as they are. The build
runs on the local stand-in base (``python -m language_container minimal-base``); its wheels are kept in the
pytest cache, so only the first run on a machine downloads them.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pyexasol
import pytest
import requests

from exasol_sagemaker_extension.installation.udf_ddl import CONTROL_PLANE_UDFS
from sme_local.churn_tutorial import HOLDOUT_CONDITION, KEY, TARGET
from sme_local.datasets import CHURN, quote, read_rows
from sme_local.extension_calls import ExtensionCalls
from sme_local.loading import load_table
from sme_local.sql_console import sql_string

pytestmark = pytest.mark.slow

REPOSITORY = Path(__file__).resolve().parents[2]
SLC_ALIAS = "PYTHON3_SME_SLC"
SLC_SCHEMA = "SME_SLC"
PATH_IN_BUCKET = "e2e-slc"
PROBE_SCHEMA = "SLC_PROBE"
DATA_SCHEMA = "SLC_E2E"
SAMPLE_ROWS = 600
JOB_NAME = "slc-container-churn"
BUILD_TIMEOUT_SECONDS = 600
DEPLOY_TIMEOUT_SECONDS = 300
HTTP_TIMEOUT_SECONDS = 60
# Given to every sme-deploy run that must fail before it uploads anything, so any leak would show.
WRONG_BUCKETFS_PASSWORD = "wrong-bfs-password-5e1f0c"
MANIFEST = "exasol-manifest.json"
EXTENSION_PACKAGES = ["exasol_sagemaker_extension", "boto3", "botocore", "pandas", "numpy"]
HOST_ONLY_PACKAGES = ["moto", "duckdb", "pyexasol"]


@dataclass(frozen=True)
class BuiltContainer:
    archive: Path
    manifest: dict

    @property
    def stem(self) -> str:
        """The directory BucketFS extracts the archive into (its name without ``.tar.gz``)."""
        return self.archive.name.removesuffix(".tar.gz")


@dataclass(frozen=True)
class DeployedContainer:
    container: BuiltContainer
    udf_dir: str  # the extracted container as UDFs see it: /buckets/<service>/<bucket>/<path>/<stem>


def _run(command: list[str], timeout: float, environment: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=REPOSITORY, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL, env=environment)


def _read_manifest(archive: Path) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        member = tar.extractfile(MANIFEST)
        assert member is not None, f"{archive.name} has no {MANIFEST}"
        return json.load(member)


@pytest.fixture(scope="module")
def built_container(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> BuiltContainer:
    """The docker-free build on the stand-in base, exactly as doc/language_container.md describes it."""
    work = tmp_path_factory.mktemp("slc-build")
    wheel_cache = request.config.cache.mkdir("sme-container-wheels")
    base = _run([sys.executable, "-m", "language_container", "minimal-base", str(work / "base.tar.gz")], 60)
    assert base.returncode == 0, base.stderr
    started = time.monotonic()
    build = _run([sys.executable, "-m", "language_container", "build", "--base", str(work / "base.tar.gz"),
                  "--output", str(work / "dist"), "--wheel-cache", str(wheel_cache)], BUILD_TIMEOUT_SECONDS)
    seconds = time.monotonic() - started
    assert build.returncode == 0, build.stderr[-3000:]
    archive = Path(build.stdout.strip().splitlines()[-1])
    print(f"container build: {seconds:.1f} s, {archive.stat().st_size / 1e6:.1f} MB")
    return BuiltContainer(archive, _read_manifest(archive))


def sme_deploy(stack, *arguments: str, bucketfs_password: str | None = None) -> subprocess.CompletedProcess:
    """The real ``sme-deploy`` in its own process, with the stack's BucketFS; passwords come from the environment
    (as documented), unless ``bucketfs_password`` is given on the command line."""
    description = stack.description
    bucketfs = urlparse(description.bucketfs_url)
    command = [sys.executable, "-m", "exasol_sagemaker_extension.deploy", "--dsn", description.dsn,
               "--db-user", description.db_user, "--no-use-ssl-cert-validation",
               "--bucketfs-host", str(bucketfs.hostname), "--bucketfs-port", str(bucketfs.port),
               "--no-bucketfs-use-https", "--bucketfs-name", description.bucketfs_name, "--bucket", description.bucket,
               "--bucketfs-user", description.bucketfs_user, "--path-in-bucket", PATH_IN_BUCKET, *arguments]
    if bucketfs_password is not None:
        command += ["--bucketfs-password", bucketfs_password]
    environment = dict(os.environ, EXASOL_TELEMETRY_DISABLE="1", DB_PASSWORD=description.db_password,
                       BUCKETFS_PASSWORD=description.bucketfs_password)
    return _run(command, DEPLOY_TIMEOUT_SECONDS, environment)


@pytest.fixture(scope="module")
def deployed(e2e_stack, built_container: BuiltContainer) -> DeployedContainer:
    """The container uploaded, activated system-wide under its own alias (extraction check on), and the
    extension installed into its own schema whose UDFs use that alias."""
    started = time.monotonic()
    result = sme_deploy(e2e_stack, "--container-file", str(built_container.archive), "--schema", SLC_SCHEMA,
                        "--language-alias", SLC_ALIAS, "--alter-system", "--wait-for-completion")
    seconds = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-3000:]
    print(f"sme-deploy with the container: {seconds:.1f} s")
    description = e2e_stack.description
    udf_dir = f"/buckets/{description.bucketfs_name}/{description.bucket}/{PATH_IN_BUCKET}/{built_container.stem}"
    return DeployedContainer(built_container, udf_dir)


PROBES = {
    # What a module is, where it was loaded from, and its version, as a UDF in the container alias sees it.
    "MODULE_INFO": """(module_name VARCHAR(200)) RETURNS VARCHAR(2000) AS
import importlib, json
def run(ctx):
    module = importlib.import_module(ctx.module_name)
    return json.dumps({"file": module.__file__, "version": getattr(module, "__version__", None)})
""",
    "SAME_FILE": """(first VARCHAR(2000), second VARCHAR(2000)) RETURNS BOOLEAN AS
import os
def run(ctx):
    return os.path.samefile(ctx.first, ctx.second)
""",
    "READ_TEXT": """(path VARCHAR(2000)) RETURNS VARCHAR(2000000) AS
def run(ctx):
    with open(ctx.path, encoding="utf-8") as file:
        return file.read()
""",
}


@pytest.fixture(scope="module")
def probe(e2e_stack, deployed: DeployedContainer):
    """A function calling the probe UDFs (all in the container alias): ``probe("MODULE_INFO", "boto3")``."""
    with e2e_stack.connect() as connection:
        connection.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(PROBE_SCHEMA)}")
        for name, body in PROBES.items():
            connection.execute(f"CREATE OR REPLACE {SLC_ALIAS} SCALAR SCRIPT {quote(PROBE_SCHEMA)}.{quote(name)}"
                               f"{body}/\n")

    def call(name: str, *arguments: str):
        with e2e_stack.connect() as connection:
            values = ", ".join(sql_string(argument) for argument in arguments)
            return connection.execute(f"SELECT {quote(PROBE_SCHEMA)}.{quote(name)}({values})").fetchval()

    return call


def _script_languages(console) -> tuple[dict[str, str], dict[str, str]]:
    """SESSION_VALUE and SYSTEM_VALUE of SCRIPT_LANGUAGES, each as {alias: url}."""
    row = console.rows("SELECT SESSION_VALUE, SYSTEM_VALUE FROM SYS.EXA_PARAMETERS "
                       "WHERE PARAMETER_NAME = 'SCRIPT_LANGUAGES'")[0]
    return tuple(dict(entry.split("=", 1) for entry in (value or "").split()) for value in row)


def _bucket_files(stack) -> list[str]:
    description = stack.description
    listing = requests.get(f"{description.bucketfs_url}/{description.bucket}", timeout=HTTP_TIMEOUT_SECONDS,
                           auth=(description.bucketfs_user, description.bucketfs_password))
    listing.raise_for_status()
    return listing.text.split()


def _container_url(udf_dir: str) -> str:
    return f"localzmq+protobuf:///{udf_dir.removeprefix('/buckets/')}?lang=python#{udf_dir}/exaudf/exaudfclient"


# --- 1. the deployment --------------------------------------------------------------------------------------------

def test_the_alias_is_active_for_the_system_next_to_the_sessions_host_python(deployed, console):
    session, system = _script_languages(console)

    assert system[SLC_ALIAS] == _container_url(deployed.udf_dir)
    assert session[SLC_ALIAS] == system[SLC_ALIAS]  # a new session starts with the system value
    assert system["PYTHON3_SME"] == "builtin_python3"  # the other tests' mapping is untouched


def test_bucketfs_holds_the_archive_byte_for_byte(e2e_stack, deployed):
    description = e2e_stack.description
    key = f"{PATH_IN_BUCKET}/{deployed.container.archive.name}"
    download = requests.get(f"{description.bucketfs_url}/{description.bucket}/{key}", timeout=HTTP_TIMEOUT_SECONDS,
                            auth=(description.bucketfs_user, description.bucketfs_password))
    download.raise_for_status()

    assert key in _bucket_files(e2e_stack)
    assert hashlib.sha256(download.content).hexdigest() == \
        hashlib.sha256(deployed.container.archive.read_bytes()).hexdigest()


def test_udfs_see_the_extracted_container_under_buckets(deployed, probe):
    manifest_text = probe("READ_TEXT", f"{deployed.udf_dir}/{MANIFEST}")

    assert json.loads(manifest_text) == deployed.container.manifest


def test_the_installed_udfs_and_scripts_use_the_container_alias(deployed, console):
    languages = dict(console.rows(f"SELECT SCRIPT_NAME, SCRIPT_LANGUAGE FROM SYS.EXA_ALL_SCRIPTS "
                                  f"WHERE SCRIPT_SCHEMA = {sql_string(SLC_SCHEMA)}"))
    control_plane = {udf.name for udf in CONTROL_PLANE_UDFS}
    udfs = {name: language for name, language in languages.items() if name in control_plane}

    assert set(udfs) == control_plane
    assert set(udfs.values()) == {SLC_ALIAS}
    assert {language for name, language in languages.items() if name not in udfs} == {"LUA"}


# --- 2. the container is complete and isolated from the host ------------------------------------------------------

@pytest.mark.parametrize("module_name", EXTENSION_PACKAGES)
def test_the_extension_and_its_dependencies_come_from_the_container(deployed, probe, module_name):
    info = json.loads(probe("MODULE_INFO", module_name))
    package_dir = deployed.container.manifest["build"]["package_dir"]
    in_container = f"{deployed.udf_dir}/{package_dir}/{module_name}/__init__.py"
    versions = {package["name"].replace("-", "_"): package["version"]
                for package in deployed.container.manifest["packages"]}

    assert probe("SAME_FILE", info["file"], in_container), f"{info['file']} is not {in_container}"
    assert info["file"].endswith(f"/{deployed.container.stem}/{package_dir}/{module_name}/__init__.py")
    assert info["version"] == versions[module_name]


def test_module_files_are_named_by_their_buckets_path(deployed, probe):
    info = json.loads(probe("MODULE_INFO", "exasol_sagemaker_extension"))
    assert info["file"].startswith(deployed.udf_dir + "/")


@pytest.mark.parametrize("module_name", HOST_ONLY_PACKAGES)
def test_host_only_packages_cannot_be_imported(probe, module_name):
    with pytest.raises(pyexasol.ExaQueryError) as failure:
        probe("MODULE_INFO", module_name)

    assert f"ModuleNotFoundError: No module named '{module_name}'" in failure.value.message


@pytest.fixture(scope="module")
def churn_sample(e2e_stack) -> None:
    """600 customers of churn.csv; CHURN_TRAIN (features and target, ~80%), CHURN_TEST (with PHONE, the rest)."""
    rows = read_rows(e2e_stack.data_dir / CHURN.file_name, CHURN)[:SAMPLE_ROWS]
    features_and_target = ", ".join(quote(c.name) for c in CHURN.columns if c.name != KEY)
    with e2e_stack.connect() as connection:
        console = e2e_stack.console(connection)
        console.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(DATA_SCHEMA)}")
        load_table(console, e2e_stack.description, e2e_stack.connection_name, CHURN, rows, DATA_SCHEMA, "CHURN")
        console.execute(f"CREATE OR REPLACE TABLE {quote(DATA_SCHEMA)}.\"CHURN_TRAIN\" AS SELECT "
                        f"{features_and_target} FROM {quote(DATA_SCHEMA)}.\"CHURN\" WHERE NOT ({HOLDOUT_CONDITION})")
        console.execute(f"CREATE OR REPLACE TABLE {quote(DATA_SCHEMA)}.\"CHURN_TEST\" AS SELECT * "
                        f"FROM {quote(DATA_SCHEMA)}.\"CHURN\" WHERE {HOLDOUT_CONDITION}")


def test_train_poll_deploy_score_and_delete_run_from_the_container(e2e_stack, deployed, churn_sample, console):
    calls = ExtensionCalls(console, SLC_SCHEMA, e2e_stack.connection_name)
    started = time.monotonic()
    calls.train({
        "job_name": JOB_NAME, "input_schema_name": DATA_SCHEMA, "input_table_or_view_name": "CHURN_TRAIN",
        "s3_bucket_uri": f"s3://{e2e_stack.description.s3_bucket}", "s3_output_path": "e2e-slc",
        "iam_sagemaker_role": e2e_stack.description.iam_sagemaker_role, "target_attribute_name": TARGET,
        "problem_type": "BinaryClassification", "max_candidates": 5,
    })
    status = calls.wait_for_job(JOB_NAME, e2e_stack.job_timeout_seconds)
    candidates = calls.candidates(JOB_NAME)
    deployment = calls.deploy(JOB_NAME, JOB_NAME, DATA_SCHEMA)
    features = [c.name for c in CHURN.columns if c.name not in (KEY, TARGET)]
    arguments = ", ".join(quote(name) for name in [KEY, *features])
    scores = console.records(f"SELECT {quote(DATA_SCHEMA)}.{quote(JOB_NAME)}({arguments}) "
                             f"FROM {quote(DATA_SCHEMA)}.\"CHURN_TEST\"")
    deletion = calls.delete(JOB_NAME)
    print(f"train, poll, candidates, deploy, score {len(scores)} rows, delete from the container: "
          f"{time.monotonic() - started:.1f} s")

    assert status["JOB_STATUS"] == "Completed"
    assert sum(1 for candidate in candidates if candidate["IS_BEST"]) == 1
    assert deployment["PROBLEM_TYPE"] == "BinaryClassification"
    prediction_udf_language = console.rows(
        f"SELECT SCRIPT_LANGUAGE FROM SYS.EXA_ALL_SCRIPTS WHERE SCRIPT_SCHEMA = {sql_string(DATA_SCHEMA)} "
        f"AND SCRIPT_NAME = {sql_string(JOB_NAME)}")
    assert prediction_udf_language == [(SLC_ALIAS,)]
    test_keys = sorted(row[0] for row in console.rows(f"SELECT {quote(KEY)} FROM {quote(DATA_SCHEMA)}.\"CHURN_TEST\""))
    assert sorted(row["ROW_KEY"] for row in scores) == test_keys
    assert all(isinstance(row["PREDICTIONS"], bool) and 0.5 <= row["PROBABILITY"] <= 1.0 for row in scores)
    assert {(row["RESOURCE_TYPE"], row["OUTCOME"]) for row in deletion} == {
        ("ENDPOINT", "DELETED"), ("ENDPOINT_CONFIG", "DELETED"), ("MODEL", "DELETED")}
    recorded = console.rows(f"SELECT JOB_NAME FROM {quote(SLC_SCHEMA)}.\"SME_AUTOPILOT_JOBS\"")
    assert recorded == [(JOB_NAME,)]


# --- 3. bad input through sme-deploy ------------------------------------------------------------------------------

def _assert_refused(result: subprocess.CompletedProcess, code: str) -> str:
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert f"Error: {code}:" in result.stderr
    assert "Mitigation:" in result.stderr
    assert WRONG_BUCKETFS_PASSWORD not in output
    return result.stderr


def test_a_missing_container_file_is_e_sme_313(e2e_stack, tmp_path):
    missing = tmp_path / "no-such-container.tar.gz"

    message = _assert_refused(sme_deploy(e2e_stack, "--container-file", str(missing), "--schema", "SLC_NEVER",
                                         "--language-alias", "PYTHON3_SME_NEVER",
                                         bucketfs_password=WRONG_BUCKETFS_PASSWORD), "E-SME-313")

    assert str(missing) in message


@pytest.mark.parametrize("damage", ["random_bytes", "truncated"])
def test_a_corrupt_container_file_is_e_sme_314_and_nothing_is_uploaded_or_activated(
        e2e_stack, built_container, console, tmp_path, damage):
    corrupt = tmp_path / f"{damage}_container.tar.gz"
    if damage == "random_bytes":
        corrupt.write_bytes(random.Random(13).randbytes(256 * 1024))
    else:  # a download or copy that stopped half-way: a valid gzip and tar start, no end
        corrupt.write_bytes(built_container.archive.read_bytes()[:built_container.archive.stat().st_size // 2])

    message = _assert_refused(sme_deploy(e2e_stack, "--container-file", str(corrupt), "--schema", "SLC_NEVER",
                                         "--language-alias", "PYTHON3_SME_CORRUPT",
                                         bucketfs_password=WRONG_BUCKETFS_PASSWORD), "E-SME-314")

    assert corrupt.name in message
    assert f"{PATH_IN_BUCKET}/{corrupt.name}" not in _bucket_files(e2e_stack)
    assert all("PYTHON3_SME_CORRUPT" not in value for value in _script_languages(console))


@pytest.mark.parametrize("alias", ["PYTHON3-SME", "3PYTHON_SME", "PYTHON3_SMÉ"])
def test_an_invalid_alias_is_e_sme_301(e2e_stack, built_container, alias):
    message = _assert_refused(sme_deploy(e2e_stack, "--container-file", str(built_container.archive),
                                         "--language-alias", alias, bucketfs_password=WRONG_BUCKETFS_PASSWORD),
                              "E-SME-301")

    assert repr(alias) in message


def test_an_active_alias_is_refused_before_the_upload(e2e_stack, deployed, console):
    """The session's own PYTHON3_SME (builtin_python3) is active: without --allow-override nothing is uploaded
    (the wrong BucketFS password is never even tried) and the alias keeps its meaning."""
    message = _assert_refused(sme_deploy(e2e_stack, "--container-file", str(deployed.container.archive),
                                         "--container-name", "refused_container.tar.gz", "--no-deploy-scripts",
                                         "--language-alias", "PYTHON3_SME", bucketfs_password=WRONG_BUCKETFS_PASSWORD),
                              "E-SME-310")

    assert "--allow-override" in message
    assert f"{PATH_IN_BUCKET}/refused_container.tar.gz" not in _bucket_files(e2e_stack)
    assert all(value["PYTHON3_SME"] == "builtin_python3" for value in _script_languages(console))


def test_allow_override_replaces_the_container_behind_an_active_alias(e2e_stack, deployed, console):
    alias = "PYTHON3_SME_OVERRIDE"
    replacement = "replacement_container.tar.gz"
    first = sme_deploy(e2e_stack, "--container-file", str(deployed.container.archive), "--no-upload-container",
                       "--no-deploy-scripts", "--language-alias", alias)  # activates the file already uploaded
    assert first.returncode == 0, first.stderr[-3000:]
    again = ["--container-file", str(deployed.container.archive), "--container-name", replacement,
             "--no-deploy-scripts", "--language-alias", alias]

    _assert_refused(sme_deploy(e2e_stack, *again), "E-SME-310")
    replaced = sme_deploy(e2e_stack, *again, "--allow-override")

    assert replaced.returncode == 0, replaced.stderr[-3000:]
    replacement_dir = deployed.udf_dir.rsplit("/", 1)[0] + "/" + replacement.removesuffix(".tar.gz")
    assert _script_languages(console)[1][alias] == _container_url(replacement_dir)
    assert f"{PATH_IN_BUCKET}/{replacement}" in _bucket_files(e2e_stack)


def test_a_wrong_bucketfs_password_is_e_sme_311_naming_the_rejection_but_not_the_password(
        e2e_stack, built_container, console):
    result = sme_deploy(e2e_stack, "--container-file", str(built_container.archive), "--container-name",
                        "unauthorised_container.tar.gz", "--no-deploy-scripts", "--language-alias",
                        "PYTHON3_SME_UNAUTHORISED", bucketfs_password=WRONG_BUCKETFS_PASSWORD)

    message = _assert_refused(result, "E-SME-311")
    assert "HTTP 401" in message and "rejected the write user or password" in message
    assert f"{PATH_IN_BUCKET}/unauthorised_container.tar.gz" not in _bucket_files(e2e_stack)
    assert all("PYTHON3_SME_UNAUTHORISED" not in value for value in _script_languages(console))
