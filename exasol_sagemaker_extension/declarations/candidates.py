"""The leaderboard of a job as the candidates UDF emits it and SME_LIST_SAGEMAKER_AUTOPILOT_CANDIDATES returns it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CandidateColumn:
    """One column: its name, SQL type, and the autopilot.candidates.Candidate attribute holding it."""

    name: str
    sql_type: str
    attribute: str


CANDIDATE_COLUMNS: tuple[CandidateColumn, ...] = (
    CandidateColumn("CANDIDATE_RANK", "DECIMAL(9,0)", "rank"),
    CandidateColumn("CANDIDATE_NAME", "VARCHAR(256)", "name"),
    CandidateColumn("CANDIDATE_STATUS", "VARCHAR(32)", "status"),
    CandidateColumn("OBJECTIVE_METRIC_NAME", "VARCHAR(32)", "objective_metric_name"),
    CandidateColumn("OBJECTIVE_METRIC_VALUE", "DOUBLE", "objective_metric_value"),
    CandidateColumn("IS_BEST", "BOOLEAN", "is_best"),
)
