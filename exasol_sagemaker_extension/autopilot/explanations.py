"""The best candidate's global feature importance (from Autopilot's explainability report) and its metrics.

Autopilot writes a SageMaker Clarify report for the best candidate after training, under the S3 prefix
``BestCandidate.CandidateProperties.CandidateArtifactLocations.Explainability``; its ``analysis.json`` holds
``explanations.kernel_shap.<label>.global_shap_values`` (feature → mean absolute SHAP value). With several labels
(multiclass: one per class) the importance of a feature is its mean over the labels. The candidate's metrics come
from the job description (``CandidateProperties.CandidateMetrics``: every metric Autopilot computed, per data set).

When there is no report, the error says why: the job is still running (the report follows the training), it
failed, it was stopped before the report was written, or it has no candidate.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import boto3

from exasol_sagemaker_extension.autopilot.aws_errors import aws_call
from exasol_sagemaker_extension.autopilot.credentials import session_secrets
from exasol_sagemaker_extension.autopilot.job_status import describe_job_raw
from exasol_sagemaker_extension.errors import SmeError

REPORT_FILE = "analysis.json"


@dataclass(frozen=True)
class FeatureImportance:
    feature: str
    importance: float
    rank: int  # 1 = most important


@dataclass(frozen=True)
class CandidateMetric:
    name: str
    value: float
    data_set: str | None  # Train, Validation or Test


@dataclass(frozen=True)
class CandidateInsight:
    candidate_name: str
    report_uri: str
    importances: list[FeatureImportance]
    metrics: list[CandidateMetric]


def best_candidate_insight(session: boto3.Session, job_name: str) -> CandidateInsight:
    """Feature importance and metrics of the job's best candidate (errors say why there is no report)."""
    description = describe_job_raw(session, job_name)
    best = _best_candidate(description, job_name)
    properties = best.get("CandidateProperties") or {}
    prefix = (properties.get("CandidateArtifactLocations") or {}).get("Explainability")
    if not prefix:
        raise _no_report(job_name, f"its best candidate {best['CandidateName']} has no explainability report"
                         f" (job status {description['AutoMLJobStatus']}); Autopilot writes it after training,"
                         " so a job stopped before that has none",
                         "Train again and let the job complete to get the report.")
    report_uri = prefix.rstrip("/") + "/" + REPORT_FILE
    analysis = _read_report(session, report_uri, job_name)
    return CandidateInsight(best["CandidateName"], report_uri, rank_importances(analysis, report_uri),
                            candidate_metrics(properties))


def _best_candidate(description: dict[str, Any], job_name: str) -> dict[str, Any]:
    status = description["AutoMLJobStatus"]
    secondary = description.get("AutoMLJobSecondaryStatus")
    if status in ("InProgress", "Stopping"):
        raise SmeError(
            "E-SME-176",
            f"The AutoML job {job_name!r} has no explainability report yet: it is {status} ({secondary}). Autopilot"
            " writes the report for the best candidate after training (secondary status"
            " GeneratingExplainabilityReport), just before the job completes.",
            ["Poll the job with SME_POLL_SAGEMAKER_AUTOPILOT_JOB_STATUS and ask again once it is Completed."],
        )
    best = description.get("BestCandidate") or {}
    if status == "Failed" or not best.get("CandidateName"):
        reason = description.get("FailureReason") or "no candidate finished training"
        raise _no_report(job_name, f"it ended {status} without a best candidate ({reason})",
                         "Fix the cause in the failure reason and train again under a new job name.")
    return best


def _no_report(job_name: str, why: str, mitigation: str) -> SmeError:
    return SmeError("E-SME-177", f"The AutoML job {job_name!r} has no explainability report: {why}.", [mitigation])


def _read_report(session: boto3.Session, report_uri: str, job_name: str) -> dict[str, Any]:
    bucket, _, key = report_uri.removeprefix("s3://").partition("/")
    with aws_call("read the explainability report", report_uri, secrets=session_secrets(session)):
        client = session.client("s3")
        try:
            body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
        except client.exceptions.NoSuchKey:
            raise _no_report(job_name, f"{report_uri} does not exist", "Check that the job's S3 output was not"
                             " deleted; train again to get a new report.") from None
    try:
        document = json.loads(body)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise _unreadable(report_uri, "it is not a JSON object")
    return document


def _unreadable(report_uri: str, why: str) -> SmeError:
    return SmeError("E-SME-178", f"The explainability report {report_uri} cannot be read: {why}.",
                    ["The report is not in SageMaker Clarify's analysis.json format; check that the job was"
                     " trained by SageMaker Autopilot."])


def rank_importances(analysis: dict[str, Any], report_uri: str = "the report") -> list[FeatureImportance]:
    """Global SHAP values of Clarify's analysis.json, most important first (ties by feature name)."""
    labels = ((analysis.get("explanations") or {}).get("kernel_shap")) or {}
    per_label = [entry.get("global_shap_values") for entry in labels.values() if isinstance(entry, dict)]
    if not labels or not per_label or not all(isinstance(values, dict) and values for values in per_label):
        raise _unreadable(report_uri, "it has no explanations.kernel_shap.<label>.global_shap_values")
    totals: dict[str, float] = {}
    for values in per_label:
        for feature, value in values.items():
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise _unreadable(report_uri, f"the SHAP value of {feature!r} is not a number")
            totals[feature] = totals.get(feature, 0.0) + float(value) / len(per_label)
    ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    return [FeatureImportance(feature, value, rank) for rank, (feature, value) in enumerate(ordered, start=1)]


def candidate_metrics(properties: dict[str, Any]) -> list[CandidateMetric]:
    """Every CandidateMetrics entry with a value, sorted by data set and name."""
    metrics = [
        CandidateMetric(str(entry.get("MetricName") or entry.get("StandardMetricName")), float(entry["Value"]),
                        entry.get("Set"))
        for entry in properties.get("CandidateMetrics") or [] if entry.get("Value") is not None
    ]
    return sorted(metrics, key=lambda metric: (metric.data_set or "", metric.name))
