"""Deployment against moto. moto never finishes AutoML jobs, so the finished job's status and best candidate are
written into moto's backend (aws_fixtures.complete_job); the endpoint status is changed the same way to simulate
an endpoint that is still creating or has failed. Only ListCandidatesForAutoMLJob (absent in moto) is stubbed."""

import datetime

import pytest
from botocore.stub import Stubber
from moto import mock_aws

from aws_fixtures import (
    ROLE_ARN, backend_endpoint, backend_model, backend_model_names, candidate, complete_job, create_job, moto_session,
)
from exasol_sagemaker_extension.autopilot.endpoint_compute import EndpointCompute
from exasol_sagemaker_extension.autopilot.endpoint_waiting import wait_until_in_service
from exasol_sagemaker_extension.autopilot.endpoints import LEFTOVER_AFTER_SECONDS, DeploymentSpec, candidate_containers, deploy
from exasol_sagemaker_extension.errors import SmeError

INSTANCE = EndpointCompute(instance_type="ml.m5.large", instance_count=2)


def finished_job(session, best="churn-best", problem_type="BinaryClassification", containers=1):
    create_job(session, problem_type=problem_type)
    complete_job("churn-job", candidate(best, containers=containers))


@pytest.fixture
def session():
    with mock_aws():
        yield moto_session()


def test_best_candidate_is_deployed_with_binary_response_keys(session):
    finished_job(session)
    seen = []
    deployment = deploy(session, DeploymentSpec("churn-job", "churn-ep", INSTANCE), on_progress=seen.append)
    assert deployment.endpoint_status == "InService" and seen == ["InService"]
    assert (deployment.model_name, deployment.endpoint_config_name) == ("churn-ep-model", "churn-ep-config")
    assert deployment.candidate_name == "churn-best" and deployment.problem_type == "BinaryClassification"
    assert deployment.inference_output == ("predicted_label", "probability") and not deployment.serverless
    client = session.client("sagemaker")
    model = client.describe_model(ModelName="churn-ep-model")
    assert model["ExecutionRoleArn"] == ROLE_ARN
    assert model["Containers"][0]["Environment"]["SAGEMAKER_INFERENCE_OUTPUT"] == "predicted_label,probability"
    assert model["Containers"][0]["ModelDataUrl"] == candidate("churn-best")["InferenceContainers"][0]["ModelDataUrl"]
    variant = client.describe_endpoint_config(EndpointConfigName="churn-ep-config")["ProductionVariants"][0]
    assert (variant["ModelName"], variant["InstanceType"], variant["InitialInstanceCount"]) == (
        "churn-ep-model", "ml.m5.large", 2)


def test_serverless_multiclass_deployment(session):
    finished_job(session, problem_type="MulticlassClassification")
    compute = EndpointCompute(serverless_memory_size_in_mb=2048, serverless_max_concurrency=4)
    deployment = deploy(session, DeploymentSpec("churn-job", "iris-ep", compute))
    assert deployment.serverless
    assert deployment.inference_output == ("predicted_label", "probability", "probabilities", "labels")
    variant = session.client("sagemaker").describe_endpoint_config(EndpointConfigName="iris-ep-config")[
        "ProductionVariants"][0]
    assert variant["ServerlessConfig"] == {"MemorySizeInMB": 2048, "MaxConcurrency": 4}


def test_redeploying_the_same_candidate_creates_nothing(session):
    finished_job(session)
    first = deploy(session, DeploymentSpec("churn-job", "churn-ep", INSTANCE))
    endpoint_arn = backend_endpoint("churn-ep").arn
    models = backend_model_names()
    second = deploy(session, DeploymentSpec("churn-job", "churn-ep", INSTANCE))
    assert second == first
    assert backend_model_names() == models and backend_endpoint("churn-ep").arn == endpoint_arn


def test_endpoint_serving_another_candidate_is_not_replaced(session):
    finished_job(session)
    deploy(session, DeploymentSpec("churn-job", "churn-ep", INSTANCE))
    complete_job("churn-job", candidate("newer-best"))
    with pytest.raises(SmeError) as caught:
        deploy(session, DeploymentSpec("churn-job", "churn-ep", INSTANCE))
    assert caught.value.code == "E-SME-145" and "newer-best" in str(caught.value)


def _leftover_model(session, age_seconds):
    session.client("sagemaker").create_model(
        ModelName="churn-ep-model", ExecutionRoleArn=ROLE_ARN, Containers=[{"Image": "stale", "ModelDataUrl": "s3://b/x"}]
    )
    backend_model("churn-ep-model").creation_time -= datetime.timedelta(seconds=age_seconds)


def test_leftover_model_of_an_interrupted_attempt_is_replaced(session):
    finished_job(session)
    _leftover_model(session, LEFTOVER_AFTER_SECONDS + 1)
    deploy(session, DeploymentSpec("churn-job", "churn-ep", INSTANCE))
    containers = session.client("sagemaker").describe_model(ModelName="churn-ep-model")["Containers"]
    assert containers[0]["Image"] != "stale"


def test_a_young_model_without_endpoint_is_another_deployment_in_progress_and_left_alone(session):
    finished_job(session)
    _leftover_model(session, 5)
    with pytest.raises(SmeError) as caught:
        deploy(session, DeploymentSpec("churn-job", "churn-ep", INSTANCE))
    assert caught.value.code == "E-SME-166"
    client = session.client("sagemaker")
    assert client.describe_model(ModelName="churn-ep-model")["Containers"][0]["Image"] == "stale"
    assert client.list_endpoints()["Endpoints"] == [] and client.list_endpoint_configs()["EndpointConfigs"] == []


@pytest.mark.parametrize("status", ["InProgress", "Stopping"])
def test_running_job_is_refused(session, status):
    finished_job(session)
    complete_job("churn-job", {}, status=status)
    with pytest.raises(SmeError) as caught:
        deploy(session, DeploymentSpec("churn-job", "churn-ep", INSTANCE))
    assert caught.value.code == "E-SME-140" and status in str(caught.value)
    assert backend_model_names() == []


@pytest.mark.parametrize("status", ["Failed", "Stopped"])
def test_failed_job_is_refused_with_awss_reason(session, status):
    finished_job(session)
    complete_job("churn-job", {}, status=status, failure_reason="AlgorithmError: not enough rows")
    with pytest.raises(SmeError) as caught:
        deploy(session, DeploymentSpec("churn-job", "churn-ep", INSTANCE))
    assert caught.value.code == "E-SME-141" and "AlgorithmError: not enough rows" in str(caught.value)


def test_unknown_job_is_not_found(session):
    with pytest.raises(SmeError) as caught:
        deploy(session, DeploymentSpec("no-such-job", "churn-ep", INSTANCE))
    assert caught.value.code == "E-SME-123"


@pytest.mark.parametrize(
    "spec, code",
    [
        (DeploymentSpec("bad_job", "ep", INSTANCE), "E-SME-110"),
        (DeploymentSpec("job", "bad_endpoint", INSTANCE), "E-SME-111"),
        (DeploymentSpec("job", "ep", EndpointCompute()), "E-SME-20"),
        (DeploymentSpec("job", "ep", INSTANCE, timeout_seconds=0), "E-SME-20"),
    ],
)
def test_invalid_requests_fail_before_aws(spec, code):
    with pytest.raises(SmeError) as caught:
        deploy(moto_session(), spec)  # no mock active: any AWS call would fail differently
    assert caught.value.code == code


def _stub_candidate_listing(session, monkeypatch, candidates):
    """ListCandidatesForAutoMLJob is absent in moto: stub it, keep every other call on moto."""
    moto_client = session.client("sagemaker")
    listing = session.client("sagemaker")
    stubber = Stubber(listing)
    stubber.add_response("list_candidates_for_auto_ml_job", {"Candidates": candidates})
    stubber.activate()
    moto_client.list_candidates_for_auto_ml_job = listing.list_candidates_for_auto_ml_job
    monkeypatch.setattr(session, "client", lambda service, **kwargs: moto_client)
    return stubber


def test_named_candidate_is_deployed(session, monkeypatch):
    finished_job(session)
    stubber = _stub_candidate_listing(session, monkeypatch, [candidate("runner-up", containers=3)])
    deployment = deploy(session, DeploymentSpec("churn-job", "churn-ep", INSTANCE, candidate_name="runner-up"))
    stubber.assert_no_pending_responses()
    assert deployment.candidate_name == "runner-up"
    assert len(session.client("sagemaker").describe_model(ModelName="churn-ep-model")["Containers"]) == 3


def test_unknown_candidate_name_is_reported(session, monkeypatch):
    finished_job(session)
    _stub_candidate_listing(session, monkeypatch, [])
    with pytest.raises(SmeError) as caught:
        deploy(session, DeploymentSpec("churn-job", "churn-ep", INSTANCE, candidate_name="ghost"))
    assert caught.value.code == "E-SME-142" and "ghost" in str(caught.value)


def test_failed_existing_endpoint_reports_awss_reason(session):
    finished_job(session)
    deploy(session, DeploymentSpec("churn-job", "churn-ep", INSTANCE))
    endpoint = backend_endpoint("churn-ep")
    endpoint.endpoint_status, endpoint.failure_reason = "Failed", "Image could not be pulled"
    with pytest.raises(SmeError) as caught:
        deploy(session, DeploymentSpec("churn-job", "churn-ep", INSTANCE))
    assert caught.value.code == "E-SME-143" and "Image could not be pulled" in str(caught.value)


class FakeTime:
    """Clock and sleep for the polling loop: sleeping advances the clock, and may change the endpoint."""

    def __init__(self, on_sleep=lambda: None):
        self.now, self.sleeps, self.on_sleep = 0.0, [], on_sleep

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds
        self.on_sleep()


def test_waiting_reports_each_poll_until_in_service(session):
    finished_job(session)
    deploy(session, DeploymentSpec("churn-job", "churn-ep", INSTANCE))
    endpoint = backend_endpoint("churn-ep")
    endpoint.endpoint_status = "Creating"
    time = FakeTime(on_sleep=lambda: setattr(endpoint, "endpoint_status", "InService") if len(time.sleeps) == 3 else None)
    seen = []
    status = wait_until_in_service(session.client("sagemaker"), "churn-ep", 60, seen.append, (), time.sleep, time.clock)
    assert status == "InService" and seen == ["Creating", "Creating", "Creating", "InService"]
    assert time.sleeps == [1.0, 2.0, 4.0]


def test_waiting_gives_up_at_the_timeout(session):
    finished_job(session)
    deploy(session, DeploymentSpec("churn-job", "churn-ep", INSTANCE))
    backend_endpoint("churn-ep").endpoint_status = "Creating"
    time = FakeTime()
    with pytest.raises(SmeError) as caught:
        wait_until_in_service(session.client("sagemaker"), "churn-ep", 40, lambda s: None, (), time.sleep, time.clock)
    assert caught.value.code == "E-SME-144" and "Creating" in str(caught.value)
    assert sum(time.sleeps) == pytest.approx(40) and max(time.sleeps) <= 15


def test_endpoint_failing_while_waited_for_reports_awss_reason(session):
    finished_job(session)
    deploy(session, DeploymentSpec("churn-job", "churn-ep", INSTANCE))
    endpoint = backend_endpoint("churn-ep")
    endpoint.endpoint_status = "Creating"

    def fail():
        endpoint.endpoint_status, endpoint.failure_reason = "Failed", "Insufficient capacity for ml.m5.large"

    time = FakeTime(on_sleep=fail)
    with pytest.raises(SmeError) as caught:
        wait_until_in_service(session.client("sagemaker"), "churn-ep", 60, lambda s: None, (), time.sleep, time.clock)
    assert caught.value.code == "E-SME-143" and "Insufficient capacity" in str(caught.value)


def v2_candidate(name):
    """A candidate as AWS documents it for V2 jobs: containers per processing unit, no InferenceContainers."""
    described = candidate(name)
    cpu = described.pop("InferenceContainers")
    gpu = [{**cpu[0], "Image": cpu[0]["Image"] + "-gpu", "ModelDataUrl": "s3://my-bucket/sme/models/gpu/model.tar.gz"}]
    described["InferenceContainerDefinitions"] = {"GPU": gpu, "CPU": cpu}
    return described, cpu


def test_v2_container_definitions_are_deployed_with_their_cpu_containers(session):
    create_job(session)
    best, cpu = v2_candidate("churn-best")
    complete_job("churn-job", best)
    deploy(session, DeploymentSpec("churn-job", "churn-ep", INSTANCE))
    containers = session.client("sagemaker").describe_model(ModelName="churn-ep-model")["Containers"]
    assert [(c["Image"], c["ModelDataUrl"]) for c in containers] == [(c["Image"], c["ModelDataUrl"]) for c in cpu]


def test_v2_definitions_win_over_the_old_field_and_the_old_field_is_the_fallback(session):
    best, cpu = v2_candidate("churn-best")
    old = [{**cpu[0], "ModelDataUrl": "s3://my-bucket/old/model.tar.gz"}]
    assert candidate_containers({**best, "InferenceContainers": old}) == cpu
    assert candidate_containers({"InferenceContainers": old, "InferenceContainerDefinitions": {}}) == old
    assert candidate_containers({"InferenceContainers": old, "InferenceContainerDefinitions": {"GPU": cpu}}) == old
    assert candidate_containers({"CandidateName": "x"}) == []
