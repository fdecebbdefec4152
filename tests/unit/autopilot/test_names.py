import pytest

from exasol_sagemaker_extension.autopilot.names import (
    endpoint_config_name_for,
    model_name_for,
    validate_candidate_name,
    validate_endpoint_name,
    validate_job_name,
    ENDPOINT_NAME_PATTERN,
)
from exasol_sagemaker_extension.errors import SmeError


@pytest.mark.parametrize("name", ["a", "churn-job-1", "A--b", "x" * 32])
def test_valid_job_names(name):
    assert validate_job_name(name) == name


@pytest.mark.parametrize("name", ["", "-a", "a-", "a_b", "x" * 33, "job.name", None, 7])
def test_invalid_job_names(name):
    with pytest.raises(SmeError) as caught:
        validate_job_name(name)
    assert caught.value.code == "E-SME-110" and "1-32" in str(caught.value)


@pytest.mark.parametrize("name", ["", "-ep", "ep-", "e" * 64, "my endpoint"])
def test_invalid_endpoint_names(name):
    with pytest.raises(SmeError) as caught:
        validate_endpoint_name(name)
    assert caught.value.code == "E-SME-111" and repr(name) in str(caught.value)


def test_candidate_name_length():
    assert validate_candidate_name("c" * 64)
    with pytest.raises(SmeError) as caught:
        validate_candidate_name("c" * 65)
    assert caught.value.code == "E-SME-112"


def test_short_endpoint_names_derive_readable_names():
    assert model_name_for("churn-ep") == "churn-ep-model"
    assert endpoint_config_name_for("churn-ep") == "churn-ep-config"


@pytest.mark.parametrize("length", [56, 57, 58, 62, 63])
def test_long_endpoint_names_derive_valid_distinct_deterministic_names(length):
    first, second = "a" * length, "a" * (length - 1) + "b"
    for derive in (model_name_for, endpoint_config_name_for):
        name = derive(first)
        assert len(name) <= 63 and ENDPOINT_NAME_PATTERN.match(name)
        assert derive(first) == name
        assert derive(second) != name
