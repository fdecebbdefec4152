"""The contents table of a container archive."""

import json

import pytest

from archive_factory import write_tar
from exasol_sagemaker_extension.errors import SmeError
from language_container.contents import contents_markdown, read_contents
from language_container.naming import MANIFEST_NAME


def metadata(name: str, version: str) -> str:
    return f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: s\n\nlong description\n"


def test_table_lists_base_and_layered_distributions(tmp_path):
    manifest = {"version": "1.0.0", "build": {"python_version": "3.12", "package_dir": "usr/local/lib/python3.12/"
                "dist-packages"}, "base": {"file": "base.tar.gz", "local_stand_in": False},
                "packages": [{"name": "boto3", "version": "1.43.11"}]}
    archive = write_tar(tmp_path / "c.tar.gz", [
        ("usr/local/lib/python3.12/dist-packages/boto3-1.43.11.dist-info/METADATA", "file",
         metadata("boto3", "1.43.11")),
        ("usr/lib/python3/dist-packages/Jinja2-3.1.2.dist-info/METADATA", "file", metadata("Jinja2", "3.1.2")),
        ("usr/share/doc/x.dist-info/METADATA", "file", metadata("not-a-package", "0")),
        (MANIFEST_NAME, "file", json.dumps(manifest))])
    table = contents_markdown(read_contents(archive))
    assert "| boto3 | 1.43.11 | yes | `usr/local/lib/python3.12/dist-packages` |" in table
    assert "| Jinja2 | 3.1.2 | no (base) | `usr/lib/python3/dist-packages` |" in table
    assert "not-a-package" not in table
    assert "Extension version 1.0.0, Python 3.12" in table


def test_missing_and_corrupt_archives_have_their_codes(tmp_path):
    with pytest.raises(SmeError) as missing:
        read_contents(tmp_path / "absent.tar.gz")
    corrupt = tmp_path / "corrupt.tar.gz"
    corrupt.write_bytes(b"\x1f\x8b" + b"\0" * 100)
    with pytest.raises(SmeError) as unreadable:
        read_contents(corrupt)
    assert (missing.value.code, unreadable.value.code) == ("E-SME-400", "E-SME-401")
