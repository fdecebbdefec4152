"""What the old extension (0.11.x) left in a user's schema and calls, read by the Lua scripts: ';'-joined column
lists in old job rows (they deploy like new ones) and the objective as the JSON text {"MetricName": "F1"}."""

from __future__ import annotations

import json

import pytest
from sme_local.exasol.lua_runtime import QueryError, RowCount

from lua_harness import ScriptedDatabase, rows, run_entry, run_snippet, sme_error, udf_call
from test_endpoint_scripts import (
    DEPLOY,
    CASE_SQL,
    JOB_SQL,
    DEPLOYER_PRIVILEGES,
    LANGUAGE_SQL,
    PRIVILEGES_SQL,
    ROLE,
    SCHEMA_SQL,
    check_prediction_udf,
    connection_check,
    deployment_request,
    ANSWER,
)
from test_training_script import EXPECTED_ROW, EXPORT_SQL, SCRIPT, check_insert, options, training_request, until_export


@pytest.mark.parametrize(("cell", "expected"), [
    ('["A","B;C"]', ["A", "B;C"]),
    ("STATE;Day/Mins;CHURN", ["STATE", "Day/Mins", "CHURN"]),
    ("VARCHAR(2) UTF8;DECIMAL(18,0)", ["VARCHAR(2) UTF8", "DECIMAL(18,0)"]),
    ("ONLY", ["ONLY"]),
    ("A;;B;", ["A", "B"]),  # the old reader skipped empty items
    ("[", ["["]),  # not JSON: read as one old-form item, so a length check catches it
    ("[1,2]", ["[1,2]"]),
])
def test_column_lists_are_read_in_both_forms(cell, expected):
    lines = run_snippet(f'''local list = require("sme_column_lists").decode({json.dumps(cell)})
        for _, item in ipairs(list) do output(item) end''')
    assert lines == expected


def test_column_lists_are_written_as_json_arrays():
    lines = run_snippet('output(require("sme_column_lists").encode({"A;B", "C"}))')
    assert json.loads(lines[0]) == ["A;B", "C"]


def test_a_job_recorded_by_the_old_extension_deploys_with_its_columns_in_order():
    old_row = rows(("AWS_CONN", "eu-west-1", ROLE, None, "CHURN", None, "STATE;Day/Mins;CHURN",
                    "VARCHAR(2) UTF8;DOUBLE;BOOLEAN", None))
    db = ScriptedDatabase().expect(JOB_SQL, old_row).expect(SCHEMA_SQL, rows(("ML",))).expect(CASE_SQL, rows())
    db.expect(LANGUAGE_SQL, rows(("PYTHON3_SME",))).expect(PRIVILEGES_SQL, DEPLOYER_PRIVILEGES)
    db.expect(udf_call("SME_AUTOPILOT_DEPLOYMENT_UDF", deployment_request()), rows((json.dumps(ANSWER),)))
    db.expect(connection_check("deployed", False), RowCount(0))
    db.expect(check_prediction_udf, RowCount(0))  # features STATE, Day/Mins; target CHURN BOOLEAN
    db.expect(lambda sql: sql.startswith("DELETE"), RowCount(0))
    db.expect(lambda sql: sql.startswith("INSERT"), RowCount(1))
    run_entry(DEPLOY, ["churn-1", "churn-ep", "ml", "ml.m5.large", 2, None, None], db)


@pytest.mark.parametrize("objective", ['{"MetricName":"F1"}', ' { "MetricName" : "F1" } '])
def test_the_old_objective_form_is_accepted_and_recorded_as_the_metric_name(objective):
    db = until_export(ScriptedDatabase()).expect(EXPORT_SQL, RowCount(3333))
    db.expect(udf_call("SME_AUTOPILOT_TRAINING_UDF", training_request(problem_type="BinaryClassification",
                                                                      objective="F1")),
              rows((json.dumps({"job_name": "churn-1", "job_arn": "arn:x"}),)))
    db.expect(check_insert({**EXPECTED_ROW, "PROBLEM_TYPE": "'BinaryClassification'", "OBJECTIVE": "'F1'",
                            "JOB_ARN": "'arn:x'"}), RowCount(1))
    run_entry(SCRIPT, [options(objective=objective, problem_type="BinaryClassification")], db)


@pytest.mark.parametrize(("objective", "problem_type", "fragment"), [
    ('{"MetricName":"Speed"}', None, 'The value of "objective" is not one of'),
    ('{"MetricName":"RMSE"}', "BinaryClassification", "does not suit the problem type"),
    ('{"Metric":"F1"}', None, 'The value of "objective" is not one of'),
    ('{"MetricName":5}', None, 'The value of "objective" is not one of'),
    ("{not json", None, 'The value of "objective" is not one of'),
])
def test_a_wrong_old_form_objective_is_refused_before_any_statement(objective, problem_type, fragment):
    db = ScriptedDatabase()
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [options(objective=objective, problem_type=problem_type)], db)
    text = sme_error(excinfo)
    assert text.startswith("E-SME-5: ") and fragment in text
    assert db.sent == []
