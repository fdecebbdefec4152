"""Which uploads BucketFS unpacks, where they go, and how to unpack them without escaping the target.

BucketFS unpacks an uploaded archive next to the upload, into a directory named like the archive without its
archive suffix (``slc.tar.gz`` -> ``slc/``); that is the path ``exasol.bucketfs`` computes in ``as_udf_path``
and the path the language-container deployer points ``SCRIPT_LANGUAGES`` at. Archives are untrusted input:
a member named ``../../x``, an absolute name, or a link pointing outside the target must not write anywhere
but inside the target, so those archives are rejected as a whole instead of being partly extracted.
"""

from __future__ import annotations

import tarfile
import zipfile
from pathlib import Path, PurePosixPath

# Longest first, so that ``x.tar.gz`` is recognised as a tarball and not as something ending in ``.gz``.
ARCHIVE_SUFFIXES: tuple[str, ...] = (".tar.gz", ".tgz", ".tar", ".zip")


class UnsafeArchiveError(Exception):
    """The archive is corrupt or would write outside its extraction directory; nothing was extracted."""


def extraction_dir_name(file_name: str) -> str | None:
    """Name of the directory an upload called ``file_name`` is extracted into, or None if it is no archive."""
    lowered = file_name.lower()
    for suffix in ARCHIVE_SUFFIXES:
        if lowered.endswith(suffix) and len(file_name) > len(suffix):
            return file_name[: -len(suffix)]
    return None


def extract_archive(archive: Path, target: Path) -> None:
    """Extract ``archive`` (named by its original upload name's suffix) into the empty directory ``target``.

    Raises UnsafeArchiveError for corrupt archives and for members or links that would land outside ``target``.
    """
    kind = extraction_dir_name(archive.name)
    if kind is None:
        raise ValueError(f"not an archive name: {archive.name}")
    target.mkdir(parents=True, exist_ok=True)
    if archive.name.lower().endswith(".zip"):
        _extract_zip(archive, target)
    else:
        _extract_tar(archive, target)


def _extract_tar(archive: Path, target: Path) -> None:
    # The "data" filter (PEP 706) refuses "..", links leaving the target, devices and setuid bits; it would
    # quietly make absolute names relative, which the name check turns into a refusal like the zip case.
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            for member in tar.getmembers():
                _check_member_name(member.name, archive.name)
            tar.extractall(target, filter="data")
    except (tarfile.TarError, EOFError, OSError) as error:  # FilterError is a TarError
        raise UnsafeArchiveError(f"cannot extract {archive.name}: {error}") from error


def _extract_zip(archive: Path, target: Path) -> None:
    # zipfile silently rewrites dangerous names instead of refusing them, so check every name first:
    # an archive that tries to escape is rejected whole rather than extracted under altered names.
    try:
        with zipfile.ZipFile(archive) as bundle:
            for name in bundle.namelist():
                _check_member_name(name, archive.name)
            bundle.extractall(target)
    except (zipfile.BadZipFile, OSError) as error:
        raise UnsafeArchiveError(f"cannot extract {archive.name}: {error}") from error


def _check_member_name(name: str, archive_name: str) -> None:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise UnsafeArchiveError(f"{archive_name}: member {name!r} would be extracted outside the target directory")
