"""SME_CREATE_ENDPOINT_UDF on the local stack, for endpoints the extension did not make: a churn model trained and
deployed with plain boto3 (as another team would), one endpoint answering CSV and one answering JSON Lines, then
the UDFs scoring in a SELECT, and every refusal of the issue's bad-input list leaving nothing behind."""

from __future__ import annotations

import json
import time

import pyexasol
import pytest

from exasol_sagemaker_extension.autopilot.inference_output import with_inference_output
from sme_local.datasets import CHURN, exasol_csv, read_rows
from sme_local.loading import load_table

pytestmark = pytest.mark.slow

SCHEMA = "ENDPOINT_UDF_E2E"
FEATURES = ["STATE", "ACCOUNT_LENGTH", "INTL_PLAN", "VMAIL_PLAN", "DAY_MINS", "EVE_MINS", "CUSTSERV_CALLS"]
CSV_ENDPOINT = "theirs-churn-csv"
JSON_ENDPOINT = "theirs-churn-json"
FAILED_ENDPOINT = "theirs-broken"
JOB = "theirs-churn-job"


def _wait(poll, done, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while True:
        value = poll()
        if done(value):
            return value
        assert time.monotonic() < deadline, f"{what} still {value} after {timeout} s"
        time.sleep(0.5)


def _train_and_deploy_with_boto3(e2e_stack, rows) -> None:
    """What another team would do: upload CSV, run an AutoML job, deploy its best candidate — no extension."""
    description = e2e_stack.description
    s3, sagemaker = e2e_stack.aws_client("s3"), e2e_stack.aws_client("sagemaker")
    names = [c.name for c in CHURN.columns]
    picked = [names.index(name) for name in FEATURES + ["CHURN"]]
    header = (",".join(FEATURES + ["CHURN"]) + "\n").encode()
    body = header + exasol_csv([tuple(row[i] for i in picked) for row in rows])
    s3.put_object(Bucket=description.s3_bucket, Key="theirs/churn/train.csv", Body=body)
    sagemaker.create_auto_ml_job_v2(
        AutoMLJobName=JOB,
        AutoMLJobInputDataConfig=[{"ChannelType": "training", "ContentType": "text/csv;header=present",
                                   "DataSource": {"S3DataSource": {
                                       "S3DataType": "S3Prefix", "S3Uri": f"s3://{description.s3_bucket}/theirs/churn/"}}}],
        OutputDataConfig={"S3OutputPath": f"s3://{description.s3_bucket}/theirs/output/"},
        AutoMLProblemTypeConfig={"TabularJobConfig": {"TargetAttributeName": "CHURN",
                                                      "ProblemType": "BinaryClassification"}},
        RoleArn=description.iam_sagemaker_role)
    job = _wait(lambda: sagemaker.describe_auto_ml_job_v2(AutoMLJobName=JOB), lambda j: j["AutoMLJobStatus"] != "InProgress",
                e2e_stack.job_timeout_seconds, "the job")
    assert job["AutoMLJobStatus"] == "Completed", job.get("FailureReason")
    containers, _ = with_inference_output(job["BestCandidate"]["InferenceContainers"], "BinaryClassification")
    for endpoint in (CSV_ENDPOINT, JSON_ENDPOINT):
        sagemaker.create_model(ModelName=endpoint, Containers=containers, ExecutionRoleArn=description.iam_sagemaker_role)
        sagemaker.create_endpoint_config(EndpointConfigName=endpoint, ProductionVariants=[{
            "VariantName": "AllTraffic", "ModelName": endpoint, "InstanceType": "ml.m5.large",
            "InitialInstanceCount": 1}])
        sagemaker.create_endpoint(EndpointName=endpoint, EndpointConfigName=endpoint)
    broken = [{**containers[0], "ModelDataUrl": f"s3://{description.s3_bucket}/theirs/missing/model.tar.gz"}]
    sagemaker.create_model(ModelName=FAILED_ENDPOINT, Containers=broken, ExecutionRoleArn=description.iam_sagemaker_role)
    sagemaker.create_endpoint_config(EndpointConfigName=FAILED_ENDPOINT, ProductionVariants=[{
        "VariantName": "AllTraffic", "ModelName": FAILED_ENDPOINT, "InstanceType": "ml.m5.large",
        "InitialInstanceCount": 1}])
    sagemaker.create_endpoint(EndpointName=FAILED_ENDPOINT, EndpointConfigName=FAILED_ENDPOINT)
    for endpoint in (CSV_ENDPOINT, JSON_ENDPOINT, FAILED_ENDPOINT):
        _wait(lambda: sagemaker.describe_endpoint(EndpointName=endpoint)["EndpointStatus"],
              lambda status: status != "Creating", 60, endpoint)


@pytest.fixture(scope="module")
def theirs(e2e_stack):
    rows = read_rows(e2e_stack.data_dir / CHURN.file_name, CHURN)
    with e2e_stack.connect() as connection:
        console = e2e_stack.console(connection)
        console.execute(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"')
        load_table(console, e2e_stack.description, e2e_stack.connection_name, CHURN, rows, SCHEMA, "CHURN")
    _train_and_deploy_with_boto3(e2e_stack, rows)
    return len(rows)


def create(console, **keys):
    request = {"aws_credentials_connection_name": "AWS_CONN", "udf_schema_name": SCHEMA, **keys}
    text = json.dumps(request).replace("'", "''")
    return console.records(f"EXECUTE SCRIPT SME.SME_CREATE_ENDPOINT_UDF('{text}')")


def table_form(endpoint: str, udf_name: str, **more):
    return {"endpoint_name": endpoint, "udf_name": udf_name, "input_schema_name": SCHEMA,
            "input_table_or_view_name": "CHURN", "feature_columns": FEATURES, "predictions_sql_type": "BOOLEAN",
            "probability_column": True, **more}


def score(console, udf: str, where: str = "") -> list[dict]:
    arguments = ", ".join(["PHONE"] + FEATURES)
    return console.records(f'SELECT {SCHEMA}.{udf}({arguments}) FROM {SCHEMA}.CHURN {where}')


def test_a_csv_endpoint_gets_a_typed_udf_and_a_job_less_row(theirs, console):
    [created] = create(console, **table_form(CSV_ENDPOINT, "WILL_CHURN", max_rows_per_request=500))
    assert created == {"ENDPOINT_NAME": CSV_ENDPOINT, "ENDPOINT_STATUS": "InService",
                       "PREDICTION_UDF": f'"{SCHEMA}"."WILL_CHURN"',
                       "MODEL_CONNECTION_NAME": "SME_SAGEMAKER_AUTOPILOT_ENDPOINT_CONNECTION_THEIRS-CHURN-CSV",
                       "PROBLEM_TYPE": "BinaryClassification", "REQUEST_FORMAT": "text/csv"}
    scored = score(console, "WILL_CHURN")
    assert len(scored) == theirs and len({row["ROW_KEY"] for row in scored}) == theirs
    assert list(scored[0]) == ["ROW_KEY", *FEATURES, "PROBABILITY", "PREDICTIONS"]
    assert all(isinstance(row["PREDICTIONS"], bool) and 0.0 <= row["PROBABILITY"] <= 1.0 for row in scored)
    [accuracy] = console.rows(f'''SELECT ROUND(100.0 * SUM(CASE WHEN S.PREDICTIONS = T.CHURN THEN 1 ELSE 0 END)
        / COUNT(*), 2) FROM (SELECT {SCHEMA}.WILL_CHURN(PHONE, {", ".join(FEATURES)}) FROM {SCHEMA}.CHURN) S
        JOIN {SCHEMA}.CHURN T ON S.ROW_KEY = T.PHONE''')[0]
    assert float(accuracy) > 85.5  # better than always answering "stays"
    [row] = console.records(f"""SELECT JOB_NAME, UDF_SCHEMA_NAME, UDF_NAME, PROBLEM_TYPE, STATUS
        FROM SME.SME_AUTOPILOT_ENDPOINTS WHERE ENDPOINT_NAME = '{CSV_ENDPOINT}'""")
    assert row == {"JOB_NAME": None, "UDF_SCHEMA_NAME": SCHEMA, "UDF_NAME": "WILL_CHURN",
                   "PROBLEM_TYPE": "BinaryClassification", "STATUS": "deployed"}


def test_a_json_lines_endpoint_answers_the_same_as_the_csv_one(theirs, console):
    create(console, **table_form(CSV_ENDPOINT, "WILL_CHURN"))
    create(console, **table_form(JSON_ENDPOINT, "WILL_CHURN_JSON", request_format="application/jsonlines"))
    csv_scores = {row["ROW_KEY"]: (row["PREDICTIONS"], row["PROBABILITY"]) for row in score(console, "WILL_CHURN")}
    json_scores = {row["ROW_KEY"]: (row["PREDICTIONS"], row["PROBABILITY"])
                   for row in score(console, "WILL_CHURN_JSON")}
    assert json_scores == csv_scores


def test_the_explicit_feature_list_scores_one_row_of_literals(theirs, console):
    types = {c.name: c.sql_type for c in CHURN.columns}
    create(console, endpoint_name=CSV_ENDPOINT, udf_name="WILL_CHURN_BY_LIST", predictions_sql_type="BOOLEAN",
           features=[{"name": name, "sql_type": types[name]} for name in FEATURES])
    [customer] = console.records(f"SELECT {', '.join(FEATURES)} FROM {SCHEMA}.CHURN WHERE PHONE = '382-4657'")
    expected = [row for row in score(console, "WILL_CHURN", "WHERE PHONE = '382-4657'")]
    literals = ", ".join(_literal(customer[name]) for name in FEATURES)
    [single] = console.records(f"SELECT {SCHEMA}.WILL_CHURN_BY_LIST({literals}) FROM DUAL")
    assert single["PREDICTIONS"] == expected[0]["PREDICTIONS"]
    assert list(single) == [*FEATURES, "PREDICTIONS"]


def _literal(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return f"'{value}'" if isinstance(value, str) else str(value)


def _objects(console, name: str) -> tuple[int, int]:
    scripts = console.rows(f"SELECT COUNT(*) FROM SYS.EXA_ALL_SCRIPTS WHERE SCRIPT_SCHEMA = '{SCHEMA}'"
                           f" AND SCRIPT_NAME = '{name}'")[0][0]
    rows = console.rows(f"SELECT COUNT(*) FROM SME.SME_METADATA_AUTOPILOT_ENDPOINTS WHERE UDF_NAME = '{name}'")[0][0]
    return int(scripts), int(rows)


@pytest.mark.parametrize(("keys", "code", "fragment"), [
    (table_form("nobody-churn", "BAD_UNKNOWN"), "E-SME-60", 'There is no endpoint "nobody-churn"'),
    (table_form(FAILED_ENDPOINT, "BAD_FAILED"), "E-SME-61", f'The endpoint "{FAILED_ENDPOINT}" is Failed, not'),
    (table_form(CSV_ENDPOINT, "BAD_COLUMN", feature_columns=["STATE", "ZIP_CODE"]), "E-SME-12",
     f'The feature column "ZIP_CODE" is not a column of "{SCHEMA}"."CHURN"'),
    ({"endpoint_name": CSV_ENDPOINT, "udf_name": "BAD_TYPE", "predictions_sql_type": "BOOLEAN",
      "features": [{"name": "TENURE", "sql_type": "INTERVAL DAY TO SECOND"}]}, "E-SME-63",
     'The SQL type "INTERVAL DAY TO SECOND" of feature TENURE is not supported'),
    (table_form(CSV_ENDPOINT, "BAD_KEY", max_batch_size=100), "E-SME-3", "Unknown keys in the endpoint UDF "
                                                                         "parameters: max_batch_size."),
    (table_form(CSV_ENDPOINT, "BAD_TWICE", feature_columns=["STATE", "state"]), "E-SME-62",
     'The feature "STATE" is listed twice.'),
])
def test_bad_input_is_refused_with_nothing_made(theirs, console, keys, code, fragment):
    with pytest.raises(pyexasol.ExaQueryError) as caught:
        create(console, **keys)
    assert f"{code}: " in caught.value.message and fragment in caught.value.message, caught.value.message
    assert _objects(console, keys["udf_name"]) == (0, 0)


def test_a_script_not_made_by_the_extension_is_only_replaced_when_asked(theirs, console):
    console.execute(f"CREATE OR REPLACE PYTHON3 SCALAR SCRIPT {SCHEMA}.MY_OWN_FUNCTION(x DOUBLE) RETURNS DOUBLE AS\n"
                    "def run(ctx):\n    return ctx.x\n/")
    with pytest.raises(pyexasol.ExaQueryError) as caught:
        create(console, **table_form(CSV_ENDPOINT, "MY_OWN_FUNCTION"))
    assert "E-SME-64: " in caught.value.message and "a script that the extension did not create" in caught.value.message
    assert console.rows(f"SELECT {SCHEMA}.MY_OWN_FUNCTION(2.5) FROM DUAL")[0][0] == 2.5
    create(console, **table_form(CSV_ENDPOINT, "MY_OWN_FUNCTION", replace=True))
    assert len(score(console, "MY_OWN_FUNCTION", "WHERE PHONE = '382-4657'")) == 1
    create(console, **table_form(CSV_ENDPOINT, "WILL_CHURN"))  # the endpoint's row names its UDF again


def test_an_output_type_that_cannot_hold_the_answer_fails_on_the_first_call_naming_the_row(theirs, console):
    create(console, **table_form(CSV_ENDPOINT, "WILL_CHURN_AS_DATE", predictions_sql_type="DATE"))
    with pytest.raises(pyexasol.ExaQueryError) as caught:
        score(console, "WILL_CHURN_AS_DATE")
    assert "E-SME-162: " in caught.value.message and "in row 1 is not a valid DATE" in caught.value.message
    create(console, **table_form(CSV_ENDPOINT, "WILL_CHURN"))


def test_deleting_the_endpoint_leaves_a_udf_that_says_so(theirs, console):
    create(console, **table_form(JSON_ENDPOINT, "WILL_CHURN_JSON", request_format="application/jsonlines"))
    outcomes = console.rows(f"EXECUTE SCRIPT SME.SME_DELETE_SAGEMAKER_AUTOPILOT_ENDPOINT('{JSON_ENDPOINT}', "
                            "'AWS_CONN', NULL)")
    assert [outcome for _, _, outcome in outcomes] == ["DELETED"] * 3
    with pytest.raises(pyexasol.ExaQueryError) as caught:
        score(console, "WILL_CHURN_JSON")
    assert "E-SME-242: " in caught.value.message
