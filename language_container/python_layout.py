"""Finds the Python of a base container and the package directory the extension is layered into.

Only names and member types are looked at, so the same rules serve real containers and the local stand-in:
- Python versions come from interpreters ``<prefix>/bin/python3.X`` and, if a base has none (the stand-in),
  from library directories ``<prefix>/lib/python3.X``.
- The package directory follows the interpreter's prefix: for the system Python of Debian/Ubuntu (prefix
  ``usr``, what Exasol's template flavors use) ``usr/local/lib/python3.X/dist-packages`` first (where pip
  installs, ahead of apt's directory on sys.path), then ``usr/lib/python3/dist-packages``, then the
  ``site-packages`` directories; for any other prefix (e.g. conda's ``opt/conda``)
  ``<prefix>/lib/python3.X/site-packages``.
A directory reached through a symlink is never chosen: files written under it would land wherever the link
points once the archive is extracted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from exasol_sagemaker_extension.errors import SmeError
from language_container.base_archive import BaseArchive

_INTERPRETER = re.compile(r"^(?:(.+)/)?bin/python(3\.\d+)$")
_LIBRARY_DIR = re.compile(r"^(?:(.+)/)?lib/python(3\.\d+)(?:/|$)")
_SYSTEM_PREFIXES = ("usr", "usr/local")


@dataclass(frozen=True)
class PythonLayout:
    """The base's Python version (``3.12``) and the package directory (archive-relative) to install into."""

    version: str
    site_dir: str


def detect_layout(base: BaseArchive, python_version: str | None = None, site_dir: str | None = None) -> PythonLayout:
    """The layout of ``base``; ``python_version``/``site_dir`` override what detection would choose."""
    version = python_version or _single_version(base)
    if site_dir is not None:
        chosen = site_dir.strip("/")
        if chosen not in base.directories or _under_symlink(base, chosen):
            raise _no_site_dir(version, f"the directory {chosen} given with --site-packages is not in the base")
        return PythonLayout(version, chosen)
    prefixes = _prefixes(base, version)
    if not prefixes:
        raise _no_python(f"the base has no Python {version}")
    for candidate in _candidates(prefixes, version):
        if candidate in base.directories and not _under_symlink(base, candidate):
            return PythonLayout(version, candidate)
    raise _no_site_dir(version, f"none of {', '.join(_candidates(prefixes, version))} exists in the base")


def python_versions(base: BaseArchive) -> tuple[set[str], set[str]]:
    """(versions with an interpreter, versions with only a library directory)."""
    with_interpreter = {m.group(2) for name in base.members if (m := _INTERPRETER.match(name))}
    with_library = {m.group(2) for name in base.members if (m := _LIBRARY_DIR.match(name))}
    return with_interpreter, with_library - with_interpreter


def _single_version(base: BaseArchive) -> str:
    with_interpreter, library_only = python_versions(base)
    found = with_interpreter or library_only
    if not found:
        raise _no_python("neither an interpreter bin/python3.X nor a directory lib/python3.X was found")
    if len(found) > 1:
        listed = ", ".join(sorted(found, key=_version_key))
        raise SmeError(
            "E-SME-406",
            f"The base container holds several Python versions ({listed}); it is unclear which one runs UDFs.",
            ["Choose one with --python-version (and, if needed, the package directory with --site-packages)."],
        )
    return found.pop()


def _prefixes(base: BaseArchive, version: str) -> list[str]:
    interpreters = {m.group(1) or "" for name in base.members
                    if (m := _INTERPRETER.match(name)) and m.group(2) == version}
    if not interpreters:
        interpreters = {m.group(1) or "" for name in base.members
                        if (m := _LIBRARY_DIR.match(name)) and m.group(2) == version}
    # A non-system prefix (conda) is the one its container's exaudfclient is built for; then the system one.
    return sorted(interpreters, key=lambda prefix: (prefix in _SYSTEM_PREFIXES, len(prefix), prefix))


def _candidates(prefixes: list[str], version: str) -> list[str]:
    ordered: list[str] = []
    for prefix in prefixes:
        if prefix in _SYSTEM_PREFIXES:
            options = [f"usr/local/lib/python{version}/dist-packages", "usr/lib/python3/dist-packages",
                       f"usr/local/lib/python{version}/site-packages", f"usr/lib/python{version}/site-packages"]
        else:
            options = [str(PurePosixPath(prefix, "lib", f"python{version}", "site-packages"))]
        ordered.extend(option for option in options if option not in ordered)
    return ordered


def _under_symlink(base: BaseArchive, directory: str) -> bool:
    path = PurePosixPath(directory)
    return any(base.is_symlink(str(part)) for part in [path, *path.parents] if str(part) != ".")


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def _no_python(reason: str) -> SmeError:
    return SmeError(
        "E-SME-405",
        f"No Python found in the base container: {reason}.",
        ["Use a Python script-languages container as base (e.g. Exasol's template-Exasol-all-python-3.12 "
         "release), or the local stand-in from: python -m language_container minimal-base <file>."],
    )


def _no_site_dir(version: str, reason: str) -> SmeError:
    return SmeError(
        "E-SME-407",
        f"The base container has no site-packages or dist-packages directory for Python {version}: {reason}.",
        ["Name the package directory inside the container with --site-packages "
         "(e.g. usr/local/lib/python3.12/dist-packages)."],
    )
