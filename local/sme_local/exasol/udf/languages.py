"""Which Python a script's language alias runs on: the host's (builtin_python3) or an uploaded container's.

SCRIPT_LANGUAGES holds space-separated ``ALIAS=URL`` pairs. Two URL forms are Python:

- ``builtin_python3`` — the host interpreter with the host's site-packages (``python -I``: no user site, no
  PYTHON* variables, no current directory on the path).
- ``localzmq+protobuf:///<bfs>/<bucket>/<path>?lang=python#/buckets/<bfs>/<bucket>/<path>/exaudf/exaudfclient``
  (the form exasol-python-extension-common writes; older containers end in ``exaudfclient_py3``, and the fragment
  may lack its leading ``/``) — a language container uploaded to BucketFS and extracted at
  ``<bucketfs_root>/<bfs>/<bucket>/<path>``. The worker runs on the host interpreter with ``-I -S`` and, on top
  of the host's stdlib, every ``site-packages``/``dist-packages`` directory found inside the extracted tree
  (depth <= 6, not inside another such directory, never leaving the tree through symlinks), in sorted path
  order, added with ``site.addsitedir``. A package missing from the container therefore fails with
  ModuleNotFoundError as in Exasol. Compiled packages must match the host's Python ABI (the emulator does not
  run the container's own interpreter or ``exaudfclient``; they are not required to exist).

R and Java aliases are recognised and refused: the emulator runs Python and Lua only.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs

from .model import UdfError

BUILTIN_PYTHON3 = "builtin_python3"
_CONTAINER_URL = re.compile(r"localzmq\+protobuf:///([^/?#]+)/([^/?#]+)/([^?#]+?)/?\?([^#]*)#/?(.+)")
_PACKAGE_DIR_NAMES = ("site-packages", "dist-packages")
_MAX_SEARCH_DEPTH = 6
_SKIPPED_TOP_DIRS = {"proc", "sys", "dev"}


@dataclass(frozen=True)
class LanguageRuntime:
    """How to start a worker for one alias. ``container_dir`` None = the host's own Python."""

    alias: str
    container_dir: Path | None
    package_dirs: tuple[Path, ...]

    @property
    def interpreter_flags(self) -> tuple[str, ...]:
        return ("-I",) if self.container_dir is None else ("-I", "-S")


def parse_script_languages(value: str) -> dict[str, str]:
    """``'PYTHON3=builtin_python3 R=builtin_r'`` -> ``{'PYTHON3': 'builtin_python3', 'R': 'builtin_r'}``."""
    pairs = {}
    for entry in value.split():
        alias, separator, url = entry.partition("=")
        if not separator or not alias or not url:
            raise UdfError(f"E-EMU-UDF-3: invalid SCRIPT_LANGUAGES entry {entry!r}; expected ALIAS=URL. "
                           "Mitigation: correct the value with ALTER SESSION SET SCRIPT_LANGUAGES='ALIAS=URL ...'.",
                           "42000")
        pairs[alias.upper()] = url
    return pairs


def resolve_language(alias: str, script_languages_value: str, bucketfs_root: Path | None) -> LanguageRuntime:
    """Find out how scripts of ``alias`` run, or raise UdfError with the reason and a mitigation."""
    urls = parse_script_languages(script_languages_value)
    url = urls.get(alias.upper())
    if url is None:
        raise UdfError(f"E-EMU-UDF-1: script language alias {alias} is not defined in SCRIPT_LANGUAGES "
                       f"({script_languages_value!r}). Mitigation: define it with ALTER SESSION or ALTER SYSTEM "
                       f"SET SCRIPT_LANGUAGES, keeping the existing aliases.", "42000")
    if url == BUILTIN_PYTHON3:
        return LanguageRuntime(alias.upper(), None, ())
    if url.startswith("builtin_"):
        raise _unsupported(alias, url)
    match = _CONTAINER_URL.fullmatch(url)
    if not match:
        raise UdfError(f"E-EMU-UDF-3: cannot read the URL {url!r} of script language alias {alias}. Mitigation: "
                       "use localzmq+protobuf:///<bfs>/<bucket>/<path>?lang=python#/buckets/<bfs>/<bucket>/<path>/"
                       "exaudf/exaudfclient.", "42000")
    service, bucket, path, query, client = match.groups()
    if parse_qs(query).get("lang") != ["python"]:
        raise _unsupported(alias, url)
    parts = [service, bucket, *path.split("/")]
    if any(part in ("", ".", "..") for part in parts) or not client.startswith("buckets/" + "/".join(parts) + "/"):
        raise UdfError(f"E-EMU-UDF-3: the URL {url!r} of script language alias {alias} does not name one "
                       "container in BucketFS consistently. Mitigation: path and #/buckets/... fragment must "
                       "point to the same extracted container.", "42000")
    udf_path = "/buckets/" + "/".join(parts)
    if bucketfs_root is None:
        raise _missing_container(alias, udf_path, "the emulator runs without BucketFS")
    container_dir = Path(bucketfs_root, *parts)
    if not container_dir.is_dir():
        raise _missing_container(alias, udf_path, "no extracted container at that path")
    package_dirs = find_package_dirs(container_dir)
    if not package_dirs:
        raise UdfError(f"E-EMU-UDF-5: the script language container of alias {alias} at {udf_path} has no "
                       "site-packages or dist-packages directory. Mitigation: upload a complete Python "
                       "language container (its .tar.gz) to that path.", "22002")
    return LanguageRuntime(alias.upper(), container_dir, package_dirs)


def _unsupported(alias: str, url: str) -> UdfError:
    return UdfError(f"E-EMU-UDF-2: script language alias {alias} ({url}) is not Python; the emulator runs Python "
                    "and Lua scripts only. Mitigation: use a Python alias (builtin_python3 or a container with "
                    "lang=python).", "0A000")


def _missing_container(alias: str, udf_path: str, reason: str) -> UdfError:
    return UdfError(f"VM error: E-EMU-UDF-4: script language container of alias {alias} not found at {udf_path} "
                    f"({reason}). Mitigation: upload the container archive to BucketFS so that it is extracted "
                    "there, or point the alias at the right path.", "22002")


def find_package_dirs(container_dir: Path) -> tuple[Path, ...]:
    """The container's package directories (cached until the extracted directory is replaced)."""
    status = container_dir.stat()
    return _find_package_dirs(str(container_dir), status.st_ino, status.st_mtime_ns)


@lru_cache(maxsize=32)
def _find_package_dirs(root: str, inode: int, mtime_ns: int) -> tuple[Path, ...]:
    real_root = os.path.realpath(root)
    found = []
    for directory, subdirectories, _ in os.walk(root):
        depth = directory[len(root):].count(os.sep)
        if depth == 0:
            subdirectories[:] = [name for name in subdirectories if name not in _SKIPPED_TOP_DIRS]
        for name in [name for name in subdirectories if name in _PACKAGE_DIR_NAMES]:
            candidate = os.path.join(directory, name)
            if os.path.realpath(candidate).startswith(real_root + os.sep):
                found.append(Path(candidate))
        subdirectories[:] = sorted(
            name for name in subdirectories if name not in _PACKAGE_DIR_NAMES and depth < _MAX_SEARCH_DEPTH
        )
    return tuple(sorted(found))
