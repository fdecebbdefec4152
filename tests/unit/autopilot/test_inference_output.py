import pytest

from exasol_sagemaker_extension.autopilot.inference_output import with_inference_output
from exasol_sagemaker_extension.errors import SmeError

ALL = "predicted_label,probability,probabilities,labels"


def container(name, supported=None):
    environment = {"SAGEMAKER_PROGRAM": "serve"}
    if supported:
        environment["SAGEMAKER_INFERENCE_SUPPORTED"] = supported
    return {"Image": name, "ModelDataUrl": f"s3://b/{name}", "Environment": environment}


def test_containers_without_announcement_all_get_the_binary_keys():
    containers = [container("ensemble")]
    configured, keys = with_inference_output(containers, "BinaryClassification")
    assert keys == ("predicted_label", "probability")
    assert configured[0]["Environment"]["SAGEMAKER_INFERENCE_OUTPUT"] == "predicted_label,probability"
    assert "SAGEMAKER_INFERENCE_OUTPUT" not in containers[0]["Environment"], "input must not be modified"


def test_hpo_pipeline_chains_output_into_next_input():
    containers = [container("features"), container("algorithm", ALL), container("inverse", "predicted_label,probability,labels")]
    configured, keys = with_inference_output(containers, "MulticlassClassification")
    features, algorithm, inverse = (c["Environment"] for c in configured)
    assert "SAGEMAKER_INFERENCE_OUTPUT" not in features
    assert algorithm["SAGEMAKER_INFERENCE_OUTPUT"] == ALL and "SAGEMAKER_INFERENCE_INPUT" not in algorithm
    assert inverse["SAGEMAKER_INFERENCE_INPUT"] == ALL
    assert inverse["SAGEMAKER_INFERENCE_OUTPUT"] == "predicted_label,probability,labels"
    assert keys == ("predicted_label", "probability", "labels")


def test_regression_is_left_untouched():
    containers = [container("features"), container("algorithm")]
    configured, keys = with_inference_output(containers, "Regression")
    assert configured == containers and keys == ("predicted_label",)


def test_unknown_problem_type_is_an_error():
    with pytest.raises(SmeError) as caught:
        with_inference_output([container("x")], None)
    assert caught.value.code == "E-SME-148"
