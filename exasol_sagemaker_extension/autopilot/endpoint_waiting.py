"""Wait, boundedly and visibly, until an endpoint is InService.

Creating an endpoint takes minutes on AWS and seconds on the local stand-in. The old extension blocked without
any sign of life and without a limit; here every poll reports the status to a callback, the interval grows from
one second to fifteen (``polling``), and a deadline ends the wait with an error that says the endpoint may still come up.
"""

from __future__ import annotations

import time
from typing import Any, Callable

from exasol_sagemaker_extension.autopilot.aws_errors import aws_call
from exasol_sagemaker_extension.autopilot.polling import poll
from exasol_sagemaker_extension.errors import SmeError

IN_SERVICE = "InService"
# Statuses from which an endpoint will not become InService without a new deployment.
TERMINAL_FAILURES = frozenset({"Failed", "OutOfService", "Deleting", "UpdateRollbackFailed"})

ProgressCallback = Callable[[str], None]


def wait_until_in_service(
    client: Any,
    endpoint_name: str,
    timeout_seconds: float,
    on_progress: ProgressCallback,
    secrets: tuple[str, ...] = (),
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> str:
    """Poll DescribeEndpoint until InService (returned), a terminal failure, or the timeout (both raise)."""
    def describe() -> dict[str, Any]:
        with aws_call("describe the endpoint", endpoint_name, secrets=secrets):
            return client.describe_endpoint(EndpointName=endpoint_name)

    def in_service(description: dict[str, Any]) -> bool:
        status = description["EndpointStatus"]
        if status in TERMINAL_FAILURES:
            raise endpoint_failed(endpoint_name, status, description.get("FailureReason"))
        return status == IN_SERVICE

    description, done = poll(describe, "EndpointStatus", in_service, timeout_seconds, on_progress, sleep, clock)
    if not done:
        raise SmeError(
            "E-SME-144",
            f"The endpoint {endpoint_name} is still {description['EndpointStatus']} after {timeout_seconds:g} "
            f"seconds.",
            [
                "Deploy again with the same names later: the deployment resumes waiting and creates nothing twice.",
                "Or raise timeout_seconds; real endpoints usually need 5-10 minutes.",
            ],
        )
    return IN_SERVICE


def endpoint_failed(endpoint_name: str, status: str, failure_reason: str | None) -> SmeError:
    """The error for an endpoint that cannot serve, with AWS's own reason."""
    return SmeError(
        "E-SME-143",
        f"The endpoint {endpoint_name} is {status} and will not serve: {failure_reason or 'AWS gave no reason'}.",
        [
            "Delete it (SME_DELETE_SAGEMAKER_AUTOPILOT_ENDPOINT) and deploy again after fixing the cause.",
            "Check the instance type is available in the region and within the account's quota.",
        ],
    )
