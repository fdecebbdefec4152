"""Reads a base container archive: its members, with names normalised, ready to be copied member by member.

The base is not unpacked onto disk: a real container is a whole root file system (device nodes, absolute
symlinks such as ``etc/resolv.conf -> /conf/resolv.conf``, files owned by other users) that an unprivileged
unpack would alter. Instead a gzip-compressed base is decompressed once into a plain tar (so members can be
read in any order without re-reading the gzip stream from the start) and its members are copied verbatim
into the new archive, only the package directory gets new content.
"""

from __future__ import annotations

import gzip
import shutil
import tarfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from exasol_sagemaker_extension.errors import SmeError

_GZIP_MAGIC = b"\x1f\x8b"


def normalise_member_name(name: str) -> str:
    """``./usr/bin/`` -> ``usr/bin``; the root entry (``.`` or ``./``) becomes the empty string."""
    path = PurePosixPath(name.lstrip("/"))
    parts = [part for part in path.parts if part != "."]
    return "/".join(parts)


@dataclass
class BaseArchive:
    """The members of a base container, by normalised name; ``tar_path`` is an uncompressed tar of it."""

    tar_path: Path
    members: dict[str, tarfile.TarInfo] = field(default_factory=dict)

    @property
    def directories(self) -> set[str]:
        """Directories of the archive: explicit entries and the parents implied by member names."""
        found = {name for name, info in self.members.items() if info.isdir()}
        for name in self.members:
            parent = PurePosixPath(name).parent
            while str(parent) != ".":
                found.add(str(parent))
                parent = parent.parent
        return found

    def is_symlink(self, name: str) -> bool:
        info = self.members.get(name)
        return info is not None and info.issym()


def open_base(archive: Path, work_dir: Path, role: str = "base container") -> BaseArchive:
    """Index ``archive`` (tar or tar.gz); E-SME-400 if it is missing, E-SME-401 if it is no readable tar."""
    if not archive.is_file():
        raise missing_archive(archive, role)
    tar_path = _uncompressed(archive, work_dir, role)
    try:
        with tarfile.open(tar_path, mode="r:") as tar:
            members = {}
            for info in tar.getmembers():
                name = normalise_member_name(info.name)
                if name:
                    members[name] = info
    except (tarfile.TarError, EOFError, OSError) as error:
        raise corrupt_archive(archive, role, error) from None
    if not members:
        raise corrupt_archive(archive, role, "the archive is empty")
    return BaseArchive(tar_path=tar_path, members=members)


def _uncompressed(archive: Path, work_dir: Path, role: str) -> Path:
    with archive.open("rb") as probe:
        compressed = probe.read(2) == _GZIP_MAGIC
    if not compressed:
        return archive
    target = work_dir / "base.tar"
    try:
        with gzip.open(archive, "rb") as source, target.open("wb") as sink:
            shutil.copyfileobj(source, sink, 1024 * 1024)
    except (OSError, EOFError, zlib.error) as error:  # gzip.BadGzipFile is an OSError
        raise corrupt_archive(archive, role, error) from None
    return target


def missing_archive(path: Path, role: str) -> SmeError:
    """E-SME-400: the archive to read does not exist."""
    return SmeError(
        "E-SME-400",
        f"The {role} archive {path} does not exist or is not a file.",
        ["Check the path of the archive.",
         "For a local stand-in base run: python -m language_container minimal-base <file>."],
    )


def corrupt_archive(archive: Path, role: str, reason: object) -> SmeError:
    """E-SME-401: the archive exists but is no readable tar/tar.gz."""
    return SmeError(
        "E-SME-401",
        f"The {role} archive {archive.name} cannot be read as a tar or tar.gz archive: {reason}.",
        [f"Check that {archive.name} is a complete script-languages container (.tar.gz); download it again if "
         "it may be truncated."],
    )
