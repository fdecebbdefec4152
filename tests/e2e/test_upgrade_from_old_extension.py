"""In-place upgrade from the old extension (0.11.x) on the local stack: its metadata table, a job row, an endpoint
with its old-form model connection and its generated prediction UDF are recreated as that extension left them
(reconstructed from prior-art.md §1/§1b), then ``sme-deploy`` runs over the schema; the old job is polled and
deployed again, and rows are scored through the OLD UDF and the freshly generated one. The AWS emulator has no
V1 CreateAutoMLJob, so the old job is started with V2 (AWS describes V1 jobs with DescribeAutoMLJobV2 too)."""

import json
import time

import pytest

from sme_local.churn_tutorial import KEY, TARGET
from sme_local.datasets import CHURN, quote, read_rows
from sme_local.extension import run_sme_deploy
from sme_local.extension_calls import ExtensionCalls
from sme_local.loading import load_table
from sme_local.sql_console import sql_string
from tests.old_extension_schema import old_jobs_table_ddl

pytestmark = pytest.mark.slow

OLD_SCHEMA, DATA = "OLD_SME", "OLD_DATA"
JOB, OLD_EP, NEW_EP = "oldjob1", "oldjob1ep", "oldjob1-new"  # the old extension allowed no "-"
OLD_CONNECTION = "SME_SAGEMAKER_AUTOPILOT_ENDPOINT_CONNECTION_" + OLD_EP.upper()
OLD_DDL = old_jobs_table_ddl(OLD_SCHEMA)


def _wait(check, timeout=120.0):
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(1.0)


@pytest.fixture(scope="module")
def old_installation(e2e_stack):
    """The schema as the old extension left it, with a completed job and a serving endpoint."""
    description = e2e_stack.description
    sagemaker = e2e_stack.aws_client("sagemaker")
    rows = read_rows(e2e_stack.data_dir / CHURN.file_name, CHURN)[:600]
    with e2e_stack.connect() as connection:
        console = e2e_stack.console(connection)
        console.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(DATA)}")
        load_table(console, description, e2e_stack.connection_name, CHURN, rows, DATA, "CHURN_ALL")
        columns = [c for c in CHURN.columns if c.name != KEY]
        console.execute(f"CREATE OR REPLACE TABLE {quote(DATA)}.\"CHURN\" AS SELECT "
                        f"{', '.join(quote(c.name) for c in columns)} FROM {quote(DATA)}.\"CHURN_ALL\"")
        console.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(OLD_SCHEMA)}")
        console.execute(OLD_DDL)
        # the old training: plain CSV files under the output path, then the job
        console.execute(f"EXPORT {quote(DATA)}.\"CHURN\" INTO CSV AT {quote(e2e_stack.connection_name)} "
                        "FILE 'old-sme/oldjob1/T1.csv' WITH COLUMN NAMES")
        sagemaker.create_auto_ml_job_v2(
            AutoMLJobName=JOB, RoleArn=description.iam_sagemaker_role,
            AutoMLJobInputDataConfig=[{"ChannelType": "training", "ContentType": "text/csv;header=present",
                                       "CompressionType": "None", "DataSource": {"S3DataSource": {
                                           "S3DataType": "S3Prefix",
                                           "S3Uri": f"s3://{description.s3_bucket}/old-sme/oldjob1/"}}}],
            OutputDataConfig={"S3OutputPath": f"s3://{description.s3_bucket}/old-sme/output"},
            AutoMLProblemTypeConfig={"TabularJobConfig": {
                "TargetAttributeName": TARGET, "ProblemType": "BinaryClassification",
                "CompletionCriteria": {"MaxCandidates": 2}}},
            AutoMLJobObjective={"MetricName": "F1"})
        _wait(lambda: sagemaker.describe_auto_ml_job_v2(AutoMLJobName=JOB)["AutoMLJobStatus"] == "Completed",
              e2e_stack.job_timeout_seconds)
        names = ";".join(c.name for c in columns)
        types = ";".join(c.sql_type for c in columns)
        console.execute(f'''INSERT INTO "{OLD_SCHEMA}"."SME_METADATA_AUTOPILOT_JOBS" VALUES (CURRENT_TIMESTAMP,
            '{JOB}', '{e2e_stack.connection_name}', '{description.iam_sagemaker_role}',
            's3://{description.s3_bucket}', 'old-sme', '{TARGET}', 'BinaryClassification', '{{"MetricName":"F1"}}',
            NULL, 2, NULL, 4711, 'SYS', '{names}', '{types}')''')
        # the old deployment: the best candidate answering predicted_label,probability
        best = sagemaker.describe_auto_ml_job_v2(AutoMLJobName=JOB)["BestCandidate"]
        containers = [{**c, "Environment": {**c.get("Environment", {}),
                                            "SAGEMAKER_INFERENCE_OUTPUT": "predicted_label,probability"}}
                      for c in best["InferenceContainers"]]
        sagemaker.create_model(ModelName=OLD_EP, Containers=containers,
                               ExecutionRoleArn=description.iam_sagemaker_role)
        sagemaker.create_endpoint_config(EndpointConfigName=OLD_EP, ProductionVariants=[{
            "VariantName": "main", "ModelName": OLD_EP, "InstanceType": "ml.m5.large", "InitialInstanceCount": 1}])
        sagemaker.create_endpoint(EndpointName=OLD_EP, EndpointConfigName=OLD_EP)
        _wait(lambda: sagemaker.describe_endpoint(EndpointName=OLD_EP)["EndpointStatus"] == "InService")
        address = json.dumps({"aws_s3_connection": e2e_stack.connection_name, "aws_region": description.aws_region,
                              "endpoint_name": OLD_EP, "status": "deployed", "batch_size": 100})
        console.execute(f"CREATE OR REPLACE CONNECTION {OLD_CONNECTION} TO {sql_string(address)}")
        features = [c for c in columns if c.name != TARGET]
        declared = ", ".join(f"{c.name} {c.sql_type}" for c in features)
        console.execute(
            f'CREATE OR REPLACE PYTHON3_SME SET SCRIPT {DATA}."{OLD_EP}"({declared}) '
            f"EMITS ({declared}, PROBABILITY DECIMAL(18,4), PREDICTIONS BOOLEAN) AS\n"
            "from exasol_sagemaker_extension.autopilot_prediction_udf import AutopilotPredictionUDF\n"
            f"udf = AutopilotPredictionUDF(exa, '{OLD_CONNECTION}')\n"
            "def run(ctx):\n\tudf.run(ctx)\n/")
        before = console.rows(f'SELECT * FROM "{OLD_SCHEMA}"."SME_METADATA_AUTOPILOT_JOBS"')
    run_sme_deploy(description, OLD_SCHEMA, print)
    return before, [c.name for c in features]


def test_the_old_row_survives_and_the_old_job_polls_deploys_and_scores(old_installation, e2e_stack, console):
    before, features = old_installation
    after = console.rows(f'SELECT * FROM "{OLD_SCHEMA}"."SME_METADATA_AUTOPILOT_JOBS"')
    assert len(after) == 1 and after[0][:16] == before[0]

    calls = ExtensionCalls(console, OLD_SCHEMA, e2e_stack.connection_name)
    assert calls.poll(JOB)["JOB_STATUS"] == "Completed"
    assert calls.deploy(JOB, NEW_EP, DATA)["ENDPOINT_STATUS"] == "InService"

    arguments = ", ".join(features)
    console.execute(f'CREATE OR REPLACE TABLE {DATA}."OLD_SCORES" AS SELECT {DATA}."{OLD_EP}"({arguments}) '
                    f'FROM {DATA}."CHURN"')
    console.execute(f'CREATE OR REPLACE TABLE {DATA}."NEW_SCORES" AS SELECT {DATA}."{NEW_EP}"({arguments}) '
                    f'FROM {DATA}."CHURN"')
    types = console.rows(f"""SELECT COLUMN_NAME, COLUMN_TYPE FROM SYS.EXA_ALL_COLUMNS WHERE COLUMN_SCHEMA = '{DATA}'
        AND COLUMN_TABLE = 'OLD_SCORES' ORDER BY COLUMN_ORDINAL_POSITION""")
    assert types[-2:] == [("PROBABILITY", "DECIMAL(18,4)"), ("PREDICTIONS", "BOOLEAN")]
    assert len(types) == len(features) + 2
    key = ", ".join(features)
    old = console.rows(f'SELECT {key}, PREDICTIONS, PROBABILITY FROM {DATA}."OLD_SCORES" ORDER BY {key}')
    new = console.rows(f'SELECT {key}, PREDICTIONS, PROBABILITY FROM {DATA}."NEW_SCORES" ORDER BY {key}')
    assert len(old) == len(new) == 600
    assert [row[:-1] for row in old] == [row[:-1] for row in new]
    assert all(abs(float(o[-1]) - float(n[-1])) <= 0.00005 for o, n in zip(old, new))
