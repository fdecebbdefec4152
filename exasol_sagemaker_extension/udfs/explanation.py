"""SME_AUTOPILOT_EXPLANATION_UDF: the best candidate's feature importance and metrics, for the explain script."""

from __future__ import annotations

from typing import Any

from exasol_sagemaker_extension.autopilot.explanations import best_candidate_insight
from exasol_sagemaker_extension.udfs.request import UdfRequest

FEATURE_IMPORTANCE = "FEATURE_IMPORTANCE"
METRIC = "METRIC"


class ExplanationUdf:
    """SCALAR … EMITS (CANDIDATE_NAME, KIND, NAME, VALUE, FEATURE_RANK, DATA_SET): one FEATURE_IMPORTANCE row per
    feature (with its rank), then one METRIC row per candidate metric (with its data set)."""

    def __init__(self, exa: Any) -> None:
        self._exa = exa

    def run(self, ctx: Any) -> None:
        request = UdfRequest(ctx[0])
        insight = best_candidate_insight(request.aws_session(self._exa),
                                         request.text("job_name", required=True) or "")
        for item in insight.importances:
            ctx.emit(insight.candidate_name, FEATURE_IMPORTANCE, item.feature, item.importance, item.rank, None)
        for metric in insight.metrics:
            ctx.emit(insight.candidate_name, METRIC, metric.name, metric.value, None, metric.data_set)
