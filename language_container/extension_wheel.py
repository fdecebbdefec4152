"""Builds the wheel of the extension package alone, from this repository's sources.

The repository's pyproject.toml packages only the product (the stand-ins are the distribution in ``local/``).
The wheel is still built from a staged copy of the project files and ``exasol_sagemaker_extension/``: a
setuptools build writes ``build/`` and ``*.egg-info`` next to its sources, and a container build must leave the
checkout as it found it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from exasol_sagemaker_extension.errors import SmeError
from language_container.pip_runner import build_wheel

PACKAGE = "exasol_sagemaker_extension"
PROJECT_FILES = ("pyproject.toml", "setup.py", "README.md", "LICENSE")
_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")


def find_project_dir(start: Path = Path(__file__).resolve()) -> Path:
    """The nearest ancestor of ``start`` with pyproject.toml and the extension package: the repository."""
    for candidate in start.parents:
        if (candidate / "pyproject.toml").is_file() and (candidate / PACKAGE).is_dir():
            return candidate
    raise SmeError(
        "E-SME-414",
        f"The sources of the extension (pyproject.toml and {PACKAGE}/) were not found above {start}.",
        ["Run the build from a checkout of the repository, or pass its root with --project-dir."],
    )


def stage_sources(project_dir: Path, stage: Path) -> Path:
    """Copy the files the extension wheel is built from into ``stage``."""
    if not (project_dir / "pyproject.toml").is_file() or not (project_dir / PACKAGE).is_dir():
        raise SmeError(
            "E-SME-414",
            f"{project_dir} holds no pyproject.toml with a {PACKAGE}/ package next to it.",
            ["Pass the root of a repository checkout with --project-dir."],
        )
    stage.mkdir(parents=True)
    for name in PROJECT_FILES:
        if (project_dir / name).is_file():
            shutil.copy2(project_dir / name, stage / name)
    shutil.copytree(project_dir / PACKAGE, stage / PACKAGE, ignore=_IGNORED)
    return stage


def build_extension_wheel(project_dir: Path, work_dir: Path) -> Path:
    """Build ``exasol_sagemaker_extension-<version>-py3-none-any.whl`` into ``work_dir/extension-wheel``."""
    source = stage_sources(project_dir, work_dir / "extension-source")
    wheel_dir = work_dir / "extension-wheel"
    build_wheel(source, wheel_dir)
    wheels = sorted(wheel_dir.glob(f"{PACKAGE}-*.whl"))
    if len(wheels) != 1:
        raise RuntimeError(f"expected one extension wheel in {wheel_dir}, found {[w.name for w in wheels]}")
    return wheels[0]


def wheel_version(wheel: Path) -> str:
    """The version field of a wheel file name (``name-version-python-abi-platform.whl``)."""
    return wheel.name.split("-")[1]
