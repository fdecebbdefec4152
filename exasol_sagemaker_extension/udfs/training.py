"""SME_AUTOPILOT_TRAINING_UDF: start an AutoML V2 job from the train script's JSON and return its name and ARN."""

from __future__ import annotations

import json
from typing import Any, Callable

from exasol_sagemaker_extension.autopilot.training import TrainingSpec, start_training
from exasol_sagemaker_extension.declarations.training_options import TrainingOption, sent_to_aws
from exasol_sagemaker_extension.udfs.request import UdfRequest

# How a declared option of each JSON kind is read from the request.
_READERS: dict[str, Callable[[UdfRequest, TrainingOption], Any]] = {
    "string": lambda request, option: request.text(option.name, required=option.required),
    "integer": lambda request, option: request.integer(option.name, required=option.required),
    "number": lambda request, option: request.number(option.name),
    "object": lambda request, option: request.mapping(option.name),
}


class TrainingUdf:
    """SCALAR … RETURNS VARCHAR(2000000): request JSON in, ``{"job_name", "job_arn"}`` out."""

    def __init__(self, exa: Any) -> None:
        self._exa = exa

    def run(self, ctx: Any) -> str:
        request = UdfRequest(ctx[0])
        spec = TrainingSpec(
            input_s3_uri=request.text("input_s3_uri", required=True) or "",
            output_s3_uri=request.text("output_s3_uri", required=True) or "",
            options={option.name: _READERS[option.kind](request, option) for option in sent_to_aws()},
            extension_schema=self._exa.meta.script_schema,
        )
        started = start_training(request.aws_session(self._exa), spec)
        return json.dumps({"job_name": started.job_name, "job_arn": started.job_arn})
