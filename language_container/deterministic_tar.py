"""Writes a tar.gz whose bytes depend only on its content: two builds of the same input are identical.

What would otherwise differ between runs is pinned: the member order (sorted by path components, so a
directory always precedes its content; hard links last, after the files they point to), every mtime
(``FIXED_MTIME``; the pax headers' sub-second times are dropped), the gzip header (no file name, mtime 0),
and the compression level. The manifest goes last on purpose: exaslct appends it last too, so a node on which
``exasol-manifest.json`` exists has extracted everything before it.
"""

from __future__ import annotations

import copy
import gzip
import tarfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import IO

from language_container.naming import FIXED_MTIME

COMPRESS_LEVEL = 6
_VOLATILE_PAX_KEYS = ("mtime", "atime", "ctime")


@dataclass(frozen=True)
class ArchiveEntry:
    """One member: its header and, for regular files, how to open its content."""

    info: tarfile.TarInfo
    open_content: Callable[[], IO[bytes] | None] | None = None


def root_owned(name: str, kind: bytes, mode: int, size: int = 0) -> tarfile.TarInfo:
    """A header for content this build adds: owned by root like the rest of a container."""
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = mode
    info.size = size
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    return info


def bytes_entry(name: str, content: bytes) -> ArchiveEntry:
    """A regular file with ``content``, mode 0644."""
    return ArchiveEntry(root_owned(name, tarfile.REGTYPE, 0o644, len(content)), lambda: BytesIO(content))


def member_order(entry: ArchiveEntry) -> tuple[bool, tuple[str, ...]]:
    return entry.info.islnk(), tuple(entry.info.name.split("/"))


def write_deterministic(target: Path, entries: Iterable[ArchiveEntry], final: ArchiveEntry) -> None:
    """Write ``entries`` (sorted here) and then ``final`` into the gzip-compressed tar ``target``."""
    ordered = sorted(entries, key=member_order)
    with target.open("wb") as raw, gzip.GzipFile(
        filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=COMPRESS_LEVEL
    ) as compressed, tarfile.open(fileobj=compressed, mode="w|", format=tarfile.PAX_FORMAT) as tar:
        for entry in [*ordered, final]:
            _add(tar, entry)


def _add(tar: tarfile.TarFile, entry: ArchiveEntry) -> None:
    info = copy.copy(entry.info)
    info.mtime = FIXED_MTIME
    info.pax_headers = {k: v for k, v in info.pax_headers.items() if k not in _VOLATILE_PAX_KEYS}
    if not info.isreg():
        tar.addfile(info)
        return
    content = entry.open_content() if entry.open_content else None
    if content is None:
        raise ValueError(f"no content for the regular file {info.name}")
    with content:
        tar.addfile(info, content)

