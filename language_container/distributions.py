"""Names and versions of installed Python distributions, from their ``*.dist-info/METADATA`` files.

Used twice: for the manifest (what this build layered into the container) and for the contents table (what
the finished archive holds, base packages included).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.parser import HeaderParser
from pathlib import Path

_METADATA_IN_PACKAGE_DIR = re.compile(
    r"^(?P<package_dir>(?:.+/)?(?:site|dist)-packages)/[^/]+\.dist-info/METADATA$"
)


@dataclass(frozen=True, order=True)
class Distribution:
    name: str
    version: str


def parse_metadata(text: str) -> Distribution:
    """The Name and Version headers of a METADATA file (core metadata is RFC 822 style)."""
    headers = HeaderParser().parsestr(text, headersonly=True)
    name, version = headers.get("Name"), headers.get("Version")
    if not name or not version:
        raise ValueError("METADATA without Name or Version")
    return Distribution(name.strip(), version.strip())


def installed_distributions(package_dir: Path) -> list[Distribution]:
    """Every distribution installed in ``package_dir``, sorted by name (case-insensitive)."""
    found = [parse_metadata(path.read_text(encoding="utf-8", errors="replace"))
             for path in package_dir.glob("*.dist-info/METADATA")]
    return sorted(found, key=lambda d: (d.name.lower(), d.version))


def package_dir_of_metadata(member_name: str) -> str | None:
    """For ``<dir>/(site|dist)-packages/x.dist-info/METADATA`` the package directory, else None."""
    match = _METADATA_IN_PACKAGE_DIR.match(member_name)
    return match.group("package_dir") if match else None
