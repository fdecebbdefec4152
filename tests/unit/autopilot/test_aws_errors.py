"""Error translation. Credential failures come from moto's IAM simulation where moto produces them faithfully
(STS speaks AWS's query protocol there); SageMaker-specific error codes (JSON protocol) are not produced by moto
with the right code, so those use botocore's Stubber on a SageMaker client."""

import boto3
import pytest
from botocore.config import Config
from botocore.stub import Stubber
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count

from aws_fixtures import ADDRESS, REGION, SECRET, TOKEN, moto_session, training_spec
from exasol_sagemaker_extension.autopilot.aws_errors import aws_call, unless_missing
from exasol_sagemaker_extension.autopilot.credentials import AssumeRole, aws_session
from exasol_sagemaker_extension.autopilot.job_status import job_status
from exasol_sagemaker_extension.autopilot.training import build_create_request
from exasol_sagemaker_extension.errors import SmeError


@set_initial_no_auth_action_count(0)
@mock_aws
def test_unknown_access_key_is_a_credentials_error_without_secret():
    session = aws_session(ADDRESS, "AKIAUNKNOWN00000000", SECRET, None)
    with pytest.raises(SmeError) as caught:
        with aws_call("check the identity", "of the connection", secrets=(SECRET,)):
            session.client("sts").get_caller_identity()
    assert caught.value.code == "E-SME-120" and "InvalidClientTokenId" in str(caught.value)
    assert SECRET not in str(caught.value) and caught.value.__cause__ is None


@set_initial_no_auth_action_count(3)
@mock_aws
def test_user_without_permission_cannot_assume_role():
    iam = boto3.client("iam", region_name=REGION)
    iam.create_role(RoleName="automl", AssumeRolePolicyDocument="{}")
    iam.create_user(UserName="analyst")
    key = iam.create_access_key(UserName="analyst")["AccessKey"]
    with pytest.raises(SmeError) as caught:
        aws_session(
            ADDRESS, key["AccessKeyId"], key["SecretAccessKey"], None,
            AssumeRole("arn:aws:iam::123456789012:role/automl"),
        )
    assert caught.value.code == "E-SME-121" and "assume the role" in str(caught.value)
    assert key["SecretAccessKey"] not in str(caught.value)


def _stubbed_sagemaker():
    session = boto3.Session(aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key=SECRET,
                            aws_session_token=TOKEN, region_name=REGION)
    client = session.client("sagemaker")
    return session, client, Stubber(client)


@pytest.mark.parametrize(
    "aws_code, message, expected",
    [
        ("UnrecognizedClientException", "The security token included in the request is invalid.", "E-SME-120"),
        ("ExpiredTokenException", "The security token included in the request is expired", "E-SME-120"),
        ("SignatureDoesNotMatch", f"Canonical request: x-amz-security-token:{TOKEN}", "E-SME-120"),
        ("AccessDeniedException", "User is not authorized to perform sagemaker:DescribeAutoMLJobV2", "E-SME-121"),
        ("ResourceInUse", "Job already exists", "E-SME-122"),
        ("ResourceNotFound", "Could not find job", "E-SME-123"),
        ("ValidationException", "Could not find endpoint", "E-SME-123"),
        ("ThrottlingException", "Rate exceeded", "E-SME-124"),
        ("ValidationException", "1 validation error detected", "E-SME-125"),
        ("ResourceLimitExceeded", "account-level service limit", "E-SME-126"),
        ("InternalFailure", "oops", "E-SME-128"),
    ],
)
def test_sagemaker_error_codes_map_to_sme_codes(aws_code, message, expected, monkeypatch):
    session, client, stubber = _stubbed_sagemaker()
    stubber.add_client_error("describe_auto_ml_job_v2", service_error_code=aws_code, service_message=message)
    monkeypatch.setattr(session, "client", lambda service, **kwargs: client)
    with stubber, pytest.raises(SmeError) as caught:
        job_status(session, "churn-job")
    assert caught.value.code == expected
    assert caught.value.mitigations
    assert TOKEN not in str(caught.value) and SECRET not in str(caught.value)


def test_unreachable_endpoint_is_reported_as_network_problem():
    client = boto3.client(
        "sagemaker", region_name=REGION, aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key=SECRET,
        endpoint_url="http://127.0.0.1:9", config=Config(retries={"max_attempts": 1}, connect_timeout=1),
    )
    with pytest.raises(SmeError) as caught:
        with aws_call("describe the endpoint", "ep"):
            client.describe_endpoint(EndpointName="ep")
    assert caught.value.code == "E-SME-127"


@mock_aws
def test_unless_missing_answers_none_only_for_missing_resources():
    session = moto_session()
    client = session.client("sagemaker")
    assert unless_missing(lambda: client.describe_endpoint(EndpointName="nope"), "describe the endpoint", "nope") is None
    request = build_create_request(training_spec("twice"))
    client.create_auto_ml_job_v2(**request)
    with pytest.raises(SmeError) as caught:
        unless_missing(lambda: client.create_auto_ml_job_v2(**request), "create the job", "twice")
    assert caught.value.code == "E-SME-122"
