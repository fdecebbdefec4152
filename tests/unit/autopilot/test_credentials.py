import boto3
import pytest
from moto import mock_aws

from aws_fixtures import ADDRESS, REGION, SECRET, TOKEN
from exasol_sagemaker_extension.autopilot.credentials import (
    AssumeRole,
    AwsCredentials,
    aws_session,
    parse_credentials,
    parse_s3_address,
    resolve_region,
    session_secrets,
)
from exasol_sagemaker_extension.errors import SmeError

ROLE = "arn:aws:iam::123456789012:role/exasol-automl"


@pytest.mark.parametrize(
    "address, bucket, region",
    [
        ("https://my-bucket.s3.eu-west-1.amazonaws.com", "my-bucket", "eu-west-1"),
        ("https://my.dotted.bucket.s3.us-gov-west-1.amazonaws.com/prefix/", "my.dotted.bucket", "us-gov-west-1"),
        ("https://legacy-bucket.s3-ap-southeast-2.amazonaws.com", "legacy-bucket", "ap-southeast-2"),
        ("https://global-bucket.s3.amazonaws.com", "global-bucket", None),
        ("s3://plain-bucket", "plain-bucket", None),
    ],
)
def test_address_forms(address, bucket, region):
    parsed = parse_s3_address(address)
    assert (parsed.bucket, parsed.region) == (bucket, region)


def test_foreign_address_is_not_an_s3_address():
    assert parse_s3_address("http://127.0.0.1:5000/bucket") is None


def test_explicit_region_wins_over_address():
    assert resolve_region("us-east-1", ADDRESS) == "us-east-1"
    assert resolve_region(None, ADDRESS) == REGION


def test_missing_region_is_an_error_with_mitigation():
    with pytest.raises(SmeError) as caught:
        resolve_region(None, "s3://bucket")
    assert caught.value.code == "E-SME-102" and "aws_region" in str(caught.value)


def test_malformed_region_is_rejected():
    with pytest.raises(SmeError) as caught:
        resolve_region("Frankfurt", ADDRESS)
    assert caught.value.code == "E-SME-103"


def test_legacy_form_ignores_exasol_options_after_the_secret():
    credentials = parse_credentials("AKIAEXAMPLE", f"{SECRET};sse_type=aws:kms")
    assert credentials == AwsCredentials("AKIAEXAMPLE", SECRET, None)


def test_key_value_form_with_session_token_containing_equals_signs():
    credentials = parse_credentials("", f"S3_ACCESS_KEY=ASIAEXAMPLE;S3_SECRET_KEY={SECRET};S3_SESSION_TOKEN={TOKEN}")
    assert credentials == AwsCredentials("ASIAEXAMPLE", SECRET, TOKEN)


def test_secrets_stay_out_of_repr():
    text = repr(parse_credentials("", f"S3_ACCESS_KEY=ASIAEXAMPLE;S3_SECRET_KEY={SECRET};S3_SESSION_TOKEN={TOKEN}"))
    assert SECRET not in text and TOKEN not in text and "ASIAEXAMPLE" in text


@pytest.mark.parametrize("user, password", [("", SECRET), (None, None), ("AKIAEXAMPLE", "")])
def test_connection_without_key_is_rejected_without_echoing_the_password(user, password):
    with pytest.raises(SmeError) as caught:
        parse_credentials(user, password)
    assert caught.value.code == "E-SME-100"
    assert SECRET not in str(caught.value)


def test_key_value_form_missing_secret_is_rejected_without_echo():
    with pytest.raises(SmeError) as caught:
        parse_credentials("", f"S3_ACCESS_KEY=ASIAEXAMPLE;S3_SESSION_TOKEN={TOKEN}")
    assert caught.value.code == "E-SME-101" and "S3_SECRET_KEY" in str(caught.value)
    assert TOKEN not in str(caught.value)


@mock_aws
def test_session_carries_connection_credentials_and_region(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAFROMENVIRONMENT")
    session = aws_session(ADDRESS, "AKIAEXAMPLE", SECRET, None)
    frozen = session.get_credentials().get_frozen_credentials()
    assert (frozen.access_key, frozen.secret_key, session.region_name) == ("AKIAEXAMPLE", SECRET, REGION)
    assert session.client("sts").get_caller_identity()["Account"] == "123456789012"
    assert session_secrets(session) == (SECRET,)


def test_credentials_never_touch_the_process_environment(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    import os

    before = dict(os.environ)
    aws_session(ADDRESS, "", f"S3_ACCESS_KEY=ASIAEXAMPLE;S3_SECRET_KEY={SECRET};S3_SESSION_TOKEN={TOKEN}", None)
    assert dict(os.environ) == before


@mock_aws
def test_assume_role_yields_the_roles_temporary_credentials():
    base = boto3.Session(aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key=SECRET, region_name=REGION)
    base.client("iam").create_role(RoleName="exasol-automl", AssumeRolePolicyDocument="{}")
    session = aws_session(ADDRESS, "AKIAEXAMPLE", SECRET, None, AssumeRole(ROLE, external_id="exasol-ext-1"))
    identity = session.client("sts").get_caller_identity()
    assert identity["Arn"].startswith("arn:aws:sts::123456789012:assumed-role/exasol-automl/")
    assert session.get_credentials().get_frozen_credentials().secret_key != SECRET
    assert session.region_name == REGION


@pytest.mark.parametrize(
    "role", [AssumeRole("not-an-arn"), AssumeRole(ROLE, external_id="x"), AssumeRole(ROLE, external_id="bad id!")]
)
def test_malformed_role_request_is_rejected_before_aws(role):
    with pytest.raises(SmeError) as caught:
        aws_session(ADDRESS, "AKIAEXAMPLE", SECRET, None, role)
    assert caught.value.code == "E-SME-104"
