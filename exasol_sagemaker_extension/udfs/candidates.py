"""SME_AUTOPILOT_CANDIDATES_UDF: one row per candidate of an AutoML job, rank 1 = best by the objective."""

from __future__ import annotations

from typing import Any

from exasol_sagemaker_extension.autopilot.candidates import list_candidates
from exasol_sagemaker_extension.declarations.attribute_columns import values
from exasol_sagemaker_extension.declarations.candidates import CANDIDATE_COLUMNS
from exasol_sagemaker_extension.udfs.request import UdfRequest


class CandidatesUdf:
    """SCALAR … EMITS the declared candidate columns (declarations/candidates.py), in their order."""

    def __init__(self, exa: Any) -> None:
        self._exa = exa

    def run(self, ctx: Any) -> None:
        request = UdfRequest(ctx[0])
        job_name = request.text("job_name", required=True) or ""
        for candidate in list_candidates(request.aws_session(self._exa), job_name):
            ctx.emit(*values(candidate, CANDIDATE_COLUMNS))
