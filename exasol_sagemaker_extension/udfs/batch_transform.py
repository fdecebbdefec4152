"""SME_AUTOPILOT_BATCH_TRANSFORM_UDF: the AWS side of batch scoring, one ``action`` per call.

* ``start``: create the run's model and transform job (``batch_transform.start_transform``);
* ``wait``: wait up to ``timeout_seconds`` (0: look once); once Completed, write the predictions files the Lua
  script imports and count rows in and out;
* ``cleanup``: delete the run's model and S3 files.
Each status seen while waiting goes to the UDF's log (forwarded when SCRIPT_OUTPUT_ADDRESS is set).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from exasol_sagemaker_extension.autopilot.batch_transform import (
    COMPLETED,
    DEFAULT_TIMEOUT_SECONDS,
    TransformSpec,
    convert_output,
    remove_artifacts,
    start_transform,
    wait_for_transform,
)
from exasol_sagemaker_extension.errors import SmeError
from exasol_sagemaker_extension.udfs.request import UdfRequest

_LOG = logging.getLogger(__name__)


class BatchTransformUdf:
    """SCALAR … RETURNS VARCHAR(2000000): request JSON in, the action's outcome as JSON out."""

    def __init__(self, exa: Any) -> None:
        self._exa = exa

    def run(self, ctx: Any) -> str:
        request = UdfRequest(ctx[0])
        action = request.text("action", required=True)
        session = request.aws_session(self._exa)
        name = request.text("transform_job_name", required=True) or ""
        if action == "start":
            started = start_transform(session, TransformSpec(
                job_name=request.text("job_name", required=True) or "",
                transform_job_name=name,
                run_uri=request.text("run_uri", required=True) or "",
                key_count=request.integer("key_count") or 0,
                instance_type=request.text("instance_type", required=True) or "",
                instance_count=request.integer("instance_count", required=True) or 1,
                max_payload_in_mb=request.integer("max_payload_in_mb", required=True) or 6,
                max_concurrent_transforms=request.integer("max_concurrent_transforms", required=True) or 1,
                candidate_name=request.text("candidate_name"),
                extension_schema=self._exa.meta.script_schema,
            ))
            return json.dumps({"transform_job_name": started.transform_job_name, "model_name": started.model_name,
                               "candidate_name": started.candidate_name, "problem_type": started.problem_type})
        if action == "wait":
            timeout = request.number("timeout_seconds")
            description = wait_for_transform(
                session, name, DEFAULT_TIMEOUT_SECONDS if timeout is None else timeout,
                on_progress=lambda status: _LOG.info("transform job %s: %s", name, status))
            status = description["TransformJobStatus"]
            if status != COMPLETED:
                return json.dumps({"status": status, "rows_in": None, "rows_out": None, "files": []})
            converted = convert_output(
                session, description, request.text("job_name", required=True) or "",
                request.text("target_sql_type", required=True) or "", request.integer("key_count") or 0,
                request.integer("feature_count", required=True) or 0)
            return json.dumps({"status": status, "rows_in": converted.rows_in, "rows_out": converted.rows_out,
                               "files": list(converted.files), "problem_type": converted.problem_type})
        if action == "cleanup":
            return json.dumps({"deleted_objects": remove_artifacts(session, name)})
        raise SmeError("E-SME-235", f"action must be start, wait or cleanup, got {action!r}.",
                       ["Call the UDF through SME_BATCH_SCORE_WITH_SAGEMAKER_AUTOPILOT."])
