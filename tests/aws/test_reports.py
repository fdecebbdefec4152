"""The best candidate's reports: Shapley estimates checked against models whose Shapley values are known exactly,
and the Clarify / Model Monitor document shapes the extension reads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sme_local.aws.automl import reports
from sme_local.aws.automl.dataset import BINARY, MULTICLASS, REGRESSION


def _frame(rows: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame({"a": rng.normal(size=rows), "ignored": rng.normal(size=rows),
                         "c": rng.normal(size=rows), "colour": rng.choice(["red", "blue"], size=rows)})


def _linear(frame: pd.DataFrame) -> np.ndarray:
    return (3.0 * frame["a"] - 1.0 * frame["c"] + 2.0 * (frame["colour"] == "red")).to_numpy()[:, None]


def test_shapley_values_of_an_additive_model_are_exact_and_add_up():
    rows = _frame()
    baseline = reports.baseline_row(rows)
    estimate = reports.shapley_values(_linear, rows, baseline, permutations=3)
    # for an additive model every permutation gives w_i * (x_i - baseline_i)
    assert estimate.local[:, 0, 0] == pytest.approx(3.0 * (rows["a"] - baseline["a"][0]))
    assert estimate.local[:, 0, 1] == pytest.approx(np.zeros(len(rows)))
    assert estimate.local[:, 0, 2] == pytest.approx(-1.0 * (rows["c"] - baseline["c"][0]))
    assert estimate.local.sum(axis=2)[:, 0] == pytest.approx(estimate.outputs[:, 0] - estimate.expected[0])


def test_interactions_are_shared_and_every_row_still_adds_up():
    def product(frame):
        return (frame["a"] * frame["c"]).to_numpy()[:, None]

    rows = _frame()
    estimate = reports.shapley_values(product, rows, reports.baseline_row(rows), permutations=6)
    assert estimate.local.sum(axis=2)[:, 0] == pytest.approx(estimate.outputs[:, 0] - estimate.expected[0])
    assert np.abs(estimate.local[:, 0, 1]).max() == 0.0  # "ignored" never changes the output


def test_analysis_json_has_clarifys_layout_with_the_mean_absolute_values():
    rows = _frame()
    estimate = reports.shapley_values(_linear, rows, reports.baseline_row(rows), permutations=2)
    analysis = reports.explainability_analysis(estimate, list(rows.columns), reports.output_labels(BINARY, None))
    label = analysis["explanations"]["kernel_shap"]["label0"]
    assert list(label["global_shap_values"]) == ["a", "ignored", "c", "colour"]
    assert label["global_shap_values"]["a"] == pytest.approx(float(np.abs(estimate.local[:, 0, 0]).mean()))
    assert label["global_shap_values"]["ignored"] == 0.0
    assert label["expected_value"] == pytest.approx(float(estimate.expected[0]))
    assert reports.output_labels(MULTICLASS, [1, 2, 3]) == ["1", "2", "3"]


def test_baseline_takes_medians_and_most_frequent_values():
    frame = pd.DataFrame({"x": [1.0, 2.0, 10.0, None], "y": ["u", "v", "v", None]})
    assert reports.baseline_row(frame).iloc[0].tolist() == [2.0, "v"]


def test_model_quality_statistics_per_problem_type():
    y = np.array([0, 1, 1, 0, 1])
    values = np.array([0, 1, 0, 0, 1])
    probabilities = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.7, 0.3], [0.1, 0.9]])
    binary = reports.model_quality_statistics(BINARY, y, values, probabilities, ["no", "yes"])
    metrics = binary["binary_classification_metrics"]
    assert metrics["confusion_matrix"] == {"no": {"no": 2, "yes": 0}, "yes": {"no": 1, "yes": 2}}
    assert metrics["accuracy"] == {"value": 0.8, "standard_deviation": 0.0}
    assert metrics["auc"]["value"] == 1.0 and binary["dataset"]["item_count"] == 5
    regression = reports.model_quality_statistics(REGRESSION, np.array([1.0, 3.0]), np.array([2.0, 3.0]), None,
                                                  None)["regression_metrics"]
    assert regression["mse"]["value"] == 0.5 and regression["rmse"]["value"] == pytest.approx(np.sqrt(0.5))
