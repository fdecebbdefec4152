import pytest
from moto import mock_aws

from aws_fixtures import backend_model_names, candidate, complete_job, create_job, moto_session
from exasol_sagemaker_extension.autopilot.endpoint_compute import EndpointCompute
from exasol_sagemaker_extension.autopilot.endpoint_deletion import delete_endpoint
from exasol_sagemaker_extension.autopilot.endpoints import DeploymentSpec, deploy
from exasol_sagemaker_extension.errors import SmeError


@mock_aws
def test_delete_removes_all_three_then_reports_them_gone():
    session = moto_session()
    create_job(session)
    complete_job("churn-job", candidate("best"))
    deploy(session, DeploymentSpec("churn-job", "churn-ep", EndpointCompute(instance_type="ml.m5.large")))
    first = [(r.resource_type, r.resource_name, r.outcome) for r in delete_endpoint(session, "churn-ep")]
    assert first == [
        ("ENDPOINT", "churn-ep", "DELETED"),
        ("ENDPOINT_CONFIG", "churn-ep-config", "DELETED"),
        ("MODEL", "churn-ep-model", "DELETED"),
    ]
    assert backend_model_names() == []
    second = [r.outcome for r in delete_endpoint(session, "churn-ep")]
    assert second == ["ALREADY_GONE"] * 3


@mock_aws
def test_half_deleted_endpoint_finishes_the_job():
    session = moto_session()
    client = session.client("sagemaker")
    client.create_model(ModelName="churn-ep-model", ExecutionRoleArn="arn:aws:iam::123456789012:role/r",
                        Containers=[{"Image": "i"}])
    outcomes = [(r.resource_type, r.outcome) for r in delete_endpoint(session, "churn-ep")]
    assert outcomes == [("ENDPOINT", "ALREADY_GONE"), ("ENDPOINT_CONFIG", "ALREADY_GONE"), ("MODEL", "DELETED")]


def test_invalid_endpoint_name_is_rejected():
    with pytest.raises(SmeError) as caught:
        delete_endpoint(moto_session(), "churn_ep")
    assert caught.value.code == "E-SME-111"
