"""Describe an endpoint the extension did not deploy: does it exist, is it InService, is it serverless.

``SME_CREATE_ENDPOINT_UDF`` asks this before it writes anything, so that a mistyped name or an endpoint still
being created is refused up front instead of surfacing as a failed prediction later. Serverless matters
because such endpoints take smaller request bodies (``PredictionSettings.payload_limit_bytes``).
"""

from __future__ import annotations

from dataclasses import dataclass

import boto3

from exasol_sagemaker_extension.autopilot.control_plane_client import control_plane_client
from exasol_sagemaker_extension.autopilot.aws_errors import unless_missing
from exasol_sagemaker_extension.autopilot.credentials import session_secrets
from exasol_sagemaker_extension.autopilot.names import validate_endpoint_name


@dataclass(frozen=True)
class EndpointState:
    """``status`` is None when no endpoint of that name exists in the account and region."""

    endpoint_name: str
    status: str | None
    failure_reason: str | None
    serverless: bool


def describe_endpoint_state(session: boto3.Session, endpoint_name: str) -> EndpointState:
    validate_endpoint_name(endpoint_name)
    secrets = session_secrets(session)
    client = control_plane_client(session)
    endpoint = unless_missing(
        lambda: client.describe_endpoint(EndpointName=endpoint_name), "describe the endpoint", endpoint_name, secrets
    )
    if endpoint is None:
        return EndpointState(endpoint_name, None, None, False)
    config_name = endpoint["EndpointConfigName"]
    config = unless_missing(
        lambda: client.describe_endpoint_config(EndpointConfigName=config_name),
        "describe the endpoint config", config_name, secrets,
    )
    variants = (config or {}).get("ProductionVariants") or [{}]
    return EndpointState(
        endpoint_name=endpoint["EndpointName"],
        status=endpoint["EndpointStatus"],
        failure_reason=endpoint.get("FailureReason"),
        serverless="ServerlessConfig" in variants[0],
    )
