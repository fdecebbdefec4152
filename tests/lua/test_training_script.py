"""SME_TRAIN_WITH_SAGEMAKER_AUTOPILOT: validation, the exact statements in order, and every failure path."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from sme_local.exasol.lua_runtime import QueryError, ResultSet, RowCount

from lua_harness import ScriptedDatabase, empty, rows, run_entry, run_snippet, sme_error, sql_literal_value, udf_call

SCRIPT = "SME_TRAIN_WITH_SAGEMAKER_AUTOPILOT"
ROLE = "arn:aws:iam::123456789012:role/SageMakerRole"
ARN = "arn:aws:sagemaker:eu-central-1:123456789012:automl-job/churn-1"
RUN = "sme/churn/churn-1/20260102T030405Z-4711-12"
COLUMNS_SQL = (
    "SELECT COLUMN_NAME, COLUMN_TYPE, COLUMN_OBJECT_TYPE FROM SYS.EXA_ALL_COLUMNS WHERE COLUMN_SCHEMA = 'DATA' AND COLUMN_TABLE = 'CHURN'"
    " ORDER BY COLUMN_ORDINAL_POSITION"
)
JOB_SQL = (
    "SELECT AWS_CREDENTIALS_CONNECTION_NAME, AWS_REGION, AWS_ASSUME_ROLE_ARN, AWS_ASSUME_ROLE_EXTERNAL_ID,"
    " TARGET_ATTRIBUTE_NAME, PROBLEM_TYPE, COLUMN_NAMES, COLUMN_TYPES, SAMPLE_WEIGHT_ATTRIBUTE_NAME, S3_BUCKET_URI, S3_OUTPUT_PATH FROM \"SME\".\"SME_METADATA_AUTOPILOT_JOBS\""
    " WHERE JOB_NAME = 'churn-1'"
)
TABLE_COLUMNS = rows(
    ("STATE", "VARCHAR(2) UTF8"), ("ACCOUNT_LENGTH", "DECIMAL(18,0)"), ("Day Mins", "DOUBLE"),
    ("CHURN", "BOOLEAN"),
)
COUNT_SQL = 'SELECT COUNT(*) FROM "DATA"."CHURN"'
NLS_SQL = (
    "SELECT PARAMETER_NAME, SESSION_VALUE FROM SYS.EXA_PARAMETERS WHERE PARAMETER_NAME IN ('NLS_DATE_FORMAT',"
    " 'NLS_NUMERIC_CHARACTERS', 'NLS_TIMESTAMP_FORMAT') ORDER BY PARAMETER_NAME"
)
FIXED_NLS = {"NLS_DATE_FORMAT": "YYYY-MM-DD", "NLS_NUMERIC_CHARACTERS": ".,",
             "NLS_TIMESTAMP_FORMAT": "YYYY-MM-DD HH24:MI:SS.FF6"}


def nls_rows(**changes) -> ResultSet:
    return rows(*sorted({**FIXED_NLS, **changes}.items()))
FILES = [f"{RUN}/training-data/part-{i}.csv.gz" for i in range(1, 5)]
EXPORT_SQL = (
    'EXPORT (SELECT "STATE", "ACCOUNT_LENGTH", "Day Mins", "CHURN" FROM "DATA"."CHURN") INTO CSV AT "AWS_CONN" '
    + " ".join(f"FILE '{f}'" for f in FILES) + " WITH COLUMN NAMES"
)
INPUT_URI = f"s3://my-bucket/{RUN}/training-data/"
OUTPUT_URI = f"s3://my-bucket/{RUN}/output/"


def options(**changes):
    base = {
        "job_name": "churn-1", "input_schema_name": "data", "input_table_or_view_name": "churn",
        "aws_credentials_connection_name": "aws_conn", "s3_bucket_uri": "s3://my-bucket",
        "s3_output_path": "/sme/churn/", "iam_sagemaker_role": ROLE, "target_attribute_name": "churn",
    }
    base.update(changes)
    return json.dumps({k: v for k, v in base.items() if v is not ...})


def training_request(**changes):
    request = {
        "aws_credentials_connection_name": "AWS_CONN", "aws_region": None, "aws_assume_role_arn": None,
        "aws_assume_role_external_id": None, "job_name": "churn-1", "input_s3_uri": INPUT_URI,
        "output_s3_uri": OUTPUT_URI, "iam_sagemaker_role": ROLE, "target_attribute_name": "CHURN",
        "problem_type": None, "objective": None, "max_candidates": None,
        "max_runtime_per_training_job_in_seconds": None, "max_runtime_for_automl_job_in_seconds": None,
        "mode": None, "sample_weight_attribute_name": None, "validation_fraction": None, "tags": None,
    }
    request.update(changes)
    return request


def until_export(db: ScriptedDatabase, columns: ResultSet = TABLE_COLUMNS) -> ScriptedDatabase:
    return (
        db.expect(COLUMNS_SQL, columns)
        .expect(JOB_SQL, empty())
        .expect(COUNT_SQL, rows((Decimal(1_000_000),)))
        .expect("SELECT NPROC()", rows((1,)))
        .expect(NLS_SQL, nls_rows())
    )


def check_insert(expected: dict):
    def check(sql: str) -> None:
        head = 'INSERT INTO "SME"."SME_METADATA_AUTOPILOT_JOBS" (DATETIME, JOB_NAME, '
        assert sql.startswith(head), sql
        columns_part, values_part = sql[len("INSERT INTO \"SME\".\"SME_METADATA_AUTOPILOT_JOBS\" ("):].split(
            ") VALUES (", 1)
        names = [c.strip() for c in columns_part.split(",")]
        literals = _split_literals(values_part[:-1])
        written = dict(zip(names, literals))
        assert written.pop("DATETIME") == "CURRENT_TIMESTAMP"
        assert written == expected

    return check


def _split_literals(text: str) -> list[str]:
    out, current, quoted = [], "", False
    for c in text:
        if c == "'":
            quoted = not quoted
        if c == "," and not quoted:
            out.append(current.strip())
            current = ""
        else:
            current += c
    out.append(current.strip())
    return out


EXPECTED_ROW = {
    "JOB_NAME": "'churn-1'", "AWS_CREDENTIALS_CONNECTION_NAME": "'AWS_CONN'", "IAM_SAGEMAKER_ROLE": f"'{ROLE}'",
    "S3_BUCKET_URI": "'s3://my-bucket'", "S3_OUTPUT_PATH": "'/sme/churn/'", "TARGET_ATTRIBUTE_NAME": "'CHURN'",
    "PROBLEM_TYPE": "NULL", "OBJECTIVE": "NULL", "MAX_RUNTIME_FOR_AUTOML_JOB_IN_SECONDS": "NULL",
    "MAX_CANDIDATES": "NULL", "MAX_RUNTIME_PER_TRAINING_JOB_IN_SECONDS": "NULL", "SESSION_ID": "4711",
    "SCRIPT_USER": "'ANALYST'", "COLUMN_NAMES": '\'["STATE","ACCOUNT_LENGTH","Day Mins","CHURN"]\'',
    "COLUMN_TYPES": '\'["VARCHAR(2) UTF8","DECIMAL(18,0)","DOUBLE","BOOLEAN"]\'', "AWS_REGION": "NULL",
    "INPUT_SCHEMA_NAME": "'DATA'", "INPUT_TABLE_OR_VIEW_NAME": "'CHURN'", "INPUT_S3_URI": f"'{INPUT_URI}'",
    "OUTPUT_S3_URI": f"'{OUTPUT_URI}'", "JOB_ARN": f"'{ARN}'", "MODE": "NULL", "AWS_ASSUME_ROLE_ARN": "NULL",
    "AWS_ASSUME_ROLE_EXTERNAL_ID": "NULL",
    "SAMPLE_WEIGHT_ATTRIBUTE_NAME": "NULL",
}


def test_trains_exports_calls_the_udf_and_records_the_job(cjson_version):
    db = until_export(ScriptedDatabase()).expect(EXPORT_SQL, RowCount(3333))
    db.expect(udf_call("SME_AUTOPILOT_TRAINING_UDF", training_request()), rows((json.dumps({"job_name": "churn-1", "job_arn": ARN}),)))
    db.expect(check_insert(EXPECTED_ROW), RowCount(1))
    result = run_entry(SCRIPT, [options()], db, cjson_version=cjson_version)
    assert result.columns == [
        ("JOB_NAME", "VARCHAR(32) UTF8"), ("JOB_ARN", "VARCHAR(2048) UTF8"), ("EXPORTED_ROWS", "DECIMAL(18,0)"),
        ("INPUT_S3_URI", "VARCHAR(2000000) UTF8"), ("OUTPUT_S3_URI", "VARCHAR(2000000) UTF8"),
    ]
    assert result.rows == [("churn-1", ARN, 3333, INPUT_URI, OUTPUT_URI)]


def test_all_optional_keys_reach_the_request_and_the_metadata(cjson_version):
    opts = options(
        aws_region="eu-west-1", problem_type="BinaryClassification", objective="F1", max_candidates=5,
        max_runtime_for_automl_job_in_seconds=3600, max_runtime_per_training_job_in_seconds=600,
        mode="ENSEMBLING", feature_columns=["state", '"Day Mins"'], sample_weight_attribute_name="account_length",
        validation_fraction=0.25, tags={"team": "ml/ops"}, aws_assume_role_arn=ROLE,
        aws_assume_role_external_id="ext-1", export_files_per_node=2,
    )
    db = until_export(ScriptedDatabase())
    files = " ".join(f"FILE '{RUN}/training-data/part-{i}.csv.gz'" for i in (1, 2))
    db.expect(
        'EXPORT (SELECT "STATE", "ACCOUNT_LENGTH", "Day Mins", "CHURN" FROM "DATA"."CHURN") INTO CSV AT "AWS_CONN" '
        f"{files} WITH COLUMN NAMES", RowCount(10),
    )
    request = training_request(
        aws_region="eu-west-1", aws_assume_role_arn=ROLE, aws_assume_role_external_id="ext-1",
        problem_type="BinaryClassification", objective="F1", max_candidates=5,
        max_runtime_for_automl_job_in_seconds=3600, max_runtime_per_training_job_in_seconds=600, mode="ENSEMBLING",
        sample_weight_attribute_name="ACCOUNT_LENGTH", validation_fraction=0.25, tags={"team": "ml/ops"},
    )
    db.expect(udf_call("SME_AUTOPILOT_TRAINING_UDF", request), rows((json.dumps({"job_name": "churn-1", "job_arn": ARN}),)))
    db.expect(check_insert({
        **EXPECTED_ROW, "PROBLEM_TYPE": "'BinaryClassification'", "OBJECTIVE": "'F1'", "MAX_CANDIDATES": "5",
        "MAX_RUNTIME_FOR_AUTOML_JOB_IN_SECONDS": "3600", "MAX_RUNTIME_PER_TRAINING_JOB_IN_SECONDS": "600",
        "AWS_REGION": "'eu-west-1'", "MODE": "'ENSEMBLING'", "AWS_ASSUME_ROLE_ARN": f"'{ROLE}'",
        "AWS_ASSUME_ROLE_EXTERNAL_ID": "'ext-1'", "SAMPLE_WEIGHT_ATTRIBUTE_NAME": "'ACCOUNT_LENGTH'",
    }), RowCount(1))
    assert run_entry(SCRIPT, [opts], db, cjson_version=cjson_version).rows[0][2] == 10


def test_names_with_quotes_semicolons_dashes_and_unicode_are_quoted_not_injected():
    name = 'Tä"b; DROP--x'
    opts = options(input_schema_name='"s;--"', input_table_or_view_name=json.loads(json.dumps('"' + name.replace('"', '""') + '"')),
                   target_attribute_name='"Zïel"', aws_credentials_connection_name='"c""onn"')
    db = ScriptedDatabase()
    db.expect(
        "SELECT COLUMN_NAME, COLUMN_TYPE, COLUMN_OBJECT_TYPE FROM SYS.EXA_ALL_COLUMNS WHERE COLUMN_SCHEMA = 's;--' AND COLUMN_TABLE = "
        "'Tä\"b; DROP--x' ORDER BY COLUMN_ORDINAL_POSITION", rows(("a'b", "DOUBLE"), ("Zïel", "BOOLEAN")),
    )
    db.expect(JOB_SQL, empty())
    db.expect('SELECT COUNT(*) FROM "s;--"."Tä""b; DROP--x"', rows((1_000_000,)))
    db.expect("SELECT NPROC()", rows((Decimal(1),))).expect(NLS_SQL, nls_rows())
    db.expect(
        'EXPORT (SELECT "a\'b", "Zïel" FROM "s;--"."Tä""b; DROP--x") INTO CSV AT "c""onn" '
        + " ".join(f"FILE '{f}'" for f in FILES) + " WITH COLUMN NAMES", RowCount(1),
    )
    db.expect(
        udf_call("SME_AUTOPILOT_TRAINING_UDF", training_request(aws_credentials_connection_name='c"onn', target_attribute_name="Zïel")),
        rows((json.dumps({"job_name": "churn-1", "job_arn": ARN}),)),
    )
    db.expect(lambda sql: sql.startswith("INSERT INTO"), RowCount(1))
    run_entry(SCRIPT, [opts], db)


@pytest.mark.parametrize(
    ("argument", "code", "fragment"),
    [
        ("{not json", "E-SME-1", "not valid JSON: Expected object key string but found invalid token at character 2"),
        ("[1, 2]", "E-SME-1", "must be a JSON object, not array"),
        (None, "E-SME-1", "must be a JSON string"),
        (options(job_name=...), "E-SME-2", "Missing required keys in the training parameters: job_name."),
        (options(target_attribute_name=None), "E-SME-2", "target_attribute_name"),
        (options(jobname="x"), "E-SME-3", "Unknown keys in the training parameters: jobname."),
        (options(max_candidates="5"), "E-SME-4", 'The key "max_candidates" must be a JSON integer, not string.'),
        (options(max_candidates=2.5), "E-SME-4", "must be a JSON integer, not number"),
        (options(feature_columns="a"), "E-SME-4", '"feature_columns" must be a JSON array, not string'),
        (options(feature_columns=[1]), "E-SME-4", "must hold only strings"),
        (options(tags=["a"]), "E-SME-4", '"tags" must be a JSON object, not array'),
        (options(tags={"a": 1}), "E-SME-4", 'The tag "a" must have a string value.'),
        (options(job_name=5), "E-SME-4", '"job_name" must be a JSON string, not integer'),
        (options(max_candidates=751), "E-SME-5", "must be between 1 and 750"),
        (options(export_files_per_node=0), "E-SME-5", "export_files_per_node"),
        (options(problem_type="regression"), "E-SME-5", "is not one of BinaryClassification"),
        (options(mode="FAST"), "E-SME-5", '"mode"'),
        (options(objective="Speed"), "E-SME-5", '"objective"'),
        (options(objective="RMSE", problem_type="BinaryClassification"), "E-SME-5", "does not suit the problem type"),
        (options(objective="LogLoss"), "E-SME-5", '"objective" is not one of AUC, Accuracy'),
        (options(objective="F1macro", problem_type="BinaryClassification"), "E-SME-5", "does not suit"),
        (options(objective="AUC", problem_type="MulticlassClassification"), "E-SME-5", "does not suit"),
        (options(validation_fraction=1), "E-SME-5", "greater than 0 and less than 1"),
        (options(iam_sagemaker_role="SageMakerRole"), "E-SME-5", "is not an IAM role ARN"),
        (options(aws_assume_role_arn="arn:aws:iam::1:role/x"), "E-SME-5", '"aws_assume_role_arn"'),
        (options(aws_assume_role_external_id="abc"), "E-SME-5", "needs aws_assume_role_arn"),
        (options(aws_assume_role_arn=ROLE, aws_assume_role_external_id="a b"), "E-SME-5", "not a valid external id"),
        (options(tags={"aws:x": "1"}), "E-SME-5", "invalid tag"),
        (options(tags={str(i): "v" for i in range(48)}), "E-SME-5", "more than 47 tags"),
        (options(tags={"Exasol-SME:schema": "x"}), "E-SME-5", "invalid tag"),
        (options(feature_columns=[]), "E-SME-5", "is empty"),
        (options(job_name="churn_1"), "E-SME-6", 'Invalid job name "churn_1".'),
        (options(job_name="-churn"), "E-SME-6", "Invalid job name"),
        (options(job_name="a" * 33), "E-SME-6", "Invalid job name"),
        (options(job_name="churn;drop"), "E-SME-6", "Invalid job name"),
        (options(input_schema_name="my schema"), "E-SME-7", "is not a valid unquoted name"),
        (options(input_schema_name="dätä"), "E-SME-7", "is not a valid unquoted name"),
        (options(input_table_or_view_name='"abc'), "E-SME-7", "has no closing double quote"),
        (options(input_table_or_view_name='"a"b"'), "E-SME-7", "single double quote"),
        (options(input_table_or_view_name='""'), "E-SME-7", "is empty"),
        (options(target_attribute_name="t" * 129), "E-SME-7", "longer than 128 characters"),
        (options(target_attribute_name='"a\nb"'), "E-SME-7", "control character"),
        (options(aws_credentials_connection_name="conn--x"), "E-SME-7", "aws_credentials_connection_name"),
        (options(s3_bucket_uri="https://my-bucket.s3.amazonaws.com"), "E-SME-8", "Invalid s3_bucket_uri"),
        (options(s3_bucket_uri="s3://my-bucket/path"), "E-SME-8", "Invalid s3_bucket_uri"),
        (options(s3_output_path="/"), "E-SME-9", "it is empty"),
        (options(s3_output_path="s3://b/p"), "E-SME-9", "contains a URI scheme"),
        (options(s3_output_path="a/../b"), "E-SME-9", "contains a . or .. segment"),
        (options(s3_output_path="a//b"), "E-SME-9", "empty path segment"),
        (options(feature_columns=["state", "STATE"]), "E-SME-12", 'The feature column "STATE" is listed twice.'),
        (options(aws_region="Frankfurt"), "E-SME-50", 'Invalid AWS region "Frankfurt".'),
    ],
)
def test_invalid_parameters_fail_before_any_statement(argument, code, fragment):
    db = ScriptedDatabase()
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [argument], db)
    text = sme_error(excinfo)
    assert text.startswith(code + ": ")
    assert fragment in text
    assert "\nMitigation: " in text
    assert excinfo.value.sql_code == "43000"
    assert db.sent == []


@pytest.mark.parametrize(
    ("columns", "opts", "code", "fragment"),
    [
        (empty(), options(), "E-SME-10", 'The table or view "DATA"."CHURN" does not exist or is not visible to you.'),
        (TABLE_COLUMNS, options(target_attribute_name="label"), "E-SME-11", 'The target attribute "LABEL" is not a column of "DATA"."CHURN".'),
        (TABLE_COLUMNS, options(target_attribute_name='"day mins"'), "E-SME-11", 'The target attribute "day mins"'),
        (TABLE_COLUMNS, options(feature_columns=["nope"]), "E-SME-12", 'The feature column "NOPE" is not a column'),
        (TABLE_COLUMNS, options(sample_weight_attribute_name="w"), "E-SME-12", 'The sample weight attribute "W"'),
        (TABLE_COLUMNS, options(sample_weight_attribute_name="churn"), "E-SME-12", "The sample weight attribute must differ"),
    ],
)
def test_missing_table_or_columns(columns, opts, code, fragment):
    db = ScriptedDatabase().expect(COLUMNS_SQL, columns)
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [opts], db)
    assert sme_error(excinfo).startswith(f"{code}: {fragment}")


def test_feature_subset_exports_features_and_target_in_table_order():
    db = ScriptedDatabase().expect(COLUMNS_SQL, TABLE_COLUMNS).expect(JOB_SQL, empty())
    db.expect(COUNT_SQL, rows((1_000_000,))).expect("SELECT NPROC()", rows((2,))).expect(NLS_SQL, nls_rows())

    def check_export(sql: str) -> None:
        assert sql.startswith('EXPORT (SELECT "ACCOUNT_LENGTH", "CHURN" FROM "DATA"."CHURN") INTO CSV AT "AWS_CONN" ')
        assert sql.count("FILE '") == 8

    db.expect(check_export, RowCount(5))
    db.expect(lambda sql: None, rows((json.dumps({"job_name": "churn-1", "job_arn": ARN}),)))
    db.expect(lambda sql: '\'["ACCOUNT_LENGTH","CHURN"]\'' in sql, RowCount(1))
    run_entry(SCRIPT, [options(feature_columns=["churn", "account_length"])], db)


def test_a_job_name_already_in_the_metadata_is_rejected_before_the_export():
    db = ScriptedDatabase().expect(COLUMNS_SQL, TABLE_COLUMNS).expect(JOB_SQL, rows(("AWS_CONN",) + (None,) * 7))
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [options()], db)
    assert sme_error(excinfo).startswith('E-SME-14: A training job named "churn-1" already exists.')


def test_an_empty_table_is_rejected_before_the_export():
    db = ScriptedDatabase().expect(COLUMNS_SQL, TABLE_COLUMNS).expect(JOB_SQL, empty())
    db.expect(COUNT_SQL, rows((0,)))
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [options()], db)
    assert sme_error(excinfo).startswith('E-SME-13: "DATA"."CHURN" has no rows to train on.')


def _failing_read(failing: str, error: QueryError) -> str:
    db = ScriptedDatabase()
    for sql, answer in [(COLUMNS_SQL, TABLE_COLUMNS), (JOB_SQL, empty()),
                        (COUNT_SQL, rows((1_000_000,))), ("SELECT NPROC()", rows((1,)))]:
        if sql == failing:
            db.expect(sql, error)
            break
        db.expect(sql, answer)
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [options()], db)
    return sme_error(excinfo)


@pytest.mark.parametrize("failing", [COLUMNS_SQL, JOB_SQL, COUNT_SQL, "SELECT NPROC()"])
def test_failing_reads_name_what_was_read(failing):
    text = _failing_read(failing, QueryError("42000", "object not found"))
    assert text.startswith("E-SME-18: ") and ": object not found\nMitigation: " in text


@pytest.mark.parametrize(("failing", "grant"), [
    (JOB_SQL, 'GRANT SELECT ON "SME"."SME_METADATA_AUTOPILOT_JOBS" TO "ANALYST"'),
    (COUNT_SQL, 'GRANT SELECT ON "DATA"."CHURN" TO "ANALYST"'),
])
def test_a_refused_read_names_the_grant_that_is_missing(failing, grant):
    text = _failing_read(failing, QueryError("42500", "insufficient privileges: SELECT on table X"))
    lines = text.split("\n")
    assert lines[0].startswith("E-SME-58: ") and lines[0].endswith(
        "because a privilege is missing: insufficient privileges: SELECT on table X")
    assert lines[1] == f"Mitigation: Ask your database administrator to run: {grant}."
    assert "Permissions" in lines[2]


def test_a_refused_export_names_the_export_grants():
    db = until_export(ScriptedDatabase()).expect(EXPORT_SQL, QueryError("42500", "insufficient privileges for EXPORT"))
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [options()], db)
    lines = sme_error(excinfo).split("\n")
    assert lines[0].startswith('E-SME-58: Exporting "DATA"."CHURN" to S3 through connection "AWS_CONN" failed, because')
    assert lines[1] == ('Mitigation: Ask your database administrator to run: GRANT EXPORT TO "ANALYST"; '
                        'GRANT CONNECTION "AWS_CONN" TO "ANALYST"; GRANT SELECT ON "DATA"."CHURN" TO "ANALYST".')
    assert not any(sql.startswith("SELECT \"SME\"") for sql in db.sent)


def test_a_refused_udf_call_names_the_execute_grant():
    db = until_export(ScriptedDatabase()).expect(EXPORT_SQL, RowCount(3333))
    db.expect(lambda sql: None, QueryError("42500", "insufficient privileges for calling script"))
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [options()], db)
    lines = sme_error(excinfo).split("\n")
    assert lines[0].startswith("E-SME-58: The training data was exported to ")
    assert lines[1] == ('Mitigation: Ask your database administrator to run: '
                        'GRANT EXECUTE ON "SME"."SME_AUTOPILOT_TRAINING_UDF" TO "ANALYST".')
    assert any("Delete the exported files" in line for line in lines)


def test_a_failed_export_starts_no_job():
    db = until_export(ScriptedDatabase()).expect(EXPORT_SQL, QueryError("42636", "ETL-5105: access denied"))
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [options()], db)
    assert sme_error(excinfo).startswith(
        'E-SME-15: Exporting "DATA"."CHURN" to S3 through connection "AWS_CONN" failed: ETL-5105: access denied'
    )


def test_a_failed_training_says_where_the_export_went_and_writes_no_metadata():
    db = until_export(ScriptedDatabase()).expect(EXPORT_SQL, RowCount(3333))
    db.expect(udf_call("SME_AUTOPILOT_TRAINING_UDF", training_request()),
              QueryError("22002", "E-SME-120: The role cannot be assumed.\nMitigation: Check the role."))
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [options()], db)
    text = sme_error(excinfo)
    assert text.startswith(f'E-SME-16: The training data was exported to {INPUT_URI}, but starting the AutoML job'
                           f' "churn-1" failed: E-SME-120: The role cannot be assumed.')
    assert not any(sql.startswith("INSERT") for sql in db.sent)


@pytest.mark.parametrize("answer", ["not json", json.dumps({"job_name": "churn-1"}), None])
def test_an_unreadable_training_answer_is_reported(answer):
    db = until_export(ScriptedDatabase()).expect(EXPORT_SQL, RowCount(1))
    db.expect(lambda sql: None, rows((answer,)))
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [options()], db)
    assert sme_error(excinfo).startswith("E-SME-19: SME_AUTOPILOT_TRAINING_UDF returned an unreadable answer")


def test_a_failed_metadata_insert_names_the_running_job():
    db = until_export(ScriptedDatabase()).expect(EXPORT_SQL, RowCount(1))
    db.expect(lambda sql: None, rows((json.dumps({"job_name": "churn-1", "job_arn": ARN}),)))
    db.expect(lambda sql: sql.startswith("INSERT"), QueryError("42500", "insufficient privileges for INSERT"))
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [options()], db)
    assert sme_error(excinfo).startswith(f'E-SME-17: The AutoML job "churn-1" ({ARN}) was started, but recording it')


def test_file_names_are_sql_literals():
    db = until_export(ScriptedDatabase())

    def check(sql: str) -> None:
        files = [sql_literal_value(part.split(" WITH")[0].strip()) for part in sql.split("FILE ")[1:]]
        assert files == [f"sme/it's/churn-1/20260102T030405Z-4711-12/training-data/part-{i}.csv.gz" for i in range(1, 5)]

    db.expect(check, QueryError("42636", "stop here"))
    with pytest.raises(QueryError):
        run_entry(SCRIPT, [options(s3_output_path="sme/it's")], db)


def test_lua_and_python_accept_the_same_objectives_and_aws_knows_all_of_them():
    import botocore.session

    from exasol_sagemaker_extension.autopilot.training import METRICS_BY_PROBLEM_TYPE

    lines = run_snippet("local objectives = require('sme_train_options').OBJECTIVES"
                        " for _, p in ipairs({'BinaryClassification', 'MulticlassClassification', 'Regression'}) do"
                        " output(p .. '=' .. table.concat(objectives[p], ',')) end")
    lua_lists = {line.split("=")[0]: tuple(line.split("=")[1].split(",")) for line in lines}
    assert lua_lists == METRICS_BY_PROBLEM_TYPE
    enum = botocore.session.get_session().get_service_model("sagemaker").shape_for("AutoMLMetricEnum").enum
    assert {m for metrics in lua_lists.values() for m in metrics} <= set(enum)
    assert "LogLoss" not in enum


@pytest.mark.parametrize(("table_rows", "nproc", "expected_files"), [
    (3, 1, 1), (9_999, 4, 1), (20_000, 1, 2), (35_000, 4, 3), (1_000_000, 4, 16),
])
def test_small_tables_are_exported_into_fewer_files_so_that_no_part_is_empty(table_rows, nproc, expected_files):
    """EXPORT spreads the rows over all FILE clauses; 3 rows in NPROC() x 4 files would leave header-only parts."""
    db = ScriptedDatabase().expect(COLUMNS_SQL, TABLE_COLUMNS).expect(JOB_SQL, empty())
    db.expect(COUNT_SQL, rows((Decimal(table_rows),))).expect("SELECT NPROC()", rows((nproc,)))
    db.expect(NLS_SQL, nls_rows())
    seen = []
    db.expect(lambda sql: seen.append(sql.count(" FILE '")), RowCount(table_rows))
    db.expect(lambda sql: None, QueryError("42500", "stop here"))
    with pytest.raises(QueryError):
        run_entry(SCRIPT, [options()], db)
    assert seen == [expected_files]


@pytest.mark.parametrize("export_fails", [False, True])
def test_the_export_runs_with_fixed_formats_and_the_sessions_nls_settings_come_back(export_fails):
    """A session with NLS_NUMERIC_CHARACTERS ',.' would export 0.7 as "0,7" (the emulator does so too)."""
    db = until_export(ScriptedDatabase())
    db._script[-1] = (NLS_SQL, nls_rows(NLS_NUMERIC_CHARACTERS=",.", NLS_DATE_FORMAT="DD.MM.YYYY"))
    db.expect("ALTER SESSION SET NLS_DATE_FORMAT = 'YYYY-MM-DD'", RowCount(0))
    db.expect("ALTER SESSION SET NLS_NUMERIC_CHARACTERS = '.,'", RowCount(0))
    db.expect(EXPORT_SQL, QueryError("42636", "ETL-5105: access denied") if export_fails else RowCount(5))
    db.expect("ALTER SESSION SET NLS_DATE_FORMAT = 'DD.MM.YYYY'", RowCount(0))
    db.expect("ALTER SESSION SET NLS_NUMERIC_CHARACTERS = ',.'", RowCount(0))
    if export_fails:
        with pytest.raises(QueryError) as excinfo:
            run_entry(SCRIPT, [options()], db)
        assert sme_error(excinfo).startswith("E-SME-15: ")
        db.assert_done()
        return
    db.expect(lambda sql: None, QueryError("42500", "stop after the export"))
    with pytest.raises(QueryError):
        run_entry(SCRIPT, [options()], db)
    db.assert_done()


def test_failing_to_set_the_export_formats_exports_nothing():
    db = until_export(ScriptedDatabase())
    db._script[-1] = (NLS_SQL, nls_rows(NLS_NUMERIC_CHARACTERS=",."))
    db.expect("ALTER SESSION SET NLS_NUMERIC_CHARACTERS = '.,'", QueryError("42500", "no privilege"))
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [options()], db)
    assert sme_error(excinfo).startswith("E-SME-56: Setting NLS_NUMERIC_CHARACTERS for the training export failed")
    db.assert_done()


def test_failing_to_restore_the_sessions_format_says_so():
    db = until_export(ScriptedDatabase())
    db._script[-1] = (NLS_SQL, nls_rows(NLS_NUMERIC_CHARACTERS=",."))
    db.expect("ALTER SESSION SET NLS_NUMERIC_CHARACTERS = '.,'", RowCount(0))
    db.expect(EXPORT_SQL, RowCount(5))
    db.expect("ALTER SESSION SET NLS_NUMERIC_CHARACTERS = ',.'", QueryError("42500", "no privilege"))
    with pytest.raises(QueryError) as excinfo:
        run_entry(SCRIPT, [options()], db)
    text = sme_error(excinfo)
    assert text.startswith("E-SME-57: Restoring the session's NLS_NUMERIC_CHARACTERS after the training export failed")
    assert "Mitigation: Run ALTER SESSION SET NLS_NUMERIC_CHARACTERS = ',.'." in text
