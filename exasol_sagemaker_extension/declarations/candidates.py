"""The leaderboard of a job as the candidates UDF emits it and SME_LIST_SAGEMAKER_AUTOPILOT_CANDIDATES returns it."""

from __future__ import annotations

from exasol_sagemaker_extension.declarations.attribute_columns import AttributeColumn

# Each value is read from an autopilot.candidates.Candidate attribute.
CANDIDATE_COLUMNS: tuple[AttributeColumn, ...] = (
    AttributeColumn("CANDIDATE_RANK", "DECIMAL(9,0)", "rank"),
    AttributeColumn("CANDIDATE_NAME", "VARCHAR(256)", "name"),
    AttributeColumn("CANDIDATE_STATUS", "VARCHAR(32)", "status"),
    AttributeColumn("OBJECTIVE_METRIC_NAME", "VARCHAR(32)", "objective_metric_name"),
    AttributeColumn("OBJECTIVE_METRIC_VALUE", "DOUBLE", "objective_metric_value"),
    AttributeColumn("IS_BEST", "BOOLEAN", "is_best"),
)
