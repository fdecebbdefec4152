"""SME_CREATE_ENDPOINT_UDF: validation of every key, the exact statements in order, and every refusal."""

from __future__ import annotations

import ast
import json
import re

import pytest

from sme_local.exasol.lua_runtime import QueryError, RowCount

from lua_harness import ScriptedDatabase, empty, rows, run_entry, sme_error, sql_literal_value, udf_call

SCRIPT = "SME_CREATE_ENDPOINT_UDF"
CONNECTION = "SME_SAGEMAKER_AUTOPILOT_ENDPOINT_CONNECTION_CHURN-EP"
COLUMNS_SQL = (
    "SELECT COLUMN_NAME, COLUMN_TYPE, COLUMN_OBJECT_TYPE FROM SYS.EXA_ALL_COLUMNS WHERE COLUMN_SCHEMA = 'DATA' AND COLUMN_TABLE = 'CHURN'"
    " ORDER BY COLUMN_ORDINAL_POSITION"
)
TABLE_COLUMNS = rows(("STATE", "VARCHAR(2) UTF8"), ("ACC_LENGTH", "DECIMAL(18,0)"), ("DAY_MINS", "DOUBLE"),
                     ("CHURN", "VARCHAR(10) UTF8"))
SCHEMA_SQL = "SELECT SCHEMA_NAME FROM SYS.EXA_SCHEMAS WHERE SCHEMA_NAME = 'ML'"
LANGUAGE_SQL = ("SELECT SCRIPT_LANGUAGE FROM SYS.EXA_ALL_SCRIPTS WHERE SCRIPT_SCHEMA = 'SME'"
                " AND SCRIPT_NAME = 'SME_AUTOPILOT_ENDPOINT_DESCRIPTION_UDF'")
CASE_SQL = ("SELECT ENDPOINT_NAME FROM \"SME\".\"SME_METADATA_AUTOPILOT_ENDPOINTS\" WHERE UPPER(ENDPOINT_NAME) ="
            " UPPER('churn-ep') AND ENDPOINT_NAME <> 'churn-ep' ORDER BY ENDPOINT_NAME")
ENDPOINT_SQL = (
    "SELECT JOB_NAME, UDF_SCHEMA_NAME, UDF_NAME, MODEL_CONNECTION_NAME, PROBLEM_TYPE, SERVERLESS_MEMORY_SIZE_IN_MB,"
    " STATUS FROM \"SME\".\"SME_METADATA_AUTOPILOT_ENDPOINTS\" WHERE ENDPOINT_NAME = 'churn-ep'"
)
SCRIPT_SQL = ("SELECT SCRIPT_TEXT FROM SYS.EXA_ALL_SCRIPTS WHERE SCRIPT_SCHEMA = 'ML'"
              " AND SCRIPT_NAME = 'WILL_CHURN'")
USING_SQL = ("SELECT ENDPOINT_NAME FROM \"SME\".\"SME_METADATA_AUTOPILOT_ENDPOINTS\" WHERE UDF_SCHEMA_NAME = 'ML'"
             " AND UDF_NAME = 'WILL_CHURN' ORDER BY ENDPOINT_NAME")
DESCRIBE = {"aws_credentials_connection_name": "AWS_CONN", "aws_region": "eu-west-1", "endpoint_name": "churn-ep"}
IN_SERVICE = {"endpoint_name": "churn-ep", "exists": True, "endpoint_status": "InService", "failure_reason": None,
              "serverless": False}


def options(**changes) -> str:
    base = {
        "endpoint_name": "churn-ep", "aws_credentials_connection_name": "aws_conn", "aws_region": "eu-west-1",
        "udf_schema_name": "ml", "udf_name": "will_churn", "input_schema_name": "data",
        "input_table_or_view_name": "churn", "feature_columns": ["state", "acc_length", "day_mins"],
        "predictions_sql_type": "varchar(2048)", "probability_column": True,
    }
    base.update(changes)
    return json.dumps({k: v for k, v in base.items() if v is not ...})


FOREIGN_TEXT = "CREATE PYTHON3 SCALAR SCRIPT WILL_CHURN(x DOUBLE) RETURNS DOUBLE AS\ndef run(ctx):\n    return 1\n"
OWN_TEXT = ("CREATE PYTHON3_SME SET SCRIPT WILL_CHURN(...) EMITS (...) AS\n"
            "from exasol_sagemaker_extension.udfs.prediction import PredictionUdf\n"
            f'_udf = PredictionUdf(exa, "{{\\"model_connection_name\\":\\"{CONNECTION}\\"}}")\n')


def until_description(db: ScriptedDatabase, recorded=None, script_exists=False, using=(),
                      text=FOREIGN_TEXT) -> ScriptedDatabase:
    db.expect(COLUMNS_SQL, TABLE_COLUMNS).expect(SCHEMA_SQL, rows(("ML",))).expect(LANGUAGE_SQL, rows(("PYTHON3_SME",)))
    db.expect(CASE_SQL, empty()).expect(ENDPOINT_SQL, recorded or empty())
    db.expect(SCRIPT_SQL, rows((text,)) if script_exists else empty())
    if script_exists:
        db.expect(USING_SQL, rows(*[(name,) for name in using]) if using else empty())
    return db


def udf_config(sql: str) -> dict:
    lines = sql.split("\n")
    assert lines[0] == 'CREATE OR REPLACE PYTHON3_SME SET SCRIPT "ML"."WILL_CHURN"(...) EMITS (...) AS'
    assert lines[1] == "from exasol_sagemaker_extension.udfs.prediction import PredictionUdf"
    assert lines[3:] == ["run = _udf.run", "default_output_columns = _udf.default_output_columns", "/"]
    match = re.fullmatch(r"_udf = PredictionUdf\(exa, (.*)\)", lines[2])
    assert match, lines[2]
    return json.loads(ast.literal_eval(match.group(1)))


def expect_udf(expected_config: dict):
    def check(sql: str) -> None:
        assert udf_config(sql) == expected_config

    return check


def expect_connection(**expected):
    def check(sql: str) -> None:
        prefix = f'CREATE OR REPLACE CONNECTION "{CONNECTION}" TO '
        assert sql.startswith(prefix), sql
        assert json.loads(sql_literal_value(sql[len(prefix):])) == {
            "aws_credentials_connection_name": "AWS_CONN", "aws_region": "eu-west-1", "aws_assume_role_arn": None,
            "aws_assume_role_external_id": None, "endpoint_name": "churn-ep", "job_name": None,
            "problem_type": "BinaryClassification", "status": "deployed", "serverless": False,
            "max_rows_per_request": None, "max_requests_in_flight": None, **expected,
        }

    return check


BINARY_CONFIG = {
    "endpoint_name": "churn-ep", "model_connection_name": CONNECTION, "problem_type": "BinaryClassification",
    "feature_columns": [{"name": "STATE", "sql_type": "VARCHAR(2) UTF8"},
                        {"name": "ACC_LENGTH", "sql_type": "DECIMAL(18,0)"}, {"name": "DAY_MINS", "sql_type": "DOUBLE"}],
    "target": {"name": "PREDICTIONS", "sql_type": "VARCHAR(2048) UTF8"},
    "response": {"format": "text/csv", "label": 1, "probability": 2},
}
DELETE_ROW = "DELETE FROM \"SME\".\"SME_METADATA_AUTOPILOT_ENDPOINTS\" WHERE ENDPOINT_NAME = 'churn-ep'"


def expect_record(sql: str) -> None:
    assert sql.startswith('INSERT INTO "SME"."SME_METADATA_AUTOPILOT_ENDPOINTS" (DEPLOYED_AT, ENDPOINT_NAME, JOB_NAME,')
    assert sql.endswith("VALUES (CURRENT_TIMESTAMP, 'churn-ep', NULL, NULL, 'ML', 'WILL_CHURN', "
                        f"'{CONNECTION}', NULL, NULL, NULL, NULL, 'BinaryClassification', 'deployed', 'ANALYST')"), sql


def test_creates_udf_connection_and_job_less_metadata_row(cjson_version):
    db = until_description(ScriptedDatabase())
    db.expect(udf_call("SME_AUTOPILOT_ENDPOINT_DESCRIPTION_UDF", DESCRIBE), rows((json.dumps(IN_SERVICE),)))
    db.expect(expect_udf(BINARY_CONFIG), RowCount(0))
    db.expect(expect_connection(), RowCount(0))
    db.expect(DELETE_ROW, RowCount(0)).expect(expect_record, RowCount(1))
    result = run_entry(SCRIPT, [options()], db, cjson_version=cjson_version)
    assert [c for c, _ in result.columns] == ["ENDPOINT_NAME", "ENDPOINT_STATUS", "PREDICTION_UDF",
                                              "MODEL_CONNECTION_NAME", "PROBLEM_TYPE", "REQUEST_FORMAT"]
    assert result.rows == [("churn-ep", "InService", '"ML"."WILL_CHURN"', CONNECTION, "BinaryClassification",
                            "text/csv")]


def test_explicit_features_json_lines_keys_batching_and_multiclass():
    features = [{"name": "state", "sql_type": "varchar(2048)"}, {"name": "\"acc length\"", "sql_type": "bigint"}]
    db = ScriptedDatabase()
    db.expect(SCHEMA_SQL, rows(("ML",))).expect(LANGUAGE_SQL, rows(("PYTHON3_SME",)))
    db.expect(CASE_SQL, empty()).expect(ENDPOINT_SQL, empty()).expect(SCRIPT_SQL, empty())
    db.expect(udf_call("SME_AUTOPILOT_ENDPOINT_DESCRIPTION_UDF", DESCRIBE),
              rows((json.dumps({**IN_SERVICE, "serverless": True}),)))
    db.expect(expect_udf({
        **BINARY_CONFIG, "problem_type": "MulticlassClassification",
        "feature_columns": [{"name": "STATE", "sql_type": "VARCHAR(2048) UTF8"},
                            {"name": "acc length", "sql_type": "DECIMAL(36,0)"}],
        "response": {"format": "application/jsonlines", "label": "class", "probability": "probability",
                     "probabilities": "scores", "labels": "labels"},
    }), RowCount(0))
    db.expect(expect_connection(problem_type="MulticlassClassification", serverless=True, max_rows_per_request=10000,
                                max_requests_in_flight=8), RowCount(0))
    db.expect(DELETE_ROW, RowCount(0)).expect(lambda sql: sql.startswith("INSERT"), RowCount(1))
    result = run_entry(SCRIPT, [options(input_schema_name=..., input_table_or_view_name=..., feature_columns=...,
                                        features=features, request_format="application/jsonlines",
                                        probabilities_column=True, label_location="class",
                                        probabilities_location="scores", max_rows_per_request=10000,
                                        max_requests_in_flight=8)], db)
    assert result.rows[0][4:] == ("MulticlassClassification", "application/jsonlines")


def test_all_columns_of_a_view_and_regression_at_another_csv_position():
    db = until_description(ScriptedDatabase())
    db.expect(udf_call("SME_AUTOPILOT_ENDPOINT_DESCRIPTION_UDF", DESCRIBE), rows((json.dumps(IN_SERVICE),)))
    db.expect(expect_udf({
        **BINARY_CONFIG, "problem_type": "Regression",
        "feature_columns": BINARY_CONFIG["feature_columns"] + [{"name": "CHURN", "sql_type": "VARCHAR(10) UTF8"}],
        "target": {"name": "PREDICTIONS", "sql_type": "DOUBLE"}, "response": {"format": "text/csv", "label": 3},
    }), RowCount(0))
    db.expect(expect_connection(problem_type="Regression"), RowCount(0))
    db.expect(DELETE_ROW, RowCount(0)).expect(lambda sql: sql.startswith("INSERT"), RowCount(1))
    run_entry(SCRIPT, [options(feature_columns=..., probability_column=False, predictions_sql_type="double",
                               label_location=3)], db)


def test_recreating_the_udf_of_the_same_endpoint_needs_no_replace_flag():
    recorded = rows((None, "ML", "WILL_CHURN", CONNECTION, "BinaryClassification", None, "deployed"))
    db = until_description(ScriptedDatabase(), recorded=recorded, script_exists=True, using=["churn-ep"])
    db.expect(udf_call("SME_AUTOPILOT_ENDPOINT_DESCRIPTION_UDF", DESCRIBE), rows((json.dumps(IN_SERVICE),)))
    db.expect(expect_udf(BINARY_CONFIG), RowCount(0)).expect(expect_connection(), RowCount(0))
    db.expect(DELETE_ROW, RowCount(0)).expect(expect_record, RowCount(1))
    run_entry(SCRIPT, [options()], db)


def test_an_unrecorded_prediction_udf_generated_for_this_endpoint_is_its_own():
    db = until_description(ScriptedDatabase(), script_exists=True, text=OWN_TEXT)
    db.expect(udf_call("SME_AUTOPILOT_ENDPOINT_DESCRIPTION_UDF", DESCRIBE), rows((json.dumps(IN_SERVICE),)))
    db.expect(expect_udf(BINARY_CONFIG), RowCount(0)).expect(expect_connection(), RowCount(0))
    db.expect(DELETE_ROW, RowCount(0)).expect(expect_record, RowCount(1))
    run_entry(SCRIPT, [options()], db)


@pytest.mark.parametrize("using", [[], ["other-ep"]])
def test_replace_true_replaces_a_foreign_script(using):
    db = until_description(ScriptedDatabase(), script_exists=True, using=using)
    db.expect(udf_call("SME_AUTOPILOT_ENDPOINT_DESCRIPTION_UDF", DESCRIBE), rows((json.dumps(IN_SERVICE),)))
    db.expect(expect_udf(BINARY_CONFIG), RowCount(0)).expect(expect_connection(), RowCount(0))
    db.expect(DELETE_ROW, RowCount(0)).expect(expect_record, RowCount(1))
    run_entry(SCRIPT, [options(replace=True)], db)


@pytest.mark.parametrize(
    ("changes", "code", "fragment"),
    [
        ({"endpoint_name": ...}, "E-SME-2", "Missing required keys in the endpoint UDF parameters: endpoint_name."),
        ({"batch_size": 10}, "E-SME-3", "Unknown keys in the endpoint UDF parameters: batch_size."),
        ({"replace": "yes"}, "E-SME-4", 'The key "replace" must be a JSON boolean, not string.'),
        ({"label_location": 1.5}, "E-SME-4", 'The key "label_location" must be a JSON integer or string'),
        ({"max_rows_per_request": 0}, "E-SME-5", '"max_rows_per_request" must be between 1 and 100000'),
        ({"max_requests_in_flight": 65}, "E-SME-5", '"max_requests_in_flight" must be between 1 and 64'),
        ({"request_format": "application/json"}, "E-SME-5", "is not one of text/csv, application/jsonlines"),
        ({"endpoint_name": "churn_ep"}, "E-SME-32", 'Invalid endpoint name "churn_ep".'),
        ({"udf_name": "will churn"}, "E-SME-7", "udf_name"),
        ({"aws_region": "Europe"}, "E-SME-50", "Invalid AWS region"),
        ({"features": [{"name": "a", "sql_type": "DOUBLE"}]}, "E-SME-62", "not both."),
        ({"input_schema_name": ..., "input_table_or_view_name": ...}, "E-SME-62", "one of them."),
        ({"input_table_or_view_name": ...}, "E-SME-62", "needs both input_schema_name"),
        ({"feature_columns": []}, "E-SME-62", '"feature_columns" is empty'),
        ({"feature_columns": ["state", "STATE"]}, "E-SME-62", 'The feature "STATE" is listed twice.'),
        ({"input_schema_name": ..., "input_table_or_view_name": ..., "features": [{"name": "a", "sql_type": "INT"}]},
         "E-SME-62", '"feature_columns" selects columns of a table or view; with "features" it has no meaning'),
        ({"input_schema_name": ..., "input_table_or_view_name": ..., "features": [{"name": "a"}],
          "feature_columns": ...}, "E-SME-62", 'Feature 1 of the key "features" is not'),
        ({"input_schema_name": ..., "input_table_or_view_name": ..., "features": [{"name": "a", "sql_type": "INT",
                                                                                   "nullable": True}],
          "feature_columns": ...}, "E-SME-62", 'has the unknown key "nullable"'),
        ({"input_schema_name": ..., "input_table_or_view_name": ..., "features": [{"name": "a", "sql_type": "x"}],
          "feature_columns": ...}, "E-SME-63", 'The SQL type "x" of feature A is not supported'),
        ({"predictions_sql_type": "GEOMETRY"}, "E-SME-63", 'of predictions_sql_type is not supported'),
        ({"predictions_sql_type": "varchar"}, "E-SME-63", "needs a length"),
        ({"probability_column": False, "probabilities_column": True}, "E-SME-66", "needs probability_column"),
        ({"probability_column": False, "probability_location": 2}, "E-SME-66",
         "probability_location is given, but the UDF has no column that uses it"),
        ({"label_location": "predicted_label"}, "E-SME-66", "must be a field position"),
        ({"label_location": 0}, "E-SME-66", "must be a field position"),
        ({"request_format": "application/jsonlines", "label_location": 1}, "E-SME-66", "must be a JSON key"),
        ({"label_location": 2}, "E-SME-66", "label_location and probability_location name the same place 2"),
    ],
)
def test_bad_options_fail_before_any_statement(changes, code, fragment):
    db = ScriptedDatabase()
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [options(**changes)], db)
    text = sme_error(excinfo)
    assert text.startswith(code + ": ") and fragment in text, text
    assert db.sent == []


def fails_with(db: ScriptedDatabase, code: str, fragment: str, **changes) -> None:
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [options(**changes)], db)
    text = sme_error(excinfo)
    assert text.startswith(code + ": ") and fragment in text, text
    assert not any(sql.startswith("CREATE") for sql in db.sent)


def test_a_missing_feature_column_is_named():
    db = ScriptedDatabase().expect(COLUMNS_SQL, TABLE_COLUMNS)
    fails_with(db, "E-SME-12", 'The feature column "AREA_CODE" is not a column of "DATA"."CHURN".',
               feature_columns=["state", "area_code"])


def test_a_missing_table_is_named():
    db = ScriptedDatabase().expect(COLUMNS_SQL, empty())
    fails_with(db, "E-SME-10", '"DATA"."CHURN" does not exist')


def test_a_table_column_of_an_unsupported_type_is_named():
    db = ScriptedDatabase().expect(COLUMNS_SQL, rows(("STATE", "VARCHAR(2) UTF8"), ("H", "HASHTYPE(16 BYTE)")))
    fails_with(db, "E-SME-63", 'The SQL type "HASHTYPE(16 BYTE)" of column H is not supported', feature_columns=...)


def test_a_missing_udf_schema_is_named():
    db = ScriptedDatabase().expect(COLUMNS_SQL, TABLE_COLUMNS).expect(SCHEMA_SQL, empty())
    fails_with(db, "E-SME-33", 'The schema "ML" for the prediction UDF does not exist.')


def test_an_endpoint_deployed_from_a_job_is_refused():
    recorded = rows(("churn-1", "ML", "churn-ep", CONNECTION, "BinaryClassification", None, "deployed"))
    db = ScriptedDatabase().expect(COLUMNS_SQL, TABLE_COLUMNS).expect(SCHEMA_SQL, rows(("ML",)))
    db.expect(LANGUAGE_SQL, rows(("PYTHON3_SME",))).expect(CASE_SQL, empty()).expect(ENDPOINT_SQL, recorded)
    fails_with(db, "E-SME-65", 'was deployed by this extension from job "churn-1"; its prediction UDF is "ML"."churn-ep"')


def test_a_name_differing_only_in_case_is_refused():
    db = ScriptedDatabase().expect(COLUMNS_SQL, TABLE_COLUMNS).expect(SCHEMA_SQL, rows(("ML",)))
    db.expect(LANGUAGE_SQL, rows(("PYTHON3_SME",))).expect(CASE_SQL, rows(("Churn-EP",)))
    fails_with(db, "E-SME-55", 'differs only in case from the endpoint "Churn-EP"')


@pytest.mark.parametrize(("using", "fragment"), [
    ([], 'The script "ML"."WILL_CHURN" already exists and is a script that the extension did not create for this'),
    (["other-ep"], 'already exists and is the prediction UDF of endpoint "other-ep".'),
])
def test_an_existing_foreign_script_is_refused_without_replace(using, fragment):
    db = until_description(ScriptedDatabase(), script_exists=True, using=using)
    fails_with(db, "E-SME-64", fragment)


@pytest.mark.parametrize(("answer", "code", "fragment"), [
    ({"endpoint_name": "churn-ep", "exists": False}, "E-SME-60", 'There is no endpoint "churn-ep"'),
    ({**IN_SERVICE, "endpoint_status": "Creating"}, "E-SME-61", 'The endpoint "churn-ep" is Creating, not InService.'),
    ({**IN_SERVICE, "endpoint_status": "Failed", "failure_reason": "image not found"}, "E-SME-61",
     "is Failed, not InService: image not found."),
    ({"exists": True}, "E-SME-19", "SME_AUTOPILOT_ENDPOINT_DESCRIPTION_UDF returned an unreadable answer"),
])
def test_the_endpoint_must_exist_and_be_in_service(answer, code, fragment):
    db = until_description(ScriptedDatabase())
    db.expect(udf_call("SME_AUTOPILOT_ENDPOINT_DESCRIPTION_UDF", DESCRIBE), rows((json.dumps(answer),)))
    fails_with(db, code, fragment)


def test_an_aws_failure_of_the_description_is_passed_through():
    db = until_description(ScriptedDatabase())
    db.expect(udf_call("SME_AUTOPILOT_ENDPOINT_DESCRIPTION_UDF", DESCRIBE),
              QueryError("22002", "E-SME-104: access denied\nMitigation: grant"))
    fails_with(db, "E-SME-68", 'Describing endpoint "churn-ep" failed: E-SME-104: access denied')


def test_a_failure_after_the_udf_was_created_drops_what_this_call_created():
    db = until_description(ScriptedDatabase())
    db.expect(udf_call("SME_AUTOPILOT_ENDPOINT_DESCRIPTION_UDF", DESCRIBE), rows((json.dumps(IN_SERVICE),)))
    db.expect(expect_udf(BINARY_CONFIG), RowCount(0)).expect(expect_connection(), RowCount(0))
    db.expect(DELETE_ROW, QueryError("42500", "insufficient privileges for DELETE"))
    db.expect(f'DROP CONNECTION "{CONNECTION}"', RowCount(0)).expect('DROP SCRIPT "ML"."WILL_CHURN"', RowCount(0))
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [options()], db)
    text = sme_error(excinfo)
    assert text.startswith("E-SME-67: Creating the prediction UDF failed while recording it in "
                           "SME_METADATA_AUTOPILOT_ENDPOINTS: insufficient privileges for DELETE"), text
    assert f'Dropped again what this call had created: DROP CONNECTION "{CONNECTION}"; DROP SCRIPT' in text


def test_a_replaced_script_and_connection_are_not_dropped_on_failure():
    recorded = rows((None, "ML", "WILL_CHURN", CONNECTION, "BinaryClassification", None, "deployed"))
    db = until_description(ScriptedDatabase(), recorded=recorded, script_exists=True, using=["churn-ep"])
    db.expect(udf_call("SME_AUTOPILOT_ENDPOINT_DESCRIPTION_UDF", DESCRIBE), rows((json.dumps(IN_SERVICE),)))
    db.expect(expect_udf(BINARY_CONFIG), RowCount(0))
    db.expect(expect_connection(), QueryError("42500", "no CREATE CONNECTION privilege"))
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [options()], db)
    assert "Nothing this call created is left behind." in sme_error(excinfo)


def test_the_description_udf_must_be_installed():
    db = ScriptedDatabase().expect(COLUMNS_SQL, TABLE_COLUMNS).expect(SCHEMA_SQL, rows(("ML",)))
    db.expect(LANGUAGE_SQL, empty())
    fails_with(db, "E-SME-38", 'SME_AUTOPILOT_ENDPOINT_DESCRIPTION_UDF is not installed in schema "SME".')


@pytest.mark.parametrize("text", [
    '{"endpoint_name": "a", "udf_schema_name": "ml", "endpoint_name": "b"}',
    '{"endpoint_name": "a", "features": [{"name": "x", "name": "y"}], "endpoint\\u005fname": "b"}',
])
def test_a_key_given_twice_is_refused_not_silently_overwritten(text):
    db = ScriptedDatabase()
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [text], db)
    assert sme_error(excinfo).startswith("E-SME-3: Keys given more than once in the endpoint UDF parameters:"
                                         " endpoint_name.")
    assert db.sent == []


def test_braces_and_quotes_inside_strings_do_not_confuse_the_duplicate_check(cjson_version):
    text = options(udf_name='"we""ird} {name"', endpoint_name="churn-ep")
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [text], ScriptedDatabase().expect(COLUMNS_SQL, empty()), cjson_version=cjson_version)
    assert sme_error(excinfo).startswith("E-SME-10: ")
