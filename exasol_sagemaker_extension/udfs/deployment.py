"""SME_AUTOPILOT_DEPLOYMENT_UDF: deploy a candidate as an endpoint, wait for InService, describe the result.

Progress (each endpoint status seen while waiting) goes to the UDF's log, which Exasol forwards when
SCRIPT_OUTPUT_ADDRESS is set, so a long deployment shows signs of life.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from exasol_sagemaker_extension.autopilot.endpoint_compute import EndpointCompute
from exasol_sagemaker_extension.autopilot.endpoints import DEFAULT_TIMEOUT_SECONDS, DeploymentSpec, deploy
from exasol_sagemaker_extension.udfs.request import UdfRequest

_LOG = logging.getLogger(__name__)


class DeploymentUdf:
    """SCALAR … RETURNS VARCHAR(2000000): request JSON in, the deployment as JSON out."""

    def __init__(self, exa: Any) -> None:
        self._exa = exa

    def run(self, ctx: Any) -> str:
        request = UdfRequest(ctx[0])
        spec = DeploymentSpec(
            job_name=request.text("job_name", required=True) or "",
            endpoint_name=request.text("endpoint_name", required=True) or "",
            compute=EndpointCompute(
                instance_type=request.text("instance_type"),
                instance_count=request.integer("instance_count"),
                serverless_memory_size_in_mb=request.integer("serverless_memory_size_in_mb"),
                serverless_max_concurrency=request.integer("serverless_max_concurrency"),
            ),
            candidate_name=request.text("candidate_name"),
            timeout_seconds=request.number("timeout_seconds") or DEFAULT_TIMEOUT_SECONDS,
            extension_schema=self._exa.meta.script_schema,
        )
        deployment = deploy(
            request.aws_session(self._exa),
            spec,
            on_progress=lambda status: _LOG.info("endpoint %s: %s", spec.endpoint_name, status),
        )
        return json.dumps(
            {
                "endpoint_name": deployment.endpoint_name,
                "endpoint_status": deployment.endpoint_status,
                "model_name": deployment.model_name,
                "endpoint_config_name": deployment.endpoint_config_name,
                "candidate_name": deployment.candidate_name,
                "problem_type": deployment.problem_type,
                "inference_output": list(deployment.inference_output),
                "serverless": deployment.serverless,
            }
        )
