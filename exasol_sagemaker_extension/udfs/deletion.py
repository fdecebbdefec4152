"""SME_AUTOPILOT_ENDPOINT_DELETION_UDF: delete endpoint, config and model; one row per resource and outcome."""

from __future__ import annotations

from typing import Any

from exasol_sagemaker_extension.autopilot.endpoint_deletion import delete_endpoint
from exasol_sagemaker_extension.udfs.request import UdfRequest


class EndpointDeletionUdf:
    """SCALAR … EMITS (RESOURCE_TYPE, RESOURCE_NAME, OUTCOME) with OUTCOME DELETED or ALREADY_GONE."""

    def __init__(self, exa: Any) -> None:
        self._exa = exa

    def run(self, ctx: Any) -> None:
        request = UdfRequest(ctx[0])
        endpoint_name = request.text("endpoint_name", required=True) or ""
        for resource in delete_endpoint(request.aws_session(self._exa), endpoint_name):
            ctx.emit(resource.resource_type, resource.resource_name, resource.outcome)
