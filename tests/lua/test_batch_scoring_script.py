"""SME_BATCH_SCORE_WITH_SAGEMAKER_AUTOPILOT: every check happens before the export, the export has no header and
keys first, and the transform UDF is told how many key columns to hide from the model."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sme_local.exasol.lua_runtime import QueryError, RowCount

from lua_harness import empty, failing_entry, rows, sql_literal_value

SCORE = "SME_BATCH_SCORE_WITH_SAGEMAKER_AUTOPILOT"
POLL = "SME_POLL_BATCH_SCORE_WITH_SAGEMAKER_AUTOPILOT"
JOB_ROW = rows(("AWS_CONN", "eu-west-1", None, None, "CHURN", "BinaryClassification",
                '["AGE","PLAN","CHURN"]', '["DECIMAL(18,0)","VARCHAR(10) UTF8","BOOLEAN"]', None, "s3://bkt",
                "ml/out"))
SOURCE = rows(("ID", "DECIMAL(18,0)"), ("AGE", "DECIMAL(18,0)"), ("PLAN", "VARCHAR(10) UTF8"))
OUTPUT = [("ID", "DECIMAL(18,0)"), ("AGE", "DECIMAL(18,0)"), ("PLAN", "VARCHAR(10) UTF8"), ("PROBABILITY", "DOUBLE"),
          ("PREDICTIONS", "BOOLEAN")]
FORMATS = rows(("NLS_DATE_FORMAT", "YYYY-MM-DD"), ("NLS_NUMERIC_CHARACTERS", ".,"),
               ("NLS_TIMESTAMP_FORMAT", "YYYY-MM-DD HH24:MI:SS.FF6"))


def arguments(**changes: Any) -> list[str]:
    document = {"job_name": "churn", "input_schema_name": "data", "input_table_or_view_name": "customers",
                "key_columns": ["id"], "output_schema_name": "data", "output_table_name": "scores", **changes}
    return [json.dumps({k: v for k, v in document.items() if v is not None})]


def containing(*parts: str):
    def check(sql: str) -> None:
        assert all(part in sql for part in parts), sql
    return check


JOB = (containing("SME_METADATA_AUTOPILOT_JOBS", "S3_OUTPUT_PATH"), JOB_ROW)
COLUMNS = (containing("EXA_ALL_COLUMNS", "'CUSTOMERS'"), SOURCE)
NO_TARGET = (containing("EXA_ALL_COLUMNS", "'SCORES'"), empty())


@pytest.mark.parametrize(("changes", "expected"), [
    ({"wait": "yes"}, 'E-SME-4: The key "wait" must be a JSON boolean, not string.'),
    ({"colour": 1}, "E-SME-3: Unknown keys in the batch scoring parameters: colour."),
    ({"output_table_name": None}, "E-SME-2: Missing required keys in the batch scoring parameters: output_table_name."),
    ({"max_payload_in_mb": 101}, 'E-SME-5: The value of "max_payload_in_mb" must be between 1 and 100.'),
    ({"max_payload_in_mb": 50, "max_concurrent_transforms": 3}, "E-SME-95: max_payload_in_mb x max_concurrent"),
    ({"instance_type": "m5.large"}, "E-SME-95: instance_type"),
])
def test_arguments_are_checked_before_any_statement(changes, expected):
    message, sent = failing_entry(SCORE, arguments(**changes), [])
    assert message.startswith(expected) and sent == []


def test_a_missing_and_a_mistyped_feature_are_both_named_and_nothing_is_exported():
    source = rows(("ID", "DECIMAL(18,0)"), ("AGE", "DOUBLE"))
    message, sent = failing_entry(SCORE, arguments(), [JOB, (COLUMNS[0], source)])
    assert message.startswith("E-SME-96: ")
    assert '"AGE" is DOUBLE, but the model was trained on DECIMAL(18,0)' in message
    assert '"PLAN" (VARCHAR(10) UTF8) is missing' in message
    assert not any("EXPORT" in sql for sql in sent)


@pytest.mark.parametrize(("keys", "reason"), [
    (["age"], "is a feature of the model"), (["nope"], "is not a column of"), (["id", "ID"], "is listed twice"),
])
def test_key_columns_must_be_non_feature_columns_of_the_source(keys, reason):
    message, _ = failing_entry(SCORE, arguments(key_columns=keys), [JOB, COLUMNS])
    assert message.startswith("E-SME-97: ") and reason in message


def test_an_existing_target_with_other_columns_is_refused_before_the_export():
    other = rows(("ID", "DECIMAL(18,0)"), ("SCORE", "DOUBLE"))
    message, sent = failing_entry(SCORE, arguments(), [JOB, COLUMNS, (NO_TARGET[0], other)])
    assert message.startswith("E-SME-98: The target table \"DATA\".\"SCORES\" exists with other columns")
    assert '"PREDICTIONS" BOOLEAN' in message and not any("EXPORT" in sql for sql in sent)


def test_rows_go_out_keys_first_without_header_and_the_udf_hides_the_keys_from_the_model():
    def export(sql: str) -> None:
        assert sql.startswith('EXPORT (SELECT "ID", "AGE", "PLAN" FROM "DATA"."CUSTOMERS") INTO CSV AT "AWS_CONN"')
        assert "/batch-input/part-1.csv.gz'" in sql and not sql.endswith("WITH COLUMN NAMES")

    start = {"aws_credentials_connection_name": "AWS_CONN", "aws_region": "eu-west-1", "action": "start",
             "job_name": "churn", "key_count": 1, "instance_type": "ml.m5.large", "instance_count": 1,
             "max_payload_in_mb": 6, "max_concurrent_transforms": 1}

    def start_call(sql: str) -> None:
        assert sql.startswith('SELECT "SME"."SME_AUTOPILOT_BATCH_TRANSFORM_UDF"(')
        literal = sql.split("(", 1)[1].rsplit(")", 1)[0]
        request = {k: v for k, v in json.loads(sql_literal_value(literal)).items() if v is not None}
        name = request.pop("transform_job_name")
        assert name.startswith("churn-bt-") and request.pop("run_uri") == f"s3://bkt/ml/out/churn/{name}/"
        assert request == start

    message, sent = failing_entry(SCORE, arguments(), [
        JOB, COLUMNS, NO_TARGET, (containing("COUNT(*)"), rows((5,))), (containing("EXA_PARAMETERS"), FORMATS),
        (export, RowCount(5)), (start_call, QueryError("22002", "AccessDenied: not allowed")),
    ])
    assert message.startswith("E-SME-99: Starting the transform job churn-bt-")
    assert "AccessDenied" in message


def test_polling_needs_the_transform_job_name():
    message, _ = failing_entry(POLL, arguments(), [])
    assert message.startswith('E-SME-95: The key "transform_job_name" is missing')
    message, _ = failing_entry(POLL, arguments(transform_job_name="bad_name"), [])
    assert message.startswith('E-SME-95: Invalid transform job name "bad_name"')
