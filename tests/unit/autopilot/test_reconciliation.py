"""Tags on every resource the extension creates, and reconciliation of those resources with the metadata, on moto."""

import dataclasses

import pytest
from moto import mock_aws

from aws_fixtures import ROLE_ARN, candidate, complete_job, create_job, moto_session, training_spec
from exasol_sagemaker_extension.autopilot.endpoint_compute import EndpointCompute
from exasol_sagemaker_extension.autopilot.endpoints import DeploymentSpec, deploy
from exasol_sagemaker_extension.autopilot.reconciliation import Metadata, reconcile
from exasol_sagemaker_extension.autopilot.resource_tags import encode_tag_value, extension_tags
from exasol_sagemaker_extension.autopilot.training import start_training

SCHEMA = "SME"
INSTANCE = EndpointCompute(instance_type="ml.m5.large", instance_count=1)


@pytest.fixture
def session():
    with mock_aws():
        yield moto_session()


def tags_of(client, arn):
    return {tag["Key"]: tag["Value"] for tag in client.list_tags(ResourceArn=arn)["Tags"]}


def deployed(session, endpoint_name="churn-ep", schema=SCHEMA):
    spec = training_spec()
    start_training(session, dataclasses.replace(spec, options={**spec.options, "tags": {"team": "ml"}},
                                                extension_schema=schema))
    complete_job("churn-job", candidate("churn-best"))
    deploy(session, DeploymentSpec("churn-job", endpoint_name, INSTANCE, extension_schema=schema))


def states(session, metadata, delete=False, schema=SCHEMA):
    return {(s.resource_type, s.resource_name): (s.verdict, s.action, s.job_name, s.serving_endpoint)
            for s in reconcile(session, schema, metadata, delete)}


def test_job_model_config_and_endpoint_carry_the_extension_tags(session):
    deployed(session)
    client = session.client("sagemaker")
    expected = {"exasol-sme:extension": "exasol-sagemaker-extension", "exasol-sme:schema": "SME",
                "exasol-sme:job": "churn-job"}
    arns = [client.describe_auto_ml_job_v2(AutoMLJobName="churn-job")["AutoMLJobArn"],
            client.describe_model(ModelName="churn-ep-model")["ModelArn"],
            client.describe_endpoint_config(EndpointConfigName="churn-ep-config")["EndpointConfigArn"],
            client.describe_endpoint(EndpointName="churn-ep")["EndpointArn"]]
    assert [tags_of(client, arn) for arn in arns] == [{**expected, "team": "ml"}, expected, expected, expected]


def test_tag_values_encode_any_schema_name_reversibly_in_awss_characters():
    assert encode_tag_value("SME_SCHEMA") == "SME_SCHEMA"
    assert encode_tag_value("a=b!") == "a=003Db=0021"
    assert encode_tag_value("€😀") == "=20AC==01F600"
    assert encode_tag_value("a!") != encode_tag_value("a=0021")
    assert extension_tags("S", None) == [{"Key": "exasol-sme:extension", "Value": "exasol-sagemaker-extension"},
                                         {"Key": "exasol-sme:schema", "Value": "S"}]


def test_what_the_metadata_knows_is_tracked(session):
    deployed(session)
    found = states(session, Metadata(frozenset({"churn-job"}), frozenset({"churn-ep"})))
    assert found == {
        ("AUTOML_JOB", "churn-job"): ("TRACKED", "NONE", "churn-job", None),
        ("ENDPOINT", "churn-ep"): ("TRACKED", "NONE", "churn-job", None),
        ("ENDPOINT_CONFIG", "churn-ep-config"): ("TRACKED", "NONE", "churn-job", "churn-ep"),
        ("MODEL", "churn-ep-model"): ("TRACKED", "NONE", "churn-job", "churn-ep"),
    }


def test_orphans_are_listed_then_deleted_on_request_and_other_schemas_are_left_alone(session):
    deployed(session)
    client = session.client("sagemaker")
    # A model left behind by a deployment that failed before its config existed, and another schema's model.
    client.create_model(ModelName="half-made-model", ExecutionRoleArn=ROLE_ARN,
                        PrimaryContainer={"Image": "img"}, Tags=extension_tags(SCHEMA, "churn-job"))
    client.create_model(ModelName="other-schema-model", ExecutionRoleArn=ROLE_ARN,
                        PrimaryContainer={"Image": "img"}, Tags=extension_tags("OTHER", "churn-job"))
    client.create_model(ModelName="untagged-model", ExecutionRoleArn=ROLE_ARN, PrimaryContainer={"Image": "img"})
    metadata = Metadata(frozenset({"churn-job"}), frozenset())  # the endpoint is marked deleted in the metadata
    listed = states(session, metadata)
    assert {key: value[0] for key, value in listed.items()} == {
        ("AUTOML_JOB", "churn-job"): "TRACKED", ("ENDPOINT", "churn-ep"): "ORPHAN",
        ("ENDPOINT_CONFIG", "churn-ep-config"): "ORPHAN", ("MODEL", "churn-ep-model"): "ORPHAN",
        ("MODEL", "half-made-model"): "ORPHAN",
    }
    assert all(action == "NONE" for _, action, _, _ in listed.values())

    deleted = states(session, metadata, delete=True)
    assert {key: value[1] for key, value in deleted.items()} == {
        ("AUTOML_JOB", "churn-job"): "NONE", ("ENDPOINT", "churn-ep"): "DELETED",
        ("ENDPOINT_CONFIG", "churn-ep-config"): "DELETED", ("MODEL", "churn-ep-model"): "DELETED",
        ("MODEL", "half-made-model"): "DELETED",
    }
    assert sorted(m["ModelName"] for m in client.list_models()["Models"]) == ["other-schema-model", "untagged-model"]
    assert client.list_endpoints()["Endpoints"] == [] and client.list_endpoint_configs()["EndpointConfigs"] == []
    assert states(session, metadata) == {("AUTOML_JOB", "churn-job"): ("TRACKED", "NONE", "churn-job", None)}


def test_an_endpoint_the_metadata_lists_but_aws_lacks_is_missing(session):
    create_job(session)
    found = states(session, Metadata(frozenset(), frozenset({"gone-ep"})))
    assert found == {("ENDPOINT", "gone-ep"): ("MISSING_IN_AWS", "NONE", None, None)}


def test_a_job_unknown_to_the_metadata_is_an_orphan_but_never_deleted(session):
    deployed(session)
    found = states(session, Metadata(frozenset(), frozenset({"churn-ep"})), delete=True)
    assert found[("AUTOML_JOB", "churn-job")] == ("ORPHAN", "NONE", "churn-job", None)
    assert found[("ENDPOINT", "churn-ep")][:2] == ("TRACKED", "NONE")


def test_transform_jobs_are_listed_by_their_job_and_never_deleted(session):
    deployed(session)
    client = session.client("sagemaker")
    client.create_model(ModelName="churn-job-bt-1", ExecutionRoleArn=ROLE_ARN, PrimaryContainer={"Image": "x"},
                        Tags=extension_tags(SCHEMA, "churn-job"))
    for name, job in (("churn-job-bt-1", "churn-job"), ("gone-job-bt-1", "gone-job")):
        client.create_transform_job(
            TransformJobName=name, ModelName="churn-job-bt-1",
            TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/in/"}}},
            TransformOutput={"S3OutputPath": "s3://b/out/"},
            TransformResources={"InstanceType": "ml.m5.large", "InstanceCount": 1}, Tags=extension_tags(SCHEMA, job))
    found = states(session, Metadata(frozenset({"churn-job"}), frozenset({"churn-ep"})), delete=True)
    assert found[("TRANSFORM_JOB", "churn-job-bt-1")] == ("TRACKED", "NONE", "churn-job", None)
    assert found[("TRANSFORM_JOB", "gone-job-bt-1")] == ("ORPHAN", "NONE", "gone-job", None)
    # moto's transform jobs are Completed at once: the run's model serves nothing any more and is removed
    assert found[("MODEL", "churn-job-bt-1")] == ("ORPHAN", "DELETED", "churn-job", None)
