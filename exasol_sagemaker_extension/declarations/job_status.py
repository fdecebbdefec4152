"""The state of a training job as the status and the stop UDF emit it, and as the metadata row stores it."""

from __future__ import annotations

from dataclasses import dataclass

from exasol_sagemaker_extension.declarations.attribute_columns import AttributeColumn


@dataclass(frozen=True)
class StatusColumn(AttributeColumn):
    """One value of a job's state (read from a JobStatus attribute), and whether the job's metadata row stores it
    (the problem type is stored once, at training)."""

    stored: bool = True


JOB_STATUS_COLUMNS: tuple[StatusColumn, ...] = (
    StatusColumn("JOB_STATUS", "VARCHAR(32)", "status"),
    StatusColumn("SECONDARY_STATUS", "VARCHAR(64)", "secondary_status"),
    StatusColumn("FAILURE_REASON", "VARCHAR(2000000)", "failure_reason"),
    StatusColumn("BEST_CANDIDATE_NAME", "VARCHAR(256)", "best_candidate_name"),
    StatusColumn("OBJECTIVE_METRIC_NAME", "VARCHAR(32)", "objective_metric_name"),
    StatusColumn("OBJECTIVE_METRIC_VALUE", "DOUBLE", "objective_metric_value"),
    StatusColumn("PROBLEM_TYPE", "VARCHAR(32)", "problem_type", stored=False),
)
