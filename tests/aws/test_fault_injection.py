"""Fault injection: each kind reaches a boto3 client as the error botocore raises for the real AWS failure."""

from __future__ import annotations

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError, ConnectionClosedError, ReadTimeoutError

from sme_local.aws.faults import FaultRuleError

NO_RETRIES = Config(retries={"total_max_attempts": 1, "mode": "standard"})


@pytest.fixture
def faults(emulator):
    control = emulator.faults
    control.clear()
    yield control
    control.clear()


@pytest.fixture(scope="module")
def bare(emulator):
    """Clients without botocore's retries, so each call meets the injector exactly once."""
    return lambda service, **config: emulator.client(service, config=NO_RETRIES.merge(Config(**config)))


def _error(call) -> ClientError:
    with pytest.raises(ClientError) as raised:
        call()
    return raised.value


@pytest.mark.parametrize(("kind", "status", "code"), [
    ("throttling", 400, "ThrottlingException"), ("internal", 500, "InternalFailure"),
    ("unavailable", 503, "ServiceUnavailable")])
def test_sagemaker_errors_have_the_json_protocol_shape_for_the_next_count_calls(faults, bare, kind, status, code):
    sagemaker = bare("sagemaker")
    faults.inject("sagemaker:ListEndpoints", kind, count=2)
    for _ in range(2):
        error = _error(sagemaker.list_endpoints)
        assert (error.response["ResponseMetadata"]["HTTPStatusCode"], error.response["Error"]["Code"]) == (status, code)
    sagemaker.list_endpoints()
    sagemaker.list_models()  # another operation is never touched
    assert [(r["matched"], r["injected"]) for r in faults.rules()] == [(3, 2)]


def test_s3_throttling_is_slow_down_503_and_the_operation_is_told_apart(faults, bare, emulator):
    emulator.create_bucket("faults")
    s3 = bare("s3")
    faults.inject("s3:PutObject", "throttling", count=1)
    error = _error(lambda: s3.put_object(Bucket="faults", Key="a/b.csv", Body=b"x"))
    assert (error.response["ResponseMetadata"]["HTTPStatusCode"], error.response["Error"]["Code"]) == (503, "SlowDown")
    s3.put_object(Bucket="faults", Key="a/b.csv", Body=b"x")
    faults.inject("s3:UploadPart", "internal", count=1)
    upload = s3.create_multipart_upload(Bucket="faults", Key="big")["UploadId"]
    error = _error(lambda: s3.upload_part(Bucket="faults", Key="big", UploadId=upload, PartNumber=1, Body=b"y"))
    assert error.response["Error"]["Code"] == "InternalError"
    s3.abort_multipart_upload(Bucket="faults", Key="big", UploadId=upload)


def test_runtime_errors_carry_the_code_in_the_rest_json_header(faults, bare):
    faults.inject("sagemaker-runtime:InvokeEndpoint", "throttling", count=1)
    error = _error(lambda: bare("sagemaker-runtime").invoke_endpoint(EndpointName="any", Body=b"1", ContentType="text/csv"))
    assert error.response["Error"]["Code"] == "ThrottlingException"


def test_a_fraction_fails_about_that_share_of_calls_repeatably(faults, bare):
    sagemaker = bare("sagemaker")
    faults.inject("sagemaker:*", "unavailable", fraction=0.5, seed=7)
    outcomes = []
    for _ in range(40):
        try:
            sagemaker.list_models()
            outcomes.append(True)
        except ClientError:
            outcomes.append(False)
    assert 10 <= outcomes.count(False) <= 30
    assert faults.rules()[0]["injected"] == outcomes.count(False)


def test_a_timeout_outlasts_the_read_timeout_and_a_reset_drops_the_connection(faults, bare):
    faults.inject("sagemaker:ListModels", "timeout", count=1, delay_seconds=1.5)
    with pytest.raises(ReadTimeoutError):
        bare("sagemaker", read_timeout=0.5).list_models()
    faults.inject("sagemaker:ListEndpointConfigs", "reset", count=1)
    with pytest.raises(ConnectionClosedError):
        bare("sagemaker").list_endpoint_configs()
    bare("sagemaker").list_endpoint_configs()


def test_default_clients_retry_a_throttled_call_through(faults, emulator):
    faults.inject("sagemaker:ListEndpoints", "throttling", count=2)
    emulator.client("sagemaker", config=Config(retries={"mode": "standard", "max_attempts": 3})).list_endpoints()
    assert faults.rules()[0]["injected"] == 2


@pytest.mark.parametrize("rule", [
    {"kind": "flood"}, {"operation": "sagemaker"}, {"count": None}, {"count": 1, "fraction": 0.5},
    {"count": None, "fraction": 1.5}])
def test_bad_rules_are_refused_with_an_emulator_code(faults, rule):
    arguments = {"operation": "sagemaker:ListModels", "kind": "internal", "count": 1, **rule}
    with pytest.raises(FaultRuleError, match=r"E-EMU-7[0-2]"):
        faults.inject(arguments.pop("operation"), arguments.pop("kind"), **arguments)
    assert faults.rules() == []


def test_a_taken_model_config_or_endpoint_name_is_refused_as_aws_does(sagemaker):
    role = "arn:aws:iam::123456789012:role/r"
    sagemaker.create_model(ModelName="taken", ExecutionRoleArn=role, PrimaryContainer={"Image": "i"})
    variant = {"VariantName": "v", "ModelName": "taken", "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}
    sagemaker.create_endpoint_config(EndpointConfigName="taken", ProductionVariants=[variant])
    for call, word in ((lambda: sagemaker.create_model(ModelName="taken", ExecutionRoleArn=role,
                                                       PrimaryContainer={"Image": "other"}), "model"),
                       (lambda: sagemaker.create_endpoint_config(EndpointConfigName="taken",
                                                                 ProductionVariants=[variant]), "endpoint configuration")):
        error = _error(call)
        assert error.response["Error"]["Code"] == "ValidationException"
        assert error.response["Error"]["Message"].startswith(f'Cannot create already existing {word} "arn:aws:sagemaker:')
    assert sagemaker.describe_model(ModelName="taken")["PrimaryContainer"]["Image"] == "i"
    sagemaker.delete_endpoint_config(EndpointConfigName="taken")
    sagemaker.delete_model(ModelName="taken")
