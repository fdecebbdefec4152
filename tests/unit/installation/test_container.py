from pathlib import Path

import pytest

from exasol_sagemaker_extension.installation import cli
from exasol_sagemaker_extension.installation.container import (
    alias_is_defined,
    check_bucketfs_options,
    container_source,
)
from exasol_sagemaker_extension.errors import SmeError


def _options(*args: str) -> dict:
    return cli.main.make_context("sme-deploy", list(args)).params


def test_version_selects_the_release_container_and_its_bucket_name():
    source = container_source(_options("--version", "1.2.3"))
    assert source.url == (
        "https://github.com/exasol/sagemaker-extension/releases/download/1.2.3/"
        "exasol_sagemaker_extension_container-1.2.3.tar.gz"
    )
    assert source.bucket_file_name == "exasol_sagemaker_extension_container-1.2.3.tar.gz"
    assert source.local_file is None


def test_explicit_url_names_the_bucket_file_after_the_url():
    source = container_source(_options("--container-url", "https://example.org/dl/my_slc.tar.gz?x=1"))
    assert source.bucket_file_name == "my_slc.tar.gz"


def test_local_file_wins_and_keeps_its_name(tmp_path):
    container = tmp_path / "slc-9.tar.gz"
    container.write_bytes(b"x")
    source = container_source(_options("--container-file", str(container), "--version", "1.0"))
    assert source.local_file == Path(container)
    assert source.bucket_file_name == "exasol_sagemaker_extension_container-1.0.tar.gz"


def test_no_container_at_all_is_e_sme_305():
    with pytest.raises(SmeError) as caught:
        container_source(_options())
    assert caught.value.code == "E-SME-305"


def test_bucketfs_options_complete_on_premise():
    check_bucketfs_options(_options("--bucketfs-host", "h", "--bucketfs-port", "2580", "--bucket", "default",
                                    "--bucketfs-user", "w", "--bucketfs-password", "pw"))
    with pytest.raises(SmeError) as caught:
        check_bucketfs_options(_options("--bucketfs-host", "h", "--bucketfs-port", "2580"))
    assert caught.value.code == "E-SME-307"


@pytest.mark.parametrize(
    ("settings", "defined"),
    [
        ("R=builtin_r JAVA=builtin_java PYTHON3=builtin_python3", False),
        ("PYTHON3=builtin_python3 PYTHON3_SME=localzmq+protobuf:///bfsdefault/default/slc?lang=python#x", True),
        ("PYTHON3_SME_OLD=localzmq+protobuf:///x?lang=python#y", False),
        ("", False),
    ],
)
def test_alias_detection_in_script_languages(settings, defined):
    assert alias_is_defined(settings, "PYTHON3_SME") is defined
