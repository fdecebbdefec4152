"""Detection of the base container's Python and of the package directory the extension is layered into."""

import tarfile
from pathlib import Path

import pytest

from exasol_sagemaker_extension.errors import SmeError
from language_container.base_archive import BaseArchive
from language_container.python_layout import PythonLayout, detect_layout


def base_of(*names: str, symlinks: tuple[str, ...] = ()) -> BaseArchive:
    """An indexed base with these members; a name ending in "/" is a directory, others are files."""
    members = {}
    for name in names:
        info = tarfile.TarInfo(name.rstrip("/"))
        info.type = tarfile.DIRTYPE if name.endswith("/") else tarfile.REGTYPE
        members[info.name] = info
    for name in symlinks:
        info = tarfile.TarInfo(name)
        info.type, info.linkname = tarfile.SYMTYPE, "/elsewhere"
        members[name] = info
    return BaseArchive(tar_path=Path("unused.tar"), members=members)


UBUNTU = ("usr/bin/python3.12", "usr/lib/python3.12/os.py", "usr/lib/python3/dist-packages/apt",
          "usr/local/lib/python3.12/dist-packages/pandas/__init__.py")


def test_ubuntu_system_python_uses_pips_dist_packages():
    assert detect_layout(base_of(*UBUNTU)) == PythonLayout("3.12", "usr/local/lib/python3.12/dist-packages")


def test_ubuntu_without_local_dist_packages_falls_back_to_apts_directory():
    base = base_of("usr/bin/python3.12", "usr/lib/python3.12/os.py", "usr/lib/python3/dist-packages/six.py")
    assert detect_layout(base).site_dir == "usr/lib/python3/dist-packages"


def test_conda_prefix_uses_its_own_site_packages():
    base = base_of("opt/conda/bin/python3.10", "opt/conda/lib/python3.10/site-packages/numpy/__init__.py",
                   "usr/lib/python3/dist-packages/x.py")
    assert detect_layout(base) == PythonLayout("3.10", "opt/conda/lib/python3.10/site-packages")


def test_stand_in_without_interpreter_is_found_by_its_library_directory():
    base = base_of("exaudf/exaudfclient", "usr/lib/python3.11/site-packages/")
    assert detect_layout(base) == PythonLayout("3.11", "usr/lib/python3.11/site-packages")


def test_no_python_at_all_is_e_sme_405():
    with pytest.raises(SmeError) as raised:
        detect_layout(base_of("exaudf/exaudfclient", "usr/lib/x86_64-linux-gnu/libc.so.6"))
    assert raised.value.code == "E-SME-405"


def test_requested_version_missing_is_e_sme_405():
    with pytest.raises(SmeError) as raised:
        detect_layout(base_of(*UBUNTU), python_version="3.10")
    assert raised.value.code == "E-SME-405" and "3.10" in raised.value.message


def test_two_interpreter_versions_are_ambiguous_e_sme_406_unless_chosen():
    base = base_of(*UBUNTU, "usr/bin/python3.10", "usr/local/lib/python3.10/dist-packages/x.py")
    with pytest.raises(SmeError) as raised:
        detect_layout(base)
    assert raised.value.code == "E-SME-406" and "3.10, 3.12" in raised.value.message
    assert detect_layout(base, python_version="3.10").site_dir == "usr/local/lib/python3.10/dist-packages"


def test_python_without_package_directory_is_e_sme_407():
    with pytest.raises(SmeError) as raised:
        detect_layout(base_of("usr/bin/python3.12", "usr/lib/python3.12/os.py"))
    assert raised.value.code == "E-SME-407"


def test_package_directory_behind_a_symlink_is_never_chosen():
    base = base_of("usr/bin/python3.12", "usr/lib/python3.12/site-packages/x.py",
                   symlinks=("usr/local/lib/python3.12",))
    # usr/local/lib/python3.12 points elsewhere: writing under it would leave the container tree
    assert detect_layout(base).site_dir == "usr/lib/python3.12/site-packages"


def test_site_packages_override_must_exist():
    base = base_of(*UBUNTU)
    assert detect_layout(base, site_dir="usr/lib/python3/dist-packages").site_dir == "usr/lib/python3/dist-packages"
    with pytest.raises(SmeError) as raised:
        detect_layout(base, site_dir="opt/nowhere/site-packages")
    assert raised.value.code == "E-SME-407"
