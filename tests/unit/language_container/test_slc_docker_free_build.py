"""The docker-free build end to end on the local stand-in base, and each bad input with its code.

The slow tests run pip against the package registry once (wheels are cached for the module) and build the
container twice: the archive must hold the layout and manifest, must be byte-identical on rebuild, and its
packages must be importable by a bare interpreter that sees nothing but the stdlib and the container.
"""

import hashlib
import json
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest

from archive_factory import write_tar
from exasol_sagemaker_extension.errors import SmeError
from language_container.docker_free_build import LayeredBuild, build_layered_container
from language_container.extension_wheel import find_project_dir
from language_container.minimal_base import create_minimal_base, host_python_version
from language_container.naming import MANIFEST_NAME, UDF_CLIENT_PATH
from language_container.requirements import runtime_pins

SITE = f"usr/lib/python{host_python_version()}/site-packages"
IMPORT_CHECK = """
import importlib, json, pkgutil, sys
sys.path[:] = [p for p in sys.path if p] + [sys.argv[1]]
loaded = {}
for name in ("exasol_sagemaker_extension", "boto3", "botocore", "pandas", "numpy"):
    module = importlib.import_module(name)
    loaded[name] = [module.__file__, getattr(module, "__version__", None)]
for package in ("exasol_sagemaker_extension.udfs", "exasol_sagemaker_extension.autopilot"):
    for info in pkgutil.walk_packages(importlib.import_module(package).__path__, package + "."):
        importlib.import_module(info.name)
print(json.dumps(loaded))
"""


def build(base: Path, output: Path, cache: Path, **options) -> Path:
    return build_layered_container(LayeredBuild(base=str(base), output_dir=output, project_dir=find_project_dir(),
                                                wheel_cache=cache, **options))


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("slc")
    base = create_minimal_base(root / "base.tar.gz")
    first = build(base, root / "first", root / "wheels")
    second = build(base, root / "second", root / "wheels")
    return base, first, second


@pytest.mark.slow
def test_archive_has_the_container_layout_and_the_manifest_last(two_builds):
    _, archive, _ = two_builds
    project = tomllib.loads((find_project_dir() / "pyproject.toml").read_text())["project"]
    assert archive.name == f"exasol_sagemaker_extension_container-{project['version']}.tar.gz"
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile(MANIFEST_NAME).read())
    assert names[-1] == MANIFEST_NAME
    assert UDF_CLIENT_PATH in names
    assert f"{SITE}/exasol_sagemaker_extension/udfs/training.py" in names
    assert not any(name.startswith(f"{SITE}/bin/") for name in names)  # host-specific console scripts
    assert not any(name.endswith(".pyc") for name in names if "/exasol_sagemaker_extension/" in name)  # --no-compile
    assert not any(name.startswith(f"{SITE}/{other}/") for other in ("sme_local.exasol", "sme_local.aws", "sme_local",
                                                                     "language_container") for name in names)
    layered = {(p["name"].lower(), p["version"]) for p in manifest["packages"]}
    assert {tuple(pin.lower().split("==")) for pin in runtime_pins()} <= layered
    assert manifest["build"] == {"builder": "language_container docker-free layering", "package_dir": SITE,
                                 "python_version": host_python_version(), "wheel_platform": "manylinux2014_x86_64"}
    assert manifest["base"]["local_stand_in"] is True


@pytest.mark.slow
def test_rebuild_is_byte_identical(two_builds):
    _, first, second = two_builds
    assert hashlib.sha256(first.read_bytes()).hexdigest() == hashlib.sha256(second.read_bytes()).hexdigest()


@pytest.mark.slow
def test_container_packages_import_from_the_container_not_from_the_host(two_builds, tmp_path):
    _, archive, _ = two_builds
    with tarfile.open(archive) as tar:
        tar.extractall(tmp_path, filter="data")
    site = tmp_path / SITE
    completed = subprocess.run([sys.executable, "-S", "-E", "-s", "-c", IMPORT_CHECK, str(site)], cwd=tmp_path,
                               capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    loaded = json.loads(completed.stdout)
    for name, (file, _) in loaded.items():
        assert Path(file).is_relative_to(site), f"{name} came from {file}"
    assert loaded["numpy"][1] == dict(pin.split("==") for pin in runtime_pins())["numpy"]


def test_offline_build_with_an_empty_wheel_cache_is_e_sme_409_with_pips_words(tmp_path):
    base = create_minimal_base(tmp_path / "base.tar.gz")
    with pytest.raises(SmeError) as raised:
        build(base, tmp_path / "out", tmp_path / "empty-cache", offline=True)
    assert raised.value.code == "E-SME-409"
    assert "No matching distribution" in raised.value.message or "ERROR" in raised.value.message
    assert not (tmp_path / "out").exists()


def test_missing_and_corrupt_bases_fail_before_any_pip_run(tmp_path):
    corrupt = tmp_path / "corrupt.tar.gz"
    corrupt.write_bytes(b"\x1f\x8b\x08\x00garbage")
    codes = []
    for base in (tmp_path / "absent.tar.gz", corrupt):
        with pytest.raises(SmeError) as raised:
            build(base, tmp_path / "out", tmp_path / "cache")
        codes.append(raised.value.code)
    assert codes == ["E-SME-400", "E-SME-401"]
    assert not (tmp_path / "cache").exists()


def test_base_without_python_is_e_sme_405(tmp_path):
    base = write_tar(tmp_path / "base.tar.gz", [("exaudf/exaudfclient", "file", "x"), ("usr/bin/ls", "file", "")])
    with pytest.raises(SmeError) as raised:
        build(base, tmp_path / "out", tmp_path / "cache")
    assert raised.value.code == "E-SME-405"


def test_base_without_udf_client_is_e_sme_408_and_names_old_containers(tmp_path):
    base = write_tar(tmp_path / "base.tar.gz", [("exaudf/exaudfclient_py3", "file", "x"),
                                               ("usr/lib/python3.8/site-packages/", "dir")])
    with pytest.raises(SmeError) as raised:
        build(base, tmp_path / "out", tmp_path / "cache")
    assert raised.value.code == "E-SME-408" and "older than SLC 9.0.0" in raised.value.message
