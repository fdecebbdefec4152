"""Model artifacts: which containers a candidate has, and the model.tar.gz file behind each one.

Each container's ModelDataUrl points to a gzip tar holding one pickled stage (see ``stages``). The emulator only
ever unpickles files it wrote itself under a job's output path; it is a local test tool, not a model server for
untrusted artifacts.
"""

from __future__ import annotations

import dataclasses
import io
import pickle
import tarfile
from typing import Any

from sme_local.aws.automl import stages
from sme_local.aws.automl.latency_stub import LatencyStub

MODEL_MEMBER = "model.pkl"
HYPERPARAMETER_TUNING = "HYPERPARAMETER_TUNING"
ENSEMBLING = "ENSEMBLING"
_IMAGE = "aws-emulator.local/sagemaker-automl-{}:flaml-2.7.0"
_STAGE_TYPES = (stages.FeatureTransform, stages.Classifier, stages.Regressor, stages.LabelTransform,
                stages.Ensemble, LatencyStub)


class ArtifactError(Exception):
    """A ModelDataUrl does not hold a model this emulator wrote."""


@dataclasses.dataclass(frozen=True)
class ContainerArtifact:
    """One inference container: its stage object, image name, environment and file name under the candidate."""

    stage: Any
    image: str
    environment: dict[str, str]
    folder: str


def containers_for(mode: str, features: stages.FeatureTransform, model: Any, labels: list[str] | None,
                   binary: bool) -> list[ContainerArtifact]:
    """Autopilot's container layout: HPO has 3 (classification) or 2 (regression), ensembling has 1.

    ``labels`` is None for regression; ``binary`` selects HPO's meaning of ``probability`` (positive class).
    """
    algorithm = stages.Classifier(model, len(labels)) if labels is not None else stages.Regressor(model)
    supported_final = ",".join(stages.ALL_KEYS)
    if mode == ENSEMBLING:
        label_stage = stages.LabelTransform(labels, False) if labels is not None else None
        environment = ({stages.OUTPUT_VARIABLE: stages.PREDICTED_LABEL,
                        "SAGEMAKER_INFERENCE_SUPPORTED": supported_final} if labels is not None else {})
        return [ContainerArtifact(stages.Ensemble(features, algorithm, label_stage), _IMAGE.format("ensemble"),
                                  {**environment, "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "text/csv"}, "model")]
    result = [
        ContainerArtifact(features, _IMAGE.format("feature-transform"),
                          {"AUTOML_TRANSFORM_MODE": "feature-transform"}, "feature-transform"),
    ]
    if labels is None:
        result.append(ContainerArtifact(algorithm, _IMAGE.format("algorithm"),
                                        {"SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "text/csv"}, "algorithm"))
        return result
    result.append(ContainerArtifact(
        algorithm, _IMAGE.format("algorithm"),
        {"SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "text/csv", stages.OUTPUT_VARIABLE: stages.PREDICTED_LABEL,
         "SAGEMAKER_INFERENCE_SUPPORTED": ",".join(stages.ALGORITHM_KEYS)}, "algorithm"))
    result.append(ContainerArtifact(
        stages.LabelTransform(labels, binary), _IMAGE.format("inverse-label-transform"),
        {"AUTOML_TRANSFORM_MODE": "inverse-label-transform", "SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT": "text/csv",
         stages.INPUT_VARIABLE: stages.PREDICTED_LABEL, stages.OUTPUT_VARIABLE: stages.PREDICTED_LABEL,
         "SAGEMAKER_INFERENCE_SUPPORTED": supported_final}, "inverse-label-transform"))
    return result


def pack(stage: Any) -> bytes:
    """A model.tar.gz holding the pickled stage."""
    payload = pickle.dumps(stage, protocol=pickle.HIGHEST_PROTOCOL)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        member = tarfile.TarInfo(MODEL_MEMBER)
        member.size = len(payload)
        archive.addfile(member, io.BytesIO(payload))
    return buffer.getvalue()


def unpack(data: bytes) -> Any:
    """The stage inside a model.tar.gz written by ``pack``."""
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            member = archive.extractfile(MODEL_MEMBER)
            if member is None:
                raise ArtifactError(f"the archive has no {MODEL_MEMBER}")
            stage = pickle.loads(member.read())
    except (tarfile.TarError, KeyError, OSError, EOFError, pickle.UnpicklingError) as error:
        raise ArtifactError(f"not a model archive written by an AutoML job ({error})") from error
    if not isinstance(stage, _STAGE_TYPES):
        raise ArtifactError(f"the archive holds a {type(stage).__name__}, not an inference stage")
    return stage
