"""The files of one bucket on the local disk, with BucketFS semantics.

BucketFS is a key-value store that looks like a file system: keys are POSIX paths, directories are implicit,
an upload may overwrite, deleting a missing key is no error, and an archive upload is also visible unpacked
(to UDFs only — the HTTP listing shows the archive as uploaded). The store keeps exactly the layout that UDFs
see under ``/buckets/<service>/<bucket>/``, so the UDF executor can map that path onto the store's directory
without a copy. Anything that cannot be represented in that layout (a file and a directory with the same
name, a file inside an archive's unpacked directory) is refused with ``ConflictError`` instead of silently
shadowing data.

Readers never see half-written files: an upload is streamed into a staging directory outside every bucket,
unpacked there if it is an archive, and only then renamed into place.
"""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from pathlib import Path
from typing import BinaryIO, Callable, Iterator
from urllib.parse import unquote

from sme_local.exasol.bucketfs.archives import extract_archive, extraction_dir_name

STAGING_DIR_NAME = ".staging"
_COPY_CHUNK = 1 << 20


class InvalidKeyError(Exception):
    """The path is not a valid BucketFS key (empty, or it contains '.', '..' or NUL segments)."""


class ConflictError(Exception):
    """The key collides with an existing file, directory or unpacked archive."""


def normalize_key(raw: str) -> str:
    """Turn a URL path below the bucket into a key: decoded, no leading/trailing or doubled slashes."""
    decoded = unquote(raw)
    parts = [part for part in decoded.split("/") if part]
    if any(part in (".", "..") or "\x00" in part for part in parts):
        raise InvalidKeyError(f"invalid path in bucket: {decoded!r}")
    return "/".join(parts)


class BucketStore:
    """One bucket's files under ``<root>/<service>/<bucket>/``; safe for concurrent requests."""

    def __init__(self, root: Path, service_name: str, bucket_name: str) -> None:
        self.directory = Path(root) / service_name / bucket_name
        self._staging = Path(root) / STAGING_DIR_NAME
        self._lock = threading.Lock()
        self.directory.mkdir(parents=True, exist_ok=True)
        self._staging.mkdir(parents=True, exist_ok=True)

    def list_files(self) -> list[str]:
        """Every uploaded key, sorted; an archive is listed as uploaded, its unpacked directory is not."""
        keys: list[str] = []
        for dir_path, dir_names, file_names in os.walk(self.directory):
            unpacked = {extraction_dir_name(name) for name in file_names}
            dir_names[:] = sorted(name for name in dir_names if name not in unpacked)
            relative = Path(dir_path).relative_to(self.directory)
            for name in file_names:
                if (Path(dir_path) / name).is_symlink():
                    continue
                keys.append((relative / name).as_posix())
        return sorted(keys)

    def file_for_download(self, key: str) -> Path | None:
        """The local file behind an uploaded key, or None if no such upload exists."""
        key = normalize_key(key)
        if not key or self._unpacked_ancestor(key) is not None:
            return None
        path = self.directory / key
        if path.is_symlink() or not path.is_file():
            return None
        return path

    def upload(self, key: str, write_body: Callable[[BinaryIO], None]) -> None:
        """Store what ``write_body`` writes as ``key``; archives are unpacked before this returns.

        Raises InvalidKeyError, ConflictError, or archives.UnsafeArchiveError (then nothing is changed).
        """
        key = normalize_key(key)
        if not key:
            raise InvalidKeyError("an upload needs a file path below the bucket")
        self._check_upload_conflicts(key)
        token = uuid.uuid4().hex
        staged_file = self._staging / f"{token}-{Path(key).name}"
        staged_dir = self._staging / f"{token}.unpacked"
        try:
            with open(staged_file, "wb") as sink:
                write_body(sink)
            if extraction_dir_name(Path(key).name) is not None:
                extract_archive(staged_file, staged_dir)
            retired = self._install(key, staged_file, staged_dir)
        finally:
            staged_file.unlink(missing_ok=True)
            shutil.rmtree(staged_dir, ignore_errors=True)
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)

    def delete(self, key: str) -> None:
        """Remove an uploaded key (and an archive's unpacked directory); a missing key is no error."""
        key = normalize_key(key)
        with self._lock:
            path = self.file_for_download(key) if key else None
            if path is None:
                return
            path.unlink()
            unpacked_name = extraction_dir_name(path.name)
            retired = self._retire(path.parent / unpacked_name) if unpacked_name else None
            self._prune_empty_parents(path.parent)
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)

    def _install(self, key: str, staged_file: Path, staged_dir: Path) -> Path | None:
        """Move a finished upload into place; returns an old unpacked directory to remove afterwards."""
        target = self.directory / key
        with self._lock:
            self._check_upload_conflicts(key)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged_file, target)
            unpacked_name = extraction_dir_name(target.name)
            if unpacked_name is None:
                return None
            retired = self._retire(target.parent / unpacked_name)
            os.replace(staged_dir, target.parent / unpacked_name)
            return retired

    def _retire(self, directory: Path) -> Path | None:
        """Move a directory out of the bucket (a cheap rename) so it can be deleted outside the lock."""
        if not directory.exists():
            return None
        retired = self._staging / f"{uuid.uuid4().hex}.retired"
        os.replace(directory, retired)
        return retired

    def _check_upload_conflicts(self, key: str) -> None:
        target = self.directory / key
        owner = self._unpacked_ancestor(key)
        if owner is not None:
            raise ConflictError(f"{key} lies inside the unpacked content of archive {owner}")
        for ancestor in self._ancestors(key):
            if (self.directory / ancestor).is_file():
                raise ConflictError(f"{key} needs a directory {ancestor}, but a file of that name exists")
        if target.is_dir():
            raise ConflictError(f"{key} is a directory in the bucket")
        unpacked_name = extraction_dir_name(target.name)
        if unpacked_name is None:
            return
        unpacked_dir = target.parent / unpacked_name
        other_archives = [name for name in self._archives_unpacking_into(target.parent, unpacked_name)
                          if name != target.name]
        if other_archives:
            raise ConflictError(f"archive {other_archives[0]} is already unpacked into {unpacked_name}")
        if unpacked_dir.exists() and not (target.is_file() and unpacked_dir.is_dir()):
            raise ConflictError(f"{key} would be unpacked into {unpacked_name}, which holds other uploads")

    def _unpacked_ancestor(self, key: str) -> str | None:
        """The archive whose unpacked directory contains ``key``, if any."""
        for ancestor in self._ancestors(key):
            parent = (self.directory / ancestor).parent
            archives = self._archives_unpacking_into(parent, Path(ancestor).name)
            if archives:
                return (Path(ancestor).parent / archives[0]).as_posix()
        return None

    @staticmethod
    def _archives_unpacking_into(parent: Path, dir_name: str) -> list[str]:
        if not parent.is_dir():
            return []
        return sorted(entry.name for entry in parent.iterdir()
                      if entry.is_file() and extraction_dir_name(entry.name) == dir_name)

    @staticmethod
    def _ancestors(key: str) -> Iterator[str]:
        parts = key.split("/")
        for depth in range(1, len(parts)):
            yield "/".join(parts[:depth])

    def _prune_empty_parents(self, directory: Path) -> None:
        """Directories are implicit in BucketFS: one that held only deleted files disappears with them."""
        while directory != self.directory and directory.is_dir() and not any(directory.iterdir()):
            directory.rmdir()
            directory = directory.parent
