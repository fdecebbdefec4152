"""The rows of the control-plane UDFs whose scripts return them as they come: the UDF's EMITS clause
(installation/udf_ddl.py) and the script's result columns (rendered for Lua by lua_module) are one list.

The job state and the candidates have their own modules, since Python also reads their attributes by column.
"""

from __future__ import annotations

from exasol_sagemaker_extension.declarations.attribute_columns import emits
from exasol_sagemaker_extension.declarations.candidates import CANDIDATE_COLUMNS

Columns = tuple[tuple[str, str], ...]  # (column, SQL type) in emit order

RESOURCES_DELETED: Columns = (
    ("RESOURCE_TYPE", "VARCHAR(32)"), ("RESOURCE_NAME", "VARCHAR(256)"), ("OUTCOME", "VARCHAR(32)"),
)
RESOURCES_RECONCILED: Columns = (
    ("RESOURCE_TYPE", "VARCHAR(32)"), ("RESOURCE_NAME", "VARCHAR(256)"), ("AWS_STATUS", "VARCHAR(32)"),
    ("JOB_NAME", "VARCHAR(32)"), ("SERVING_ENDPOINT", "VARCHAR(63)"), ("VERDICT", "VARCHAR(32)"),
    ("ACTION", "VARCHAR(32)"),
)
EXPLANATIONS: Columns = (
    ("CANDIDATE_NAME", "VARCHAR(256)"), ("KIND", "VARCHAR(32)"), ("NAME", "VARCHAR(2000)"), ("VALUE", "DOUBLE"),
    ("FEATURE_RANK", "DECIMAL(9,0)"), ("DATA_SET", "VARCHAR(16)"),
)
CANDIDATES: Columns = emits(CANDIDATE_COLUMNS)

# By UDF: what its script returns unchanged.
RETURNED_AS_EMITTED: dict[str, Columns] = {
    "SME_AUTOPILOT_CANDIDATES_UDF": CANDIDATES,
    "SME_AUTOPILOT_ENDPOINT_DELETION_UDF": RESOURCES_DELETED,
    "SME_AUTOPILOT_RECONCILIATION_UDF": RESOURCES_RECONCILED,
    "SME_AUTOPILOT_EXPLANATION_UDF": EXPLANATIONS,
}
