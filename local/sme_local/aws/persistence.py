"""The emulator's AWS state on disk, so that a stopped and restarted stack keeps its buckets, jobs and endpoints.

moto holds all state in its backend objects (``s3_backends``, ``iam_backends``, ``sts_backends``,
``sagemaker_backends``: per account, per region); they pickle as they are (moto's S3 keys define their own pickled
form). The one index moto keeps outside them, the bucket namespace, is rebuilt from the restored buckets. A snapshot is those backends plus what the hooks keep beside them (the candidates of trained jobs), written
to a temporary file and renamed over the old one, so that a crash while writing leaves the previous snapshot.
The file is readable by its owner only: it holds the users' S3 objects.
"""

from __future__ import annotations

import os
import pickle
import threading
from pathlib import Path
from typing import Any

from moto.iam.models import iam_backends
from moto.s3.models import s3_backends
from moto.sagemaker.models import sagemaker_backends
from moto.sts.models import sts_backends

SNAPSHOT_FILE_NAME = "aws-state.pickle"
_BACKENDS = {"s3": s3_backends, "iam": iam_backends, "sts": sts_backends, "sagemaker": sagemaker_backends}
_SNAPSHOT_ATTEMPTS = 5


class StateFile:
    """One snapshot file; ``save`` may be called from any thread (requests keep running meanwhile)."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / SNAPSHOT_FILE_NAME
        self._lock = threading.Lock()

    def save(self, extra: dict[str, Any]) -> None:
        with self._lock:
            data = _pickled_state(extra)
            temporary = self.path.with_suffix(".tmp")
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)

    def load(self) -> dict[str, Any] | None:
        """Put the saved backends back into moto and return the extra state; None if nothing was saved."""
        if not self.path.is_file():
            return None
        state = pickle.loads(self.path.read_bytes())
        for service, accounts in state["backends"].items():
            for account, regions in accounts.items():
                for region, backend in regions.items():
                    dict.__setitem__(_BACKENDS[service][account], region, backend)
        _register_bucket_names()
        return state["extra"]


def _register_bucket_names() -> None:
    """moto keeps the global bucket namespace beside its S3 backends (``s3_backends.bucket_accounts``), not in
    them; without it a restored bucket is invisible to CreateBucket, which would replace it with an empty one."""
    for partitions in s3_backends.values():
        for backend in dict.values(partitions):
            for bucket in [*backend.buckets.values(), *backend.table_buckets.values()]:
                s3_backends.bucket_accounts[bucket.name] = (bucket.partition, bucket.account_id)


def _pickled_state(extra: dict[str, Any]) -> bytes:
    """Requests may change a backend's dictionaries while they are pickled; take the snapshot again then."""
    for attempt in range(_SNAPSHOT_ATTEMPTS):
        try:
            backends = {service: {account: dict(regions) for account, regions in list(accounts.items())}
                        for service, accounts in _BACKENDS.items()}
            return pickle.dumps({"backends": backends, "extra": extra}, protocol=pickle.HIGHEST_PROTOCOL)
        except RuntimeError:
            if attempt == _SNAPSHOT_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")
