"""Shared helpers for the AWS-layer tests: moto in-process, and moto backend state for what moto never does.

moto 5.2.5 creates AutoML V2 jobs but never completes them and stores no real candidates, so tests that need a
finished job write its status and best candidate into moto's SageMaker backend (the same object moto's own
API answers from). Nothing here replaces an AWS call moto can serve.
"""

from __future__ import annotations

from typing import Any

import boto3
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sagemaker.models import sagemaker_backends

from exasol_sagemaker_extension.autopilot.training import TrainingSpec, start_training

REGION = "eu-west-1"
ADDRESS = f"https://my-bucket.s3.{REGION}.amazonaws.com"
ROLE_ARN = "arn:aws:iam::123456789012:role/sagemaker-role"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN+/=="


def moto_session() -> boto3.Session:
    return boto3.Session(aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key=SECRET, region_name=REGION)


def training_spec(job_name: str = "churn-job", problem_type: str | None = "BinaryClassification") -> TrainingSpec:
    return TrainingSpec(
        input_s3_uri=f"s3://my-bucket/sme/{job_name}/run-1/training-data/",
        output_s3_uri=f"s3://my-bucket/sme/{job_name}/run-1/output/",
        options={"job_name": job_name, "iam_sagemaker_role": ROLE_ARN, "target_attribute_name": "Churn?",
                 "problem_type": problem_type},
    )


def create_job(session: boto3.Session, job_name: str = "churn-job", problem_type: str | None = "BinaryClassification") -> None:
    start_training(session, training_spec(job_name, problem_type))


def backend_job(job_name: str) -> Any:
    return sagemaker_backends[DEFAULT_ACCOUNT_ID][REGION].auto_ml_jobs[job_name]


def candidate(name: str, metric: str = "F1", value: float | None = 0.9, containers: int = 1) -> dict[str, Any]:
    """An AutoMLCandidate as ListCandidatesForAutoMLJob / BestCandidate describe it."""
    description: dict[str, Any] = {
        "CandidateName": name,
        "ObjectiveStatus": "Succeeded",
        "CandidateSteps": [],
        "CandidateStatus": "Completed",
        "InferenceContainers": [
            {
                "Image": f"123456789012.dkr.ecr.{REGION}.amazonaws.com/autopilot:{i}",
                "ModelDataUrl": f"s3://my-bucket/sme/models/{name}/{i}/model.tar.gz",
                "Environment": {"SAGEMAKER_PROGRAM": "serve"},
            }
            for i in range(containers)
        ],
        "CreationTime": "2024-01-01T00:00:00Z",
        "LastModifiedTime": "2024-01-01T00:00:00Z",
    }
    if value is not None:
        description["FinalAutoMLJobObjectiveMetric"] = {"MetricName": metric, "Value": value}
    return description


def complete_job(job_name: str, best: dict[str, Any], status: str = "Completed", failure_reason: str = "") -> None:
    job = backend_job(job_name)
    job.auto_ml_job_status = status
    job.auto_ml_job_secondary_status = status
    job.failure_reason = failure_reason
    job.best_candidate = best


def backend_endpoint(endpoint_name: str) -> Any:
    return sagemaker_backends[DEFAULT_ACCOUNT_ID][REGION].endpoints[endpoint_name]


def backend_model_names() -> list[str]:
    return sorted(sagemaker_backends[DEFAULT_ACCOUNT_ID][REGION]._models)


def backend_model(model_name: str) -> Any:
    return sagemaker_backends[DEFAULT_ACCOUNT_ID][REGION]._models[model_name]
