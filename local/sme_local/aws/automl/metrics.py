"""Autopilot's objective metrics, computed with scikit-learn on the validation split.

Class labels are encoded as 0..k-1 in sorted label order before training; for binary problems the second label
(code 1) is the positive class, which is also the class whose probability HPO containers report as
``probability``. AUC is the only metric that needs probabilities; LogLoss is reported as a candidate metric but
cannot be an objective (the API's AutoMLMetricEnum does not contain it).
"""

from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np
from sklearn import metrics as skm

from sme_local.aws.automl.dataset import BINARY, MULTICLASS, REGRESSION
from sme_local.aws.automl.failure import JobFailure


@dataclasses.dataclass(frozen=True)
class Predictions:
    """What a model says about the validation rows: codes or values, and class probabilities if any."""

    values: np.ndarray
    probabilities: np.ndarray | None


@dataclasses.dataclass(frozen=True)
class Metric:
    name: str
    maximize: bool
    compute: Callable[[np.ndarray, Predictions, np.ndarray | None], float]

    @property
    def objective_type(self) -> str:
        return "Maximize" if self.maximize else "Minimize"

    def loss(self, value: float) -> float:
        """The number the search minimises: 1 - value for scores (like FLAML's own metrics), else the value."""
        return 1.0 - value if self.maximize else value


def _labels(fn: Callable[..., float], **kwargs: object) -> Callable[[np.ndarray, Predictions, np.ndarray | None], float]:
    return lambda y, p, w: float(fn(y, p.values, sample_weight=w, **kwargs))


def _values(fn: Callable[..., float]) -> Callable[[np.ndarray, Predictions, np.ndarray | None], float]:
    return lambda y, p, w: float(fn(y, p.values, sample_weight=w))


def _auc(y: np.ndarray, p: Predictions, w: np.ndarray | None) -> float:
    if len(np.unique(y)) < 2:
        return 0.5
    return float(skm.roc_auc_score(y, p.probabilities[:, 1], sample_weight=w))


def _log_loss(y: np.ndarray, p: Predictions, w: np.ndarray | None) -> float:
    return float(skm.log_loss(y, p.probabilities, sample_weight=w, labels=np.arange(p.probabilities.shape[1])))


def _rmse(y: np.ndarray, p: Predictions, w: np.ndarray | None) -> float:
    return float(np.sqrt(skm.mean_squared_error(y, p.values, sample_weight=w)))


_ACCURACY = Metric("Accuracy", True, _labels(skm.accuracy_score))
_BALANCED = Metric("BalancedAccuracy", True, _labels(skm.balanced_accuracy_score))
_LOG_LOSS = Metric("LogLoss", False, _log_loss)

METRICS_BY_PROBLEM_TYPE: dict[str, tuple[Metric, ...]] = {
    BINARY: (
        _ACCURACY,
        Metric("AUC", True, _auc),
        _BALANCED,
        Metric("F1", True, _labels(skm.f1_score, zero_division=0)),
        _LOG_LOSS,
        Metric("Precision", True, _labels(skm.precision_score, zero_division=0)),
        Metric("Recall", True, _labels(skm.recall_score, zero_division=0)),
    ),
    MULTICLASS: (
        _ACCURACY,
        _BALANCED,
        Metric("F1macro", True, _labels(skm.f1_score, average="macro", zero_division=0)),
        _LOG_LOSS,
        Metric("PrecisionMacro", True, _labels(skm.precision_score, average="macro", zero_division=0)),
        Metric("RecallMacro", True, _labels(skm.recall_score, average="macro", zero_division=0)),
    ),
    REGRESSION: (
        Metric("MAE", False, _values(skm.mean_absolute_error)),
        Metric("MSE", False, _values(skm.mean_squared_error)),
        Metric("R2", True, _values(skm.r2_score)),
        Metric("RMSE", False, _rmse),
    ),
}
DEFAULT_OBJECTIVE = {BINARY: "F1", MULTICLASS: "Accuracy", REGRESSION: "MSE"}
_NOT_OBJECTIVES = {"LogLoss"}


def objective_names(problem_type: str) -> list[str]:
    return [m.name for m in METRICS_BY_PROBLEM_TYPE[problem_type] if m.name not in _NOT_OBJECTIVES]


def objective_for(problem_type: str, requested: str | None) -> Metric:
    """The objective metric of a job: the requested one if it fits the problem type, else Autopilot's default."""
    name = requested or DEFAULT_OBJECTIVE[problem_type]
    if name not in objective_names(problem_type):
        raise JobFailure(
            f"The objective metric {name} is not supported for {problem_type}; "
            f"use one of {', '.join(objective_names(problem_type))}."
        )
    return next(m for m in METRICS_BY_PROBLEM_TYPE[problem_type] if m.name == name)


def all_metrics(problem_type: str, y: np.ndarray, predictions: Predictions, weights: np.ndarray | None) -> dict[str, float]:
    """Every metric Autopilot reports for the problem type, on one validation split."""
    return {m.name: m.compute(y, predictions, weights) for m in METRICS_BY_PROBLEM_TYPE[problem_type]}
