"""One AutoML job from input prefix to published candidates, independent of moto.

The moto extension hands in the request, an object store (the moto S3 backend) and a progress sink (the moto job
object); this module decides the statuses, limits and artifacts the way Autopilot does.
"""

from __future__ import annotations

import dataclasses
import datetime
import math
import time
from pathlib import Path
from typing import Any, Protocol

import numpy as np

import pandas as pd

from sme_local.aws.automl import artifacts, dataset, metrics, reports, search
from sme_local.aws.automl.failure import JobFailure
from sme_local.aws.automl.stages import Classifier, FeatureTransform, Regressor
from sme_local.aws.settings import EmulatorSettings

# Autopilot's AUTO mode: ensembling below 100 MB of data, hyperparameter tuning above.
AUTO_MODE_HPO_MIN_BYTES = 100 * 1024 * 1024
DEFAULT_VALIDATION_FRACTION = 0.2
STOPPED = "Stopped"  # the secondary status of a job that StopAutoMLJob ended


class ObjectStore(Protocol):
    def keys(self, bucket: str, prefix: str) -> list[str]: ...
    def get(self, bucket: str, key: str) -> bytes: ...
    def put(self, bucket: str, key: str, data: bytes) -> None: ...


class Progress(Protocol):
    def secondary_status(self, status: str) -> None: ...
    def stopped(self) -> bool:
        """True once StopAutoMLJob was called for the job."""
        ...


@dataclasses.dataclass(frozen=True)
class JobRequest:
    name: str
    input_uris: list[str]
    output_path: str
    target: str
    problem_type: str | None
    objective: str | None
    mode: str
    max_candidates: int | None
    max_seconds_per_trial: int | None
    max_job_seconds: int | None
    sample_weight: str | None
    validation_fraction: float


@dataclasses.dataclass(frozen=True)
class JobResult:
    problem_type: str
    objective: metrics.Metric
    candidates: list[dict[str, Any]]  # AutoMLCandidate shapes, best first; those trained so far when stopped
    secondary_status: str

    @property
    def stopped(self) -> bool:
        return self.secondary_status == STOPPED


def _explained_outputs(model: Any, features: FeatureTransform, labels: list[str] | None,
                       binary: bool) -> reports.Predict:
    """What the explainability report explains, from the original columns: the predicted value (regression),
    the positive class's probability (binary) or every class's probability (multiclass)."""
    def outputs(frame: pd.DataFrame) -> np.ndarray:
        model_input = features.frame_of(frame)
        if labels is None:
            return Regressor(model).values(model_input)[:, None]
        probabilities = Classifier(model, len(labels)).probabilities(model_input)
        return probabilities[:, [1]] if binary else probabilities

    return outputs


def split_s3_uri(uri: str) -> tuple[str, str]:
    """``s3://bucket/key`` as ``(bucket, key)``."""
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    if not uri.startswith("s3://") or not bucket:
        raise JobFailure(f"'{uri}' is not an s3://<bucket>/<prefix> URI.")
    return bucket, key


class AutoMLJobRunner:
    """Runs one job; ``run`` returns the result (``stopped`` when a stop was requested) or raises ``JobFailure``."""

    def __init__(self, request: JobRequest, store: ObjectStore, progress: Progress,
                 settings: EmulatorSettings, work_dir: Path) -> None:
        self._request = request
        self._store = store
        self._progress = progress
        self._settings = settings
        self._work_dir = work_dir
        self._started = time.monotonic()

    def run(self) -> JobResult:
        request = self._request
        self._progress.secondary_status("AnalyzingData")
        table = dataset.read_training_table(self._input_objects())
        data = dataset.split_target(table, request.target, request.sample_weight, self._settings.min_training_rows)
        problem_type = dataset.resolve_problem_type(data.target, request.problem_type)
        objective = metrics.objective_for(problem_type, request.objective)
        mode = request.mode
        if mode == "AUTO":
            mode = artifacts.ENSEMBLING if table.raw_bytes < AUTO_MODE_HPO_MIN_BYTES else artifacts.HYPERPARAMETER_TUNING
        if self._progress.stopped():
            return JobResult(problem_type, objective, [], STOPPED)
        self._progress.secondary_status("FeatureEngineering" if mode == artifacts.HYPERPARAMETER_TUNING
                                        else "TrainingModels")
        features = FeatureTransform.fit(data.features)
        labels = sorted(set(data.target)) if problem_type != dataset.REGRESSION else None
        if labels is not None:
            codes = {label: code for code, label in enumerate(labels)}
            target = data.target.map(codes).to_numpy(dtype=int)
        else:
            target = data.target.astype(float).to_numpy()
        if mode == artifacts.HYPERPARAMETER_TUNING:
            self._progress.secondary_status("ModelTuning")
        budget = self._time_budget()
        spec = search.SearchSpec(
            problem_type=problem_type, classification=labels is not None,
            class_count=len(labels) if labels is not None else 0, objective=objective,
            validation_fraction=request.validation_fraction, time_budget_seconds=budget,
            max_trials=request.max_candidates,
            max_seconds_per_trial=min(request.max_seconds_per_trial or budget, budget),
            threads=self._settings.training_threads, log_file=self._work_dir / f"{request.name}.flaml.jsonl",
            stop_requested=self._progress.stopped)
        found = search.run_search(features.frame_of(data.features), target, data.weights, spec)
        candidates = [self._publish(c, mode, features, labels, problem_type == dataset.BINARY, objective)
                      for c in found.candidates]
        if candidates and not (found.stopped or self._progress.stopped()):
            self._write_reports(candidates[0], found, spec, features, data.features, labels, problem_type)
        if found.stopped or self._progress.stopped():
            secondary = STOPPED
        elif request.max_candidates is not None and found.trials >= request.max_candidates:
            secondary = "MaxCandidatesReached"
        elif found.search_seconds >= 0.95 * budget:
            # The user's MaxAutoMLJobRuntimeInSeconds or this machine's cap (--max-training-seconds) ended the
            # search before MaxCandidates: the poll result then says why fewer candidates were trained.
            secondary = "MaxAutoMLJobRuntimeReached"
        else:
            secondary = "Completed"
        return JobResult(problem_type, objective, candidates, secondary)

    def _write_reports(self, best: dict[str, Any], found: search.SearchResult, spec: search.SearchSpec,
                       features: FeatureTransform, raw_features: pd.DataFrame, labels: list[str] | None,
                       problem_type: str) -> None:
        """Autopilot's explainability and model-insights reports of the best candidate (see ``reports``)."""
        model = found.candidates[0].model
        outputs = _explained_outputs(model, features, labels, problem_type == dataset.BINARY)
        bucket, prefix = split_s3_uri(self._request.output_path)
        documentation = f"{prefix.rstrip('/')}/{self._request.name}/documentation".lstrip("/")
        name = best["CandidateName"]

        self._progress.secondary_status("GeneratingExplainabilityReport")
        estimate = reports.shapley_values(outputs, reports.explained_rows(raw_features),
                                          reports.baseline_row(raw_features))
        analysis = reports.explainability_analysis(estimate, list(raw_features.columns),
                                                   reports.output_labels(problem_type, labels))
        explainability = f"{documentation}/explainability/output/{name}"
        self._store.put(bucket, f"{explainability}/analysis.json", reports.to_json(analysis))

        self._progress.secondary_status("GeneratingModelInsightsReport")
        predicted = search.predict(model, found.validation_features, spec, model)
        statistics = reports.model_quality_statistics(problem_type, found.validation_target, predicted.values,
                                                      predicted.probabilities, labels)
        insights = f"{documentation}/model_monitor/output/{name}"
        self._store.put(bucket, f"{insights}/statistics.json", reports.to_json(statistics))
        best["CandidateProperties"]["CandidateArtifactLocations"] = {
            "Explainability": f"s3://{bucket}/{explainability}/", "ModelInsights": f"s3://{bucket}/{insights}/"}

    def _input_objects(self) -> list[tuple[str, bytes]]:
        objects = []
        for uri in self._request.input_uris:
            bucket, prefix = split_s3_uri(uri)
            keys = [k for k in self._store.keys(bucket, prefix) if not k.endswith("/")]
            objects.extend((f"s3://{bucket}/{key}", self._store.get(bucket, key)) for key in sorted(keys))
        if not objects:
            raise JobFailure(f"No data files were found under {', '.join(self._request.input_uris)}.")
        return objects

    def _time_budget(self) -> float:
        """Seconds left for the search: the user's MaxAutoMLJobRuntimeInSeconds, capped by this machine's limit."""
        elapsed = time.monotonic() - self._started
        users = self._request.max_job_seconds
        users_left = users - elapsed if users is not None else math.inf
        return max(1.0, min(users_left, self._settings.max_training_seconds))

    def _publish(self, candidate: search.TrainedCandidate, mode: str, features: FeatureTransform,
                 labels: list[str] | None, binary: bool, objective: metrics.Metric) -> dict[str, Any]:
        """Write the candidate's model files and describe it as an AutoMLCandidate."""
        request = self._request
        name = f"{request.name}-{candidate.learner.replace('_', '-')}-{candidate.trial_id:03d}"[:64]
        bucket, prefix = split_s3_uri(request.output_path)
        base = f"{prefix.rstrip('/')}/{request.name}/candidates/{name}".lstrip("/")
        containers = []
        for container in artifacts.containers_for(mode, features, candidate.model, labels, binary):
            key = f"{base}/{container.folder}/model.tar.gz"
            self._store.put(bucket, key, artifacts.pack(container.stage))
            containers.append({"Image": container.image, "ModelDataUrl": f"s3://{bucket}/{key}",
                               "Environment": dict(container.environment)})
        now = datetime.datetime.now(datetime.timezone.utc)
        return {
            "CandidateName": name,
            "FinalAutoMLJobObjectiveMetric": {
                "Type": objective.objective_type, "MetricName": objective.name,
                "Value": candidate.metrics[objective.name], "StandardMetricName": objective.name,
            },
            "ObjectiveStatus": "Succeeded",
            "CandidateSteps": [],
            "CandidateStatus": "Completed",
            "InferenceContainers": containers,
            "CreationTime": now,
            "EndTime": now,
            "LastModifiedTime": now,
            "CandidateProperties": {"CandidateMetrics": [
                {"MetricName": metric_name, "StandardMetricName": metric_name, "Value": float(value),
                 "Set": "Validation"}
                for metric_name, value in candidate.metrics.items() if np.isfinite(value)
            ]},
        }
