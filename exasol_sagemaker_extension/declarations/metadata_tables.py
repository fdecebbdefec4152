"""The extension's metadata tables: their columns in order, key, forward-migration point and view, and how the
Lua scripts write and read a row.

installation/metadata_ddl.py renders the DDL from these, and lua_module renders the column lists the Lua scripts
write and read, so a column is named here once. The jobs table stores the training options that declare a column
type (training_options.py); the layout fixes where the historical ones sit (the old extension's 16 columns come
first, in its order), and an option declared later is appended, which forward migration then adds in place.
"""

from __future__ import annotations

from dataclasses import dataclass

from exasol_sagemaker_extension.declarations import training_options
from exasol_sagemaker_extension.declarations.attribute_columns import emits
from exasol_sagemaker_extension.declarations.job_status import JOB_STATUS_COLUMNS

OPTION = "<declared by the training option>"


@dataclass(frozen=True)
class MetadataTable:
    """A metadata table: its columns in order, its key (None for a log without one), and how many leading
    columns predate this extension."""

    name: str
    layout: tuple[tuple[str, str], ...]  # (column, SQL type); the type OPTION: the training option's declared type
    primary_key: str | None
    original_column_count: int  # columns after these are added by forward migration
    view_name: str
    view_columns: tuple[str, ...]
    inserted_at: str  # set to CURRENT_TIMESTAMP by the statement that inserts a row
    # What a script reads of one row (looked up by the key), in this order; the other columns serve users' SQL.
    read_columns: tuple[str, ...] = ()
    written_later: tuple[str, ...] = ()  # left NULL by the insert, set by later UPDATEs
    # Columns filled from the rows of the query the insert selects from: (column, the query's column)
    from_query: tuple[tuple[str, str], ...] = ()
    stores_training_options: bool = False  # a stored option the layout does not name is appended

    def __post_init__(self) -> None:
        named = {self.inserted_at, *self.read_columns, *self.written_later, *(c for c, _ in self.from_query)}
        unknown = named - {name for name, _ in self.layout} - {o.column for o in training_options.stored()}
        if unknown:
            raise ValueError(f"{self.name} has no columns {sorted(unknown)}")

    @property
    def columns(self) -> tuple[tuple[str, str], ...]:
        """(column, SQL type) in table order, resolved from the declarations when asked, so that an option
        declared later shows up here and in everything rendered from it."""
        stored = {o.column: o.column_type for o in training_options.stored()} if self.stores_training_options else {}
        columns = [(name, stored[name] if sql_type == OPTION else sql_type) for name, sql_type in self.layout]
        placed = {name for name, _ in self.layout}
        return tuple(columns + [(name, sql_type) for name, sql_type in stored.items() if name not in placed])

    @property
    def inserted_columns(self) -> tuple[str, ...]:
        """The columns an insert fills from the script's values, in table order: all but the insert's timestamp,
        the columns written later and those filled from a query."""
        skipped = {self.inserted_at, *self.written_later, *(c for c, _ in self.from_query)}
        return tuple(name for name, _ in self.columns if name not in skipped)

    def added_columns(self) -> tuple[tuple[str, str], ...]:
        return self.columns[self.original_column_count:]


JOBS_TABLE = MetadataTable(
    name="SME_METADATA_AUTOPILOT_JOBS",
    layout=(
        ("DATETIME", "TIMESTAMP"),
        ("JOB_NAME", OPTION),
        ("AWS_CREDENTIALS_CONNECTION_NAME", OPTION),
        ("IAM_SAGEMAKER_ROLE", OPTION),
        ("S3_BUCKET_URI", OPTION),
        ("S3_OUTPUT_PATH", OPTION),
        ("TARGET_ATTRIBUTE_NAME", OPTION),
        ("PROBLEM_TYPE", OPTION),
        ("OBJECTIVE", OPTION),
        ("MAX_RUNTIME_FOR_AUTOML_JOB_IN_SECONDS", OPTION),
        ("MAX_CANDIDATES", OPTION),
        ("MAX_RUNTIME_PER_TRAINING_JOB_IN_SECONDS", OPTION),
        ("SESSION_ID", "DECIMAL(20,0)"),
        ("SCRIPT_USER", "VARCHAR(128)"),
        ("COLUMN_NAMES", "VARCHAR(2000000)"),
        ("COLUMN_TYPES", "VARCHAR(2000000)"),
        ("AWS_REGION", OPTION),
        ("INPUT_SCHEMA_NAME", OPTION),
        ("INPUT_TABLE_OR_VIEW_NAME", OPTION),
        ("INPUT_S3_URI", "VARCHAR(2000000)"),
        ("OUTPUT_S3_URI", "VARCHAR(2000000)"),
        ("JOB_ARN", "VARCHAR(2048)"),
        ("MODE", OPTION),
        ("AWS_ASSUME_ROLE_ARN", OPTION),
        ("AWS_ASSUME_ROLE_EXTERNAL_ID", OPTION),
        *emits(c for c in JOB_STATUS_COLUMNS if c.stored),
        ("LAST_POLLED", "TIMESTAMP"),
        ("SAMPLE_WEIGHT_ATTRIBUTE_NAME", OPTION),
    ),
    primary_key="JOB_NAME",
    inserted_at="DATETIME",
    # The job's AWS settings, which later scripts reuse, and what its model was trained on.
    read_columns=(
        "AWS_CREDENTIALS_CONNECTION_NAME", "AWS_REGION", "AWS_ASSUME_ROLE_ARN", "AWS_ASSUME_ROLE_EXTERNAL_ID",
        "TARGET_ATTRIBUTE_NAME", "PROBLEM_TYPE", "COLUMN_NAMES", "COLUMN_TYPES", "SAMPLE_WEIGHT_ATTRIBUTE_NAME",
        "S3_BUCKET_URI", "S3_OUTPUT_PATH",
    ),
    written_later=(*(c.name for c in JOB_STATUS_COLUMNS if c.stored), "LAST_POLLED"),  # by polling
    stores_training_options=True,
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
    layout=(
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
    inserted_at="DEPLOYED_AT",
    # What deleting, evaluating, monitoring and re-creating an endpoint need to know of it.
    read_columns=(
        "JOB_NAME", "UDF_SCHEMA_NAME", "UDF_NAME", "MODEL_CONNECTION_NAME", "PROBLEM_TYPE",
        "SERVERLESS_MEMORY_SIZE_IN_MB", "STATUS",
    ),
    written_later=("DELETED_AT",),  # by deleting the endpoint
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
    layout=(
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
    inserted_at="EVALUATED_AT",
    # The metric rows come from the evaluation's own statement (sme_evaluation_sql.lua names its columns); the
    # other columns describe the run and are the same in each of its rows.
    from_query=(
        ("METRIC_ORDER", "ORD"), ("METRIC", "METRIC"), ("METRIC_VALUE", "METRIC_VALUE"), ("LABEL", "LABEL"),
        ("PREDICTED_LABEL", "PREDICTED_LABEL"),
    ),
    original_column_count=15,  # new with this extension: nothing to migrate yet
    view_name="SME_EVALUATIONS",
    view_columns=(
        "EVALUATED_AT", "RUN_ID", "ENDPOINT_NAME", "JOB_NAME", "PROBLEM_TYPE", "INPUT_SCHEMA_NAME",
        "INPUT_TABLE_OR_VIEW_NAME", "LABEL_COLUMN", "POSITIVE_LABEL", "METRIC", "METRIC_VALUE", "LABEL",
        "PREDICTED_LABEL", "METRIC_ORDER", "SCRIPT_USER",
    ),
)

METADATA_TABLES: tuple[MetadataTable, ...] = (JOBS_TABLE, ENDPOINTS_TABLE, EVALUATIONS_TABLE)
