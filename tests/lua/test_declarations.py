"""The generated Lua module sme_declarations: rendered from the Python declarations at bundle time, read by the
Lua code, and the one place where adding a training option is declared."""

from __future__ import annotations

import dataclasses
import json

import pytest
from sme_local.exasol.lua_runtime import RowCount

from exasol_sagemaker_extension.autopilot.batch_transform import validate_instance_count
from exasol_sagemaker_extension.autopilot.endpoint_compute import EndpointCompute
from exasol_sagemaker_extension.autopilot.training import TrainingSpec, build_create_request
from exasol_sagemaker_extension.declarations import lua_module, training_options
from exasol_sagemaker_extension.declarations.metadata_tables import JOBS_TABLE
from exasol_sagemaker_extension.declarations.training_options import TrainingOption
from exasol_sagemaker_extension.installation.metadata_ddl import render_create_table, render_migrations
from exasol_sagemaker_extension.installation.lua_scripts import render_lua_script
from exasol_sagemaker_extension.installation.scripts import ENTRY_SCRIPTS
from exasol_sagemaker_extension.installation.udf_ddl import CONTROL_PLANE_UDFS
from exasol_sagemaker_extension.errors import SmeError

from lua_harness import ScriptedDatabase, empty, failing_entry, rows, run_entry, run_snippet, udf_call
from test_batch_scoring_script import SCORE
from test_batch_scoring_script import arguments as batch_arguments
from test_training_script import ARN, EXPECTED_ROW, EXPORT_SQL, check_insert, training_request, until_export
from test_training_script import options as training_script_options

BASE_OPTIONS = {
    "job_name": "churn-1", "input_schema_name": "DATA", "input_table_or_view_name": "CHURN",
    "aws_credentials_connection_name": "AWS_CONN", "s3_bucket_uri": "s3://my-bucket", "s3_output_path": "sme",
    "iam_sagemaker_role": "arn:aws:iam::123456789012:role/SageMakerRole", "target_attribute_name": "CHURN",
}


def parse_in_lua(options: dict) -> list[str]:
    """What sme_train_options.parse makes of ``options``: "ok" or the SME error text."""
    literal = json.dumps(json.dumps(options))
    return run_snippet(
        f"local ok, err = pcall(require('sme_train_options').parse, {literal})"
        " output(ok and 'ok' or tostring(err))"
    )


def test_every_bundled_script_that_reads_declarations_preloads_exactly_the_rendered_module():
    rendered = lua_module.render()
    bodies = [render_lua_script(script, "SME") for script in ENTRY_SCRIPTS]
    readers = [body for body in bodies if 'require("sme_declarations")' in body]
    assert readers  # training, polling, deployment and batch scoring read it
    for body in readers:
        assert f'package.preload["sme_declarations"] = function(...)\n{rendered}end\n' in body


def test_lua_reads_the_same_lists_python_declares():
    lines = run_snippet(
        "local d = require('sme_declarations') local cjson = require('cjson')"
        " output(cjson.encode(d.PROBLEM_TYPES)) output(cjson.encode(d.MODES))"
        " output(cjson.encode(d.OBJECTIVES.Regression)) output(#d.TRAINING_OPTIONS)"
    )
    assert [json.loads(line) for line in lines] == [
        list(training_options.PROBLEM_TYPES), list(training_options.MODES),
        list(training_options.OBJECTIVES_BY_PROBLEM_TYPE["Regression"]), len(training_options.TRAINING_OPTIONS),
    ]


@pytest.mark.parametrize(("module", "udf"), [
    ("sme_candidates", "SME_AUTOPILOT_CANDIDATES_UDF"), ("sme_deletion", "SME_AUTOPILOT_ENDPOINT_DELETION_UDF"),
    ("sme_reconciliation", "SME_AUTOPILOT_RECONCILIATION_UDF"), ("sme_explanations", "SME_AUTOPILOT_EXPLANATION_UDF"),
])
def test_a_script_returns_the_columns_its_udf_emits(module, udf):
    emits = next(u for u in CONTROL_PLANE_UDFS if u.name == udf).emits
    lua = run_snippet(f"output(require('{module}').RESULT_COLUMNS)")[0]
    assert emits and lua.replace(" UTF8", "") == ", ".join(f"{name} {sql_type}" for name, sql_type in emits)


@pytest.mark.parametrize(("instance_type", "valid"), [
    ("ml.m5.large", True), ("ml.p6-b200.48xlarge", True), ("ml.inf2.xlarge", True),
    ("ML.M5.LARGE", False), ("ml.m5", False), ("m5.large", False), ("ml.m5.large.x", False), ("ml..large", False),
])
def test_lua_and_python_agree_on_instance_types(instance_type, valid):
    lua = run_snippet(f"output(tostring(('{instance_type}'):match(require('sme_declarations').INSTANCE_TYPE_PATTERN)"
                      " ~= nil))")
    try:
        EndpointCompute(instance_type=instance_type).validate()
        python = True
    except SmeError:
        python = False
    assert (lua, python) == (["true" if valid else "false"], valid)


def python_verdict(check) -> str:
    """"ok", or the code and message of the SmeError ``check`` raises."""
    try:
        check()
    except SmeError as error:
        return f"{error.code}: {error.message}"
    return "ok"


@pytest.mark.parametrize(("tags", "valid"), [
    ({"team": "ml/ops", "cost center": "a_b.c:d/e=f+g-h@i"}, True), ({"k": ""}, True), ({"tëam": "Zürich 3"}, True),
    ({f"k{i}": "v" for i in range(47)}, True), ({"k" * 128: "v" * 256}, True),
    ({"aws:owner": "me"}, False), ({"Exasol-SME:schema": "x"}, False), ({"": "v"}, False), ({"k" * 129: "v"}, False),
    ({"k": "v" * 257}, False), ({"team": "a#b"}, False), ({"team": "a\tb"}, False), ({"t!": "v"}, False),
    ({f"k{i}": "v" for i in range(48)}, False),
])
def test_lua_and_python_agree_on_tags(tags, valid):
    """The script refuses a tag with the same code and words as the training UDF (which would see it next)."""
    lua = parse_in_lua({**BASE_OPTIONS, "tags": tags})[0]
    spec = TrainingSpec(input_s3_uri="s3://my-bucket/in/", output_s3_uri="s3://my-bucket/out/",
                        options={**{k: BASE_OPTIONS[k] for k in ("job_name", "iam_sagemaker_role",
                                                                 "target_attribute_name")}, "tags": tags})
    python = python_verdict(lambda: build_create_request(spec))
    assert (lua == "ok", python == "ok") == (valid, valid)
    if not valid:
        assert python.startswith('E-SME-5: The value of "tags" ') and lua.startswith(python)


def test_characters_beyond_ascii_are_left_to_the_udf():
    """Lua's patterns know only ASCII, so a non-ASCII symbol (not a letter, separator or number) passes the script
    and is refused by the training UDF, with the code the script uses for the rest of the rule."""
    assert parse_in_lua({**BASE_OPTIONS, "tags": {"price": "5 €"}}) == ["ok"]
    spec = TrainingSpec(input_s3_uri="s3://my-bucket/in/", output_s3_uri="s3://my-bucket/out/", options={
        "job_name": "churn-1", "iam_sagemaker_role": BASE_OPTIONS["iam_sagemaker_role"],
        "target_attribute_name": "CHURN", "tags": {"price": "5 €"}})
    assert python_verdict(lambda: build_create_request(spec)).startswith('E-SME-5: The value of "tags" has an invalid')


@pytest.mark.parametrize(("count", "valid"), [(1, True), (1000, True), (0, False), (1001, False), (-3, False)])
def test_lua_and_python_agree_on_the_instance_count(count, valid):
    """The deploy script checks the count before anything else it needs (a valid one gets as far as the missing
    schema_name); the deployment UDF checks the same range, both with E-SME-20."""
    lua = run_snippet("local ok, err = pcall(require('sme_deployment').deploy_on_instances, {instance_type ="
                      f" 'ml.m5.large', instance_count = {count}, job_name = 'churn-1', endpoint_name = 'ep'}})"
                      " output(tostring(err))")[0]
    python = python_verdict(lambda: EndpointCompute(instance_type="ml.m5.large", instance_count=count).validate())
    assert ("instance_count" not in lua, python == "ok") == (valid, valid)
    if not valid:
        assert lua.startswith("E-SME-20: The argument instance_count must be an integer between 1 and 1000.")
        assert python.startswith("E-SME-20: instance_count must be a whole number between 1 and 1000")


@pytest.mark.parametrize(("count", "valid"), [(1, True), (100, True), (0, False), (101, False)])
def test_lua_and_python_agree_on_the_transform_instance_count(count, valid):
    """The batch scoring script refuses the count before any statement (a valid one gets as far as looking up the
    job, unknown here); the batch transform UDF checks the same range, both with E-SME-5."""
    lua, sent = failing_entry(SCORE, batch_arguments(instance_count=count), [(lambda sql: None, empty())])
    python = python_verdict(lambda: validate_instance_count(count))
    assert (lua.startswith("E-SME-30:"), python == "ok", sent != []) == (valid, valid, valid)
    if not valid:
        expected = 'E-SME-5: The value of "instance_count" must be between 1 and 100.'
        assert lua.startswith(expected) and python == expected


def test_adding_a_training_option_is_one_declaration(monkeypatch):
    """An integer option declared once, with an AWS field and a metadata column, and no other edit: its column is in
    the DDL and its forward migration, Lua checks its range, sends it to the training UDF and stores it in the job's
    row, and Python's request builder puts it in its AWS field after the same range check."""
    assert parse_in_lua({**BASE_OPTIONS, "max_widgets": 3})[0].startswith("E-SME-3: Unknown keys")
    added = TrainingOption("max_widgets", "integer", minimum=1, maximum=5,
                           aws_field="AutoMLProblemTypeConfig.TabularJobConfig.CompletionCriteria.MaxWidgets",
                           column_type="DECIMAL(9,0)")
    monkeypatch.setattr(training_options, "TRAINING_OPTIONS", training_options.TRAINING_OPTIONS + (added,))

    assert '"SAMPLE_WEIGHT_ATTRIBUTE_NAME" VARCHAR(128),\n    "MAX_WIDGETS" DECIMAL(9,0),' in render_create_table(
        JOBS_TABLE, "SME")
    assert render_migrations(JOBS_TABLE, "SME")[-1] == (
        'ALTER TABLE "SME"."SME_METADATA_AUTOPILOT_JOBS" ADD COLUMN IF NOT EXISTS "MAX_WIDGETS" DECIMAL(9,0)')

    assert '["name"] = "max_widgets", ["kind"] = "integer", ["minimum"] = 1, ["maximum"] = 5' in lua_module.render()
    assert parse_in_lua({**BASE_OPTIONS, "max_widgets": 3}) == ["ok"]
    refused = parse_in_lua({**BASE_OPTIONS, "max_widgets": 9})[0]
    assert refused.startswith('E-SME-5: The value of "max_widgets" must be between 1 and 5.')
    assert parse_in_lua({**BASE_OPTIONS, "max_widgets": "3"})[0].startswith('E-SME-4: The key "max_widgets"')

    db = until_export(ScriptedDatabase()).expect(EXPORT_SQL, RowCount(3333))
    db.expect(udf_call("SME_AUTOPILOT_TRAINING_UDF", training_request(max_widgets=3)),
              rows((json.dumps({"job_name": "churn-1", "job_arn": ARN}),)))
    db.expect(check_insert({**EXPECTED_ROW, "MAX_WIDGETS": "3"}), RowCount(1))
    run_entry("SME_TRAIN_WITH_SAGEMAKER_AUTOPILOT", [training_script_options(max_widgets=3)], db)

    spec = TrainingSpec(input_s3_uri="s3://my-bucket/in/", output_s3_uri="s3://my-bucket/out/", options={
        name: BASE_OPTIONS[name] for name in ("job_name", "iam_sagemaker_role", "target_attribute_name")})
    request = build_create_request(dataclasses.replace(spec, options={**spec.options, "max_widgets": 3}))
    assert request["AutoMLProblemTypeConfig"]["TabularJobConfig"]["CompletionCriteria"] == {"MaxWidgets": 3}
    with pytest.raises(SmeError) as caught:
        build_create_request(dataclasses.replace(spec, options={**spec.options, "max_widgets": 9}))
    assert caught.value.code == "E-SME-5" and "max_widgets" in str(caught.value)
