"""SME_SCORE_NEW_ROWS: validation, the exact statements in order, the conflict retries and every failure path."""

from __future__ import annotations

import json

import pytest

from sme_local.exasol.lua_runtime import QueryError, RowCount

from lua_harness import ScriptedDatabase, empty, rows, run_entry, run_snippet, sme_error

SCRIPT = "SME_SCORE_NEW_ROWS"
SOURCE_SQL = (
    "SELECT COLUMN_NAME, COLUMN_TYPE, COLUMN_OBJECT_TYPE FROM SYS.EXA_ALL_COLUMNS WHERE COLUMN_SCHEMA = 'DATA'"
    " AND COLUMN_TABLE = 'CHURN_NEW' ORDER BY COLUMN_ORDINAL_POSITION"
)
TARGET_SQL = (
    "SELECT COLUMN_NAME, COLUMN_TYPE, COLUMN_OBJECT_TYPE FROM SYS.EXA_ALL_COLUMNS WHERE COLUMN_SCHEMA = 'DATA'"
    " AND COLUMN_TABLE = 'CHURN_SCORES' ORDER BY COLUMN_ORDINAL_POSITION"
)
UDF_SQL = (
    "SELECT SCRIPT_TYPE, SCRIPT_TEXT FROM SYS.EXA_ALL_SCRIPTS WHERE SCRIPT_SCHEMA = 'ML' AND SCRIPT_NAME = 'churn-ep'"
)
SOURCE = rows(
    ("ID", "DECIMAL(18,0)", "TABLE"), ("STATE", "VARCHAR(2) UTF8", "TABLE"), ("Day/Mins", "DOUBLE", "TABLE"),
    ("INSERTED_AT", "TIMESTAMP(3)", "TABLE"),
)
TARGET = rows(
    ("ID", "DECIMAL(18,0)", "TABLE"), ("PROBABILITY", "DOUBLE", "TABLE"), ("PREDICTIONS", "BOOLEAN", "TABLE"),
)
CREATE_SQL = (
    'CREATE TABLE IF NOT EXISTS "DATA"."CHURN_SCORES" ("ID" DECIMAL(18,0), "PROBABILITY" DOUBLE,'
    ' "PREDICTIONS" BOOLEAN)'
)
INSERT_SQL = (
    'INSERT INTO "DATA"."CHURN_SCORES" ("ID", "PROBABILITY", "PREDICTIONS") SELECT "ROW_KEY", "PROBABILITY",'
    ' "PREDICTIONS" FROM (SELECT "ML"."churn-ep"(S."ID", S."STATE", S."Day/Mins") FROM "DATA"."CHURN_NEW" S'
    ' WHERE S."ID" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "DATA"."CHURN_SCORES" T WHERE T."ID" = S."ID"))'
)
CONFLICT = QueryError("40001", "GlobalTransactionRollback msg: Transaction collision: automatic transaction rollback.")


def udf_text(problem_type: str = "BinaryClassification", target_type: str = "BOOLEAN") -> str:
    config = json.dumps({
        "endpoint_name": "churn-ep", "model_connection_name": "C", "problem_type": problem_type,
        "feature_columns": [{"name": "STATE", "sql_type": "VARCHAR(2) UTF8"}, {"name": "Day/Mins", "sql_type": "DOUBLE"}],
        "target": {"name": "CHURN", "sql_type": target_type},
    })
    return (
        'CREATE OR REPLACE PYTHON3_SME SET SCRIPT "ML"."churn-ep"(...) EMITS (...) AS\n'
        "from exasol_sagemaker_extension.udfs.prediction import PredictionUdf\n"
        f"_udf = PredictionUdf(exa, {json.dumps(config)})\n"
        "run = _udf.run\ndefault_output_columns = _udf.default_output_columns\n/"
    )


def arguments(**changes) -> str:
    request = {
        "source_schema_name": "data", "source_table_or_view_name": "churn_new", "key_columns": ["id"],
        "udf_schema_name": "ml", "udf_name": '"churn-ep"', "target_schema_name": "data",
        "target_table_name": "churn_scores",
    }
    request.update(changes)
    return json.dumps({k: v for k, v in request.items() if v is not ...})


def prepared(db: ScriptedDatabase, text: str | None = None) -> ScriptedDatabase:
    return db.expect(SOURCE_SQL, SOURCE).expect(UDF_SQL, rows(("UDF", text or udf_text())))


def test_first_run_creates_the_target_and_scores_in_one_statement(cjson_version):
    db = prepared(ScriptedDatabase())
    db.expect(TARGET_SQL, empty()).expect(CREATE_SQL, RowCount(0)).expect("COMMIT", RowCount(0))
    db.expect(TARGET_SQL, TARGET).expect(INSERT_SQL, RowCount(1234)).expect("COMMIT", RowCount(0))
    result = run_entry(SCRIPT, [arguments()], db, cjson_version)
    assert result.columns == [("ROWS_SCORED", "DECIMAL(18,0)"), ("CONFLICT_RETRIES", "DECIMAL(9,0)"),
                              ("TARGET_CREATED", "BOOLEAN")]
    assert [tuple(r) for r in result.rows] == [(1234, 0, True)]


def test_a_later_run_checks_the_existing_target_and_scores_what_is_new():
    db = prepared(ScriptedDatabase()).expect(TARGET_SQL, TARGET)
    db.expect(INSERT_SQL, RowCount(0)).expect("COMMIT", RowCount(0))
    assert [tuple(r) for r in run_entry(SCRIPT, [arguments()], db).rows] == [(0, 0, False)]


def test_a_transaction_conflict_retries_the_whole_statement():
    db = prepared(ScriptedDatabase()).expect(TARGET_SQL, TARGET)
    db.expect(INSERT_SQL, CONFLICT)  # the other run committed first: this one was rolled back
    db.expect(INSERT_SQL, RowCount(5)).expect("COMMIT", CONFLICT)  # a conflict can also come at commit time
    db.expect(INSERT_SQL, RowCount(3)).expect("COMMIT", RowCount(0))
    assert [tuple(r) for r in run_entry(SCRIPT, [arguments()], db).rows] == [(3, 2, False)]


def test_conflicts_beyond_the_retry_budget_end_in_a_clear_error():
    db = prepared(ScriptedDatabase()).expect(TARGET_SQL, TARGET)
    for _ in range(3):
        db.expect(INSERT_SQL, CONFLICT)
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [arguments(max_conflict_retries=2)], db)
    text = sme_error(excinfo)
    assert text.startswith("E-SME-76: ") and "3 times in a row" in text and "Mitigation: Run it again" in text


def test_other_insert_failures_are_reported_with_the_database_message():
    db = prepared(ScriptedDatabase()).expect(TARGET_SQL, TARGET)
    db.expect(INSERT_SQL, QueryError("22002", "E-SME-201: the endpoint answered 3 rows for 4"))
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [arguments()], db)
    assert sme_error(excinfo).startswith("E-SME-75: ") and "E-SME-201: the endpoint answered" in sme_error(excinfo)


def test_multiclass_with_composite_keys_feature_mapping_and_scored_at():
    source = rows(("REGION", "VARCHAR(10) UTF8", "VIEW"), ("ID", "DECIMAL(9,0)", "VIEW"),
                  ("S", "VARCHAR(2) UTF8", "VIEW"), ("M", "DOUBLE", "VIEW"))
    target = rows(("REGION", "VARCHAR(10) UTF8", "TABLE"), ("ID", "DECIMAL(9,0)", "TABLE"),
                  ("PROBABILITY", "DOUBLE", "TABLE"), ("PROBABILITIES", "VARCHAR(2000000) UTF8", "TABLE"),
                  ("PREDICTIONS", "VARCHAR(10) UTF8", "TABLE"), ("SCORED_AT", "TIMESTAMP(3)", "TABLE"))
    db = ScriptedDatabase().expect(SOURCE_SQL, source)
    db.expect(UDF_SQL, rows(("UDF", udf_text("MulticlassClassification", "VARCHAR(10) UTF8"))))
    db.expect(TARGET_SQL, target)
    db.expect(
        'INSERT INTO "DATA"."CHURN_SCORES" ("REGION", "ID", "PROBABILITY", "PROBABILITIES", "PREDICTIONS",'
        ' "SCORED_AT") SELECT "ROW_KEY_1", "ROW_KEY_2", "PROBABILITY", "PROBABILITIES", "PREDICTIONS",'
        ' CURRENT_TIMESTAMP FROM (SELECT "ML"."churn-ep"(S."REGION", S."ID", S."S", S."M") FROM "DATA"."CHURN_NEW" S'
        ' WHERE S."REGION" IS NOT NULL AND S."ID" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "DATA"."CHURN_SCORES" T'
        ' WHERE T."REGION" = S."REGION" AND T."ID" = S."ID"))', RowCount(7))
    db.expect("COMMIT", RowCount(0))
    args = arguments(key_columns=["region", "id"], feature_columns=["s", "m"], scored_at_column="scored_at")
    assert [tuple(r) for r in run_entry(SCRIPT, [args], db).rows] == [(7, 0, False)]


def test_regression_targets_have_no_probability_column():
    db = prepared(ScriptedDatabase(), udf_text("Regression", "DOUBLE"))
    db.expect(TARGET_SQL, empty())
    db.expect('CREATE TABLE IF NOT EXISTS "DATA"."CHURN_SCORES" ("ID" DECIMAL(18,0), "PREDICTIONS" DOUBLE)',
              RowCount(0))
    db.expect("COMMIT", RowCount(0))
    db.expect(TARGET_SQL, rows(("ID", "DECIMAL(18,0)", "TABLE"), ("PREDICTIONS", "DOUBLE", "TABLE")))
    db.expect(lambda sql: None, RowCount(2)).expect("COMMIT", RowCount(0))
    assert [tuple(r) for r in run_entry(SCRIPT, [arguments()], db).rows] == [(2, 0, True)]


@pytest.mark.parametrize("found, fragment", [
    (rows(("ID", "DECIMAL(18,0)", "TABLE"), ("PREDICTIONS", "BOOLEAN", "TABLE")), "Found: ID DECIMAL(18,0), PREDICTIONS"),
    (rows(("ID", "VARCHAR(10) UTF8", "TABLE"), ("PROBABILITY", "DOUBLE", "TABLE"), ("PREDICTIONS", "BOOLEAN", "TABLE")),
     "Found: ID VARCHAR(10) UTF8"),
    (rows(("ID", "DECIMAL(18,0)", "VIEW"), ("PROBABILITY", "DOUBLE", "VIEW"), ("PREDICTIONS", "BOOLEAN", "VIEW")),
     "(a view)"),
])
def test_a_target_with_other_columns_is_refused_before_anything_is_written(found, fragment):
    db = prepared(ScriptedDatabase()).expect(TARGET_SQL, found)
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [arguments()], db)
    text = sme_error(excinfo)
    assert text.startswith("E-SME-74: ") and fragment in text
    assert "Expected: ID DECIMAL(18,0), PROBABILITY DOUBLE, PREDICTIONS BOOLEAN" in text
    assert "Mitigation: Choose another target_table_name" in text


@pytest.mark.parametrize("changes, answers, code, fragment", [
    ({"key_columns": ["id", "nope"]}, [(SOURCE_SQL, SOURCE), (UDF_SQL, rows(("UDF", udf_text())))], "E-SME-70",
     'key column(s) "NOPE" is not'),
    ({"key_columns": ["id", "ID"]}, [], "E-SME-70", "listed twice"),
    ({"key_columns": ["PREDICTIONS"]}, [(SOURCE_SQL, rows(("PREDICTIONS", "DECIMAL(18,0)", "TABLE"),
     ("STATE", "VARCHAR(2) UTF8", "TABLE"), ("Day/Mins", "DOUBLE", "TABLE"))), (UDF_SQL, rows(("UDF", udf_text())))],
     "E-SME-70", "name of an output column"),
    ({}, [(SOURCE_SQL, SOURCE), (UDF_SQL, empty())], "E-SME-71", 'UDF "ML"."churn-ep" does not exist'),
    ({}, [(SOURCE_SQL, SOURCE), (UDF_SQL, rows(("UDF", "def run(ctx):\n  ctx.emit(1)")))], "E-SME-72",
     "not a prediction UDF"),
    ({}, [(SOURCE_SQL, SOURCE), (UDF_SQL, rows(("SCRIPTING", udf_text())))], "E-SME-72", "not a prediction UDF"),
    ({"feature_columns": ["state"]}, [(SOURCE_SQL, SOURCE), (UDF_SQL, rows(("UDF", udf_text())))], "E-SME-73",
     "names 1 columns, but the UDF"),
    ({"feature_columns": ["state", "x"]}, [(SOURCE_SQL, SOURCE), (UDF_SQL, rows(("UDF", udf_text())))],
     "E-SME-73", 'feature column(s) "X" is not'),
    ({}, [(SOURCE_SQL, empty())], "E-SME-10", "Check source_schema_name and source_table_or_view_name"),
    ({"key_columns": []}, [], "E-SME-5", '"key_columns" is empty'),
    ({"target_table_name": ...}, [], "E-SME-2", "Missing required keys in the scoring parameters: target_table_name"),
    ({"max_conflict_retries": 101}, [], "E-SME-5", "between 0 and 100"),
    ({"udf": "x"}, [], "E-SME-3", "Unknown keys in the scoring parameters: udf"),
    ({"key_columns": "id"}, [], "E-SME-4", '"key_columns" must be a JSON array'),
])
def test_bad_input_is_refused_before_anything_is_written(changes, answers, code, fragment):
    db = ScriptedDatabase()
    for sql, answer in answers:
        db.expect(sql, answer)
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [arguments(**changes)], db)
    text = sme_error(excinfo)
    assert text.startswith(code + ": ") and fragment in text, text
    assert "\nMitigation: " in text


def test_the_config_reader_is_the_inverse_of_the_udf_generator():
    lines = run_snippet("""
        local udf = require("sme_prediction_udf")
        local features = { { name = 'a "b"/c', sql_type = "VARCHAR(2) UTF8" } }
        local text = udf.statement("PYTHON3_SME", "ML", "ep", udf.config("ep", "C", "Regression", features,
            { name = "Y", sql_type = "DOUBLE" }))
        local config = udf.read_config(text)
        output(config.problem_type .. "|" .. config.feature_columns[1].name .. "|" .. config.target.sql_type)
        output(tostring(udf.read_config("_udf = PredictionUdf(exa, \\"not json\\")")))
    """)
    assert lines == ['Regression|a "b"/c|DOUBLE', "nil"]


def test_a_run_that_collides_creating_the_target_uses_the_one_another_run_created():
    db = prepared(ScriptedDatabase()).expect(TARGET_SQL, empty()).expect(CREATE_SQL, CONFLICT)
    db.expect(TARGET_SQL, TARGET).expect(INSERT_SQL, RowCount(4)).expect("COMMIT", RowCount(0))
    assert [tuple(r) for r in run_entry(SCRIPT, [arguments()], db).rows] == [(4, 0, False)]


def test_a_target_that_cannot_be_created_is_reported():
    db = prepared(ScriptedDatabase()).expect(TARGET_SQL, empty())
    db.expect(CREATE_SQL, QueryError("42500", "insufficient privileges for creating table"))
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [arguments()], db)
    text = sme_error(excinfo)
    assert text.startswith("E-SME-75: Creating the target table") and "insufficient privileges" in text
