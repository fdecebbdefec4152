"""The Docker build: exaslct builds the flavor in ``language_container/flavor`` and exports the container.

The flavor is copied into a scratch directory named after the container (exaslct names images and the export
after the flavor directory), the extension wheel is put where the flavor's release step expects it
(``flavor_base/release/dist``), and ``exaslct export`` produces the archive, which is then renamed to
``exasol_sagemaker_extension_container-<version>.tar.gz``. Needs a running Docker daemon and the
``exasol-script-languages-container-tool`` package (command ``exaslct``).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from exasol_sagemaker_extension.errors import SmeError
from language_container.extension_wheel import build_extension_wheel, wheel_version
from language_container.naming import CONTAINER_NAME, FLAVOR_DIR, archive_file_name

DOCKER_INFO = ("docker", "info")
DOCKER_CHECK_TIMEOUT_SECONDS = 60
EXASLCT_TIMEOUT_SECONDS = 3 * 3600
_LAST_LINES = 20


def docker_available(command: Sequence[str] = DOCKER_INFO) -> bool:
    """True if ``docker info`` reaches a Docker daemon."""
    try:
        return subprocess.run(list(command), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              timeout=DOCKER_CHECK_TIMEOUT_SECONDS, check=False).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def exaslct_command() -> list[str]:
    """The exaslct executable; E-SME-412 if the tool is not installed."""
    found = shutil.which("exaslct")
    if found is None:
        raise SmeError(
            "E-SME-412",
            "exaslct (Exasol's script-languages container tool) is not installed.",
            ["Install it with: pip install exasol-script-languages-container-tool",
             "Or build without Docker: python -m language_container build --base <base container .tar.gz>."],
        )
    return [found]


def export_command(exaslct: Sequence[str], flavor_path: Path, export_path: Path) -> list[str]:
    return [*exaslct, "export", "--flavor-path", str(flavor_path), "--export-path", str(export_path)]


def prepare_flavor(project_dir: Path, work_dir: Path) -> tuple[Path, str]:
    """Copy the flavor, add the extension wheel; returns (flavor path, extension version)."""
    flavor = work_dir / CONTAINER_NAME
    shutil.copytree(FLAVOR_DIR, flavor, ignore=shutil.ignore_patterns("__pycache__"))
    wheel = build_extension_wheel(project_dir, work_dir)
    dist = flavor / "flavor_base" / "release" / "dist"
    dist.mkdir(parents=True)
    shutil.copy2(wheel, dist / wheel.name)
    return flavor, wheel_version(wheel)


def build_with_exaslct(project_dir: Path, output_dir: Path, docker_check: Sequence[str] = DOCKER_INFO) -> Path:
    """Build and export the container with exaslct; E-SME-411/412/413 when Docker or exaslct fail."""
    if not docker_available(docker_check):
        raise SmeError(
            "E-SME-411",
            "exaslct needs Docker, but `docker info` does not reach a Docker daemon.",
            ["Start Docker (or give this user access to it) and run the build again.",
             "Or build without Docker: python -m language_container build --base <base container .tar.gz>."],
        )
    exaslct = exaslct_command()
    with tempfile.TemporaryDirectory(prefix="sme-exaslct-") as scratch:
        work = Path(scratch)
        flavor, version = prepare_flavor(project_dir, work)
        export_dir = work / "export"
        _run_exaslct(export_command(exaslct, flavor, export_dir))
        exported = sorted(export_dir.glob("*.tar.gz"))
        if len(exported) != 1:
            raise _exaslct_failed(f"expected one exported .tar.gz, found {[p.name for p in exported]}", b"")
        output_dir.mkdir(parents=True, exist_ok=True)
        archive = output_dir / archive_file_name(version)
        shutil.move(str(exported[0]), archive)
    return archive


def _run_exaslct(command: list[str]) -> None:
    try:
        completed = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   timeout=EXASLCT_TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired as expired:
        raise _exaslct_failed(f"timed out after {EXASLCT_TIMEOUT_SECONDS} s", expired.output or b"") from None
    if completed.returncode != 0:
        raise _exaslct_failed(f"exit code {completed.returncode}", completed.stdout)


def _exaslct_failed(how: str, output: bytes) -> SmeError:
    lines = output.decode("utf-8", errors="replace").strip().splitlines()[-_LAST_LINES:]
    shown = "\n".join(lines) or "(no output)"
    return SmeError(
        "E-SME-413",
        f"exaslct export failed ({how}). Its last lines:\n{shown}",
        ["Read exaslct's message above and its logs under .build_output/ in the working directory.",
         "Or build without Docker: python -m language_container build --base <base container .tar.gz>."],
    )
