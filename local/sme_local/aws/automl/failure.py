"""The one way a training job ends in status Failed."""

from __future__ import annotations


class JobFailure(Exception):
    """A job failure whose text becomes the job's ``FailureReason``.

    Autopilot prefixes reasons with the party at fault (``ClientError:`` for problems in the request or the data,
    ``AlgorithmError:`` for problems during training); the emulator keeps that convention so that callers can
    show the reason verbatim.
    """

    def __init__(self, reason: str, client_error: bool = True) -> None:
        prefix = "ClientError" if client_error else "AlgorithmError"
        self.reason = f"{prefix}: {reason}"
        super().__init__(self.reason)
