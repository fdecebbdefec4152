"""Choose what an Autopilot model answers per row, through its containers' ``SAGEMAKER_INFERENCE_OUTPUT``.

By default Autopilot containers return only the predicted label. The prediction UDF also wants the probability
(binary) and the per-label probabilities (multiclass), so the deployment asks for those response keys.

In a multi-container pipeline (HPO classification: feature transform → algorithm → inverse label transform) the
keys are chained: each container that announces ``SAGEMAKER_INFERENCE_SUPPORTED`` outputs the requested keys it
supports, and reads the keys the previous such container produced (``SAGEMAKER_INFERENCE_INPUT``). Containers
that announce nothing are left as they are. If no container announces support, every container is asked for
the keys. Regression models answer with the predicted value only and are never changed.
"""

from __future__ import annotations

import copy
from typing import Any

from exasol_sagemaker_extension.errors import SmeError

OUTPUT_VARIABLE = "SAGEMAKER_INFERENCE_OUTPUT"
INPUT_VARIABLE = "SAGEMAKER_INFERENCE_INPUT"
SUPPORTED_VARIABLE = "SAGEMAKER_INFERENCE_SUPPORTED"
RESPONSE_KEYS = {
    "BinaryClassification": ("predicted_label", "probability"),
    "MulticlassClassification": ("predicted_label", "probability", "probabilities", "labels"),
    "Regression": ("predicted_label",),
}


def with_inference_output(
    containers: list[dict[str, Any]], problem_type: str | None
) -> tuple[list[dict[str, Any]], tuple[str, ...]]:
    """Copies of ``containers`` configured for ``problem_type``, and the keys the model will answer with."""
    if problem_type not in RESPONSE_KEYS:
        raise SmeError(
            "E-SME-148",
            f"The job's problem type is {problem_type!r}, so the model's answer format is unknown.",
            ["Deploy only jobs that completed; give problem_type when training to fix it up front."],
        )
    configured = copy.deepcopy(containers)
    requested = RESPONSE_KEYS[problem_type]
    if problem_type == "Regression":
        return configured, requested
    announcing = [c for c in configured if _supported_keys(c)]
    if not announcing:
        for container in configured:
            container.setdefault("Environment", {})[OUTPUT_VARIABLE] = ",".join(requested)
        return configured, requested
    previous_output: tuple[str, ...] = ()
    for container in announcing:
        output = tuple(key for key in requested if key in _supported_keys(container))
        environment = container.setdefault("Environment", {})
        if previous_output:
            environment[INPUT_VARIABLE] = ",".join(previous_output)
        if output:
            environment[OUTPUT_VARIABLE] = ",".join(output)
        previous_output = output
    return configured, previous_output


def _supported_keys(container: dict[str, Any]) -> set[str]:
    text = (container.get("Environment") or {}).get(SUPPORTED_VARIABLE, "")
    return {key.strip() for key in text.split(",") if key.strip()}
