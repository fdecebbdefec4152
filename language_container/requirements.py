"""The pinned runtime requirements of the container, read from the flavor's requirements.txt.

One file serves both builds (exaslct's Dockerfile and the docker-free layering), so the two can never install
different versions. Every line must be an exact ``name==version`` pin: a range would make two builds of the
same commit differ.
"""

from __future__ import annotations

import re
from pathlib import Path

from language_container.naming import REQUIREMENTS_FILE

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([A-Za-z0-9.+!_-]+)$")


def parse_pins(text: str) -> list[str]:
    """The ``name==version`` lines of a requirements text, comments and blank lines dropped.

    Raises ValueError for any other line, because an unpinned requirement breaks reproducibility.
    """
    pins = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if not _PIN.match(line):
            raise ValueError(f"line {number} of the container requirements is not an exact pin: {raw!r}")
        pins.append(line)
    return pins


def normalise_project_name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_pins(path: Path = REQUIREMENTS_FILE) -> list[str]:
    """The container's runtime pins from the flavor's requirements.txt."""
    return parse_pins(path.read_text(encoding="utf-8"))
