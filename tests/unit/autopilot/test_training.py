import dataclasses

import pytest
from moto import mock_aws

from aws_fixtures import ROLE_ARN, backend_job, moto_session, training_spec
from exasol_sagemaker_extension.autopilot.training import build_create_request, parse_objective, start_training
from exasol_sagemaker_extension.errors import SmeError


def spec(**changes):
    """The fixture's spec with ``changes`` to its data locations or its options."""
    base = training_spec("churn-job")
    locations = {key: changes.pop(key) for key in ("input_s3_uri", "output_s3_uri") if key in changes}
    return dataclasses.replace(base, **locations, options={**base.options, **changes})


@mock_aws
def test_job_is_created_with_every_requested_setting():
    session = moto_session()
    started = start_training(
        session,
        spec(
            objective='{"MetricName": "AUC"}', max_candidates=5, max_runtime_per_training_job_in_seconds=600,
            max_runtime_for_automl_job_in_seconds=3600, mode="ENSEMBLING", sample_weight_attribute_name="weight",
            validation_fraction=0.25, tags={"team": "analytics"},
        ),
    )
    assert started.job_arn.endswith(":automl-job/churn-job")
    described = session.client("sagemaker").describe_auto_ml_job_v2(AutoMLJobName="churn-job")
    tabular = described["AutoMLProblemTypeConfig"]["TabularJobConfig"]
    assert tabular == {
        "TargetAttributeName": "Churn?",
        "ProblemType": "BinaryClassification",
        "Mode": "ENSEMBLING",
        "SampleWeightAttributeName": "weight",
        "CompletionCriteria": {
            "MaxCandidates": 5, "MaxRuntimePerTrainingJobInSeconds": 600, "MaxAutoMLJobRuntimeInSeconds": 3600,
        },
    }
    assert described["AutoMLJobObjective"] == {"MetricName": "AUC"}
    assert described["DataSplitConfig"] == {"ValidationFraction": 0.25}
    assert described["RoleArn"] == ROLE_ARN
    channel = described["AutoMLJobInputDataConfig"][0]
    assert channel["ContentType"] == "text/csv;header=present" and channel["CompressionType"] == "Gzip"
    assert channel["DataSource"]["S3DataSource"] == {
        "S3DataType": "S3Prefix", "S3Uri": "s3://my-bucket/sme/churn-job/run-1/training-data/",
    }
    assert backend_job("churn-job").tags == [{"Key": "team", "Value": "analytics"}]


def test_problem_type_alone_gets_awss_default_objective():
    assert build_create_request(spec(problem_type="Regression"))["AutoMLJobObjective"] == {"MetricName": "MSE"}


def test_neither_problem_type_nor_objective_leaves_both_to_autopilot():
    request = build_create_request(spec(problem_type=None))
    assert "AutoMLJobObjective" not in request
    assert "ProblemType" not in request["AutoMLProblemTypeConfig"]["TabularJobConfig"]


@pytest.mark.parametrize("objective", ["F1", '{"MetricName": "F1"}', ' {"MetricName":"F1"} '])
def test_objective_forms(objective):
    assert parse_objective(objective) == "F1"


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"objective": "f1"}, "E-SME-5"),
        ({"objective": '{"Metric": "F1"}'}, "E-SME-5"),
        ({"objective": "{not json"}, "E-SME-5"),
        ({"objective": "MSE"}, "E-SME-5"),
        ({"objective": "LogLoss"}, "E-SME-5"),
        ({"objective": "F1macro"}, "E-SME-5"),
        ({"problem_type": None, "objective": "F1"}, "E-SME-130"),
        ({"problem_type": "Classification"}, "E-SME-5"),
        ({"max_candidates": 0}, "E-SME-5"),
        ({"max_candidates": 751}, "E-SME-5"),
        ({"max_candidates": 2.5}, "E-SME-5"),
        ({"max_candidates": True}, "E-SME-5"),
        ({"max_runtime_per_training_job_in_seconds": 0}, "E-SME-5"),
        ({"max_runtime_for_automl_job_in_seconds": -5}, "E-SME-5"),
        ({"validation_fraction": 1.0}, "E-SME-5"),
        ({"validation_fraction": 0}, "E-SME-5"),
        ({"mode": "auto"}, "E-SME-5"),
        ({"input_s3_uri": "https://my-bucket/x"}, "E-SME-134"),
        ({"output_s3_uri": "s3://"}, "E-SME-134"),
        ({"iam_sagemaker_role": "sagemaker-role"}, "E-SME-135"),
        ({"tags": {"aws:owner": "me"}}, "E-SME-5"),
        ({"tags": {f"k{i}": "v" for i in range(48)}}, "E-SME-5"),
        ({"tags": {"exasol-sme:job": "mine"}}, "E-SME-5"),
        ({"target_attribute_name": ""}, "E-SME-137"),
        ({"sample_weight_attribute_name": "weight column"}, "E-SME-137"),
        ({"job_name": "churn_job"}, "E-SME-110"),
    ],
)
def test_invalid_settings_are_rejected_before_aws(changes, code):
    with pytest.raises(SmeError) as caught:
        build_create_request(spec(**changes))
    assert caught.value.code == code and caught.value.mitigations


def test_valid_boundaries_are_accepted():
    request = build_create_request(spec(max_candidates=750, validation_fraction=0.01))
    assert request["AutoMLProblemTypeConfig"]["TabularJobConfig"]["CompletionCriteria"] == {"MaxCandidates": 750}
    assert build_create_request(spec(max_candidates=1.0))["AutoMLProblemTypeConfig"]["TabularJobConfig"][
        "CompletionCriteria"] == {"MaxCandidates": 1}


@mock_aws
def test_existing_job_name_is_reported_as_such():
    session = moto_session()
    start_training(session, spec())
    with pytest.raises(SmeError) as caught:
        start_training(session, spec())
    assert caught.value.code == "E-SME-122" and "churn-job" in str(caught.value)
    assert "new" in caught.value.mitigations[0] or "another name" in caught.value.mitigations[0]
