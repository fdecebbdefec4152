"""The list of what a built container holds: every installed distribution with its version, as markdown.

Read straight from the archive in one streaming pass (no extraction): each ``*.dist-info/METADATA`` inside a
``site-packages``/``dist-packages`` directory gives a row, and the manifest tells which rows this build
layered in (the rest came with the base).
"""

from __future__ import annotations

import json
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

from language_container.base_archive import corrupt_archive, missing_archive, normalise_member_name
from language_container.distributions import Distribution, package_dir_of_metadata, parse_metadata
from language_container.naming import MANIFEST_NAME


@dataclass
class ArchiveContents:
    archive_name: str
    manifest: dict = field(default_factory=dict)
    packages: list[tuple[str, Distribution]] = field(default_factory=list)


def read_contents(archive: Path) -> ArchiveContents:
    """Distributions and manifest of a container archive; E-SME-400/401 if it is missing or unreadable."""
    if not archive.is_file():
        raise missing_archive(archive, "container")
    contents = ArchiveContents(archive.name)
    try:
        with tarfile.open(archive, mode="r|*") as tar:
            for member in tar:
                name = normalise_member_name(member.name)
                package_dir = package_dir_of_metadata(name)
                if member.isreg() and package_dir is not None:
                    contents.packages.append((package_dir, parse_metadata(_text(tar, member))))
                elif member.isreg() and name == MANIFEST_NAME:
                    contents.manifest = json.loads(_text(tar, member) or "{}")
    except (tarfile.TarError, EOFError, OSError, ValueError) as error:
        raise corrupt_archive(archive, "container", error) from None
    contents.packages.sort(key=lambda row: (row[1].name.lower(), row[0]))
    return contents


def _text(tar: tarfile.TarFile, member: tarfile.TarInfo) -> str:
    source = tar.extractfile(member)
    return source.read().decode("utf-8", errors="replace") if source else ""


def contents_markdown(contents: ArchiveContents) -> str:
    """A markdown section: a summary line from the manifest and one table row per distribution."""
    manifest = contents.manifest
    build = manifest.get("build", {})
    base = manifest.get("base", {})
    layered = {(p["name"], p["version"]) for p in manifest.get("packages", [])}
    lines = [f"Contents of `{contents.archive_name}`", ""]
    if manifest.get("version"):
        stand_in = " (local stand-in base, not deployable to Exasol)" if base.get("local_stand_in") else ""
        lines += [f"Extension version {manifest['version']}, Python {build.get('python_version')}, packages "
                  f"layered into `{build.get('package_dir')}` on base `{base.get('file')}`{stand_in}.", ""]
    lines += ["| Package | Version | Added by this build | Directory |", "|---|---|---|---|"]
    for package_dir, dist in contents.packages:
        added = "yes" if (dist.name, dist.version) in layered else "no (base)"
        lines.append(f"| {dist.name} | {dist.version} | {added} | `{package_dir}` |")
    return "\n".join(lines) + "\n"
