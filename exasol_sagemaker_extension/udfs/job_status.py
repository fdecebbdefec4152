"""SME_AUTOPILOT_JOB_STATUS_UDF: one row with the state of an AutoML job, for the poll script."""

from __future__ import annotations

from typing import Any

from exasol_sagemaker_extension.autopilot.job_status import JobStatus, job_status
from exasol_sagemaker_extension.udfs.request import UdfRequest


class JobStatusUdf:
    """SCALAR … EMITS (JOB_STATUS, SECONDARY_STATUS, FAILURE_REASON, BEST_CANDIDATE_NAME,
    OBJECTIVE_METRIC_NAME, OBJECTIVE_METRIC_VALUE, PROBLEM_TYPE)."""

    def __init__(self, exa: Any) -> None:
        self._exa = exa

    def run(self, ctx: Any) -> None:
        request = UdfRequest(ctx[0])
        emit_status(ctx, job_status(request.aws_session(self._exa), request.text("job_name", required=True) or ""))


def emit_status(ctx: Any, status: JobStatus) -> None:
    """One row in the column order of ``udf_ddl.JOB_STATUS_EMITS`` (the status and the stop UDF share it)."""
    ctx.emit(
        status.status,
        status.secondary_status,
        status.failure_reason,
        status.best_candidate_name,
        status.objective_metric_name,
        status.objective_metric_value,
        status.problem_type,
    )
