"""Where an endpoint's answer carries each value, and which media type requests and answers use.

Endpoints this extension deploys answer in Autopilot's ``text/csv`` layout (``inference_output`` chooses the keys):
the label first, then the probability, then the probabilities and labels lists. An endpoint that already exists
(``SME_CREATE_ENDPOINT_UDF``) may answer in another order, or in JSON Lines (``application/jsonlines``, one JSON
object per row, the request being SageMaker's dense form ``{"features": [...]}`` per row). A layout names, per
value, its 1-based CSV field or its JSON key; the prediction UDF's config carries it, and without one the
Autopilot layout of the problem type applies, so UDFs generated before layouts existed read answers as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Union

from exasol_sagemaker_extension.errors import SmeError

CSV = "text/csv"
JSON_LINES = "application/jsonlines"
FORMATS = (CSV, JSON_LINES)

REGRESSION = "Regression"
BINARY_CLASSIFICATION = "BinaryClassification"
MULTICLASS_CLASSIFICATION = "MulticlassClassification"

Location = Union[int, str]  # a 1-based CSV field or a JSON key
_VALUES = ("label", "probability", "probabilities", "labels")
_AUTOPILOT_FIELDS = {REGRESSION: 1, BINARY_CLASSIFICATION: 2, MULTICLASS_CLASSIFICATION: 4}


@dataclass(frozen=True)
class ResponseLayout:
    """``width`` is set for Autopilot's CSV answers, which have exactly that many fields per row."""

    content_type: str
    label: Location
    probability: Location | None = None
    probabilities: Location | None = None
    labels: Location | None = None
    width: int | None = None

    @property
    def fields_needed(self) -> int:
        """The smallest number of CSV fields a row of the answer must have."""
        positions = [getattr(self, name) for name in _VALUES]
        return max(p for p in positions if isinstance(p, int))

    def problem_type(self) -> str:
        """The output shape: PROBABILITIES needs the lists, PROBABILITY a probability, otherwise only the label."""
        if self.probabilities is not None:
            return MULTICLASS_CLASSIFICATION
        return BINARY_CLASSIFICATION if self.probability is not None else REGRESSION


def autopilot_layout(problem_type: str) -> ResponseLayout:
    """The text/csv layout of an Autopilot model deployed by this extension."""
    width = _AUTOPILOT_FIELDS[problem_type]
    return ResponseLayout(
        CSV,
        label=1,
        probability=2 if width > 1 else None,
        probabilities=3 if width > 2 else None,
        labels=4 if width > 2 else None,
        width=width,
    )


def layout_from_config(document: Any, problem_type: str) -> ResponseLayout:
    """The layout a prediction UDF's config declares (key ``response``), or the Autopilot one when absent."""
    if document is None:
        return autopilot_layout(problem_type)
    try:
        content_type = document["format"]
        locations = {name: document.get(name) for name in _VALUES}
        if content_type not in FORMATS or locations["label"] is None:
            raise ValueError(f"format {content_type!r} and label {locations['label']!r}")
        kind = int if content_type == CSV else str
        for name, location in locations.items():
            if location is not None and (not isinstance(location, kind) or isinstance(location, bool)
                                         or (kind is int and location < 1)):
                raise ValueError(f"{name} is {location!r}")
        if (locations["probabilities"] is None) != (locations["labels"] is None):
            raise ValueError("probabilities and labels come together")
    except (KeyError, TypeError, ValueError) as error:
        raise SmeError(
            "E-SME-240",
            f"The response layout inside this prediction UDF is unreadable ({error}).",
            ["Create the UDF again with SME_CREATE_ENDPOINT_UDF."],
        ) from None
    layout = ResponseLayout(content_type, **locations)
    if layout.problem_type() != problem_type:
        raise SmeError(
            "E-SME-240",
            f"The response layout inside this prediction UDF does not match its problem type {problem_type}.",
            ["Create the UDF again with SME_CREATE_ENDPOINT_UDF."],
        )
    return layout
