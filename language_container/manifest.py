"""The ``exasol-manifest.json`` written at the container root.

exaslct writes ``{}`` there, and python-extension-common only checks that the file exists (from a UDF, on
every node) to know the extraction has finished. This build fills it with what a reader of a deployed
container wants to know: which version of the extension, built on which base, for which Python, with which
packages layered in. No timestamp: the same inputs must give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from language_container.distributions import Distribution
from language_container.naming import CONTAINER_NAME
from language_container.python_layout import PythonLayout


def manifest_json(version: str, layout: PythonLayout, platform: str, base_file: str, base_sha256: str,
                  base_is_stand_in: bool, packages: Sequence[Distribution]) -> bytes:
    """The manifest document, as sorted, indented JSON bytes."""
    document = {
        "container": CONTAINER_NAME,
        "version": version,
        "build": {
            "builder": "language_container docker-free layering",
            "python_version": layout.version,
            "package_dir": layout.site_dir,
            "wheel_platform": platform,
        },
        "base": {"file": base_file, "sha256": base_sha256, "local_stand_in": base_is_stand_in},
        "packages": [{"name": p.name, "version": p.version} for p in sorted(packages, key=lambda p: p.name.lower())],
    }
    return (json.dumps(document, indent=2, sort_keys=True) + "\n").encode("utf-8")
