"""SME_AUTOPILOT_JOB_STATUS_UDF: one row with the state of an AutoML job, for the poll script."""

from __future__ import annotations

from typing import Any

from exasol_sagemaker_extension.autopilot.job_status import JobStatus, job_status
from exasol_sagemaker_extension.declarations.attribute_columns import values
from exasol_sagemaker_extension.declarations.job_status import JOB_STATUS_COLUMNS
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
    """One row in the declared column order (declarations/job_status.py; the status and the stop UDF share it)."""
    ctx.emit(*values(status, JOB_STATUS_COLUMNS))
