"""SME_SHOW_SAGEMAKER_AUTOPILOT_ENDPOINT_METRICS: the metrics UDF called with the endpoint's AWS settings."""

from __future__ import annotations

import datetime

import pytest

from sme_local.exasol.lua_runtime import QueryError

from lua_harness import ScriptedDatabase, empty, rows, run_entry, sme_error, udf_call
from test_endpoint_scripts import ENDPOINT_ROW, ENDPOINT_SQL, JOB_ROW, JOB_SQL, ROLE

SHOW = "SME_SHOW_SAGEMAKER_AUTOPILOT_ENDPOINT_METRICS"
UDF = "SME_AUTOPILOT_ENDPOINT_METRICS_UDF"
EMITTED = ("churn-ep", "AllTraffic", "2026-12-03 10:00:00", "2026-12-03 11:00:00", 42, 1, 0, 2100.5, 1800.0,
           9000.0, 9100.0)


def test_metrics_use_the_endpoints_job_settings_and_keep_the_window():
    db = ScriptedDatabase().expect(ENDPOINT_SQL, ENDPOINT_ROW).expect(JOB_SQL, JOB_ROW)
    db.expect(udf_call(UDF, {"aws_credentials_connection_name": "AWS_CONN", "aws_region": "eu-west-1",
                             "aws_assume_role_arn": ROLE, "endpoint_name": "churn-ep",
                             "start_time": "2026-12-03 10:00:00", "end_time": None}), rows(EMITTED))
    result = run_entry(SHOW, ["churn-ep", "2026-12-03 10:00:00", None, None, None], db)
    assert [name for name, _ in result.columns] == [
        "ENDPOINT_NAME", "VARIANT_NAME", "WINDOW_START", "WINDOW_END", "INVOCATIONS", "INVOCATION_4XX_ERRORS",
        "INVOCATION_5XX_ERRORS", "MODEL_LATENCY_AVG_US", "MODEL_LATENCY_P50_US", "MODEL_LATENCY_P99_US",
        "MODEL_LATENCY_MAX_US"]
    assert dict(result.columns)["WINDOW_START"].startswith("TIMESTAMP")
    [row] = result.rows
    assert row[2] == datetime.datetime(2026, 12, 3, 10, 0) and row[4:] == EMITTED[4:]
    db.assert_done()


def test_an_endpoint_unknown_to_the_metadata_needs_a_connection():
    db = ScriptedDatabase().expect(ENDPOINT_SQL, empty())
    with pytest.raises(QueryError) as excinfo:
        run_entry(SHOW, ["churn-ep", None, None, None, None], db)
    assert sme_error(excinfo).startswith("E-SME-20: ")


@pytest.mark.parametrize(("args", "code"), [
    (["churn_ep", None, None, "c", None], "E-SME-32"),
    (["churn-ep", 5, None, "c", None], "E-SME-20"),
])
def test_argument_errors_come_before_any_aws_call(args, code):
    db = ScriptedDatabase()
    with pytest.raises(QueryError) as excinfo:
        run_entry(SHOW, args, db)
    assert sme_error(excinfo).startswith(code + ": ")


def test_the_udfs_error_is_passed_through_with_context():
    db = ScriptedDatabase().expect(ENDPOINT_SQL, empty())
    db.expect(udf_call(UDF, {"aws_credentials_connection_name": "C", "endpoint_name": "churn-ep",
                             "start_time": "2099-01-01 00:00:00", "end_time": None}),
              QueryError("22002", "E-SME-180: The metrics window starts in the future"))
    with pytest.raises(QueryError) as excinfo:
        run_entry(SHOW, ["churn-ep", "2099-01-01 00:00:00", None, "c", None], db)
    assert sme_error(excinfo).startswith('E-SME-89: Reading the CloudWatch metrics of endpoint "churn-ep" failed:'
                                         ' E-SME-180: ')
