"""Builds small tar(.gz) archives with chosen members for the language-container tests."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

Member = tuple[str, str] | tuple[str, str, str]  # (name, "dir"|"file"|"symlink"|"hardlink", content-or-target)


def write_tar(path: Path, members: list[Member], gz: bool = True) -> Path:
    with tarfile.open(path, "w:gz" if gz else "w") as tar:
        for member in members:
            name, kind = member[0], member[1]
            payload = member[2] if len(member) > 2 else ""
            info = tarfile.TarInfo(name)
            if kind == "dir":
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                tar.addfile(info)
            elif kind == "symlink":
                info.type, info.linkname = tarfile.SYMTYPE, payload
                tar.addfile(info)
            elif kind == "hardlink":
                info.type, info.linkname = tarfile.LNKTYPE, payload
                tar.addfile(info)
            else:
                data = payload.encode()
                info.size, info.mode = len(data), 0o644
                tar.addfile(info, io.BytesIO(data))
    return path


def members_of(path: Path) -> list[str]:
    with tarfile.open(path, "r:*") as tar:
        return tar.getnames()
