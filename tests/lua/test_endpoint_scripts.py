"""SME_DEPLOY_SAGEMAKER_AUTOPILOT_[SERVERLESS_]ENDPOINT and SME_DELETE_SAGEMAKER_AUTOPILOT_ENDPOINT."""

from __future__ import annotations

import ast
import json
import re
import warnings

import pytest

from sme_local.exasol.lua_runtime import QueryError, RowCount

from lua_harness import ScriptedDatabase, empty, failing_entry, rows, run_entry, sme_error, sql_literal_value, udf_call

DEPLOY = "SME_DEPLOY_SAGEMAKER_AUTOPILOT_ENDPOINT"
SERVERLESS = "SME_DEPLOY_SAGEMAKER_AUTOPILOT_SERVERLESS_ENDPOINT"
DELETE = "SME_DELETE_SAGEMAKER_AUTOPILOT_ENDPOINT"
ROLE = "arn:aws:iam::123456789012:role/Analyst"
JOB_SQL = (
    "SELECT AWS_CREDENTIALS_CONNECTION_NAME, AWS_REGION, AWS_ASSUME_ROLE_ARN, AWS_ASSUME_ROLE_EXTERNAL_ID,"
    " TARGET_ATTRIBUTE_NAME, PROBLEM_TYPE, COLUMN_NAMES, COLUMN_TYPES, SAMPLE_WEIGHT_ATTRIBUTE_NAME, S3_BUCKET_URI, S3_OUTPUT_PATH FROM \"SME\".\"SME_METADATA_AUTOPILOT_JOBS\""
    " WHERE JOB_NAME = 'churn-1'"
)
COLUMN_NAMES = json.dumps(["STATE", "Day/Mins", "CHURN"])
COLUMN_TYPES = json.dumps(["VARCHAR(2) UTF8", "DOUBLE", "BOOLEAN"])
JOB_ROW = rows(("AWS_CONN", "eu-west-1", ROLE, None, "CHURN", None, COLUMN_NAMES, COLUMN_TYPES, None))
SCHEMA_SQL = "SELECT SCHEMA_NAME FROM SYS.EXA_SCHEMAS WHERE SCHEMA_NAME = 'ML'"
CASE_SQL = (
    "SELECT ENDPOINT_NAME FROM \"SME\".\"SME_METADATA_AUTOPILOT_ENDPOINTS\" WHERE UPPER(ENDPOINT_NAME) ="
    " UPPER('churn-ep') AND ENDPOINT_NAME <> 'churn-ep' ORDER BY ENDPOINT_NAME"
)
LANGUAGE_SQL = (
    "SELECT SCRIPT_LANGUAGE FROM SYS.EXA_ALL_SCRIPTS WHERE SCRIPT_SCHEMA = 'SME'"
    " AND SCRIPT_NAME = 'SME_AUTOPILOT_DEPLOYMENT_UDF'"
)
PRIVILEGES_SQL = ("SELECT PRIVILEGE FROM SYS.EXA_SESSION_PRIVS WHERE PRIVILEGE IN"
                  " ('CREATE CONNECTION', 'CREATE SCRIPT', 'CREATE ANY SCRIPT')")
DEPLOYER_PRIVILEGES = rows(("CREATE CONNECTION",), ("CREATE SCRIPT",))
CONNECTION = "SME_SAGEMAKER_AUTOPILOT_ENDPOINT_CONNECTION_CHURN-EP"
ANSWER = {
    "endpoint_name": "churn-ep", "endpoint_status": "InService", "model_name": "m", "endpoint_config_name": "c",
    "candidate_name": "best-1", "problem_type": "BinaryClassification",
    "inference_output": ["predicted_label", "probability"], "serverless": False,
}
ENDPOINT_SQL = (
    "SELECT JOB_NAME, UDF_SCHEMA_NAME, UDF_NAME, MODEL_CONNECTION_NAME, PROBLEM_TYPE, SERVERLESS_MEMORY_SIZE_IN_MB,"
    " STATUS FROM \"SME\".\"SME_METADATA_AUTOPILOT_ENDPOINTS\" WHERE ENDPOINT_NAME = 'churn-ep'"
)


def deployment_request(**changes):
    request = {
        "aws_credentials_connection_name": "AWS_CONN", "aws_region": "eu-west-1", "aws_assume_role_arn": ROLE,
        "job_name": "churn-1", "endpoint_name": "churn-ep", "instance_type": "ml.m5.large", "instance_count": 2,
    }
    request.update(changes)
    return request


def connection_check(status: str, serverless: bool):
    def check(sql: str) -> None:
        prefix = f'CREATE OR REPLACE CONNECTION "{CONNECTION}" TO '
        assert sql.startswith(prefix), sql
        assert json.loads(sql_literal_value(sql[len(prefix):])) == {
            "aws_credentials_connection_name": "AWS_CONN", "aws_region": "eu-west-1", "aws_assume_role_arn": ROLE,
            "aws_assume_role_external_id": None, "endpoint_name": "churn-ep", "job_name": "churn-1",
            "problem_type": "BinaryClassification", "status": status, "serverless": serverless,
            "max_rows_per_request": None, "max_requests_in_flight": None,
        }

    return check


def check_prediction_udf(sql: str) -> None:
    lines = sql.split("\n")
    assert lines[0] == 'CREATE OR REPLACE PYTHON3_SME SET SCRIPT "ML"."churn-ep"(...) EMITS (...) AS'
    assert lines[1] == "from exasol_sagemaker_extension.udfs.prediction import PredictionUdf"
    match = re.fullmatch(r"_udf = PredictionUdf\(exa, (.*)\)", lines[2])
    assert match, lines[2]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an invalid escape such as \/ would warn in Python
        literal = ast.literal_eval(match.group(1))
    assert json.loads(literal) == {
        "endpoint_name": "churn-ep", "model_connection_name": CONNECTION, "problem_type": "BinaryClassification",
        "feature_columns": [{"name": "STATE", "sql_type": "VARCHAR(2) UTF8"}, {"name": "Day/Mins", "sql_type": "DOUBLE"}],
        "target": {"name": "CHURN", "sql_type": "BOOLEAN"},
    }
    assert lines[3:] == ["run = _udf.run", "default_output_columns = _udf.default_output_columns", "/"]


def record_check(**expected):
    def check(sql: str) -> None:
        head = 'INSERT INTO "SME"."SME_METADATA_AUTOPILOT_ENDPOINTS" (DEPLOYED_AT, ENDPOINT_NAME, JOB_NAME,'
        assert sql.startswith(head), sql
        for column, literal in expected.items():
            assert literal in sql, (column, literal)
        assert ") VALUES (CURRENT_TIMESTAMP, " in sql

    return check


def until_deployment(db: ScriptedDatabase) -> ScriptedDatabase:
    return (db.expect(JOB_SQL, JOB_ROW).expect(SCHEMA_SQL, rows(("ML",))).expect(CASE_SQL, empty())
            .expect(LANGUAGE_SQL, rows(("PYTHON3_SME",))).expect(PRIVILEGES_SQL, DEPLOYER_PRIVILEGES))


def test_deploys_writes_connection_udf_and_metadata(cjson_version):
    db = until_deployment(ScriptedDatabase())
    db.expect(udf_call("SME_AUTOPILOT_DEPLOYMENT_UDF", deployment_request()), rows((json.dumps(ANSWER),)))
    db.expect(connection_check("deployed", False), RowCount(0))
    db.expect(check_prediction_udf, RowCount(0))
    db.expect("DELETE FROM \"SME\".\"SME_METADATA_AUTOPILOT_ENDPOINTS\" WHERE ENDPOINT_NAME = 'churn-ep'", RowCount(0))
    db.expect(record_check(values="VALUES (CURRENT_TIMESTAMP, 'churn-ep', 'churn-1', 'best-1', 'ML', 'churn-ep', "
                           f"'{CONNECTION}', 'ml.m5.large', 2, NULL, NULL, 'BinaryClassification', 'deployed', 'ANALYST'"),
              RowCount(1))
    result = run_entry(DEPLOY, ["churn-1", "churn-ep", "ml", "ml.m5.large", 2, None, None], db,
                       cjson_version=cjson_version)
    assert [c for c, _ in result.columns] == [
        "ENDPOINT_NAME", "ENDPOINT_STATUS", "PREDICTION_UDF", "MODEL_CONNECTION_NAME", "CANDIDATE_NAME", "PROBLEM_TYPE",
    ]
    assert result.rows == [("churn-ep", "InService", '"ML"."churn-ep"', CONNECTION, "best-1", "BinaryClassification")]


def test_serverless_deployment():
    db = until_deployment(ScriptedDatabase())
    request = deployment_request(instance_type=None, instance_count=None, serverless_memory_size_in_mb=2048,
                                 serverless_max_concurrency=5)
    db.expect(udf_call("SME_AUTOPILOT_DEPLOYMENT_UDF", request), rows((json.dumps({**ANSWER, "serverless": True}),)))
    db.expect(connection_check("deployed", True), RowCount(0))
    db.expect(check_prediction_udf, RowCount(0))
    db.expect(lambda sql: sql.startswith("DELETE"), RowCount(0))
    db.expect(record_check(values="'best-1', 'ML', 'churn-ep', "
                           f"'{CONNECTION}', NULL, NULL, 2048, 5, 'BinaryClassification'"), RowCount(1))
    run_entry(SERVERLESS, ["churn-1", "churn-ep", "ml", 2048, 5, None, None], db)


@pytest.mark.parametrize(
    ("script", "args", "before", "code", "fragment"),
    [
        (DEPLOY, ["churn_1", "ep", "ml", "ml.m5.large", 1, None, None], [], "E-SME-6", "Invalid job name"),
        (DEPLOY, ["churn-1", "ep_1", "ml", "ml.m5.large", 1, None, None], [], "E-SME-32", 'Invalid endpoint name "ep_1".'),
        (DEPLOY, ["churn-1", "e" * 64, "ml", "ml.m5.large", 1, None, None], [], "E-SME-32", "Invalid endpoint name"),
        (DEPLOY, ["churn-1", "ep", "my schema", "ml.m5.large", 1, None, None], [], "E-SME-7", "schema_name"),
        (DEPLOY, ["churn-1", "ep", None, "ml.m5.large", 1, None, None], [], "E-SME-20", "schema_name must be a non-empty"),
        (DEPLOY, ["churn-1", "ep", "ml", "m5.large", 1, None, None], [], "E-SME-20", "not a SageMaker instance type"),
        (DEPLOY, ["churn-1", "ep", "ml", "ml.m5.large", 0, None, None], [], "E-SME-20", "instance_count must be an integer"),
        (DEPLOY, ["churn-1", "ep", "ml", "ml.m5.large", 1.5, None, None], [], "E-SME-20", "instance_count"),
        (SERVERLESS, ["churn-1", "ep", "ml", 1000, 5, None, None], [], "E-SME-20", "memory_size_in_mb must be an integer"),
        (SERVERLESS, ["churn-1", "ep", "ml", 1536, 5, None, None], [], "E-SME-20", "multiple of 1024"),
        (SERVERLESS, ["churn-1", "ep", "ml", 1024, 201, None, None], [], "E-SME-20", "max_concurrency"),
        (DEPLOY, ["churn-1", "ep", "ml", "ml.m5.large", 1, None, None], [(JOB_SQL, empty())], "E-SME-30",
         'The job "churn-1" is not in SME_METADATA_AUTOPILOT_JOBS.'),
        (DEPLOY, ["churn-1", "ep", "ml", "ml.m5.large", 1, None, None],
         [(JOB_SQL, rows(("C", None, None, None, "CHURN", None, None, None)))], "E-SME-31", "lacks the training columns"),
        (DEPLOY, ["churn-1", "ep", "ml", "ml.m5.large", 1, None, None],
         [(JOB_SQL, rows(("C", None, None, None, "CHURN", None, '["CHURN"]', '["BOOLEAN"]')))], "E-SME-31", "lacks"),
        (DEPLOY, ["churn-1", "ep", "ml", "ml.m5.large", 1, None, None],
         [(JOB_SQL, rows(("C", None, None, None, "OTHER", None, COLUMN_NAMES, COLUMN_TYPES)))], "E-SME-31", "lacks"),
        (DEPLOY, ["churn-1", "ep", "ml", "ml.m5.large", 1, None, None],
         [(JOB_SQL, rows(("C", None, None, None, "CHURN", None, COLUMN_NAMES, "[")))], "E-SME-31", "lacks"),
        (DEPLOY, ["churn-1", "ep", "ml", "ml.m5.large", 1, None, None], [(JOB_SQL, JOB_ROW), (SCHEMA_SQL, empty())],
         "E-SME-33", 'The schema "ML" for the prediction UDF does not exist.'),
        (DEPLOY, ["churn-1", "ep", "ml", "ml.m5.large", 1, None, None],
         [(JOB_SQL, JOB_ROW), (SCHEMA_SQL, QueryError("42500", "no privilege"))], "E-SME-18", "SYS.EXA_SCHEMAS failed"),
        (DEPLOY, ["churn-1", "ep", "ml", "ml.m5.large", 1, None, None],
         [(JOB_SQL, JOB_ROW), (SCHEMA_SQL, rows(("ML",))), (CASE_SQL.replace("churn-ep", "ep"), empty()), (LANGUAGE_SQL, empty())], "E-SME-38",
         'SME_AUTOPILOT_DEPLOYMENT_UDF is not installed in schema "SME".'),
        (DEPLOY, ["churn-1", "ep", "ml", "ml.m5.large", 1, None, None],
         [(JOB_SQL, JOB_ROW), (SCHEMA_SQL, rows(("ML",))), (CASE_SQL.replace("churn-ep", "ep"), empty()), (LANGUAGE_SQL, rows(("PY; DROP",)))], "E-SME-38", "not installed"),
    ],
)
def test_nothing_is_deployed_when_a_check_fails(script, args, before, code, fragment):
    text, sent = failing_entry(script, args, before)
    assert text.startswith(code + ": ") and fragment in text
    assert not any("DEPLOYMENT_UDF\"(" in sql for sql in sent)


def test_deploying_an_unfinished_job_passes_the_udf_error_through():
    db = until_deployment(ScriptedDatabase())
    db.expect(udf_call("SME_AUTOPILOT_DEPLOYMENT_UDF", deployment_request()),
              QueryError("22002", "E-SME-150: job churn-1 is InProgress\nMitigation: wait"))
    with pytest.raises(QueryError) as excinfo:
        run_entry(DEPLOY, ["churn-1", "churn-ep", "ml", "ml.m5.large", 2, None, None], db)
    text = sme_error(excinfo)
    assert text.startswith('E-SME-34: Deploying endpoint "churn-ep" for job "churn-1" failed: E-SME-150: job churn-1 is')
    assert "Only a job whose status is Completed can be deployed" in text


def test_an_unreadable_deployment_answer_is_reported():
    db = until_deployment(ScriptedDatabase())
    db.expect(udf_call("SME_AUTOPILOT_DEPLOYMENT_UDF", deployment_request()), rows((json.dumps({"endpoint_name": "x"}),)))
    with pytest.raises(QueryError) as excinfo:
        run_entry(DEPLOY, ["churn-1", "churn-ep", "ml", "ml.m5.large", 2, None, None], db)
    assert sme_error(excinfo).startswith("E-SME-19: SME_AUTOPILOT_DEPLOYMENT_UDF returned an unreadable answer")


REMOVE = (
    "remove it all: EXECUTE SCRIPT \"SME\".\"SME_DELETE_SAGEMAKER_AUTOPILOT_ENDPOINT\"('churn-ep', <connection_name>,"
    " <aws_region>) deletes the endpoint, its endpoint config and model"
)
EXISTS_ENDPOINT = 'What exists now: SageMaker endpoint "churn-ep" with its endpoint config and model'


@pytest.mark.parametrize(("failing_step", "what", "exists", "removal"), [
    (0, f"writing its model connection {CONNECTION}", EXISTS_ENDPOINT + ".", REMOVE + "."),
    (1, "creating its prediction UDF", f'{EXISTS_ENDPOINT}, model connection "{CONNECTION}".',
     f'{REMOVE}; DROP CONNECTION "{CONNECTION}".'),
    (2, "recording it in SME_METADATA_AUTOPILOT_ENDPOINTS",
     f'{EXISTS_ENDPOINT}, model connection "{CONNECTION}", prediction UDF "ML"."churn-ep".',
     f'{REMOVE}; DROP CONNECTION "{CONNECTION}"; DROP SCRIPT "ML"."churn-ep".'),
    (3, "recording it in SME_METADATA_AUTOPILOT_ENDPOINTS",
     f'{EXISTS_ENDPOINT}, model connection "{CONNECTION}", prediction UDF "ML"."churn-ep".',
     f'{REMOVE}; DROP CONNECTION "{CONNECTION}"; DROP SCRIPT "ML"."churn-ep".'),
])
def test_failures_after_the_deployment_say_what_exists_and_how_to_remove_it(failing_step, what, exists, removal):
    db = until_deployment(ScriptedDatabase())
    db.expect(udf_call("SME_AUTOPILOT_DEPLOYMENT_UDF", deployment_request()), rows((json.dumps(ANSWER),)))
    for step in range(failing_step + 1):
        db.expect(lambda sql: None, QueryError("42500", "no privilege") if step == failing_step else RowCount(0))
    with pytest.raises(QueryError) as excinfo:
        run_entry(DEPLOY, ["churn-1", "churn-ep", "ml", "ml.m5.large", 2, None, None], db)
    lines = sme_error(excinfo).split("\n")
    assert lines[0] == f'E-SME-36: Endpoint "churn-ep" is deployed and incurs costs, but {what} failed: no privilege'
    assert lines[1] == "Mitigation: " + exists
    assert lines[2].startswith("Mitigation: Fix the cause and run the deployment again") and lines[2].endswith(removal)


def test_a_fault_of_the_script_itself_after_the_deployment_still_ends_in_e_sme_36():
    """E.g. a library function missing on an older Exasol: a raw Lua error, not a failed statement."""
    db = until_deployment(ScriptedDatabase())
    db.expect(udf_call("SME_AUTOPILOT_DEPLOYMENT_UDF", deployment_request()), rows((json.dumps(ANSWER),)))
    db.expect(connection_check("deployed", False), RowCount(0))
    broken = ("local real_pquery = pquery\n"
              "pquery = function(sql, params) if sql:find('SET SCRIPT', 1, true) then"
              " local cjson = require('cjson') cjson.encode_escape_forward_slash(false) end"
              " return real_pquery(sql, params) end")
    with pytest.raises(QueryError) as excinfo:
        run_entry(DEPLOY, ["churn-1", "churn-ep", "ml", "ml.m5.large", 2, None, None], db, prelude=broken)
    text = sme_error(excinfo)
    assert text.startswith('E-SME-36: Endpoint "churn-ep" is deployed and incurs costs, but creating its prediction UDF'
                           " failed: ")
    assert "encode_escape_forward_slash" in text and f'DROP CONNECTION "{CONNECTION}"' in text


def test_an_endpoint_name_differing_only_in_case_is_refused_before_anything_is_created():
    db = ScriptedDatabase().expect(JOB_SQL, JOB_ROW).expect(SCHEMA_SQL, rows(("ML",)))
    db.expect(CASE_SQL.replace("churn-ep", "Churn-EP"), rows(("churn-ep",)))
    with pytest.raises(QueryError) as excinfo:
        run_entry(DEPLOY, ["churn-1", "Churn-EP", "ml", "ml.m5.large", 2, None, None], db)
    text = sme_error(excinfo)
    assert text.startswith('E-SME-55: The endpoint name "Churn-EP" differs only in case from the endpoint "churn-ep"')
    assert CONNECTION in text


DELETION_ROWS = [("ENDPOINT", "churn-ep", "DELETED"), ("ENDPOINT_CONFIG", "churn-ep", "DELETED"),
                 ("MODEL", "m", "ALREADY_GONE")]
ENDPOINT_ROW = rows(("churn-1", "ML", "churn-ep", CONNECTION, "BinaryClassification", None, "deployed"))
MARK_DELETED_SQL = (
    "UPDATE \"SME\".\"SME_METADATA_AUTOPILOT_ENDPOINTS\" SET STATUS = 'deleted', DELETED_AT = CURRENT_TIMESTAMP"
    " WHERE ENDPOINT_NAME = 'churn-ep'"
)
DELETION_REQUEST = {"aws_credentials_connection_name": "AWS_CONN", "aws_region": "eu-west-1",
                    "aws_assume_role_arn": ROLE, "endpoint_name": "churn-ep"}


def test_delete_removes_resources_and_marks_connection_and_metadata():
    db = ScriptedDatabase().expect(ENDPOINT_SQL, ENDPOINT_ROW).expect(JOB_SQL, JOB_ROW)
    db.expect(udf_call("SME_AUTOPILOT_ENDPOINT_DELETION_UDF", DELETION_REQUEST), rows(*DELETION_ROWS))
    db.expect(connection_check("deleted", False), RowCount(0))
    db.expect(MARK_DELETED_SQL, RowCount(1))
    result = run_entry(DELETE, ["churn-ep", None, None], db)
    assert result.rows == DELETION_ROWS
    assert [c for c, _ in result.columns] == ["RESOURCE_TYPE", "RESOURCE_NAME", "OUTCOME"]


def test_deleting_an_orphan_endpoint_unknown_to_the_metadata_reports_what_was_deleted():
    db = ScriptedDatabase().expect(ENDPOINT_SQL, empty())
    db.expect(udf_call("SME_AUTOPILOT_ENDPOINT_DELETION_UDF", {"aws_credentials_connection_name": "AWS_CONN",
                                                               "endpoint_name": "churn-ep"}), rows(*DELETION_ROWS))
    assert run_entry(DELETE, ["churn-ep", "aws_conn", None], db).rows == DELETION_ROWS


def test_deleting_an_unknown_endpoint_is_an_error():
    db = ScriptedDatabase().expect(ENDPOINT_SQL, empty())
    db.expect(lambda sql: None, rows(*[(t, n, "ALREADY_GONE") for t, n, _ in DELETION_ROWS]))
    with pytest.raises(QueryError) as excinfo:
        run_entry(DELETE, ["churn-ep", "aws_conn", None], db)
    assert sme_error(excinfo).startswith('E-SME-41: There is no endpoint "churn-ep"')


@pytest.mark.parametrize(("args", "before", "code"), [
    (["churn_ep", None, None], [], "E-SME-32"),
    (["churn-ep", None, None], [(ENDPOINT_SQL, empty())], "E-SME-20"),
    (["churn-ep", None, None], [(ENDPOINT_SQL, QueryError("42000", "object SME_METADATA_AUTOPILOT_ENDPOINTS not found"))],
     "E-SME-18"),
    (["churn-ep", "aws_conn", None], [(ENDPOINT_SQL, empty()), (lambda sql: None, QueryError("22002", "throttled"))],
     "E-SME-40"),
    (["churn-ep", None, None], [(ENDPOINT_SQL, ENDPOINT_ROW), (JOB_SQL, JOB_ROW), (lambda sql: None, rows(*DELETION_ROWS)),
                                (lambda sql: None, QueryError("42500", "no privilege"))], "E-SME-42"),
    (["churn-ep", None, None], [(ENDPOINT_SQL, ENDPOINT_ROW), (JOB_SQL, JOB_ROW), (lambda sql: None, rows(*DELETION_ROWS)),
                                (lambda sql: None, RowCount(0)), (MARK_DELETED_SQL, QueryError("42500", "no"))], "E-SME-42"),
])
def test_deletion_failures(args, before, code):
    assert failing_entry(DELETE, args, before)[0].startswith(code + ": ")


@pytest.mark.parametrize(("held", "missing"), [
    ((), "CREATE CONNECTION and CREATE SCRIPT"),
    (("CREATE CONNECTION",), "CREATE SCRIPT"),
    (("CREATE SCRIPT",), "CREATE CONNECTION"),
])
def test_a_deployer_without_the_create_privileges_is_refused_before_any_endpoint(held, missing):
    db = (ScriptedDatabase().expect(JOB_SQL, JOB_ROW).expect(SCHEMA_SQL, rows(("ML",))).expect(CASE_SQL, empty())
          .expect(LANGUAGE_SQL, rows(("PYTHON3_SME",))).expect(PRIVILEGES_SQL, rows(*[(p,) for p in held])))
    with pytest.raises(QueryError) as excinfo:
        run_entry(DEPLOY, ["churn-1", "churn-ep", "ml", "ml.m5.large", 2, None, None], db)
    lines = sme_error(excinfo).split("\n")
    assert lines[0] == (f'E-SME-59: The user "ANALYST" may not deploy: it lacks the system privilege {missing} for the'
                        ' model connection and the prediction UDF. Nothing was created.')
    grants = "; ".join(f'GRANT {p} TO "ANALYST"' for p in missing.split(" and "))
    assert lines[1] == f"Mitigation: Ask your database administrator to run: {grants}."
    assert 'ALTER SCHEMA "ML" CHANGE OWNER "ANALYST"' in lines[2]
    db.assert_done()


def test_create_any_script_is_enough_for_the_prediction_udf():
    db = (ScriptedDatabase().expect(JOB_SQL, JOB_ROW).expect(SCHEMA_SQL, rows(("ML",))).expect(CASE_SQL, empty())
          .expect(LANGUAGE_SQL, rows(("PYTHON3_SME",)))
          .expect(PRIVILEGES_SQL, rows(("CREATE CONNECTION",), ("CREATE ANY SCRIPT",))))
    db.expect(udf_call("SME_AUTOPILOT_DEPLOYMENT_UDF", deployment_request()), QueryError("22002", "E-SME-101: x\nMitigation: y"))
    with pytest.raises(QueryError) as excinfo:
        run_entry(DEPLOY, ["churn-1", "churn-ep", "ml", "ml.m5.large", 2, None, None], db)
    assert sme_error(excinfo).startswith("E-SME-34: ")


def test_sample_weight_column_is_not_a_prediction_feature():
    """Autopilot trains on the weight but never predicts with it, so the generated UDF must not send it."""
    names = json.dumps(["STATE", "W", "Day/Mins", "CHURN"])
    types = json.dumps(["VARCHAR(2) UTF8", "DOUBLE", "DOUBLE", "BOOLEAN"])
    job_row = rows(("AWS_CONN", "eu-west-1", ROLE, None, "CHURN", None, names, types, "W"))
    db = ScriptedDatabase().expect(JOB_SQL, job_row).expect(SCHEMA_SQL, rows(("ML",))).expect(CASE_SQL, empty())
    db.expect(LANGUAGE_SQL, rows(("PYTHON3_SME",))).expect(PRIVILEGES_SQL, DEPLOYER_PRIVILEGES)
    db.expect(udf_call("SME_AUTOPILOT_DEPLOYMENT_UDF", deployment_request()), rows((json.dumps(ANSWER),)))
    db.expect(connection_check("deployed", False), RowCount(0))
    db.expect(check_prediction_udf, RowCount(0))  # asserts the features are exactly STATE and Day/Mins
    db.expect(lambda sql: sql.startswith("DELETE"), RowCount(0))
    db.expect(lambda sql: sql.startswith("INSERT"), RowCount(1))
    run_entry(DEPLOY, ["churn-1", "churn-ep", "ml", "ml.m5.large", 2, None, None], db)
