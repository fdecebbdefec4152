"""The docker-free build: the extension and its pinned runtime dependencies layered onto a base container.

Steps, each failing with its own E-SME code: get the base (path or URL), index it, check it is a
script-languages container (``exaudf/exaudfclient``), find its Python and package directory, make sure the
wheel cache holds the pinned wheels for that Python, build the extension wheel, install everything offline
into a staging directory, then write base + staged packages + manifest as
``exasol_sagemaker_extension_container-<version>.tar.gz``. All scratch data lives in one temporary directory.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from exasol_sagemaker_extension.errors import SmeError
from language_container.base_archive import BaseArchive, open_base
from language_container.base_source import DEFAULT_MAX_DOWNLOAD_BYTES, resolve_base
from language_container.distributions import installed_distributions
from language_container.extension_wheel import build_extension_wheel, wheel_version
from language_container.layering import write_layered_archive
from language_container.manifest import manifest_json
from language_container.minimal_base import is_stand_in
from language_container.naming import UDF_CLIENT_PATH, archive_file_name
from language_container.pip_runner import DEFAULT_PLATFORM, TargetPython, fetch_wheels, install_wheels
from language_container.python_layout import detect_layout
from language_container.requirements import runtime_pins

# Console scripts pip writes for the installed projects (shebang = the build host's interpreter): useless in
# a container whose UDFs import packages, and host-specific.
_DROPPED_STAGING_ENTRIES = ("bin",)


@dataclass(frozen=True)
class LayeredBuild:
    """What to build: ``base`` is a path or URL; None fields mean "detect" or "use the default"."""

    base: str
    output_dir: Path
    project_dir: Path
    wheel_cache: Path | None = None
    python_version: str | None = None
    site_packages: str | None = None
    platform: str = DEFAULT_PLATFORM
    offline: bool = False
    max_base_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES
    pins: tuple[str, ...] | None = None


def build_layered_container(request: LayeredBuild) -> Path:
    """Build the container and return the path of the archive in ``request.output_dir``."""
    pins = list(request.pins) if request.pins is not None else runtime_pins()
    with tempfile.TemporaryDirectory(prefix="sme-container-") as scratch:
        work = Path(scratch)
        base_file = resolve_base(request.base, work, request.max_base_bytes)
        base = open_base(base_file, work)
        _check_udf_client(base, base_file)
        layout = detect_layout(base, request.python_version, request.site_packages)
        target = TargetPython(layout.version, request.platform)
        cache = request.wheel_cache or work / "wheels"
        cache.mkdir(parents=True, exist_ok=True)
        fetch_wheels(pins, cache, target, request.offline)
        wheel = build_extension_wheel(request.project_dir, work)
        version = wheel_version(wheel)
        staging = work / "staging"
        install_wheels(pins, [cache], staging, target, with_dependencies=True)
        install_wheels([f"exasol-sagemaker-extension=={version}"], [wheel.parent], staging, target,
                       with_dependencies=False)
        for name in _DROPPED_STAGING_ENTRIES:
            shutil.rmtree(staging / name, ignore_errors=True)
        manifest = manifest_json(version, layout, request.platform, base_file.name, _sha256(base_file),
                                 is_stand_in(base), installed_distributions(staging))
        request.output_dir.mkdir(parents=True, exist_ok=True)
        archive = request.output_dir / archive_file_name(version)
        write_layered_archive(base, layout.site_dir, staging, manifest, archive)
    return archive


def _check_udf_client(base: BaseArchive, base_file: Path) -> None:
    if UDF_CLIENT_PATH in base.members:
        return
    older = " (it has exaudf/exaudfclient_py3: a container older than SLC 9.0.0)" if (
        "exaudf/exaudfclient_py3" in base.members) else ""
    raise SmeError(
        "E-SME-408",
        f"The base {base_file.name} has no {UDF_CLIENT_PATH}, so it is not a usable script-languages "
        f"container{older}.",
        ["Use a Python script-languages container of release 9.0.0 or later as base (the deploy step activates "
         f"<container>/{UDF_CLIENT_PATH})."],
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()
