"""DDL of the control-plane UDFs (developer guide, "UDFs installed by sme-deploy").

Each UDF takes one JSON request and its script text is a two-line adapter that imports the UDF class from the
language container, so the code that runs is always the packaged, tested code and never a copy pasted into
the database.
"""

from __future__ import annotations

from dataclasses import dataclass

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


# The state of a job as the status and the stop UDF emit it.
JOB_STATUS_EMITS: tuple[tuple[str, str], ...] = tuple((c.name, c.sql_type) for c in JOB_STATUS_COLUMNS)

CONTROL_PLANE_UDFS: tuple[ControlPlaneUdf, ...] = (
    ControlPlaneUdf(
        name="SME_AUTOPILOT_TRAINING_UDF",
        module="exasol_sagemaker_extension.udfs.training",
        class_name="TrainingUdf",
        returns="VARCHAR(2000000)",
    ),
    ControlPlaneUdf(
        name="SME_AUTOPILOT_JOB_STATUS_UDF",
        module="exasol_sagemaker_extension.udfs.job_status",
        class_name="JobStatusUdf",
        emits=JOB_STATUS_EMITS,
    ),
    ControlPlaneUdf(
        name="SME_AUTOPILOT_CANDIDATES_UDF",
        module="exasol_sagemaker_extension.udfs.candidates",
        class_name="CandidatesUdf",
        emits=(
            ("CANDIDATE_RANK", "DECIMAL(9,0)"),
            ("CANDIDATE_NAME", "VARCHAR(256)"),
            ("CANDIDATE_STATUS", "VARCHAR(32)"),
            ("OBJECTIVE_METRIC_NAME", "VARCHAR(32)"),
            ("OBJECTIVE_METRIC_VALUE", "DOUBLE"),
            ("IS_BEST", "BOOLEAN"),
        ),
    ),
    ControlPlaneUdf(
        name="SME_AUTOPILOT_DEPLOYMENT_UDF",
        module="exasol_sagemaker_extension.udfs.deployment",
        class_name="DeploymentUdf",
        returns="VARCHAR(2000000)",
    ),
    ControlPlaneUdf(
        name="SME_AUTOPILOT_ENDPOINT_DELETION_UDF",
        module="exasol_sagemaker_extension.udfs.deletion",
        class_name="EndpointDeletionUdf",
        emits=(
            ("RESOURCE_TYPE", "VARCHAR(32)"),
            ("RESOURCE_NAME", "VARCHAR(256)"),
            ("OUTCOME", "VARCHAR(32)"),
        ),
    ),
    ControlPlaneUdf(
        name="SME_AUTOPILOT_BATCH_TRANSFORM_UDF",
        module="exasol_sagemaker_extension.udfs.batch_transform",
        class_name="BatchTransformUdf",
        returns="VARCHAR(2000000)",
    ),
    ControlPlaneUdf(
        name="SME_AUTOPILOT_RECONCILIATION_UDF",
        module="exasol_sagemaker_extension.udfs.reconciliation",
        class_name="ReconciliationUdf",
        emits=(
            ("RESOURCE_TYPE", "VARCHAR(32)"),
            ("RESOURCE_NAME", "VARCHAR(256)"),
            ("AWS_STATUS", "VARCHAR(32)"),
            ("JOB_NAME", "VARCHAR(32)"),
            ("SERVING_ENDPOINT", "VARCHAR(63)"),
            ("VERDICT", "VARCHAR(32)"),
            ("ACTION", "VARCHAR(32)"),
        ),
    ),
    ControlPlaneUdf(
        name="SME_AUTOPILOT_ENDPOINT_DESCRIPTION_UDF",
        module="exasol_sagemaker_extension.udfs.endpoint_description",
        class_name="EndpointDescriptionUdf",
        returns="VARCHAR(2000000)",
    ),
    ControlPlaneUdf(
        name="SME_AUTOPILOT_JOB_STOP_UDF",
        module="exasol_sagemaker_extension.udfs.job_stopping",
        class_name="JobStoppingUdf",
        emits=JOB_STATUS_EMITS,
    ),
    ControlPlaneUdf(
        name="SME_AUTOPILOT_EXPLANATION_UDF",
        module="exasol_sagemaker_extension.udfs.explanation",
        class_name="ExplanationUdf",
        emits=(
            ("CANDIDATE_NAME", "VARCHAR(256)"),
            ("KIND", "VARCHAR(32)"),
            ("NAME", "VARCHAR(2000)"),
            ("VALUE", "DOUBLE"),
            ("FEATURE_RANK", "DECIMAL(9,0)"),
            ("DATA_SET", "VARCHAR(16)"),
        ),
    ),
    ControlPlaneUdf(
        name="SME_AUTOPILOT_ENDPOINT_METRICS_UDF",
        module="exasol_sagemaker_extension.udfs.endpoint_metrics",
        class_name="EndpointMetricsUdf",
        emits=(
            ("ENDPOINT_NAME", "VARCHAR(256)"),
            ("VARIANT_NAME", "VARCHAR(256)"),
            ("WINDOW_START", "VARCHAR(32)"),
            ("WINDOW_END", "VARCHAR(32)"),
            ("INVOCATIONS", "DECIMAL(18,0)"),
            ("INVOCATION_4XX_ERRORS", "DECIMAL(18,0)"),
            ("INVOCATION_5XX_ERRORS", "DECIMAL(18,0)"),
            ("MODEL_LATENCY_AVG_US", "DOUBLE"),
            ("MODEL_LATENCY_P50_US", "DOUBLE"),
            ("MODEL_LATENCY_P99_US", "DOUBLE"),
            ("MODEL_LATENCY_MAX_US", "DOUBLE"),
        ),
    ),
)


def render_udf(udf: ControlPlaneUdf, schema: str, language_alias: str) -> str:
    """Return the CREATE OR REPLACE statement of ``udf``; ``language_alias`` must already be validated."""
    return (
        f"CREATE OR REPLACE {language_alias} SCALAR SCRIPT {qualified_name(schema, udf.name)}"
        f"({_REQUEST_PARAMETER}) {udf.result_clause()} AS\n{udf.adapter_source()}/"
    )
