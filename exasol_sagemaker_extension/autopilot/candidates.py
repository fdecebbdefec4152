"""List the candidates of an AutoML job, best first by the job's objective.

AWS can sort by the final metric itself, but only in one fixed direction chosen by the caller; whether a higher
value is better depends on the metric (F1 up, MSE down). The direction is therefore taken from each candidate's
``FinalAutoMLJobObjectiveMetric.Type`` and, when AWS leaves it out, inferred from the metric name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import boto3

from exasol_sagemaker_extension.autopilot.control_plane_client import control_plane_client
from exasol_sagemaker_extension.autopilot.aws_errors import aws_call
from exasol_sagemaker_extension.autopilot.credentials import session_secrets
from exasol_sagemaker_extension.autopilot.job_status import describe_job_raw
from exasol_sagemaker_extension.autopilot.names import validate_job_name

# Error and loss metrics: lower is better. Every other Autopilot metric is maximised.
MINIMIZED_METRICS = frozenset({"MSE", "RMSE", "MAE", "LogLoss", "MAPE", "MASE", "WAPE", "AverageWeightedQuantileLoss"})
# AWS pages at most 300 candidates; a job has at most 750, so this bound is never reached by a sane job.
_MAX_PAGES = 50


@dataclass(frozen=True)
class Candidate:
    rank: int
    name: str
    status: str | None
    objective_metric_name: str | None
    objective_metric_value: float | None
    is_best: bool


def is_minimized(metric_name: str | None, metric_type: str | None = None) -> bool:
    """Whether lower values of the metric are better; AWS's ``Type`` wins over the name."""
    if metric_type in ("Maximize", "Minimize"):
        return metric_type == "Minimize"
    return metric_name in MINIMIZED_METRICS


def list_candidate_descriptions(session: boto3.Session, job_name: str, **filters: Any) -> list[dict[str, Any]]:
    """Every AutoMLCandidate of the job (all pages), optionally filtered as ListCandidatesForAutoMLJob allows."""
    validate_job_name(job_name)
    client = control_plane_client(session)
    request: dict[str, Any] = {"AutoMLJobName": job_name, "MaxResults": 100, **filters}
    candidates: list[dict[str, Any]] = []
    with aws_call("list the candidates of the AutoML job", job_name, secrets=session_secrets(session)):
        for _ in range(_MAX_PAGES):
            page = client.list_candidates_for_auto_ml_job(**request)
            candidates.extend(page.get("Candidates", []))
            if not page.get("NextToken"):
                break
            request["NextToken"] = page["NextToken"]
    return candidates


def list_candidates(session: boto3.Session, job_name: str) -> list[Candidate]:
    """The job's candidates ranked by the objective (rank 1 = best); ``is_best`` marks AWS's best candidate."""
    best_name = (describe_job_raw(session, job_name).get("BestCandidate") or {}).get("CandidateName")
    return rank_candidates(list_candidate_descriptions(session, job_name), best_name)


def rank_candidates(descriptions: Iterable[dict[str, Any]], best_name: str | None) -> list[Candidate]:
    """Sort by objective value in the metric's direction; candidates without a value come last, ties by name."""

    def sort_key(description: dict[str, Any]) -> tuple[bool, float, str]:
        metric = description.get("FinalAutoMLJobObjectiveMetric") or {}
        value = metric.get("Value")
        if value is None:
            return True, 0.0, description["CandidateName"]
        direction = 1.0 if is_minimized(metric.get("MetricName"), metric.get("Type")) else -1.0
        return False, direction * float(value), description["CandidateName"]

    ranked = []
    for rank, description in enumerate(sorted(descriptions, key=sort_key), start=1):
        metric = description.get("FinalAutoMLJobObjectiveMetric") or {}
        value = metric.get("Value")
        ranked.append(
            Candidate(
                rank=rank,
                name=description["CandidateName"],
                status=description.get("CandidateStatus"),
                objective_metric_name=metric.get("MetricName"),
                objective_metric_value=float(value) if value is not None else None,
                is_best=description["CandidateName"] == best_name,
            )
        )
    return ranked
