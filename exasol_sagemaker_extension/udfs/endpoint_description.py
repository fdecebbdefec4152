"""SME_AUTOPILOT_ENDPOINT_DESCRIPTION_UDF: whether an endpoint exists, its status, whether it is serverless."""

from __future__ import annotations

import json
from typing import Any

from exasol_sagemaker_extension.autopilot.endpoint_description import describe_endpoint_state
from exasol_sagemaker_extension.udfs.request import UdfRequest


class EndpointDescriptionUdf:
    """SCALAR … RETURNS VARCHAR(2000000): request JSON in, ``{"endpoint_name", "exists", "endpoint_status",
    "failure_reason", "serverless"}`` out; a missing endpoint is an answer, not an error, so the Lua caller
    reports it in the words of the script the user called."""

    def __init__(self, exa: Any) -> None:
        self._exa = exa

    def run(self, ctx: Any) -> str:
        request = UdfRequest(ctx[0])
        endpoint_name = request.text("endpoint_name", required=True) or ""
        state = describe_endpoint_state(request.aws_session(self._exa), endpoint_name)
        return json.dumps(
            {
                "endpoint_name": state.endpoint_name,
                "exists": state.status is not None,
                "endpoint_status": state.status,
                "failure_reason": state.failure_reason,
                "serverless": state.serverless,
            }
        )
