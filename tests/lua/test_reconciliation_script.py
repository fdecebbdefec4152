"""SME_RECONCILE_SAGEMAKER_RESOURCES: reads the metadata, passes it to the reconciliation UDF, returns its rows."""

import pytest

from sme_local.exasol.lua_runtime import QueryError

from lua_harness import ScriptedDatabase, empty, failing_entry, rows, run_entry, udf_call

RECONCILE = "SME_RECONCILE_SAGEMAKER_RESOURCES"
JOBS_SQL = ('SELECT JOB_NAME FROM "SME"."SME_METADATA_AUTOPILOT_JOBS" WHERE JOB_NAME IS NOT NULL'
            " ORDER BY JOB_NAME")
ENDPOINTS_SQL = ('SELECT ENDPOINT_NAME FROM "SME"."SME_METADATA_AUTOPILOT_ENDPOINTS" WHERE (STATUS IS NULL'
                 " OR STATUS <> 'deleted') AND JOB_NAME IS NOT NULL ORDER BY ENDPOINT_NAME")
RESULT = [("ENDPOINT", "old-ep", "InService", "job-1", None, "ORPHAN", "DELETED"),
          ("MODEL", "old-ep-model", None, "job-1", "old-ep", "ORPHAN", "DELETED")]


def request(**changes):
    return {"aws_credentials_connection_name": "AWS_CONN", "aws_region": "eu-west-1", "job_names": ["job-1", "job-2"],
            "live_endpoint_names": [], "delete_orphans": False, **changes}


@pytest.mark.parametrize(("action", "delete"), [(None, False), ("list", False), ("DELETE_ORPHANS", True)])
def test_metadata_goes_to_the_udf_and_its_rows_come_back(action, delete):
    db = ScriptedDatabase().expect(JOBS_SQL, rows(("job-1",), ("job-2",))).expect(ENDPOINTS_SQL, empty())
    db.expect(udf_call("SME_AUTOPILOT_RECONCILIATION_UDF", request(delete_orphans=delete)), rows(*RESULT))
    result = run_entry(RECONCILE, ["aws_conn", "eu-west-1", action], db)
    assert result.rows == RESULT
    assert [c for c, _ in result.columns] == ["RESOURCE_TYPE", "RESOURCE_NAME", "AWS_STATUS", "JOB_NAME",
                                              "SERVING_ENDPOINT", "VERDICT", "ACTION"]


def test_empty_metadata_is_sent_as_empty_lists_not_objects():
    db = ScriptedDatabase().expect(JOBS_SQL, empty()).expect(ENDPOINTS_SQL, empty())
    db.expect(lambda sql: None, empty())
    run_entry(RECONCILE, ["aws_conn", None, None], db)
    assert '"job_names":[]' in db.sent[-1] and '"live_endpoint_names":[]' in db.sent[-1]


@pytest.mark.parametrize(("args", "before", "code"), [
    (["aws_conn", None, "delete"], [], "E-SME-93"),
    ([None, None, None], [], "E-SME-20"),
    (["aws_conn", None, None], [(JOBS_SQL, QueryError("42000", "object SME_METADATA_AUTOPILOT_JOBS not found"))],
     "E-SME-18"),
    (["aws_conn", None, None], [(JOBS_SQL, empty()), (ENDPOINTS_SQL, empty()),
                                (lambda sql: None, QueryError("22002", "AccessDenied"))], "E-SME-94"),
])
def test_reconciliation_failures(args, before, code):
    assert failing_entry(RECONCILE, args, before)[0].startswith(code + ": ")
