"""The inference containers of a candidate, as Python objects that are pickled into model.tar.gz files.

Autopilot's HPO candidates are serial inference pipelines: a feature transform, the algorithm, and (for
classification) an inverse label transform; each container passes its output to the next one and the last one
answers the caller. Ensembling candidates are one container doing all of it. The stages below follow that split
so that the containers a job publishes behave like Autopilot's, including which ``SAGEMAKER_INFERENCE_*``
variables each container honours. Payloads travel between stages as Python objects instead of re-encoded CSV
because all stages run in one process.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

PREDICTED_LABEL = "predicted_label"
PROBABILITY = "probability"
PROBABILITIES = "probabilities"
LABELS = "labels"
ALGORITHM_KEYS = (PREDICTED_LABEL, PROBABILITY, PROBABILITIES)
ALL_KEYS = (PREDICTED_LABEL, PROBABILITY, PROBABILITIES, LABELS)
OUTPUT_VARIABLE = "SAGEMAKER_INFERENCE_OUTPUT"
INPUT_VARIABLE = "SAGEMAKER_INFERENCE_INPUT"


class InferenceError(Exception):
    """A container refused a request; ``status`` is the HTTP status the container answered with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclasses.dataclass(frozen=True)
class RawRows:
    """Request rows as text fields, ``None`` for an empty field."""

    rows: list[list[str | None]]


@dataclasses.dataclass(frozen=True)
class Features:
    frame: pd.DataFrame


@dataclasses.dataclass(frozen=True)
class ClassScores:
    """What the algorithm container of a classifier sends on: probabilities and the keys it was told to send."""

    probabilities: np.ndarray
    keys: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class Response:
    """Final CSV fields, one list per request row, the response key each field answers, and whether the
    predicted label is a number (regression) rather than a class label."""

    records: list[list[str]]
    keys: tuple[str, ...] = (PREDICTED_LABEL,)
    numeric_label: bool = False


def parse_keys(environment: Mapping[str, str], variable: str, allowed: Sequence[str]) -> tuple[str, ...]:
    """Read a comma-separated key list (spaces allowed, as in AWS's examples); default ``predicted_label``."""
    text = environment.get(variable, PREDICTED_LABEL)
    keys = tuple(k.strip() for k in text.split(",") if k.strip())
    unsupported = [k for k in keys if k not in allowed]
    if unsupported or not keys:
        raise InferenceError(
            400,
            f"Requested inference keys [{', '.join(unsupported)}] in {variable} are unsupported. "
            f"The supported inference keys are [{', '.join(allowed)}].",
        )
    return keys


@dataclasses.dataclass
class FeatureTransform:
    """Parses request fields with the column types seen in training; unknown categories become missing."""

    names: list[str]
    numeric: list[bool]
    categories: list[list[str]]

    @classmethod
    def fit(cls, features: pd.DataFrame) -> "FeatureTransform":
        numeric: list[bool] = []
        categories: list[list[str]] = []
        for name in features.columns:
            column = features[name]
            present = column.dropna()
            is_numeric = bool(pd.to_numeric(present, errors="coerce").notna().all())
            numeric.append(is_numeric)
            categories.append([] if is_numeric else sorted(set(present)))
        return cls(list(features.columns), numeric, categories)

    def to_frame(self, columns: Sequence[Sequence[Any]]) -> pd.DataFrame:
        """Typed model input; columns are renamed f0..fN because tree libraries reject some characters."""
        data = {}
        for index, values in enumerate(columns):
            if self.numeric[index]:
                data[f"f{index}"] = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype(float)
            else:
                data[f"f{index}"] = pd.Categorical(values, categories=self.categories[index])
        return pd.DataFrame(data)

    def frame_of(self, features: pd.DataFrame) -> pd.DataFrame:
        return self.to_frame([features[name].tolist() for name in self.names])

    def apply(self, payload: object, environment: Mapping[str, str]) -> Features:
        rows = _expect(payload, RawRows)
        width = len(self.names)
        for number, row in enumerate(rows.rows, start=1):
            if len(row) != width:
                raise InferenceError(
                    400, f"Row {number} of the request has {len(row)} fields; the model expects {width} "
                         f"({', '.join(self.names)}).")
        return Features(self.to_frame([[row[i] for row in rows.rows] for i in range(width)]))


@dataclasses.dataclass
class Classifier:
    """The algorithm container of an HPO classification candidate."""

    model: Any
    class_count: int

    def probabilities(self, frame: pd.DataFrame) -> np.ndarray:
        """Class probabilities in code order, zero for a class the model never saw in training."""
        known = np.asarray(self.model.classes_, dtype=int)
        result = np.zeros((len(frame), self.class_count))
        result[:, known] = self.model.predict_proba(frame)
        return result

    def apply(self, payload: object, environment: Mapping[str, str]) -> ClassScores:
        frame = _expect(payload, Features).frame
        keys = parse_keys(environment, OUTPUT_VARIABLE, ALGORITHM_KEYS)
        return ClassScores(self.probabilities(frame), keys)


@dataclasses.dataclass
class Regressor:
    """The algorithm container of a regression candidate: answers with one number per row."""

    model: Any

    def values(self, frame: pd.DataFrame) -> np.ndarray:
        return np.asarray(self.model.predict(frame), dtype=float)

    def apply(self, payload: object, environment: Mapping[str, str]) -> Response:
        frame = _expect(payload, Features).frame
        return Response([[repr(float(v))] for v in self.values(frame)], (PREDICTED_LABEL,), numeric_label=True)


@dataclasses.dataclass
class LabelTransform:
    """The inverse label transform: codes back to labels, and the response keys the caller asked for.

    ``positive_class_probability`` is Autopilot's HPO rule: for binary problems ``probability`` is the positive
    class's probability; otherwise (multiclass, or any ensembling model) it is the predicted label's probability.
    """

    labels: list[str]
    positive_class_probability: bool

    def render(self, probabilities: np.ndarray, keys: Sequence[str]) -> Response:
        predicted = probabilities.argmax(axis=1)
        labels_text = repr(list(self.labels))
        records = []
        for row, code in zip(probabilities, predicted):
            fields = {
                PREDICTED_LABEL: self.labels[code],
                PROBABILITY: repr(float(row[1] if self.positive_class_probability else row[code])),
                PROBABILITIES: "[" + ", ".join(repr(float(p)) for p in row) + "]",
                LABELS: labels_text,
            }
            records.append([fields[k] for k in keys])
        return Response(records, tuple(keys))

    def apply(self, payload: object, environment: Mapping[str, str]) -> Response:
        scores = _expect(payload, ClassScores)
        expected_input = parse_keys(environment, INPUT_VARIABLE, ALGORITHM_KEYS)
        if set(expected_input) != set(scores.keys):
            raise InferenceError(
                400, f"{INPUT_VARIABLE} is '{','.join(expected_input)}' but the algorithm container sends "
                     f"'{','.join(scores.keys)}'; set both containers to the same keys.")
        keys = parse_keys(environment, OUTPUT_VARIABLE, ALL_KEYS)
        missing = [k for k in keys if k in (PROBABILITY, PROBABILITIES) and PROBABILITIES not in scores.keys
                   and not (k == PROBABILITY and PROBABILITY in scores.keys)]
        if missing:
            raise InferenceError(
                400, f"{OUTPUT_VARIABLE} asks for {', '.join(missing)}, which the algorithm container does not "
                     f"send; add it to the algorithm container's {OUTPUT_VARIABLE}.")
        return self.render(scores.probabilities, keys)


@dataclasses.dataclass
class Ensemble:
    """The single container of an ensembling candidate: features, model and labels in one."""

    features: FeatureTransform
    algorithm: Classifier | Regressor
    labels: LabelTransform | None

    def apply(self, payload: object, environment: Mapping[str, str]) -> Response:
        frame = self.features.apply(payload, environment).frame
        if self.labels is None:
            return self.algorithm.apply(Features(frame), environment)
        keys = parse_keys(environment, OUTPUT_VARIABLE, ALL_KEYS)
        return self.labels.render(self.algorithm.probabilities(frame), keys)


def _expect(payload: object, kind: type) -> Any:
    if not isinstance(payload, kind):
        raise InferenceError(
            500, f"This container expects {kind.__name__} from the previous container, got "
                 f"{type(payload).__name__}; the containers are in the wrong order.")
    return payload
