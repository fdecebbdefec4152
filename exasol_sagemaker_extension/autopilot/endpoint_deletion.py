"""Delete an endpoint together with its endpoint config and model, so nothing keeps costing money.

Deleting is idempotent: each of the three resources is reported as DELETED or ALREADY_GONE, so a repeated or
half-finished delete is safe and tells the user exactly what happened. The config and model names are read
from the endpoint when it still exists and otherwise derived from the endpoint name the way deployment
derives them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3

from exasol_sagemaker_extension.autopilot.control_plane_client import control_plane_client
from exasol_sagemaker_extension.autopilot.aws_errors import unless_missing
from exasol_sagemaker_extension.autopilot.credentials import session_secrets
from exasol_sagemaker_extension.autopilot.names import endpoint_config_name_for, model_name_for, validate_endpoint_name

DELETED = "DELETED"
ALREADY_GONE = "ALREADY_GONE"


@dataclass(frozen=True)
class DeletedResource:
    resource_type: str  # ENDPOINT, ENDPOINT_CONFIG or MODEL
    resource_name: str
    outcome: str  # DELETED or ALREADY_GONE


def delete_endpoint(session: boto3.Session, endpoint_name: str) -> list[DeletedResource]:
    """Delete endpoint, endpoint config and model(s); one entry per resource, in that order."""
    validate_endpoint_name(endpoint_name)
    secrets = session_secrets(session)
    client = control_plane_client(session)
    endpoint = unless_missing(
        lambda: client.describe_endpoint(EndpointName=endpoint_name), "describe the endpoint", endpoint_name, secrets
    )
    config_name = endpoint["EndpointConfigName"] if endpoint else endpoint_config_name_for(endpoint_name)
    config = unless_missing(
        lambda: client.describe_endpoint_config(EndpointConfigName=config_name),
        "describe the endpoint config", config_name, secrets,
    )
    model_names = [v["ModelName"] for v in config["ProductionVariants"]] if config else [model_name_for(endpoint_name)]

    results = [
        _delete(lambda: client.delete_endpoint(EndpointName=endpoint_name), "ENDPOINT", endpoint_name, secrets),
        _delete(lambda: client.delete_endpoint_config(EndpointConfigName=config_name), "ENDPOINT_CONFIG", config_name, secrets),
    ]
    for model_name in model_names:
        results.append(_delete(lambda: client.delete_model(ModelName=model_name), "MODEL", model_name, secrets))
    return results


def _delete(call: Any, resource_type: str, name: str, secrets: tuple[str, ...]) -> DeletedResource:
    action = f"delete the {resource_type.lower().replace('_', ' ')}"
    deleted = unless_missing(lambda: call() or True, action, name, secrets)
    return DeletedResource(resource_type, name, DELETED if deleted else ALREADY_GONE)
