"""The model search of one AutoML job: FLAML within a time budget, then one trained model per algorithm family.

FLAML tries configurations of several learners (LightGBM, XGBoost, random forests, linear models, ...) and logs
every trial. The emulator publishes the best trial of each learner as a candidate, retrained on the training
split from the log and scored on the held-out validation split, so that every listed candidate is deployable and
its reported metric is the metric of exactly the model that gets deployed.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from sme_local.aws.automl.failure import JobFailure
from sme_local.aws.automl.metrics import Metric, Predictions, all_metrics

_SEED = 7
logging.getLogger("flaml.automl.logger").setLevel(logging.ERROR)


@dataclasses.dataclass(frozen=True)
class SearchSpec:
    """What the search needs besides the data; all limits are already resolved to local values."""

    problem_type: str
    classification: bool
    class_count: int
    objective: Metric
    validation_fraction: float
    time_budget_seconds: float
    max_trials: int | None
    max_seconds_per_trial: float | None
    threads: int
    log_file: Path
    # Asked before each trial is scored: True ends the search there (StopAutoMLJob); finished trials are kept.
    stop_requested: Callable[[], bool] = lambda: False


@dataclasses.dataclass(frozen=True)
class TrainedCandidate:
    learner: str
    trial_id: int
    model: Any
    metrics: dict[str, float]


@dataclasses.dataclass(frozen=True)
class SearchResult:
    candidates: list[TrainedCandidate]  # best first, by the objective on the validation split
    trials: int
    search_seconds: float
    stopped: bool = False  # the search ended because a stop was requested
    validation_features: Any = None  # the held-out split the candidates were scored on (model input form)
    validation_target: np.ndarray | None = None


class _SearchStopped(Exception):
    """Raised from FLAML's metric callback, the one hook FLAML calls once per trial: FLAML has no stop callback,
    and an exception from the metric leaves ``fit`` at once with every finished trial already in the log."""


class _ObjectiveForFlaml:
    """FLAML's custom-metric callable: the Autopilot objective as a loss, every Autopilot metric logged."""

    def __init__(self, spec: SearchSpec) -> None:
        self._spec = spec

    def __call__(self, X_val: Any, y_val: Any, estimator: Any, labels: Any, X_train: Any, y_train: Any,
                 weight_val: Any = None, weight_train: Any = None, *args: Any, **kwargs: Any) -> tuple[float, dict]:
        if self._spec.stop_requested():
            raise _SearchStopped()
        predictions = predict(estimator, X_val, self._spec, getattr(estimator, "estimator", None))
        metrics = all_metrics(self._spec.problem_type, np.asarray(y_val), predictions, weight_val)
        return self._spec.objective.loss(metrics[self._spec.objective.name]), metrics


def run_search(features: pd.DataFrame, target: np.ndarray, weights: np.ndarray | None,
               spec: SearchSpec) -> SearchResult:
    """Split, search, and materialise the best model of every learner FLAML tried."""
    from flaml import AutoML
    from flaml.automl.training_log import training_log_reader

    x_train, x_val, y_train, y_val, w_train, w_val = _split(features, target, weights, spec)
    task = "classification" if spec.classification else "regression"
    started = time.monotonic()
    search = AutoML()
    stopped = False
    try:
        search.fit(
            x_train, y_train, X_val=x_val, y_val=y_val, task=task, metric=_ObjectiveForFlaml(spec),
            time_budget=spec.time_budget_seconds, max_iter=spec.max_trials,
            train_time_limit=spec.max_seconds_per_trial, n_jobs=spec.threads, seed=_SEED,
            log_file_name=str(spec.log_file), log_type="all", retrain_full=False, verbose=0,
            sample_weight=w_train, sample_weight_val=w_val,
        )
    except _SearchStopped:
        stopped = True
    except (ValueError, MemoryError) as error:
        raise JobFailure(f"Model search failed: {error}", client_error=False) from error
    search_seconds = time.monotonic() - started
    records = []
    if spec.log_file.exists():
        with training_log_reader(str(spec.log_file)) as reader:
            records = [r for r in reader.records() if np.isfinite(r.validation_loss)]
    if not records and stopped:
        return SearchResult([], 0, search_seconds, True, x_val, y_val)
    if not records:
        raise JobFailure("No candidate finished training within the time budget.", client_error=False)
    best_per_learner: dict[str, Any] = {}
    for record in records:
        kept = best_per_learner.get(record.learner)
        if kept is None or record.validation_loss < kept.validation_loss:
            best_per_learner[record.learner] = record
    candidates = []
    for record in best_per_learner.values():
        model = AutoML()
        model.retrain_from_log(str(spec.log_file), x_train, y_train, task=task, record_id=record.record_id,
                               train_full=True, n_jobs=spec.threads, sample_weight=w_train)
        predictions = predict(model, x_val, spec, model)
        metrics = all_metrics(spec.problem_type, y_val, predictions, w_val)
        candidates.append(TrainedCandidate(record.learner, record.record_id, model, metrics))
    objective = spec.objective
    candidates.sort(key=lambda c: objective.loss(c.metrics[objective.name]))
    return SearchResult(candidates, len(records), search_seconds, stopped, x_val, y_val)


def _split(features: pd.DataFrame, target: np.ndarray, weights: np.ndarray | None,
           spec: SearchSpec) -> tuple[Any, ...]:
    """Hold out the validation split; stratified when every class can appear on both sides."""
    arrays = [features, target] + ([weights] if weights is not None else [])
    stratify = None
    if spec.classification:
        _, counts = np.unique(target, return_counts=True)
        validation_rows = int(np.ceil(len(target) * spec.validation_fraction))
        if counts.min() >= 2 and validation_rows >= len(counts) and len(target) - validation_rows >= len(counts):
            stratify = target
    try:
        parts = train_test_split(*arrays, test_size=spec.validation_fraction, random_state=_SEED,
                                 stratify=stratify)
    except ValueError as error:
        raise JobFailure(f"The data cannot be split for validation: {error}") from error
    x_train, x_val, y_train, y_val = parts[:4]
    w_train, w_val = (parts[4], parts[5]) if weights is not None else (None, None)
    if spec.classification and len(np.unique(y_train)) < 2:
        raise JobFailure("The training split holds a single class; provide more rows of each class.")
    return x_train, x_val, y_train, y_val, w_train, w_val


def predict(model: Any, frame: Any, spec: SearchSpec, fitted: Any) -> Predictions:
    """Predictions in code order; classes a model never saw get probability zero."""
    if not spec.classification:
        return Predictions(np.asarray(model.predict(frame), dtype=float), None)
    raw = np.asarray(model.predict_proba(frame))
    probabilities = np.zeros((raw.shape[0], spec.class_count))
    known = np.asarray(getattr(fitted, "classes_", np.arange(raw.shape[1])), dtype=int)
    probabilities[:, known] = raw
    return Predictions(probabilities.argmax(axis=1), probabilities)
