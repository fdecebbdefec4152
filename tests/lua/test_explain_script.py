"""SME_EXPLAIN_SAGEMAKER_AUTOPILOT_JOB: the explanation UDF's rows ordered for reading, errors with context."""

from __future__ import annotations

import pytest

from sme_local.exasol.lua_runtime import QueryError

from lua_harness import ScriptedDatabase, empty, rows, run_entry, sme_error, udf_call
from test_job_scripts import JOB_ROW, JOB_SQL, KNOWN_JOB_REQUEST

EXPLAIN = "SME_EXPLAIN_SAGEMAKER_AUTOPILOT_JOB"
UDF = "SME_AUTOPILOT_EXPLANATION_UDF"


def test_features_come_by_rank_then_metrics_by_data_set_and_name():
    emitted = [
        ("best", "METRIC", "F1", 0.8, None, "Validation"),
        ("best", "FEATURE_IMPORTANCE", "DAY_MINS", 0.02, 2, None),
        ("best", "METRIC", "AUC", 0.9, None, "Validation"),
        ("best", "FEATURE_IMPORTANCE", "CUSTSERV_CALLS", 0.07, 1, None),
        ("best", "METRIC", "F1", 0.85, None, "Train"),
        ("best", "FEATURE_IMPORTANCE", "STATE", 0.01, 10, None),
    ]
    db = ScriptedDatabase().expect(JOB_SQL, JOB_ROW)
    db.expect(udf_call(UDF, KNOWN_JOB_REQUEST), rows(*emitted))
    result = run_entry(EXPLAIN, ["churn-1", None, None], db)
    assert result.columns == [
        ("CANDIDATE_NAME", "VARCHAR(256) UTF8"), ("KIND", "VARCHAR(32) UTF8"), ("NAME", "VARCHAR(2000) UTF8"),
        ("VALUE", "DOUBLE"), ("FEATURE_RANK", "DECIMAL(9,0)"), ("DATA_SET", "VARCHAR(16) UTF8"),
    ]
    assert [(row[2], row[5]) for row in result.rows] == [
        ("CUSTSERV_CALLS", None), ("DAY_MINS", None), ("STATE", None),
        ("F1", "Train"), ("AUC", "Validation"), ("F1", "Validation"),
    ]
    db.assert_done()


def test_a_missing_report_is_passed_through_with_context():
    db = ScriptedDatabase().expect(JOB_SQL, empty())
    db.expect(udf_call(UDF, {"aws_credentials_connection_name": "C", "job_name": "churn-1"}), QueryError(
        "22002", "E-SME-176: The AutoML job 'churn-1' has no explainability report yet: it is InProgress"))
    with pytest.raises(QueryError) as excinfo:
        run_entry(EXPLAIN, ["churn-1", "c", None], db)
    assert sme_error(excinfo).startswith('E-SME-88: Reading the explanations of job "churn-1" failed: E-SME-176: ')


def test_an_invalid_job_name_is_refused_before_any_query():
    with pytest.raises(QueryError) as excinfo:
        run_entry(EXPLAIN, ["no/such", "c", None], ScriptedDatabase())
    assert sme_error(excinfo).startswith("E-SME-6: ")
