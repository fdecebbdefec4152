"""Where a ``/buckets/...`` path seen inside a UDF lives on the emulator's disk.

Real Exasol mounts every bucket read-only at ``/buckets/<service>/<bucket>/`` in the UDF sandbox. The emulator
cannot mount, so the UDF executor maps that prefix onto the BucketFS root; keeping the mapping here, next to
the layout it depends on, means the two cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

UDF_MOUNT_POINT = PurePosixPath("/buckets")


def resolve_udf_path(root: Path | str, udf_path: str) -> Path:
    """``/buckets/<service>/<bucket>/<rest>`` -> ``<root>/<service>/<bucket>/<rest>``.

    Raises ValueError for paths outside ``/buckets`` or containing ``..`` (no escape from the root).
    """
    path = PurePosixPath(udf_path)
    if not path.is_absolute() or path.parts[:2] != UDF_MOUNT_POINT.parts or ".." in path.parts:
        raise ValueError(f"not a BucketFS path as seen by UDFs: {udf_path!r}")
    return Path(root).joinpath(*path.parts[2:])
