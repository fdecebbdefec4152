"""The repository's two distributions hold what the developer guide says, and nothing else.

The product wheel is what an admin installs and what the language container carries; a local stand-in in it
would ride into every UDF VM. The local distribution keeps the stand-ins under the one name ``sme_local``.
Both wheels are built as pip builds them for ``pip install . ./local``, from a copy of the checkout (a
setuptools build writes ``build/`` beside its sources, and a test leaves the checkout as it found it).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """The member names of each distribution's wheel, by project folder ("." and "local")."""
    checkout = tmp_path_factory.mktemp("checkout") / "repository"
    shutil.copytree(REPOSITORY, checkout, ignore=shutil.ignore_patterns(
        ".git", "build", "*.egg-info", "__pycache__", ".venv", ".pytest_cache", ".hypothesis", ".sme-local"))
    names = {}
    for project in (".", "local"):
        out = tmp_path_factory.mktemp("wheel")
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out),
                        str(checkout / project)], check=True, capture_output=True, timeout=300)
        (wheel,) = out.glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            names[project] = archive.namelist()
    return names


@pytest.mark.parametrize(("project", "expected"), [
    (".", {"exasol_sagemaker_extension"}),
    ("local", {"sme_local"}),
])
def test_each_distribution_ships_exactly_its_package(project: str, expected: set[str],
                                                      wheel_names: dict[str, list[str]]) -> None:
    top_level = {name.split("/")[0] for name in wheel_names[project]}
    assert {name for name in top_level if not name.endswith(".dist-info")} == expected


def test_the_product_wheel_carries_its_lua_sources(wheel_names: dict[str, list[str]]) -> None:
    shipped = {name for name in wheel_names["."] if name.endswith(".lua")}
    in_checkout = {path.relative_to(REPOSITORY).as_posix() for path in
                   (REPOSITORY / "exasol_sagemaker_extension" / "lua").rglob("*.lua")}
    assert shipped == in_checkout
