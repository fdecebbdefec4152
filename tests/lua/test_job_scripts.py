"""SME_POLL_SAGEMAKER_AUTOPILOT_JOB_STATUS and SME_LIST_SAGEMAKER_AUTOPILOT_CANDIDATES."""

from __future__ import annotations

import pytest

from sme_local.exasol.lua_runtime import QueryError, RowCount

from lua_harness import ScriptedDatabase, empty, failing_entry, rows, run_entry, sme_error, udf_call

ROLE = "arn:aws:iam::123456789012:role/Analyst"
JOB_SQL = (
    "SELECT AWS_CREDENTIALS_CONNECTION_NAME, AWS_REGION, AWS_ASSUME_ROLE_ARN, AWS_ASSUME_ROLE_EXTERNAL_ID,"
    " TARGET_ATTRIBUTE_NAME, PROBLEM_TYPE, COLUMN_NAMES, COLUMN_TYPES, SAMPLE_WEIGHT_ATTRIBUTE_NAME, S3_BUCKET_URI, S3_OUTPUT_PATH FROM \"SME\".\"SME_METADATA_AUTOPILOT_JOBS\""
    " WHERE JOB_NAME = 'churn-1'"
)
JOB_ROW = rows(("AWS_CONN", "eu-west-1", ROLE, "ext-1", "CHURN", None, '["A","CHURN"]', '["DOUBLE","BOOLEAN"]', None))
STATUS = ("Completed", "Completed", None, "best-1", "F1", 0.93, "BinaryClassification")
UPDATE_SQL = (
    "UPDATE \"SME\".\"SME_METADATA_AUTOPILOT_JOBS\" SET JOB_STATUS = 'Completed', SECONDARY_STATUS = 'Completed',"
    " FAILURE_REASON = NULL, BEST_CANDIDATE_NAME = 'best-1', OBJECTIVE_METRIC_NAME = 'F1',"
    " OBJECTIVE_METRIC_VALUE = 0.93, LAST_POLLED = CURRENT_TIMESTAMP WHERE JOB_NAME = 'churn-1'"
)
KNOWN_JOB_REQUEST = {
    "aws_credentials_connection_name": "AWS_CONN", "aws_region": "eu-west-1", "aws_assume_role_arn": ROLE,
    "aws_assume_role_external_id": "ext-1", "job_name": "churn-1",
}
POLL = "SME_POLL_SAGEMAKER_AUTOPILOT_JOB_STATUS"
LIST = "SME_LIST_SAGEMAKER_AUTOPILOT_CANDIDATES"


def test_poll_uses_the_jobs_aws_settings_and_stores_the_status():
    db = ScriptedDatabase().expect(JOB_SQL, JOB_ROW)
    db.expect(udf_call("SME_AUTOPILOT_JOB_STATUS_UDF", KNOWN_JOB_REQUEST), rows(STATUS))
    db.expect(UPDATE_SQL, RowCount(1))
    result = run_entry(POLL, ["churn-1", None, None], db)
    assert [name for name, _ in result.columns] == [
        "JOB_STATUS", "JOB_SECONDARY_STATUS", "FAILURE_REASON", "BEST_CANDIDATE_NAME", "OBJECTIVE_METRIC_NAME",
        "OBJECTIVE_METRIC_VALUE", "PROBLEM_TYPE",
    ]
    assert result.rows == [STATUS]


def test_poll_arguments_override_the_metadata():
    db = ScriptedDatabase().expect(JOB_SQL, JOB_ROW)
    request = {**KNOWN_JOB_REQUEST, "aws_credentials_connection_name": "Other", "aws_region": "us-east-1"}
    db.expect(udf_call("SME_AUTOPILOT_JOB_STATUS_UDF", request), rows(STATUS))
    db.expect(UPDATE_SQL, RowCount(1))
    run_entry(POLL, ["churn-1", '"Other"', "us-east-1"], db)


def test_poll_of_a_job_unknown_to_the_metadata_updates_nothing():
    db = ScriptedDatabase().expect(JOB_SQL, empty())
    request = {"aws_credentials_connection_name": "AWS_CONN", "job_name": "churn-1"}
    failed = ("Failed", "Failed", "bad data", None, None, None, None)
    db.expect(udf_call("SME_AUTOPILOT_JOB_STATUS_UDF", request), rows(failed))
    assert run_entry(POLL, ["churn-1", "aws_conn", None], db).rows == [failed]


@pytest.mark.parametrize(
    ("args", "before", "code", "fragment"),
    [
        (["churn 1", "c", None], [], "E-SME-6", 'Invalid job name "churn 1".'),
        ([None, "c", None], [], "E-SME-6", "Invalid job name nil."),
        (["churn-1", None, None], [(JOB_SQL, empty())], "E-SME-20", "No AWS connection given"),
        (["churn-1", 5, None], [(JOB_SQL, empty())], "E-SME-20", "The argument connection_name must be a string or NULL."),
        (["churn-1", "c;d", None], [(JOB_SQL, empty())], "E-SME-7", "connection_name"),
        (["churn-1", "c", "EU"], [(JOB_SQL, empty())], "E-SME-50", 'Invalid AWS region "EU".'),
    ],
)
def test_poll_argument_errors(args, before, code, fragment):
    text, _ = failing_entry(POLL, args, before)
    assert text.startswith(code + ": ") and fragment in text


def test_poll_passes_the_udf_error_through_with_context():
    db = ScriptedDatabase().expect(JOB_SQL, JOB_ROW)
    db.expect(udf_call("SME_AUTOPILOT_JOB_STATUS_UDF", KNOWN_JOB_REQUEST),
              QueryError("22002", "E-SME-130: job churn-1 not found\nMitigation: check the name"))
    with pytest.raises(QueryError) as excinfo:
        run_entry(POLL, ["churn-1", None, None], db)
    assert sme_error(excinfo).startswith('E-SME-21: Polling the status of job "churn-1" failed: E-SME-130: job churn-1')


def test_poll_reports_a_failed_metadata_update():
    db = ScriptedDatabase().expect(JOB_SQL, JOB_ROW)
    db.expect(udf_call("SME_AUTOPILOT_JOB_STATUS_UDF", KNOWN_JOB_REQUEST), rows(STATUS))
    db.expect(UPDATE_SQL, QueryError("42500", "insufficient privileges"))
    with pytest.raises(QueryError) as excinfo:
        run_entry(POLL, ["churn-1", None, None], db)
    assert sme_error(excinfo).startswith('E-SME-22: The status of job "churn-1" was read, but storing it')


def test_candidates_are_sorted_best_first():
    db = ScriptedDatabase().expect(JOB_SQL, JOB_ROW)
    emitted = [(2, "b", "Completed", "F1", 0.8, False), (1, "a", "Completed", "F1", 0.9, True),
               (3, "c", "Failed", "F1", None, False)]
    db.expect(udf_call("SME_AUTOPILOT_CANDIDATES_UDF", KNOWN_JOB_REQUEST), rows(*emitted))
    result = run_entry(LIST, ["churn-1", None, None], db)
    assert result.columns == [
        ("CANDIDATE_RANK", "DECIMAL(9,0)"), ("CANDIDATE_NAME", "VARCHAR(256) UTF8"),
        ("CANDIDATE_STATUS", "VARCHAR(32) UTF8"), ("OBJECTIVE_METRIC_NAME", "VARCHAR(32) UTF8"),
        ("OBJECTIVE_METRIC_VALUE", "DOUBLE"), ("IS_BEST", "BOOLEAN"),
    ]
    assert result.rows == sorted(emitted)


def test_candidates_udf_failure_is_reported():
    db = ScriptedDatabase().expect(JOB_SQL, empty())
    db.expect(udf_call("SME_AUTOPILOT_CANDIDATES_UDF", {"aws_credentials_connection_name": "C", "job_name": "churn-1"}),
              QueryError("22002", "no such job"))
    with pytest.raises(QueryError) as excinfo:
        run_entry(LIST, ["churn-1", "c", None], db)
    assert sme_error(excinfo).startswith('E-SME-25: Listing the candidates of job "churn-1" failed: no such job')
