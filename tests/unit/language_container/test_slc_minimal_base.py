"""The local stand-in base: layout of a container, the host's Python, safe to extract, clearly marked."""

import json
import os
import subprocess
import tarfile

from language_container.base_archive import open_base
from language_container.minimal_base import STAND_IN_MARKER, create_minimal_base, host_python_version, is_stand_in
from language_container.naming import MANIFEST_NAME, UDF_CLIENT_PATH
from language_container.python_layout import PythonLayout, detect_layout


def test_stand_in_has_the_container_layout_for_the_host_python(tmp_path):
    base = open_base(create_minimal_base(tmp_path / "base.tar.gz"), tmp_path)
    version = host_python_version()
    assert detect_layout(base) == PythonLayout(version, f"usr/lib/python{version}/site-packages")
    assert UDF_CLIENT_PATH in base.members and is_stand_in(base)
    assert list(base.members)[-1] == MANIFEST_NAME


def test_stand_in_is_reproducible_and_says_what_it_is(tmp_path):
    first = create_minimal_base(tmp_path / "a.tar.gz", "3.12")
    second = create_minimal_base(tmp_path / "b.tar.gz", "3.12")
    assert first.read_bytes() == second.read_bytes()
    with tarfile.open(first) as tar:
        marker = json.loads(tar.extractfile(STAND_IN_MARKER).read())
    assert marker["python_version"] == "3.12" and "stand-in" in marker["what"]


def test_stand_in_extracts_under_the_strict_data_filter_and_its_client_refuses_to_run(tmp_path):
    with tarfile.open(create_minimal_base(tmp_path / "base.tar.gz")) as tar:
        tar.extractall(tmp_path / "x", filter="data")  # what the emulator's BucketFS uses
    client = tmp_path / "x" / UDF_CLIENT_PATH
    assert os.access(client, os.X_OK)
    completed = subprocess.run([str(client)], capture_output=True, text=True, timeout=10)
    assert completed.returncode == 1 and "STAND-IN" in completed.stderr
