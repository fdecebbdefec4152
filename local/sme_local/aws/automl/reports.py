"""The two reports Autopilot writes for the best candidate of a finished job, computed from its trained model.

* Explainability (``CandidateArtifactLocations.Explainability``): SageMaker Clarify's ``analysis.json`` with
  ``explanations.kernel_shap.<label>.global_shap_values`` (feature name → mean absolute SHAP value over the
  explained rows) and ``expected_value`` (the model's output on the baseline row). The SHAP values are estimated
  by permutation sampling of Shapley values on the original columns (Štrumbelj & Kononenko): for each explained
  row and random feature order, the columns are switched one by one from the baseline to the row's values and
  each switch is credited with the change of the model's output. Kernel SHAP estimates the same Shapley values;
  this estimator is used because it needs nothing but the model's predictions, whatever learner won. Like every
  Shapley estimate, each row's values add up exactly to its output minus the baseline output.
* Model insights (``CandidateArtifactLocations.ModelInsights``): the model-quality ``statistics.json`` of
  SageMaker Model Monitor (``binary_classification_metrics`` / ``multiclass_classification_metrics`` /
  ``regression_metrics``, each metric as ``{"value", "standard_deviation"}``, plus the confusion matrix).

The output explained is what the endpoint answers: the predicted value for regression, the probability of the
positive class for binary classification (one label, ``label0``, as Clarify names an unnamed output), and each
class's probability for multiclass (one label per class).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from typing import Any, Callable

import numpy as np
import pandas as pd
from pandas.api.types import is_numeric_dtype
from sklearn import metrics as skm

from sme_local.aws.automl.dataset import BINARY, MULTICLASS, REGRESSION

EXPLAINED_ROWS = 100
PERMUTATIONS = 8
SINGLE_OUTPUT_LABEL = "label0"
_SEED = 11

Predict = Callable[[pd.DataFrame], np.ndarray]  # original columns → outputs, shape (rows, outputs)


@dataclasses.dataclass(frozen=True)
class ShapleyEstimate:
    local: np.ndarray  # (rows, outputs, features)
    expected: np.ndarray  # (outputs,): the model's output on the baseline row
    outputs: np.ndarray  # (rows, outputs): the model's output on the explained rows


def baseline_row(features: pd.DataFrame) -> pd.DataFrame:
    """One row: the median of every numeric column, the most frequent value of every other one."""
    values = {}
    for name in features.columns:
        present = features[name].dropna()
        if present.empty:
            values[name] = [None]
        elif is_numeric_dtype(present):
            values[name] = [present.median()]
        else:
            values[name] = [present.mode().iloc[0]]
    return pd.DataFrame(values, columns=features.columns)


def shapley_values(predict: Predict, rows: pd.DataFrame, baseline: pd.DataFrame,
                   permutations: int = PERMUTATIONS, seed: int = _SEED) -> ShapleyEstimate:
    """Permutation-sampled Shapley values of every column for every row (all predictions in one batch)."""
    rng = np.random.default_rng(seed)
    count, width = len(rows), rows.shape[1]
    rows = rows.reset_index(drop=True)
    base = pd.concat([baseline] * count, ignore_index=True)
    orders = [rng.permutation(width) for _ in range(permutations)]
    frames = []
    for order in orders:
        current = base.copy()
        frames.append(current.copy())
        for column in order:
            name = rows.columns[column]
            current[name] = rows[name].to_numpy()
            frames.append(current.copy())
    outputs = np.asarray(predict(pd.concat(frames, ignore_index=True)), dtype=float)
    outputs = outputs.reshape(permutations, width + 1, count, -1)
    local = np.zeros((count, outputs.shape[-1], width))
    for index, order in enumerate(orders):
        steps = np.diff(outputs[index], axis=0)  # (width, rows, outputs): the gain of switching each column
        local[:, :, order] += np.transpose(steps, (1, 2, 0))
    local /= permutations
    return ShapleyEstimate(local, outputs[0, 0, 0], outputs[0, -1])


def explainability_analysis(estimate: ShapleyEstimate, feature_names: list[str],
                            labels: list[str]) -> dict[str, Any]:
    """Clarify's analysis.json for the estimate; ``labels`` names the model outputs in order."""
    shap = {}
    for index, label in enumerate(labels):
        importance = np.abs(estimate.local[:, index, :]).mean(axis=0)
        shap[label] = {
            "global_shap_values": {name: float(value) for name, value in zip(feature_names, importance)},
            "expected_value": float(estimate.expected[index]),
        }
    return {"version": "1.0", "explanations": {"kernel_shap": shap}}


def output_labels(problem_type: str, class_labels: list[str] | None) -> list[str]:
    return [str(label) for label in class_labels] if problem_type == MULTICLASS else [SINGLE_OUTPUT_LABEL]


def explained_rows(features: pd.DataFrame) -> pd.DataFrame:
    """At most EXPLAINED_ROWS rows of the training table, the same ones on every run."""
    if len(features) <= EXPLAINED_ROWS:
        return features
    return features.sample(EXPLAINED_ROWS, random_state=_SEED)


def model_quality_statistics(problem_type: str, y: np.ndarray, values: np.ndarray,
                             probabilities: np.ndarray | None, class_labels: list[str] | None) -> dict[str, Any]:
    """Model Monitor's model-quality statistics.json of the validation rows (codes 0..k-1 for classes)."""
    def metric(value: float) -> dict[str, float]:
        return {"value": float(value), "standard_deviation": 0.0}

    dataset = {"item_count": int(len(y)),
               "evaluation_time": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")}
    if problem_type == REGRESSION:
        mse = skm.mean_squared_error(y, values)
        return {"version": 0.0, "dataset": dataset, "regression_metrics": {
            "mae": metric(skm.mean_absolute_error(y, values)), "mse": metric(mse), "rmse": metric(np.sqrt(mse)),
            "r2": metric(skm.r2_score(y, values))}}
    codes = list(range(len(class_labels or [])))
    matrix = skm.confusion_matrix(y, values, labels=codes)
    names = [str(label) for label in class_labels]
    confusion = {names[actual]: {names[predicted]: int(matrix[actual, predicted])
                                        for predicted in codes} for actual in codes}
    if problem_type == BINARY:
        return {"version": 0.0, "dataset": dataset, "binary_classification_metrics": {
            "confusion_matrix": confusion,
            "recall": metric(skm.recall_score(y, values, zero_division=0)),
            "precision": metric(skm.precision_score(y, values, zero_division=0)),
            "accuracy": metric(skm.accuracy_score(y, values)),
            "f1": metric(skm.f1_score(y, values, zero_division=0)),
            "auc": metric(skm.roc_auc_score(y, probabilities[:, 1]) if len(np.unique(y)) > 1 else 0.5)}}
    return {"version": 0.0, "dataset": dataset, "multiclass_classification_metrics": {
        "confusion_matrix": confusion,
        "accuracy": metric(skm.accuracy_score(y, values)),
        "weighted_recall": metric(skm.recall_score(y, values, average="weighted", zero_division=0)),
        "weighted_precision": metric(skm.precision_score(y, values, average="weighted", zero_division=0)),
        "weighted_f1": metric(skm.f1_score(y, values, average="weighted", zero_division=0))}}


def to_json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, indent=2).encode("utf-8")
