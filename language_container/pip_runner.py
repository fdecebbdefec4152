"""Runs pip for the docker-free build: fetch the pinned wheels, build the extension wheel, install both.

Fetching and installing are separate on purpose. ``pip download`` is the only step that talks to the package
registry (through the user's own pip configuration); it fills a wheel cache. The installs then run with
``--no-index`` against that cache and with the user's pip configuration switched off, so they are offline and
install exactly the pinned files (a pin missing from the closure fails instead of being fetched silently).
The target interpreter is the container's, not the host's: ``--platform/--python-version/--implementation``
with ``--only-binary=:all:`` select wheels for it. ``--no-compile``: byte code for the host interpreter would
be useless in the container, and .pyc files carry timestamps.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from exasol_sagemaker_extension.errors import SmeError

DEFAULT_PLATFORM = "manylinux2014_x86_64"
PIP_TIMEOUT_SECONDS = 1800
_LAST_LINES = 15
_URL_USER_INFO = re.compile(r"(?<=://)[^/@\s]+@")


@dataclass(frozen=True)
class TargetPython:
    """The interpreter wheels are chosen for: ``3.12`` on ``manylinux2014_x86_64``, CPython."""

    version: str
    platform: str = DEFAULT_PLATFORM

    def pip_options(self) -> list[str]:
        return ["--only-binary=:all:", "--platform", self.platform, "--python-version", self.version,
                "--implementation", "cp"]


def redact_urls(text: str) -> str:
    """Mask user info in URLs (index URLs may carry ``user:token@``)."""
    return _URL_USER_INFO.sub("***@", text)


def offline_environment() -> dict[str, str]:
    """The current environment without pip settings and with pip's configuration files disabled."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    return env


def run_pip(arguments: Sequence[str], what: str, offline: bool, timeout: int = PIP_TIMEOUT_SECONDS) -> None:
    """Run ``python -m pip <arguments>``; E-SME-409 with pip's last output lines if it fails or times out."""
    command = [sys.executable, "-m", "pip", *arguments, "--disable-pip-version-check", "--no-input"]
    try:
        completed = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout,
                                   env=offline_environment() if offline else None, check=False)
    except subprocess.TimeoutExpired as expired:
        raise _pip_failed(what, f"timed out after {timeout} s", expired.output or b"") from None
    if completed.returncode != 0:
        raise _pip_failed(what, f"exit code {completed.returncode}", completed.stdout)


def fetch_wheels(pins: Sequence[str], cache: Path, target: TargetPython, offline: bool) -> None:
    """Make sure ``cache`` holds a wheel for every pin and its dependencies (offline first, then registry)."""
    download = ["download", "--dest", str(cache), *target.pip_options(), *pins]
    try:
        run_pip([*download, "--no-index", "--find-links", str(cache)], "checking the wheel cache", offline=True)
    except SmeError:
        if offline:
            raise
        run_pip(download, "downloading the pinned runtime wheels", offline=False)


def install_wheels(requirements: Sequence[str], find_links: Sequence[Path], destination: Path,
                   target: TargetPython, with_dependencies: bool) -> None:
    """Install ``requirements`` from ``find_links`` only (offline) into the directory ``destination``."""
    arguments = ["install", "--target", str(destination), "--no-index", "--no-compile", "--no-warn-script-location",
                 *target.pip_options()]
    for location in find_links:
        arguments += ["--find-links", str(location)]
    if not with_dependencies:
        arguments.append("--no-deps")
    run_pip([*arguments, *requirements], f"installing {', '.join(requirements)}", offline=True)


def build_wheel(source_dir: Path, wheel_dir: Path) -> None:
    """``pip wheel --no-deps`` of a source tree (build isolation fetches the build backend via the registry)."""
    run_pip(["wheel", "--no-deps", "--wheel-dir", str(wheel_dir), str(source_dir)],
            "building the extension wheel", offline=False)


def _pip_failed(what: str, how: str, output: bytes) -> SmeError:
    lines = output.decode("utf-8", errors="replace").strip().splitlines()[-_LAST_LINES:]
    shown = "\n".join(redact_urls(line) for line in lines) or "(no output)"
    return SmeError(
        "E-SME-409",
        f"pip failed while {what} ({how}). Its last lines:\n{shown}",
        ["Read pip's message above: a missing wheel for the container's Python/platform needs another pin in "
         "language_container/flavor/flavor_base/dependencies/requirements.txt; a network error needs access to "
         "the package registry (or a filled --wheel-cache with --offline)."],
    )
