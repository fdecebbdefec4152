"""The model connection of an endpoint, as the prediction UDFs read it at run time — in either of its two forms.

This extension writes the JSON of the developer guide (``aws_credentials_connection_name``, region, assumed role,
``status``, ``serverless``, client settings). The old extension (0.11.x) wrote ``{"aws_s3_connection",
"aws_region", "endpoint_name", "status", "batch_size"}``, and the prediction UDFs it generated still read the
connection it wrote, so both forms are understood here and nowhere else. The old ``batch_size`` (always 100,
hard-coded) is deliberately not taken over: requests are sized by SageMaker's payload limit instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from exasol_sagemaker_extension.errors import SmeError
from exasol_sagemaker_extension.udfs.connection import is_privilege_error

_CREDENTIALS_KEYS = ("aws_credentials_connection_name", "aws_s3_connection")  # this extension's, the old one's
_REDEPLOY = "Redeploy the endpoint with SME_DEPLOY_SAGEMAKER_AUTOPILOT_ENDPOINT to rewrite the connection."


@dataclass(frozen=True)
class ModelConnection:
    """What the prediction path takes from the connection; absent keys are None (client settings: default)."""

    credentials_connection_name: str
    region: str | None
    assume_role_arn: str | None
    assume_role_external_id: str | None
    endpoint_name: str | None
    problem_type: str | None
    serverless: bool
    max_rows_per_request: Any
    max_requests_in_flight: Any

    @classmethod
    def from_address(cls, address: dict[str, Any]) -> ModelConnection:
        credentials = next((address[key] for key in _CREDENTIALS_KEYS if address.get(key)), "")
        return cls(
            credentials_connection_name=str(credentials),
            region=address.get("aws_region"),
            assume_role_arn=address.get("aws_assume_role_arn"),
            assume_role_external_id=address.get("aws_assume_role_external_id"),
            endpoint_name=address.get("endpoint_name"),
            problem_type=address.get("problem_type"),
            serverless=bool(address.get("serverless")),
            max_rows_per_request=address.get("max_rows_per_request"),
            max_requests_in_flight=address.get("max_requests_in_flight"),
        )


def read_model_connection(exa: Any, name: str, endpoint_name: str | None = None) -> ModelConnection:
    """The connection ``name`` of a deployed endpoint; E-SME-241 if unusable, E-SME-242 once it was deleted.
    ``endpoint_name`` names the endpoint in messages; without it the connection's own ``endpoint_name`` is used."""
    subject = f"The model connection {name!r}" + (f" of endpoint {endpoint_name!r}" if endpoint_name else "")
    try:
        text = exa.get_connection(name).address
    except Exception as error:  # the UDF runtimes raise different types; the text tells the cause
        detail = "may not be used by the current user" if is_privilege_error(error) else "does not exist"
        raise SmeError(
            "E-SME-241",
            f"{subject} {detail}.",
            [f"GRANT ACCESS ON CONNECTION {name} TO <user or role>; if it exists.",
             "Otherwise redeploy the endpoint with SME_DEPLOY_SAGEMAKER_AUTOPILOT_ENDPOINT."],
        ) from None
    try:
        address = json.loads(text)
        if not isinstance(address, dict):
            raise ValueError("not a JSON object")
    except ValueError as error:
        raise SmeError("E-SME-241", f"{subject} does not hold the endpoint's JSON settings ({error}).",
                       [_REDEPLOY]) from None
    model = ModelConnection.from_address(address)
    if str(address.get("status", "")).lower() == "deleted":
        endpoint = endpoint_name or model.endpoint_name or name
        raise SmeError(
            "E-SME-242",
            f"The endpoint {endpoint!r} was deleted, so this UDF cannot predict any more.",
            ["Redeploy the model with SME_DEPLOY_SAGEMAKER_AUTOPILOT_ENDPOINT (the same endpoint name works).",
             "For an endpoint made outside the extension: once it exists again, run SME_CREATE_ENDPOINT_UDF."],
        )
    return model
