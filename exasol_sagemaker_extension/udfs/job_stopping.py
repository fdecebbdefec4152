"""SME_AUTOPILOT_JOB_STOP_UDF: stop an AutoML job and emit its state afterwards, for the stop script."""

from __future__ import annotations

from typing import Any

from exasol_sagemaker_extension.autopilot.job_stopping import stop_job
from exasol_sagemaker_extension.udfs.job_status import emit_status
from exasol_sagemaker_extension.udfs.request import UdfRequest


class JobStoppingUdf:
    """SCALAR … EMITS the status UDF's columns (JOB_STATUS, SECONDARY_STATUS, …)."""

    def __init__(self, exa: Any) -> None:
        self._exa = exa

    def run(self, ctx: Any) -> None:
        request = UdfRequest(ctx[0])
        emit_status(ctx, stop_job(request.aws_session(self._exa), request.text("job_name", required=True) or ""))
