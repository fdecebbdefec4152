"""Metadata DDL: the guide's columns, forward migration of the old table, idempotent and data-preserving.

The statements are also run on DuckDB, the SQL engine underneath the local Exasol stand-in, which accepts the
same IF NOT EXISTS forms: that shows the migration really adds the columns, keeps the rows, and can run twice.
"""

import dataclasses
import re

import duckdb
import pytest

from exasol_sagemaker_extension.installation.statements import metadata_statements
from exasol_sagemaker_extension.declarations.metadata_tables import ENDPOINTS_TABLE, EVALUATIONS_TABLE, JOBS_TABLE
from exasol_sagemaker_extension.installation.metadata_ddl import (
    render_create_table,
    render_migrations,
    render_view,
)

OLD_EXTENSION_COLUMNS = [
    "DATETIME", "JOB_NAME", "AWS_CREDENTIALS_CONNECTION_NAME", "IAM_SAGEMAKER_ROLE", "S3_BUCKET_URI",
    "S3_OUTPUT_PATH", "TARGET_ATTRIBUTE_NAME", "PROBLEM_TYPE", "OBJECTIVE", "MAX_RUNTIME_FOR_AUTOML_JOB_IN_SECONDS",
    "MAX_CANDIDATES", "MAX_RUNTIME_PER_TRAINING_JOB_IN_SECONDS", "SESSION_ID", "SCRIPT_USER", "COLUMN_NAMES",
    "COLUMN_TYPES",
]


def _normalise(sql: str) -> str:
    """Layout-free form: single spaces, none around parentheses and commas."""
    return re.sub(r"\s*([(),])\s*", r"\1", re.sub(r"\s+", " ", sql)).strip()


def test_jobs_table_starts_with_the_old_extensions_columns_in_order():
    assert [name for name, _ in JOBS_TABLE.columns[:16]] == OLD_EXTENSION_COLUMNS
    assert len(JOBS_TABLE.columns) == 33


def test_every_added_jobs_column_has_a_migration():
    migrations = render_migrations(JOBS_TABLE, "SME")
    assert len(migrations) == 17
    assert migrations[0] == 'ALTER TABLE "SME"."SME_METADATA_AUTOPILOT_JOBS" ADD COLUMN IF NOT EXISTS "AWS_REGION" VARCHAR(64)'
    assert migrations[-1].endswith('ADD COLUMN IF NOT EXISTS "SAMPLE_WEIGHT_ATTRIBUTE_NAME" VARCHAR(128)')


def test_endpoints_table_text():
    assert _normalise(render_create_table(ENDPOINTS_TABLE, "SME")) == _normalise(
        'CREATE TABLE IF NOT EXISTS "SME"."SME_METADATA_AUTOPILOT_ENDPOINTS" ('
        '"ENDPOINT_NAME" VARCHAR(63), "JOB_NAME" VARCHAR(32), "CANDIDATE_NAME" VARCHAR(256), '
        '"UDF_SCHEMA_NAME" VARCHAR(128), "UDF_NAME" VARCHAR(128), "MODEL_CONNECTION_NAME" VARCHAR(256), '
        '"INSTANCE_TYPE" VARCHAR(64), "INSTANCE_COUNT" DECIMAL(9,0), "SERVERLESS_MEMORY_SIZE_IN_MB" DECIMAL(9,0), '
        '"SERVERLESS_MAX_CONCURRENCY" DECIMAL(9,0), "PROBLEM_TYPE" VARCHAR(32), "STATUS" VARCHAR(32), '
        '"DEPLOYED_AT" TIMESTAMP, "DELETED_AT" TIMESTAMP, "SCRIPT_USER" VARCHAR(128), PRIMARY KEY ("ENDPOINT_NAME"))'
    )


def test_the_evaluation_log_has_no_key_since_a_run_has_one_row_per_metric():
    text = render_create_table(EVALUATIONS_TABLE, "SME")
    assert text.startswith('CREATE TABLE IF NOT EXISTS "SME"."SME_METADATA_EVALUATIONS" (')
    assert "PRIMARY KEY" not in text and '"METRIC_VALUE" DOUBLE' in text


def test_views_select_existing_columns_only():
    for table in (JOBS_TABLE, ENDPOINTS_TABLE, EVALUATIONS_TABLE):
        names = {name for name, _ in table.columns}
        assert set(table.view_columns) <= names
        assert render_view(table, "SME").startswith(f'CREATE OR REPLACE VIEW "SME"."{table.view_name}" AS')


def test_every_column_is_written_once_by_the_insert_a_later_update_or_a_query():
    for table in (JOBS_TABLE, ENDPOINTS_TABLE, EVALUATIONS_TABLE):
        written = [table.inserted_at, *table.inserted_columns, *table.written_later,
                   *(column for column, _ in table.from_query)]
        assert sorted(written) == sorted(name for name, _ in table.columns)
        assert set(table.read_columns) <= set(written)


def test_a_table_naming_a_column_it_lacks_is_refused_when_declared():
    with pytest.raises(ValueError, match="NO_SUCH_COLUMN"):
        dataclasses.replace(ENDPOINTS_TABLE, read_columns=("JOB_NAME", "NO_SUCH_COLUMN"))


def test_views_never_show_the_external_id_or_session():
    assert not {"AWS_ASSUME_ROLE_EXTERNAL_ID", "SESSION_ID"} & set(JOBS_TABLE.view_columns)


def test_every_metadata_statement_is_idempotent_and_never_destructive():
    for statement in metadata_statements("SME"):
        text = statement.sql.upper()
        assert "IF NOT EXISTS" in text or text.startswith("CREATE OR REPLACE VIEW"), statement.sql
        assert not re.search(r"\b(DROP|TRUNCATE|DELETE|UPDATE|MERGE|INSERT)\b", text), statement.sql


@pytest.mark.parametrize("schema", ["SME", 'we"ird schema', "Ünïcödé"])
def test_upgrade_from_the_old_table_keeps_rows_and_runs_twice(schema):
    db = duckdb.connect()
    quoted_schema = '"' + schema.replace('"', '""') + '"'
    db.execute(f"CREATE SCHEMA {quoted_schema}")
    old_columns = ", ".join(f'"{name}" {sql_type}' for name, sql_type in JOBS_TABLE.columns[:16])
    db.execute(f'CREATE TABLE {quoted_schema}."SME_METADATA_AUTOPILOT_JOBS" ({old_columns})')
    db.execute(f'INSERT INTO {quoted_schema}."SME_METADATA_AUTOPILOT_JOBS" ("JOB_NAME", "PROBLEM_TYPE") '
               "VALUES ('oldjob', 'Regression')")
    for _ in range(2):
        for statement in metadata_statements(schema):
            db.execute(statement.sql)
    rows = db.execute(f'SELECT "JOB_NAME", "PROBLEM_TYPE", "JOB_STATUS" FROM {quoted_schema}."SME_AUTOPILOT_JOBS"').fetchall()
    assert rows == [("oldjob", "Regression", None)]
    columns = [row[0] for row in db.execute(f'DESCRIBE {quoted_schema}."SME_METADATA_AUTOPILOT_JOBS"').fetchall()]
    assert columns == [name for name, _ in JOBS_TABLE.columns]
    db.execute(f'SELECT * FROM {quoted_schema}."SME_AUTOPILOT_ENDPOINTS"').fetchall()
    db.execute(f'SELECT * FROM {quoted_schema}."SME_EVALUATIONS"').fetchall()
