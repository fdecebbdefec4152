"""What a SQL user sees when the connection, the credentials or the request JSON are wrong."""

import json

import boto3
import pytest
from botocore.stub import Stubber
from exasol_udf_mock_python.column import Column
from exasol_udf_mock_python.group import Group
from exasol_udf_mock_python.mock_exa_environment import MockExaEnvironment
from exasol_udf_mock_python.mock_meta_data import MockMetaData
from exasol_udf_mock_python.udf_mock_executor import UDFMockExecutor
from moto import mock_aws
from moto.core import set_initial_no_auth_action_count

from aws_fixtures import SECRET, TOKEN
from exasol_sagemaker_extension.errors import SmeError
from exasol_sagemaker_extension.udfs.connection import session_from_exa
from udf_runner import CONNECTION, STATUS_COLUMNS, aws_connection, job_status_script, run_udf
from exasol_udf_mock_python.connection import Connection


class NoGrantEnvironment(MockExaEnvironment):
    """Exasol's answer when the user lacks ACCESS ON CONNECTION (the mock knows no privileges)."""

    def get_connection(self, name):
        raise RuntimeError(f"insufficient privileges for using connection {name} in script JOB_STATUS_UDF")


def test_unknown_connection_names_it_and_how_to_create_it():
    with pytest.raises(SmeError) as caught:
        run_udf(job_status_script, {"job_name": "churn-job"}, STATUS_COLUMNS, connections={})
    text = str(caught.value)
    assert caught.value.code == "E-SME-200" and CONNECTION in text and "CREATE CONNECTION" in text


def test_connection_without_grant_says_which_grant_is_missing():
    with pytest.raises(SmeError) as caught:
        run_udf(job_status_script, {"job_name": "churn-job"}, STATUS_COLUMNS, environment=NoGrantEnvironment)
    assert caught.value.code == "E-SME-201" and f"GRANT ACCESS ON CONNECTION {CONNECTION}" in str(caught.value)


def test_empty_connection_name_is_rejected():
    with pytest.raises(SmeError) as caught:
        session_from_exa(MockExaEnvironment(None), " ", "eu-west-1")
    assert caught.value.code == "E-SME-200"


def test_connection_without_region_needs_aws_region():
    connections = {CONNECTION: Connection("s3://my-bucket", "AKIAEXAMPLE", SECRET)}
    with pytest.raises(SmeError) as caught:
        run_udf(job_status_script, {"job_name": "churn-job"}, STATUS_COLUMNS, connections=connections)
    assert caught.value.code == "E-SME-102"


@set_initial_no_auth_action_count(0)
@mock_aws
def test_invalid_credentials_are_reported_without_secret():
    request = {"job_name": "churn-job", "aws_assume_role_arn": "arn:aws:iam::123456789012:role/automl"}
    with pytest.raises(SmeError) as caught:
        run_udf(job_status_script, request, STATUS_COLUMNS, connections=aws_connection("AKIAUNKNOWN0000", SECRET))
    assert caught.value.code == "E-SME-120" and SECRET not in str(caught.value)


def test_expired_session_token_is_reported_without_token(monkeypatch):
    """moto cannot expire tokens and answers SageMaker auth failures with a bare 403: stub the AWS answer."""
    real_client = boto3.Session.client

    def expired(self, service, *args, **kwargs):
        client = real_client(self, service, *args, **kwargs)
        stubber = Stubber(client)
        stubber.add_client_error("describe_auto_ml_job_v2", "ExpiredTokenException",
                                 f"The security token included in the request is expired: {TOKEN}")
        stubber.activate()
        return client

    monkeypatch.setattr(boto3.Session, "client", expired)
    password = f"S3_ACCESS_KEY=ASIAEXAMPLE;S3_SECRET_KEY={SECRET};S3_SESSION_TOKEN={TOKEN}"
    with pytest.raises(SmeError) as caught:
        run_udf(job_status_script, {"job_name": "churn-job"}, STATUS_COLUMNS, connections=aws_connection("", password))
    text = str(caught.value)
    assert caught.value.code == "E-SME-120" and "S3_SESSION_TOKEN" in text
    assert TOKEN not in text and SECRET not in text


def _run_raw(argument):
    meta = MockMetaData(
        script_code_wrapper_function=job_status_script,
        input_type="SCALAR",
        input_columns=[Column("request_json", str, "VARCHAR(2000000)")],
        output_type="EMITS",
        output_columns=STATUS_COLUMNS,
    )
    return UDFMockExecutor().run([Group([(argument,)])], MockExaEnvironment(meta, connections=aws_connection()))


@pytest.mark.parametrize("argument", ["not json", "[1, 2]", None])
def test_argument_must_be_a_json_object(argument):
    with pytest.raises(SmeError) as caught:
        _run_raw(argument)
    assert caught.value.code == "E-SME-202"


def test_missing_key_is_named():
    with pytest.raises(SmeError) as caught:
        _run_raw(json.dumps({"aws_credentials_connection_name": CONNECTION}))
    assert caught.value.code == "E-SME-203" and "job_name" in str(caught.value)


@pytest.mark.parametrize("request_", [{"job_name": 5}, {"job_name": "j", "aws_region": ["eu-west-1"]}])
def test_wrong_types_are_named(request_):
    with pytest.raises(SmeError) as caught:
        _run_raw(json.dumps({"aws_credentials_connection_name": CONNECTION, **request_}))
    assert caught.value.code == "E-SME-204"
