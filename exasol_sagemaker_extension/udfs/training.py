"""SME_AUTOPILOT_TRAINING_UDF: start an AutoML V2 job from the train script's JSON and return its name and ARN."""

from __future__ import annotations

import json
from typing import Any

from exasol_sagemaker_extension.autopilot.training import TrainingSpec, start_training
from exasol_sagemaker_extension.udfs.request import UdfRequest


class TrainingUdf:
    """SCALAR … RETURNS VARCHAR(2000000): request JSON in, ``{"job_name", "job_arn"}`` out."""

    def __init__(self, exa: Any) -> None:
        self._exa = exa

    def run(self, ctx: Any) -> str:
        request = UdfRequest(ctx[0])
        spec = TrainingSpec(
            job_name=request.text("job_name", required=True) or "",
            input_s3_uri=request.text("input_s3_uri", required=True) or "",
            output_s3_uri=request.text("output_s3_uri", required=True) or "",
            role_arn=request.text("iam_sagemaker_role", required=True) or "",
            target_attribute_name=request.text("target_attribute_name", required=True) or "",
            problem_type=request.text("problem_type"),
            objective=request.text("objective"),
            max_candidates=request.integer("max_candidates"),
            max_runtime_per_training_job_in_seconds=request.integer("max_runtime_per_training_job_in_seconds"),
            max_runtime_for_automl_job_in_seconds=request.integer("max_runtime_for_automl_job_in_seconds"),
            mode=request.text("mode"),
            sample_weight_attribute_name=request.text("sample_weight_attribute_name"),
            validation_fraction=request.number("validation_fraction"),
            tags=request.mapping("tags"),
            extension_schema=self._exa.meta.script_schema,
        )
        started = start_training(request.aws_session(self._exa), spec)
        return json.dumps({"job_name": started.job_name, "job_arn": started.job_arn})
