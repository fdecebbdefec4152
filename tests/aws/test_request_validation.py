"""The emulator's server rejects what AWS's server rejects, one test per constraint category of botocore's model.

Every client here has boto3's own validation switched off, so a rejection can only come from the server.
"""

from __future__ import annotations

import botocore.exceptions
import botocore.session
import pytest
from botocore.config import Config

from sme_local.aws.request_validation import VALIDATION_ERROR_CODES, compiled_pattern
from aws_flow import ROLE

UNCHECKED = Config(parameter_validation=False)
CHANNEL = {"ChannelType": "training", "ContentType": "text/csv;header=present",
           "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/in/"}}}


@pytest.fixture(scope="module")
def sagemaker(emulator):
    return emulator.client("sagemaker", config=UNCHECKED)


def job_request(**overrides):
    request = {"AutoMLJobName": "valid-name", "AutoMLJobInputDataConfig": [CHANNEL],
               "OutputDataConfig": {"S3OutputPath": "s3://b/out/"},
               "AutoMLProblemTypeConfig": {"TabularJobConfig": {"TargetAttributeName": "y"}}, "RoleArn": ROLE}
    request.update(overrides)
    return {k: v for k, v in request.items() if v is not None}


def rejected(call, **kwargs) -> dict:
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        call(**kwargs)
    response = caught.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400
    return response["Error"]


def metric_names() -> list[str]:
    model = botocore.session.get_session().get_service_model("sagemaker")
    return model.shape_for("AutoMLMetricEnum").enum


def test_enum_value_outside_the_model_is_rejected(sagemaker):
    error = rejected(sagemaker.create_auto_ml_job_v2,
                     **job_request(AutoMLJobObjective={"MetricName": "LogLoss"}))
    assert error["Code"] == "ValidationException"
    assert error["Message"] == (
        "1 validation error detected: Value 'LogLoss' at 'autoMLJobObjective.metricName' failed to satisfy "
        f"constraint: Member must satisfy enum value set: [{', '.join(metric_names())}]")
    assert "LogLoss" not in metric_names()


def test_string_longer_than_the_model_allows_is_rejected(sagemaker):
    name = "j" * 33  # also too long for the pattern's {0,31}: AWS reports both
    error = rejected(sagemaker.create_auto_ml_job_v2, **job_request(AutoMLJobName=name))
    assert error["Message"] == (
        f"2 validation errors detected: Value '{name}' at 'autoMLJobName' failed to satisfy constraint: Member must "
        f"have length less than or equal to 32; Value '{name}' at 'autoMLJobName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}")


def test_value_not_matching_the_pattern_is_rejected(sagemaker):
    user_arn = "arn:aws:iam::123456789012:user/analyst"
    error = rejected(sagemaker.create_auto_ml_job_v2, **job_request(RoleArn=user_arn))
    assert error["Message"] == (
        f"1 validation error detected: Value '{user_arn}' at 'roleArn' failed to satisfy constraint: "
        r"Member must satisfy regular expression pattern: arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+")


def test_number_outside_the_range_is_rejected(sagemaker):
    error = rejected(sagemaker.list_candidates_for_auto_ml_job, AutoMLJobName="some-job", MaxResults=0)
    assert error["Message"] == ("1 validation error detected: Value '0' at 'maxResults' failed to satisfy "
                                "constraint: Member must have value greater than or equal to 1")


def test_missing_required_member_is_rejected(sagemaker):
    error = rejected(sagemaker.create_auto_ml_job_v2, **job_request(RoleArn=None))
    assert error["Message"] == ("1 validation error detected: Value null at 'roleArn' failed to satisfy "
                                "constraint: Member must not be null")


def test_list_with_too_many_items_and_nested_violations_are_all_reported(sagemaker):
    bad_channel = dict(CHANNEL, ChannelType="testing")
    error = rejected(sagemaker.create_auto_ml_job_v2,
                     **job_request(AutoMLJobInputDataConfig=[CHANNEL, CHANNEL, bad_channel]))
    message = error["Message"]
    assert message.startswith("2 validation errors detected: Value '[")
    assert "at 'autoMLJobInputDataConfig' failed to satisfy constraint: Member must have length less than or " \
           "equal to 2; " in message
    assert message.endswith("Value 'testing' at 'autoMLJobInputDataConfig.3.member.channelType' failed to satisfy "
                            "constraint: Member must satisfy enum value set: [training, validation]")


def test_query_protocol_services_answer_validation_error(emulator):
    sts = emulator.client("sts", config=UNCHECKED)
    error = rejected(sts.assume_role, RoleArn=ROLE, RoleSessionName="x")
    assert error["Code"] == "ValidationError"
    assert error["Message"] == ("1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy "
                                "constraint: Member must have length greater than or equal to 2")


def test_runtime_checks_uri_members_and_hides_sensitive_values(emulator):
    runtime = emulator.client("sagemaker-runtime", config=UNCHECKED)
    error = rejected(runtime.invoke_endpoint, EndpointName="bad_name", Body=b"1\n", ContentType="text/csv",
                     CustomAttributes="secret" * 200)
    assert error["Code"] == "ValidationError"
    assert error["Message"] == (
        "2 validation errors detected: Value 'bad_name' at 'endpointName' failed to satisfy constraint: Member "
        "must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9])*; Value at 'customAttributes' "
        "failed to satisfy constraint: Member must have length less than or equal to 1024")


def test_valid_request_still_reaches_the_service(sagemaker):
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        sagemaker.list_candidates_for_auto_ml_job(AutoMLJobName="never-created", MaxResults=5)
    assert caught.value.response["Error"]["Code"] == "ResourceNotFound"


@pytest.mark.parametrize("service", sorted(VALIDATION_ERROR_CODES))
def test_every_pattern_of_the_validated_services_compiles(service):
    model = botocore.session.get_session().get_service_model(service)
    patterns = {model.shape_for(name).metadata["pattern"] for name in model.shape_names
                if "pattern" in model.shape_for(name).metadata}
    assert patterns
    for pattern in patterns:
        compiled_pattern(pattern)
