"""The one way the extension builds its SageMaker and STS control-plane clients: with AWS's advised retries.

Without a ``Config``, botocore uses its "legacy" retry mode, or whatever ``AWS_RETRY_MODE`` / ``~/.aws/config``
of the UDF's host happen to say, so the behaviour under throttling would depend on the machine. AWS advises the
"standard" mode for SDK clients: exponential backoff with full jitter (capped at 20 s) on throttling
(``ThrottlingException``, ``SlowDown``, …), on 500/502/503/504 answers and on dropped connections, with a bounded
number of attempts. Five attempts ride out a burst of throttling (~10 s of backoff at most) without letting a
dead service hold a SQL statement for minutes. Control-plane calls are idempotent reads or creates whose name
makes a repeat fail loudly (an existing resource), so retrying them is safe. The prediction path has its own
retry loop instead (``prediction.runtime_client``).
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config

CONTROL_PLANE_MAX_ATTEMPTS = 5
_CONFIG = Config(retries={"mode": "standard", "max_attempts": CONTROL_PLANE_MAX_ATTEMPTS},
                 connect_timeout=10, read_timeout=60)


def control_plane_client(session: boto3.Session, service: str = "sagemaker") -> Any:
    """A ``sagemaker`` (or ``sts``, ``cloudwatch``) client of ``session`` with standard retries and bounded attempts."""
    return session.client(service, config=_CONFIG)
