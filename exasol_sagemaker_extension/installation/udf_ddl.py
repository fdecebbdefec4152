"""DDL of the control-plane UDFs (developer guide, "UDFs installed by sme-deploy").

Each UDF takes one JSON request and its script text is a two-line adapter that imports the UDF class from the
language container, so the code that runs is always the packaged, tested code and never a copy pasted into
the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from exasol_sagemaker_extension.declarations import udf_results
from exasol_sagemaker_extension.declarations.attribute_columns import emits
from exasol_sagemaker_extension.declarations.job_status import JOB_STATUS_COLUMNS
from exasol_sagemaker_extension.installation.identifiers import qualified_name, quote_identifier

_REQUEST_PARAMETER = "request_json VARCHAR(2000000)"


@dataclass(frozen=True)
class ControlPlaneUdf:
    """One UDF: its SQL name, what it returns or emits, and the class that implements it."""

    name: str
    module: str
    class_name: str
    returns: str | None = None  # RETURNS <type> ...
    emits: tuple[tuple[str, str], ...] = ()  # ... or EMITS (<column> <type>, ...)

    def result_clause(self) -> str:
        if self.returns is not None:
            return f"RETURNS {self.returns}"
        columns = ", ".join(f"{quote_identifier(name)} {sql_type}" for name, sql_type in self.emits)
        return f"EMITS ({columns})"

    def adapter_source(self) -> str:
        return f"from {self.module} import {self.class_name}\nrun = {self.class_name}(exa).run\n"


_JSON_ANSWER = "VARCHAR(2000000)"  # RETURNS: one JSON document
# EMITS: the columns of each UDF that emits rows; those a script returns are declared for Lua too (declarations/).
_JOB_STATUS = emits(JOB_STATUS_COLUMNS)
_ENDPOINT_METRICS = (
    ("ENDPOINT_NAME", "VARCHAR(256)"), ("VARIANT_NAME", "VARCHAR(256)"), ("WINDOW_START", "VARCHAR(32)"),
    ("WINDOW_END", "VARCHAR(32)"), ("INVOCATIONS", "DECIMAL(18,0)"), ("INVOCATION_4XX_ERRORS", "DECIMAL(18,0)"),
    ("INVOCATION_5XX_ERRORS", "DECIMAL(18,0)"), ("MODEL_LATENCY_AVG_US", "DOUBLE"),
    ("MODEL_LATENCY_P50_US", "DOUBLE"), ("MODEL_LATENCY_P99_US", "DOUBLE"), ("MODEL_LATENCY_MAX_US", "DOUBLE"),
)

# One row per UDF: its name, its module under exasol_sagemaker_extension.udfs and class, and what it answers
# (a SQL type: RETURNS it; a column tuple: EMITS those).
_UDF_TABLE: tuple[tuple[str, str, str, str | tuple[tuple[str, str], ...]], ...] = (
    ("SME_AUTOPILOT_TRAINING_UDF", "training", "TrainingUdf", _JSON_ANSWER),
    ("SME_AUTOPILOT_JOB_STATUS_UDF", "job_status", "JobStatusUdf", _JOB_STATUS),
    ("SME_AUTOPILOT_CANDIDATES_UDF", "candidates", "CandidatesUdf", udf_results.CANDIDATES),
    ("SME_AUTOPILOT_DEPLOYMENT_UDF", "deployment", "DeploymentUdf", _JSON_ANSWER),
    ("SME_AUTOPILOT_ENDPOINT_DELETION_UDF", "deletion", "EndpointDeletionUdf", udf_results.RESOURCES_DELETED),
    ("SME_AUTOPILOT_BATCH_TRANSFORM_UDF", "batch_transform", "BatchTransformUdf", _JSON_ANSWER),
    ("SME_AUTOPILOT_RECONCILIATION_UDF", "reconciliation", "ReconciliationUdf", udf_results.RESOURCES_RECONCILED),
    ("SME_AUTOPILOT_ENDPOINT_DESCRIPTION_UDF", "endpoint_description", "EndpointDescriptionUdf", _JSON_ANSWER),
    ("SME_AUTOPILOT_JOB_STOP_UDF", "job_stopping", "JobStoppingUdf", _JOB_STATUS),
    ("SME_AUTOPILOT_EXPLANATION_UDF", "explanation", "ExplanationUdf", udf_results.EXPLANATIONS),
    ("SME_AUTOPILOT_ENDPOINT_METRICS_UDF", "endpoint_metrics", "EndpointMetricsUdf", _ENDPOINT_METRICS),
)

CONTROL_PLANE_UDFS: tuple[ControlPlaneUdf, ...] = tuple(
    ControlPlaneUdf(
        name=name,
        module=f"exasol_sagemaker_extension.udfs.{module}",
        class_name=class_name,
        returns=answer if isinstance(answer, str) else None,
        emits=() if isinstance(answer, str) else answer,
    )
    for name, module, class_name, answer in _UDF_TABLE
)


def render_udf(udf: ControlPlaneUdf, schema: str, language_alias: str) -> str:
    """Return the CREATE OR REPLACE statement of ``udf``; ``language_alias`` must already be validated."""
    return (
        f"CREATE OR REPLACE {language_alias} SCALAR SCRIPT {qualified_name(schema, udf.name)}"
        f"({_REQUEST_PARAMETER}) {udf.result_clause()} AS\n{udf.adapter_source()}/"
    )
