"""Every control-plane UDF end to end through exasol-udf-mock-python and moto in-process. moto never completes
AutoML jobs, so a finished job is written into moto's backend (aws_fixtures.complete_job); moto lacks
ListCandidatesForAutoMLJob, so the candidates UDF test stubs that one call with botocore's Stubber."""

import json

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from aws_fixtures import ROLE_ARN, SECRET, candidate, complete_job, create_job, moto_session
from exasol_sagemaker_extension.errors import SmeError
from udf_runner import (
    CANDIDATE_COLUMNS, DELETION_COLUMNS, LONG_TEXT, STATUS_COLUMNS, candidates_script, deletion_script,
    deployment_script, description_script, job_status_script, run_udf, training_script,
)

TRAIN_REQUEST = {
    "job_name": "churn-job",
    "input_s3_uri": "s3://my-bucket/sme/churn-job/run-1/training-data/",
    "output_s3_uri": "s3://my-bucket/sme/churn-job/run-1/output/",
    "iam_sagemaker_role": ROLE_ARN,
    "target_attribute_name": "Churn?",
    "problem_type": "BinaryClassification",
    "objective": '{"MetricName": "F1"}',
    "max_candidates": 3,
    "max_runtime_per_training_job_in_seconds": None,
    "max_runtime_for_automl_job_in_seconds": 3600,
    "mode": None,
    "sample_weight_attribute_name": None,
    "validation_fraction": 0.2,
    "tags": {"project": "churn"},
}
DEPLOY_REQUEST = {"job_name": "churn-job", "endpoint_name": "churn-ep", "instance_type": "ml.m5.large",
                  "instance_count": 1, "serverless_memory_size_in_mb": None, "serverless_max_concurrency": None,
                  "candidate_name": None, "timeout_seconds": 120}


@pytest.fixture(autouse=True)
def aws():
    with mock_aws():
        yield


def test_training_udf_returns_job_name_and_arn():
    [(result,)] = run_udf(training_script, TRAIN_REQUEST, [LONG_TEXT], returns=True)
    assert json.loads(result) == {
        "job_name": "churn-job", "job_arn": "arn:aws:sagemaker:eu-west-1:123456789012:automl-job/churn-job",
    }
    described = moto_session().client("sagemaker").describe_auto_ml_job_v2(AutoMLJobName="churn-job")
    assert described["AutoMLProblemTypeConfig"]["TabularJobConfig"]["CompletionCriteria"] == {
        "MaxCandidates": 3, "MaxAutoMLJobRuntimeInSeconds": 3600}


def test_training_udf_refuses_existing_job():
    run_udf(training_script, TRAIN_REQUEST, [LONG_TEXT], returns=True)
    with pytest.raises(SmeError) as caught:
        run_udf(training_script, TRAIN_REQUEST, [LONG_TEXT], returns=True)
    assert caught.value.code == "E-SME-122" and SECRET not in str(caught.value)


def test_training_udf_rejects_invalid_job_name():
    with pytest.raises(SmeError) as caught:
        run_udf(training_script, {**TRAIN_REQUEST, "job_name": "churn_job!"}, [LONG_TEXT], returns=True)
    assert caught.value.code == "E-SME-110"


def test_job_status_udf_emits_one_documented_row():
    session = moto_session()
    create_job(session)
    complete_job("churn-job", candidate("churn-best", "F1", 0.92))
    rows = run_udf(job_status_script, {"job_name": "churn-job"}, STATUS_COLUMNS)
    assert rows == [("Completed", "Completed", None, "churn-best", "F1", 0.92, "BinaryClassification")]


def test_job_status_udf_reports_unknown_job():
    with pytest.raises(SmeError) as caught:
        run_udf(job_status_script, {"job_name": "ghost-job"}, STATUS_COLUMNS)
    assert caught.value.code == "E-SME-123" and "ghost-job" in str(caught.value)


def test_candidates_udf_emits_ranked_rows(monkeypatch):
    session = moto_session()
    create_job(session)
    complete_job("churn-job", candidate("c2", "F1", 0.9))
    moto_describe = boto3.client("sagemaker", region_name="eu-west-1").describe_auto_ml_job_v2
    real_client = boto3.Session.client

    def client_with_listing_stub(self, service, *args, **kwargs):
        client = real_client(self, service, *args, **kwargs)
        if service == "sagemaker":
            stubber = Stubber(client)
            stubber.add_response("list_candidates_for_auto_ml_job",
                                 {"Candidates": [candidate("c1", "F1", 0.7), candidate("c2", "F1", 0.9)]})
            stubber.activate()
            client.describe_auto_ml_job_v2 = moto_describe
        return client

    monkeypatch.setattr(boto3.Session, "client", client_with_listing_stub)
    rows = run_udf(candidates_script, {"job_name": "churn-job"}, CANDIDATE_COLUMNS)
    assert rows == [(1, "c2", "Completed", "F1", 0.9, True), (2, "c1", "Completed", "F1", 0.7, False)]


def test_deployment_and_deletion_udfs():
    session = moto_session()
    create_job(session)
    complete_job("churn-job", candidate("churn-best"))
    [(result,)] = run_udf(deployment_script, DEPLOY_REQUEST, [LONG_TEXT], returns=True)
    assert json.loads(result) == {
        "endpoint_name": "churn-ep", "endpoint_status": "InService", "model_name": "churn-ep-model",
        "endpoint_config_name": "churn-ep-config", "candidate_name": "churn-best",
        "problem_type": "BinaryClassification", "inference_output": ["predicted_label", "probability"],
        "serverless": False,
    }
    rows = run_udf(deletion_script, {"endpoint_name": "churn-ep"}, DELETION_COLUMNS)
    assert rows == [("ENDPOINT", "churn-ep", "DELETED"), ("ENDPOINT_CONFIG", "churn-ep-config", "DELETED"),
                    ("MODEL", "churn-ep-model", "DELETED")]
    again = run_udf(deletion_script, {"endpoint_name": "churn-ep"}, DELETION_COLUMNS)
    assert [outcome for _, _, outcome in again] == ["ALREADY_GONE"] * 3


def test_deployment_udf_refuses_failed_job_with_reason():
    session = moto_session()
    create_job(session)
    complete_job("churn-job", {}, status="Failed", failure_reason="ClientError: no rows in S3 prefix")
    with pytest.raises(SmeError) as caught:
        run_udf(deployment_script, DEPLOY_REQUEST, [LONG_TEXT], returns=True)
    assert caught.value.code == "E-SME-141" and "no rows in S3 prefix" in str(caught.value)


def test_deletion_udf_rejects_invalid_endpoint_name():
    with pytest.raises(SmeError) as caught:
        run_udf(deletion_script, {"endpoint_name": "my endpoint"}, DELETION_COLUMNS)
    assert caught.value.code == "E-SME-111"


@pytest.mark.parametrize("variant, serverless", [
    ({"InstanceType": "ml.m5.large", "InitialInstanceCount": 1}, False),
    ({"ServerlessConfig": {"MemorySizeInMB": 2048, "MaxConcurrency": 5}}, True),
])
def test_description_udf_describes_an_endpoint_made_outside_the_extension(variant, serverless):
    client = moto_session().client("sagemaker")
    client.create_model(ModelName="theirs", ExecutionRoleArn=ROLE_ARN,
                        PrimaryContainer={"Image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/x:1"})
    client.create_endpoint_config(EndpointConfigName="theirs-config",
                                  ProductionVariants=[{"VariantName": "AllTraffic", "ModelName": "theirs", **variant}])
    client.create_endpoint(EndpointName="their-churn-ep", EndpointConfigName="theirs-config")
    [(result,)] = run_udf(description_script, {"endpoint_name": "their-churn-ep"}, [LONG_TEXT], returns=True)
    assert json.loads(result) == {"endpoint_name": "their-churn-ep", "exists": True, "endpoint_status": "InService",
                                  "failure_reason": None, "serverless": serverless}


def test_description_udf_answers_for_an_unknown_endpoint():
    [(result,)] = run_udf(description_script, {"endpoint_name": "nobody-ep"}, [LONG_TEXT], returns=True)
    assert json.loads(result) == {"endpoint_name": "nobody-ep", "exists": False, "endpoint_status": None,
                                  "failure_reason": None, "serverless": False}


def test_description_udf_rejects_invalid_endpoint_name():
    with pytest.raises(SmeError) as caught:
        run_udf(description_script, {"endpoint_name": "my endpoint"}, [LONG_TEXT], returns=True)
    assert caught.value.code == "E-SME-111"
