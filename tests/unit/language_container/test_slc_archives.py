"""Reading a base archive, writing deterministic archives, and which base members the layering replaces."""

import gzip
import hashlib
import tarfile

import pytest

from archive_factory import members_of, write_tar
from exasol_sagemaker_extension.errors import SmeError
from language_container.base_archive import normalise_member_name, open_base
from language_container.deterministic_tar import ArchiveEntry, bytes_entry, root_owned, write_deterministic
from language_container.layering import metadata_project, replaced_members, write_layered_archive
from language_container.naming import FIXED_MTIME, MANIFEST_NAME

SITE = "usr/local/lib/python3.12/dist-packages"


@pytest.mark.parametrize("name, expected", [("./usr/bin/", "usr/bin"), ("/etc/hosts", "etc/hosts"), ("./", ""),
                                            ("exaudf/exaudfclient", "exaudf/exaudfclient")])
def test_member_names_are_normalised(name, expected):
    assert normalise_member_name(name) == expected


def test_gz_and_plain_tar_bases_are_indexed_with_implied_directories(tmp_path):
    for gz in (True, False):
        archive = write_tar(tmp_path / f"b{gz}.tar", [("./exaudf/exaudfclient", "file", "x")], gz=gz)
        base = open_base(archive, tmp_path)
        assert set(base.members) == {"exaudf/exaudfclient"}
        assert base.directories == {"exaudf"}


@pytest.mark.parametrize("content", [b"\x1f\x8bnot really gzip", b"plain garbage" * 100, b""])
def test_unreadable_base_is_e_sme_401(tmp_path, content):
    archive = tmp_path / "bad.tar.gz"
    archive.write_bytes(content)
    with pytest.raises(SmeError) as raised:
        open_base(archive, tmp_path)
    assert raised.value.code == "E-SME-401"


def test_truncated_base_is_e_sme_401(tmp_path):
    good = write_tar(tmp_path / "good.tar.gz", [(f"f{i}", "file", "y" * 5000) for i in range(20)])
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(SmeError) as raised:
        open_base(truncated, tmp_path)
    assert raised.value.code == "E-SME-401"


def test_missing_base_is_e_sme_400(tmp_path):
    with pytest.raises(SmeError) as raised:
        open_base(tmp_path / "absent.tar.gz", tmp_path)
    assert raised.value.code == "E-SME-400"


def test_deterministic_writer_sorts_fixes_times_and_puts_the_final_member_last(tmp_path):
    entries = [bytes_entry("b/z.txt", b"z"), ArchiveEntry(root_owned("b", tarfile.DIRTYPE, 0o755)),
               bytes_entry("a.txt", b"a")]
    first, second = tmp_path / "1.tar.gz", tmp_path / "2.tar.gz"
    write_deterministic(first, entries, bytes_entry(MANIFEST_NAME, b"{}"))
    write_deterministic(second, list(reversed(entries)), bytes_entry(MANIFEST_NAME, b"{}"))
    assert hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()
    assert members_of(first) == ["a.txt", "b", "b/z.txt", MANIFEST_NAME]
    assert first.read_bytes()[4:8] == b"\0\0\0\0"  # gzip header mtime
    with tarfile.open(first) as tar:
        assert {m.mtime for m in tar.getmembers()} == {FIXED_MTIME}
    with gzip.open(first) as unpacked:
        assert unpacked.read(512)  # a valid gzip stream


@pytest.mark.parametrize("entry, project", [("pandas-2.2.3.dist-info", "pandas"),
                                            ("python_dateutil-2.9.0.post0.dist-info", "python-dateutil"),
                                            ("six-1.16.0.egg-info", "six"), ("pandas", None), ("six.py", None)])
def test_metadata_directories_name_their_project(entry, project):
    assert metadata_project(entry) == project


def test_layering_replaces_same_top_level_names_stale_metadata_and_the_manifest():
    base_names = [f"{SITE}/numpy/core.py", f"{SITE}/numpy-1.26.4.dist-info/RECORD", f"{SITE}/pyarrow/x.py",
                  f"{SITE}/Pandas-2.1.0.dist-info/METADATA", "usr/lib/python3/dist-packages/numpy/x.py",
                  MANIFEST_NAME, "exaudf/exaudfclient"]
    staged = {"numpy", "numpy-2.0.0.dist-info", "pandas", "pandas-2.2.3.dist-info"}
    assert replaced_members(base_names, SITE, staged) == {
        f"{SITE}/numpy/core.py", f"{SITE}/numpy-1.26.4.dist-info/RECORD", f"{SITE}/Pandas-2.1.0.dist-info/METADATA",
        MANIFEST_NAME}


def test_layered_archive_keeps_base_members_verbatim_and_adds_staged_files(tmp_path):
    base_file = write_tar(tmp_path / "base.tar.gz", [
        ("./exaudf/exaudfclient", "file", "client"), (f"./{SITE}/", "dir"), (f"./{SITE}/old/x.py", "file", "old"),
        ("./etc/resolv.conf", "symlink", "/conf/resolv.conf"), ("./usr/bin/python3", "file", "py"),
        ("./usr/bin/python3.12", "hardlink", "./usr/bin/python3"), (f"./{MANIFEST_NAME}", "file", "{}")])
    base = open_base(base_file, tmp_path)
    staging = tmp_path / "staging"
    (staging / "old").mkdir(parents=True)
    (staging / "old" / "x.py").write_text("new")
    target = tmp_path / "out.tar.gz"
    write_layered_archive(base, SITE, staging, b'{"v": 1}', target)
    with tarfile.open(target) as tar:
        names = tar.getnames()
        assert names[-1] == MANIFEST_NAME and names.count(MANIFEST_NAME) == 1
        assert tar.extractfile(f"{SITE}/old/x.py").read() == b"new"
        assert tar.getmember("etc/resolv.conf").linkname == "/conf/resolv.conf"
        assert tar.getmember("usr/bin/python3.12").linkname == "usr/bin/python3"
        assert names.index("usr/bin/python3.12") > names.index("usr/bin/python3")
        assert tar.extractfile(MANIFEST_NAME).read() == b'{"v": 1}'
        assert tar.extractfile("exaudf/exaudfclient").read() == b"client"
