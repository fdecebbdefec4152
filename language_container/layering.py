"""Lays the staged packages over the base container's package directory and writes the new archive.

pip installs the extension and its pinned dependencies into an empty staging directory (never into the
base's files), then the archive is assembled from two sources: every base member except the ones the staged
packages replace, and the staged files under the package directory. "Replace" follows pip's own ``--target
--upgrade`` rule (a top-level name present in both is taken from the new install) plus one addition: metadata
directories (``*.dist-info``/``*.egg-info``) of an older version of a layered project are removed too, so
``importlib.metadata`` reports one version per project.
"""

from __future__ import annotations

import copy
import re
import tarfile
from collections.abc import Iterable
from pathlib import Path

from language_container.base_archive import BaseArchive, normalise_member_name
from language_container.deterministic_tar import ArchiveEntry, bytes_entry, root_owned, write_deterministic
from language_container.naming import MANIFEST_NAME
from language_container.requirements import normalise_project_name

_METADATA_DIR = re.compile(r"^(?P<name>.+?)-[^-/]+\.(?:dist-info|egg-info)$")


def metadata_project(entry_name: str) -> str | None:
    """``pandas-2.2.3.dist-info`` -> ``pandas``; None for anything that is no metadata directory."""
    match = _METADATA_DIR.match(entry_name)
    return normalise_project_name(match.group("name")) if match else None


def replaced_members(base_names: Iterable[str], site_dir: str, staged_entries: set[str]) -> set[str]:
    """Base members the layered content supersedes, and the base's own manifest."""
    projects = {project for entry in staged_entries if (project := metadata_project(entry))}
    prefix = site_dir + "/"
    dropped = set()
    for name in base_names:
        if name == MANIFEST_NAME:
            dropped.add(name)
        elif name.startswith(prefix):
            top = name[len(prefix):].split("/", 1)[0]
            if top in staged_entries or metadata_project(top) in projects:
                dropped.add(name)
    return dropped


def write_layered_archive(base: BaseArchive, site_dir: str, staging: Path, manifest: bytes, target: Path) -> None:
    """Write base + staged packages + manifest (last) deterministically to ``target`` (replaced atomically)."""
    staged_entries = {path.name for path in staging.iterdir()}
    dropped = replaced_members(base.members, site_dir, staged_entries)
    partial = target.with_name(target.name + ".partial")
    with tarfile.open(base.tar_path, mode="r:") as tar:
        entries = [*_base_entries(tar, base, dropped), *_staged_entries(staging, site_dir)]
        write_deterministic(partial, entries, bytes_entry(MANIFEST_NAME, manifest))
    partial.replace(target)


def _base_entries(tar: tarfile.TarFile, base: BaseArchive, dropped: set[str]) -> list[ArchiveEntry]:
    entries = []
    for name, original in base.members.items():
        if name in dropped:
            continue
        info = copy.copy(original)
        info.name = name
        if info.islnk():
            info.linkname = normalise_member_name(info.linkname)
            if info.linkname in dropped:
                continue
        entries.append(ArchiveEntry(info, (lambda member=original: tar.extractfile(member)) if info.isreg() else None))
    return entries


def _staged_entries(staging: Path, site_dir: str) -> list[ArchiveEntry]:
    entries = []
    for path in staging.rglob("*"):
        name = f"{site_dir}/{path.relative_to(staging).as_posix()}"
        if path.is_symlink():
            info = root_owned(name, tarfile.SYMTYPE, 0o777)
            info.linkname = str(path.readlink())
            entries.append(ArchiveEntry(info))
        elif path.is_dir():
            entries.append(ArchiveEntry(root_owned(name, tarfile.DIRTYPE, 0o755)))
        else:
            executable = bool(path.stat().st_mode & 0o111)
            info = root_owned(name, tarfile.REGTYPE, 0o755 if executable else 0o644, path.stat().st_size)
            entries.append(ArchiveEntry(info, lambda source=path: source.open("rb")))
    return entries
