"""Names and fixed values every part of the container build agrees on.

The archive name is what the deploy CLI downloads from a release (``CONTAINER_NAME_TEMPLATE`` in
``exasol_sagemaker_extension.installation.container``) and what BucketFS extracts into a directory of the same
name without ``.tar.gz``; the manifest name is the file python-extension-common's ExtractValidator looks for
in that directory to decide that the extraction has finished on every node.
"""

from __future__ import annotations

from pathlib import Path

CONTAINER_NAME = "exasol_sagemaker_extension_container"
MANIFEST_NAME = "exasol-manifest.json"
# The client binary the language alias points at (SLC >= 9.0.0; older containers had exaudfclient_py3).
UDF_CLIENT_PATH = "exaudf/exaudfclient"
# 1980-01-01T00:00:00Z, the earliest time a zip (wheel) can hold: a fixed mtime makes rebuilds byte-identical.
FIXED_MTIME = 315532800
FLAVOR_DIR = Path(__file__).parent / "flavor"
REQUIREMENTS_FILE = FLAVOR_DIR / "flavor_base" / "dependencies" / "requirements.txt"


def archive_file_name(version: str) -> str:
    """``exasol_sagemaker_extension_container-<version>.tar.gz``, the name of a built container."""
    return f"{CONTAINER_NAME}-{version}.tar.gz"
