"""Read the state of an AutoML V2 job (DescribeAutoMLJobV2) in the shape the poll script reports.

The old extension returned only the two status fields; a failed job then left the user to find the reason in
the AWS console. Here the failure reason, the best candidate and its objective value come back as well, and the
problem type Autopilot settled on, which the deployment needs to pick the right response keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boto3

from exasol_sagemaker_extension.autopilot.control_plane_client import control_plane_client
from exasol_sagemaker_extension.autopilot.aws_errors import aws_call
from exasol_sagemaker_extension.autopilot.credentials import session_secrets
from exasol_sagemaker_extension.autopilot.names import validate_job_name


@dataclass(frozen=True)
class JobStatus:
    job_name: str
    status: str
    secondary_status: str | None
    failure_reason: str | None
    best_candidate_name: str | None
    objective_metric_name: str | None
    objective_metric_value: float | None
    problem_type: str | None


def describe_job_raw(session: boto3.Session, job_name: str) -> dict[str, Any]:
    """The DescribeAutoMLJobV2 response for ``job_name`` (errors translated)."""
    validate_job_name(job_name)
    with aws_call("describe the AutoML job", job_name, secrets=session_secrets(session)):
        return control_plane_client(session).describe_auto_ml_job_v2(AutoMLJobName=job_name)


def job_status(session: boto3.Session, job_name: str) -> JobStatus:
    """Status, secondary status, failure reason, best candidate and problem type of ``job_name``."""
    return job_status_from(describe_job_raw(session, job_name))


def job_status_from(description: dict[str, Any]) -> JobStatus:
    """The JobStatus contained in a DescribeAutoMLJobV2 response."""
    best = description.get("BestCandidate") or {}
    metric = best.get("FinalAutoMLJobObjectiveMetric") or {}
    value = metric.get("Value")
    return JobStatus(
        job_name=description["AutoMLJobName"],
        status=description["AutoMLJobStatus"],
        secondary_status=description.get("AutoMLJobSecondaryStatus"),
        failure_reason=description.get("FailureReason") or None,
        best_candidate_name=best.get("CandidateName"),
        objective_metric_name=metric.get("MetricName"),
        objective_metric_value=float(value) if value is not None else None,
        problem_type=resolved_problem_type(description),
    )


def resolved_problem_type(description: dict[str, Any]) -> str | None:
    """The problem type Autopilot resolved, else the one the job was created with (None while undetected)."""
    resolved = (
        (description.get("ResolvedAttributes") or {})
        .get("AutoMLProblemTypeResolvedAttributes", {})
        .get("TabularResolvedAttributes", {})
        .get("ProblemType")
    )
    if resolved:
        return resolved
    requested = (description.get("AutoMLProblemTypeConfig") or {}).get("TabularJobConfig", {}).get("ProblemType")
    return requested or None
