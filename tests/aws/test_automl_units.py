"""Fast checks of the training and inference building blocks, without a server."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from sme_local.aws.automl import artifacts, dataset, metrics
from sme_local.aws.automl.failure import JobFailure
from sme_local.aws.automl.inference import LoadedContainer, invoke, response_type
from sme_local.aws.automl.stages import FeatureTransform, InferenceError


def test_gzip_and_plain_parts_with_crlf_are_concatenated():
    first = b"Int'l Plan,x,Churn?\r\nyes,1.5,True.\r\n"
    second = gzip.compress(b"Int'l Plan,x,Churn?\r\nno,,False.\r\n")
    table = dataset.read_training_table([("a.csv", first), ("b.csv.gz", second), ("c.csv", b"")])
    assert list(table.frame.columns) == ["Int'l Plan", "x", "Churn?"]
    assert table.frame.values.tolist() == [["yes", "1.5", "True."], ["no", None, "False."]]


def test_problem_type_inference_follows_autopilot_rules():
    assert dataset.resolve_problem_type(pd.Series(["a", "b", "a"]), None) == dataset.BINARY
    assert dataset.resolve_problem_type(pd.Series([str(i % 4) for i in range(40)]), None) == dataset.MULTICLASS
    assert dataset.resolve_problem_type(pd.Series([str(i * 1.5) for i in range(40)]), None) == dataset.REGRESSION
    with pytest.raises(JobFailure, match="exactly 2 distinct"):
        dataset.resolve_problem_type(pd.Series(["a", "b", "c"]), dataset.BINARY)
    with pytest.raises(JobFailure, match="numeric target"):
        dataset.resolve_problem_type(pd.Series(["a", "b", "c"]), dataset.REGRESSION)


def test_default_objectives_and_directions():
    assert metrics.objective_for(dataset.BINARY, None).name == "F1"
    assert metrics.objective_for(dataset.REGRESSION, None).objective_type == "Minimize"
    with pytest.raises(JobFailure, match="AUC is not supported for MulticlassClassification"):
        metrics.objective_for(dataset.MULTICLASS, "AUC")


def _trained_containers(mode: str) -> tuple[list[LoadedContainer], list[str]]:
    rng = np.random.default_rng(0)
    features = pd.DataFrame({"size": [str(v) for v in rng.normal(size=200)],
                             "color": rng.choice(["red", "blue"], size=200).astype(object)})
    labels = ["no", "yes"]
    target = (features["size"].astype(float) > 0).astype(int).to_numpy()
    transform = FeatureTransform.fit(features)
    model = _CategoryCodes(LogisticRegression().fit(_codes(transform.frame_of(features)), target))
    built = artifacts.containers_for(mode, transform, model, labels, binary=True)
    return [LoadedContainer(artifacts.unpack(artifacts.pack(c.stage)), c.environment) for c in built], labels


def _codes(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(f1=frame.f1.cat.codes).fillna(0)


class _CategoryCodes:
    """A scikit-learn model behind the same interface as FLAML's AutoML (which handles categories itself)."""

    def __init__(self, model: LogisticRegression) -> None:
        self.model = model
        self.classes_ = model.classes_

    def predict_proba(self, frame: pd.DataFrame) -> np.ndarray:
        return self.model.predict_proba(_codes(frame))


def test_hpo_pipeline_answers_in_autopilot_csv_format():
    containers, _ = _trained_containers(artifacts.HYPERPARAMETER_TUNING)
    assert len(containers) == 3
    containers[1].environment[  # type: ignore[index]
        "SAGEMAKER_INFERENCE_OUTPUT"] = "predicted_label, probabilities"
    containers[2].environment["SAGEMAKER_INFERENCE_INPUT"] = "predicted_label,probabilities"  # type: ignore[index]
    containers[2].environment["SAGEMAKER_INFERENCE_OUTPUT"] = "predicted_label,probability,labels"  # type: ignore[index]
    answer = invoke(containers, b"2.5,red\n-3,\n,purple\n", "text/csv", "text/csv").decode()
    lines = answer.splitlines()
    assert lines[0].startswith("yes,") and lines[0].endswith(",\"['no', 'yes']\"")
    assert lines[1].startswith("no,") and len(lines) == 3


def test_default_response_is_the_predicted_label_only():
    containers, _ = _trained_containers(artifacts.ENSEMBLING)
    assert len(containers) == 1
    assert invoke(containers, b"4,blue\n", "text/csv", None) == b"yes\n"


def test_json_lines_in_and_out_answer_the_same_as_csv():
    containers, _ = _trained_containers(artifacts.ENSEMBLING)
    containers[0].environment["SAGEMAKER_INFERENCE_OUTPUT"] = "predicted_label,probability,labels"  # type: ignore[index]
    csv_answer = invoke(containers, b'2.5,red\n-3,\n', "text/csv", "text/csv").decode().splitlines()
    body = b'{"features": [2.5, "red"]}\n{"features": [-3, null]}\n'
    answer = invoke(containers, body, "application/jsonlines", "application/jsonlines").decode()
    records = [json.loads(line) for line in answer.splitlines()]
    assert [list(r) for r in records] == [["predicted_label", "probability", "labels"]] * 2
    assert [r["predicted_label"] for r in records] == [line.split(",")[0] for line in csv_answer]
    assert [repr(r["probability"]) for r in records] == [line.split(",")[1] for line in csv_answer]
    assert records[0]["labels"] == ["no", "yes"]
    assert response_type("application/jsonlines") == "application/jsonlines" and response_type(None) == "text/csv"


def test_json_lines_request_with_a_csv_answer():
    containers, _ = _trained_containers(artifacts.ENSEMBLING)
    assert invoke(containers, b'{"features": [4, "blue"]}\n', "application/jsonlines", "text/csv") == b"yes\n"


@pytest.mark.parametrize("body, content_type, status", [
    (b"1,red,extra\n", "text/csv", 400),
    (b"\xff\xfe", "text/csv", 400),
    (b"", "text/csv", 400),
    (b"1,red\n", "application/json", 415),
    (b'{"features": [1, "red"]}\n{"rows": []}\n', "application/jsonlines", 400),
    (b'{"features": [1, ["red"]]}\n', "application/jsonlines", 400),
    (b'[1, "red"]\n', "application/jsonlines", 400),
    (b'{"features": [1, "red"\n', "application/jsonlines", 400),
])
def test_malformed_requests_are_client_errors(body, content_type, status):
    containers, _ = _trained_containers(artifacts.ENSEMBLING)
    with pytest.raises(InferenceError) as caught:
        invoke(containers, body, content_type, "text/csv")
    assert caught.value.status == status


def test_unknown_response_key_is_refused():
    containers, _ = _trained_containers(artifacts.ENSEMBLING)
    containers[0].environment["SAGEMAKER_INFERENCE_OUTPUT"] = "predicted_label,score"  # type: ignore[index]
    with pytest.raises(InferenceError, match=r"\[score\]"):
        invoke(containers, b"1,red\n", "text/csv", None)


def test_foreign_archives_are_not_loaded():
    with pytest.raises(artifacts.ArtifactError):
        artifacts.unpack(b"not a tar file")
