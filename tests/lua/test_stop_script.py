"""SME_STOP_SAGEMAKER_AUTOPILOT_JOB: the stop UDF with the job's AWS settings, the status stored like a poll."""

from __future__ import annotations

import pytest

from sme_local.exasol.lua_runtime import QueryError, RowCount

from lua_harness import ScriptedDatabase, empty, rows, run_entry, sme_error, udf_call
from test_job_scripts import JOB_ROW, JOB_SQL, KNOWN_JOB_REQUEST

STOP = "SME_STOP_SAGEMAKER_AUTOPILOT_JOB"
STOPPING = ("Stopping", "Stopping", None, "churn-1-lgbm-004", "F1", 0.81, "BinaryClassification")
UPDATE_SQL = (
    "UPDATE \"SME\".\"SME_METADATA_AUTOPILOT_JOBS\" SET JOB_STATUS = 'Stopping', SECONDARY_STATUS = 'Stopping',"
    " FAILURE_REASON = NULL, BEST_CANDIDATE_NAME = 'churn-1-lgbm-004', OBJECTIVE_METRIC_NAME = 'F1',"
    " OBJECTIVE_METRIC_VALUE = 0.81, LAST_POLLED = CURRENT_TIMESTAMP WHERE JOB_NAME = 'churn-1'"
)


def test_stop_calls_the_stop_udf_with_the_jobs_settings_and_stores_the_status():
    db = ScriptedDatabase().expect(JOB_SQL, JOB_ROW)
    db.expect(udf_call("SME_AUTOPILOT_JOB_STOP_UDF", KNOWN_JOB_REQUEST), rows(STOPPING))
    db.expect(UPDATE_SQL, RowCount(1))
    result = run_entry(STOP, ["churn-1", None, None], db)
    assert [name for name, _ in result.columns][:2] == ["JOB_STATUS", "JOB_SECONDARY_STATUS"]
    assert result.rows == [STOPPING]
    db.assert_done()


def test_stop_of_a_job_unknown_to_the_metadata_needs_a_connection_and_writes_nothing():
    db = ScriptedDatabase().expect(JOB_SQL, empty())
    db.expect(udf_call("SME_AUTOPILOT_JOB_STOP_UDF", {"aws_credentials_connection_name": "AWS_CONN",
                                                     "job_name": "churn-1"}), rows(STOPPING))
    assert run_entry(STOP, ["churn-1", "aws_conn", None], db).rows == [STOPPING]
    db.assert_done()


def test_stop_rejects_an_invalid_job_name_before_any_query():
    with pytest.raises(QueryError) as excinfo:
        run_entry(STOP, ["churn 1", "c", None], ScriptedDatabase())
    assert sme_error(excinfo).startswith("E-SME-6: ")


def test_stop_of_an_ended_job_passes_the_udf_error_through_with_context():
    db = ScriptedDatabase().expect(JOB_SQL, JOB_ROW)
    db.expect(udf_call("SME_AUTOPILOT_JOB_STOP_UDF", KNOWN_JOB_REQUEST), QueryError(
        "22002", "E-SME-175: The AutoML job 'churn-1' cannot be stopped: it has already ended with status Completed"))
    with pytest.raises(QueryError) as excinfo:
        run_entry(STOP, ["churn-1", None, None], db)
    assert sme_error(excinfo).startswith('E-SME-86: Stopping job "churn-1" failed: E-SME-175: ')


def test_stop_reports_a_failed_metadata_update():
    db = ScriptedDatabase().expect(JOB_SQL, JOB_ROW)
    db.expect(udf_call("SME_AUTOPILOT_JOB_STOP_UDF", KNOWN_JOB_REQUEST), rows(STOPPING))
    db.expect(UPDATE_SQL, QueryError("42500", "insufficient privileges"))
    with pytest.raises(QueryError) as excinfo:
        run_entry(STOP, ["churn-1", None, None], db)
    assert sme_error(excinfo).startswith('E-SME-87: The status of job "churn-1" was read, but storing it')
