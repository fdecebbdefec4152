"""DDL of the metadata tables and their views (developer guide, "Metadata tables").

Every statement is safe to run again on a database that already holds jobs and endpoints: tables are created
only if missing, columns this extension added after the old extension's 16 are added only if missing (so a
table created by the old extension is migrated forward in place), and only the views, which hold no data, are
replaced. Nothing here drops, truncates or rewrites a row.
"""

from __future__ import annotations

from dataclasses import dataclass

from exasol_sagemaker_extension.declarations.job_status import JOB_STATUS_COLUMNS
from exasol_sagemaker_extension.installation.identifiers import qualified_name, quote_identifier


@dataclass(frozen=True)
class MetadataTable:
    """A metadata table: its columns in order, its key (None for a log without one), and how many leading
    columns predate this extension."""

    name: str
    columns: tuple[tuple[str, str], ...]
    primary_key: str | None
    original_column_count: int  # columns after these are added by forward migration
    view_name: str
    view_columns: tuple[str, ...]

    def added_columns(self) -> tuple[tuple[str, str], ...]:
        return self.columns[self.original_column_count:]


JOBS_TABLE = MetadataTable(
    name="SME_METADATA_AUTOPILOT_JOBS",
    columns=(
        ("DATETIME", "TIMESTAMP"),
        ("JOB_NAME", "VARCHAR(32)"),
        ("AWS_CREDENTIALS_CONNECTION_NAME", "VARCHAR(128)"),
        ("IAM_SAGEMAKER_ROLE", "VARCHAR(2048)"),
        ("S3_BUCKET_URI", "VARCHAR(2000000)"),
        ("S3_OUTPUT_PATH", "VARCHAR(2000000)"),
        ("TARGET_ATTRIBUTE_NAME", "VARCHAR(128)"),
        ("PROBLEM_TYPE", "VARCHAR(32)"),
        ("OBJECTIVE", "VARCHAR(128)"),
        ("MAX_RUNTIME_FOR_AUTOML_JOB_IN_SECONDS", "DECIMAL(18,0)"),
        ("MAX_CANDIDATES", "DECIMAL(18,0)"),
        ("MAX_RUNTIME_PER_TRAINING_JOB_IN_SECONDS", "DECIMAL(18,0)"),
        ("SESSION_ID", "DECIMAL(20,0)"),
        ("SCRIPT_USER", "VARCHAR(128)"),
        ("COLUMN_NAMES", "VARCHAR(2000000)"),
        ("COLUMN_TYPES", "VARCHAR(2000000)"),
        ("AWS_REGION", "VARCHAR(64)"),
        ("INPUT_SCHEMA_NAME", "VARCHAR(128)"),
        ("INPUT_TABLE_OR_VIEW_NAME", "VARCHAR(128)"),
        ("INPUT_S3_URI", "VARCHAR(2000000)"),
        ("OUTPUT_S3_URI", "VARCHAR(2000000)"),
        ("JOB_ARN", "VARCHAR(2048)"),
        ("MODE", "VARCHAR(32)"),
        ("AWS_ASSUME_ROLE_ARN", "VARCHAR(2048)"),
        ("AWS_ASSUME_ROLE_EXTERNAL_ID", "VARCHAR(1224)"),
        *((c.name, c.sql_type) for c in JOB_STATUS_COLUMNS if c.stored),
        ("LAST_POLLED", "TIMESTAMP"),
        ("SAMPLE_WEIGHT_ATTRIBUTE_NAME", "VARCHAR(128)"),
    ),
    primary_key="JOB_NAME",
    original_column_count=16,
    view_name="SME_AUTOPILOT_JOBS",
    # What a user asks about a job; left out: session id, column lists (long JSON) and the role details.
    view_columns=(
        "JOB_NAME", "DATETIME", "JOB_STATUS", "SECONDARY_STATUS", "FAILURE_REASON", "PROBLEM_TYPE", "OBJECTIVE",
        "OBJECTIVE_METRIC_NAME", "OBJECTIVE_METRIC_VALUE", "BEST_CANDIDATE_NAME", "TARGET_ATTRIBUTE_NAME",
        "INPUT_SCHEMA_NAME", "INPUT_TABLE_OR_VIEW_NAME", "MODE", "MAX_CANDIDATES",
        "MAX_RUNTIME_PER_TRAINING_JOB_IN_SECONDS", "MAX_RUNTIME_FOR_AUTOML_JOB_IN_SECONDS", "AWS_REGION",
        "AWS_CREDENTIALS_CONNECTION_NAME", "OUTPUT_S3_URI", "JOB_ARN", "SCRIPT_USER", "LAST_POLLED",
    ),
)

ENDPOINTS_TABLE = MetadataTable(
    name="SME_METADATA_AUTOPILOT_ENDPOINTS",
    columns=(
        ("ENDPOINT_NAME", "VARCHAR(63)"),
        ("JOB_NAME", "VARCHAR(32)"),
        ("CANDIDATE_NAME", "VARCHAR(256)"),
        ("UDF_SCHEMA_NAME", "VARCHAR(128)"),
        ("UDF_NAME", "VARCHAR(128)"),
        ("MODEL_CONNECTION_NAME", "VARCHAR(256)"),
        ("INSTANCE_TYPE", "VARCHAR(64)"),
        ("INSTANCE_COUNT", "DECIMAL(9,0)"),
        ("SERVERLESS_MEMORY_SIZE_IN_MB", "DECIMAL(9,0)"),
        ("SERVERLESS_MAX_CONCURRENCY", "DECIMAL(9,0)"),
        ("PROBLEM_TYPE", "VARCHAR(32)"),
        ("STATUS", "VARCHAR(32)"),
        ("DEPLOYED_AT", "TIMESTAMP"),
        ("DELETED_AT", "TIMESTAMP"),
        ("SCRIPT_USER", "VARCHAR(128)"),
    ),
    primary_key="ENDPOINT_NAME",
    original_column_count=15,  # new with this extension: nothing to migrate yet
    view_name="SME_AUTOPILOT_ENDPOINTS",
    # Everything but the connection name is useful to see; the connection is an implementation detail.
    view_columns=(
        "ENDPOINT_NAME", "STATUS", "JOB_NAME", "CANDIDATE_NAME", "PROBLEM_TYPE", "UDF_SCHEMA_NAME", "UDF_NAME",
        "INSTANCE_TYPE", "INSTANCE_COUNT", "SERVERLESS_MEMORY_SIZE_IN_MB", "SERVERLESS_MAX_CONCURRENCY",
        "DEPLOYED_AT", "DELETED_AT", "SCRIPT_USER",
    ),
)

EVALUATIONS_TABLE = MetadataTable(
    name="SME_METADATA_EVALUATIONS",
    # One row per metric row of a stored SME_EVALUATE_PREDICTIONS run; a run is RUN_ID (session-statement).
    columns=(
        ("EVALUATED_AT", "TIMESTAMP"),
        ("RUN_ID", "VARCHAR(64)"),
        ("JOB_NAME", "VARCHAR(32)"),
        ("ENDPOINT_NAME", "VARCHAR(63)"),
        ("PROBLEM_TYPE", "VARCHAR(32)"),
        ("INPUT_SCHEMA_NAME", "VARCHAR(128)"),
        ("INPUT_TABLE_OR_VIEW_NAME", "VARCHAR(128)"),
        ("LABEL_COLUMN", "VARCHAR(128)"),
        ("POSITIVE_LABEL", "VARCHAR(2000000)"),
        ("SCRIPT_USER", "VARCHAR(128)"),
        ("METRIC_ORDER", "DECIMAL(9,0)"),
        ("METRIC", "VARCHAR(64)"),
        ("METRIC_VALUE", "DOUBLE"),
        ("LABEL", "VARCHAR(2000000)"),
        ("PREDICTED_LABEL", "VARCHAR(2000000)"),
    ),
    primary_key=None,
    original_column_count=15,  # new with this extension: nothing to migrate yet
    view_name="SME_EVALUATIONS",
    view_columns=(
        "EVALUATED_AT", "RUN_ID", "ENDPOINT_NAME", "JOB_NAME", "PROBLEM_TYPE", "INPUT_SCHEMA_NAME",
        "INPUT_TABLE_OR_VIEW_NAME", "LABEL_COLUMN", "POSITIVE_LABEL", "METRIC", "METRIC_VALUE", "LABEL",
        "PREDICTED_LABEL", "METRIC_ORDER", "SCRIPT_USER",
    ),
)

METADATA_TABLES: tuple[MetadataTable, ...] = (JOBS_TABLE, ENDPOINTS_TABLE, EVALUATIONS_TABLE)


def render_create_schema(schema: str) -> str:
    return f"CREATE SCHEMA IF NOT EXISTS {quote_identifier(schema)}"


def render_create_table(table: MetadataTable, schema: str) -> str:
    lines = [f"    {quote_identifier(name)} {sql_type}" for name, sql_type in table.columns]
    if table.primary_key is not None:
        lines.append(f"    PRIMARY KEY ({quote_identifier(table.primary_key)})")
    return f"CREATE TABLE IF NOT EXISTS {qualified_name(schema, table.name)} (\n" + ",\n".join(lines) + "\n)"


def render_migrations(table: MetadataTable, schema: str) -> list[str]:
    """One ALTER TABLE … ADD COLUMN IF NOT EXISTS per column added after the original ones."""
    target = qualified_name(schema, table.name)
    return [
        f"ALTER TABLE {target} ADD COLUMN IF NOT EXISTS {quote_identifier(name)} {sql_type}"
        for name, sql_type in table.added_columns()
    ]


def render_view(table: MetadataTable, schema: str) -> str:
    columns = ",\n".join(f"    {quote_identifier(name)}" for name in table.view_columns)
    return (
        f"CREATE OR REPLACE VIEW {qualified_name(schema, table.view_name)} AS\nSELECT\n{columns}\n"
        f"FROM {qualified_name(schema, table.name)}"
    )
