"""A MINIMAL LOCAL STAND-IN for a script-languages container base, for tests and the local emulator stack.

Real bases (Exasol's script-languages releases, several hundred MB, built with Docker) cannot be downloaded
on an offline machine, yet the docker-free build, its tests and the Exasol emulator need a base with the
layout of one. This archive has that layout and nothing else:
- ``exaudf/exaudfclient``: a shell script that refuses to run (a real container has the UDF client binary);
- ``usr/lib/python<X.Y>/site-packages``: an empty package directory for the HOST's Python version, so that the
  layered packages are importable by the host interpreter, which is how the emulator runs a container's UDFs;
- ``build_info/local_stand_in_base.json``: the marker that says what this is (builds record it in the manifest);
- ``conf/``, ``buckets/`` (mount points of a real container) and ``exasol-manifest.json`` last, as exaslct does.
It has no interpreter and no libraries. It is NOT a script-languages container and cannot run in Exasol.
"""

from __future__ import annotations

import json
import sys
import tarfile
from pathlib import Path

from language_container.base_archive import BaseArchive
from language_container.deterministic_tar import ArchiveEntry, bytes_entry, root_owned, write_deterministic
from language_container.naming import MANIFEST_NAME, UDF_CLIENT_PATH

STAND_IN_MARKER = "build_info/local_stand_in_base.json"
_CLIENT_SCRIPT = b"""#!/bin/sh
echo "exaudfclient of a LOCAL STAND-IN base container: it cannot run UDFs." >&2
echo "Build the extension container on a real script-languages container to deploy it to Exasol." >&2
exit 1
"""


def host_python_version() -> str:
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def is_stand_in(base: BaseArchive) -> bool:
    return STAND_IN_MARKER in base.members


def create_minimal_base(target: Path, python_version: str | None = None) -> Path:
    """Write the stand-in base archive to ``target`` (deterministic bytes) and return ``target``."""
    version = python_version or host_python_version()
    site_dir = f"usr/lib/python{version}/site-packages"
    marker = {
        "what": "Local stand-in for a script-languages container base: no interpreter, no UDF client. For tests "
                "and the local Exasol emulator only; never deploy a container built on it to Exasol.",
        "python_version": version,
        "package_dir": site_dir,
    }
    directories = ["buckets", "conf", "exaudf", "build_info", "usr", "usr/lib", f"usr/lib/python{version}", site_dir]
    entries = [ArchiveEntry(root_owned(name, tarfile.DIRTYPE, 0o755)) for name in directories]
    client = bytes_entry(UDF_CLIENT_PATH, _CLIENT_SCRIPT)
    client.info.mode = 0o755
    entries += [client, bytes_entry(STAND_IN_MARKER, (json.dumps(marker, indent=2, sort_keys=True) + "\n").encode())]
    target.parent.mkdir(parents=True, exist_ok=True)
    write_deterministic(target, entries, bytes_entry(MANIFEST_NAME, b"{}\n"))
    return target
