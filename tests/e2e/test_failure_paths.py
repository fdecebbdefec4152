"""What users see when things go wrong: a training job that fails with its reason, and a re-installation of
the extension (sme-deploy run again) that keeps every metadata row."""

import pyexasol
import pytest

from exasol_sagemaker_extension.errors import SmeError
from sme_local.churn_tutorial import KEY
from sme_local.datasets import CHURN, read_rows
from sme_local.extension import run_sme_deploy
from sme_local.loading import load_table

pytestmark = pytest.mark.slow

SCHEMA = "FAILURES_E2E"
CHURN_INDEX = [c.name for c in CHURN.columns].index("CHURN")


@pytest.fixture(scope="module")
def small_tables(e2e_stack):
    """NO_CHURN: 120 customers who all stayed (one target value); FEW_ROWS: 20 customers of both kinds."""
    rows = read_rows(e2e_stack.data_dir / CHURN.file_name, CHURN)
    stayed = [row for row in rows if row[CHURN_INDEX] is False][:120]
    few = [row for row in rows if row[CHURN_INDEX] is True][:10] + stayed[:10]
    with e2e_stack.connect() as connection:
        console = e2e_stack.console(connection)
        console.execute(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"')
        for table, table_rows in (("NO_CHURN_ALL", stayed), ("FEW_ROWS_ALL", few)):
            load_table(console, e2e_stack.description, e2e_stack.connection_name, CHURN, table_rows, SCHEMA, table)
            features = ", ".join(f'"{c.name}"' for c in CHURN.columns if c.name != KEY)
            console.execute(f'CREATE OR REPLACE TABLE "{SCHEMA}"."{table[:-4]}" AS SELECT {features} '
                            f'FROM "{SCHEMA}"."{table}"')
    return e2e_stack


def _train(calls, stack, job_name, table):
    calls.train({
        "job_name": job_name, "input_schema_name": SCHEMA, "input_table_or_view_name": table,
        "s3_bucket_uri": f"s3://{stack.description.s3_bucket}", "s3_output_path": "e2e-failures",
        "iam_sagemaker_role": stack.description.iam_sagemaker_role, "target_attribute_name": "CHURN",
        "problem_type": "BinaryClassification",
    })


@pytest.mark.parametrize(("job_name", "table", "reason_part"), [
    ("single-target-value", "NO_CHURN", "distinct target values"),
    ("too-few-rows", "FEW_ROWS", "rows"),
])
def test_a_failed_job_reports_its_reason(small_tables, calls, console, job_name, table, reason_part):
    _train(calls, small_tables, job_name, table)

    with pytest.raises(SmeError) as failure:
        calls.wait_for_job(job_name, small_tables.job_timeout_seconds)

    assert failure.value.code == "E-SME-506"
    status = calls.poll(job_name)
    assert status["JOB_STATUS"] == "Failed"
    assert reason_part in status["FAILURE_REASON"]
    assert status["FAILURE_REASON"] in failure.value.message
    stored = console.records(f'''SELECT JOB_STATUS, FAILURE_REASON FROM "{small_tables.extension_schema}".
        "SME_AUTOPILOT_JOBS" WHERE JOB_NAME = '{job_name}' ''')
    assert stored == [{"JOB_STATUS": "Failed", "FAILURE_REASON": status["FAILURE_REASON"]}]


def test_deploying_a_failed_job_is_refused_before_any_endpoint_exists(small_tables, calls):
    _train(calls, small_tables, "failed-then-deployed", "NO_CHURN")
    with pytest.raises(SmeError):
        calls.wait_for_job("failed-then-deployed", small_tables.job_timeout_seconds)

    with pytest.raises(pyexasol.ExaQueryError) as refused:
        calls.deploy("failed-then-deployed", "never-created", SCHEMA)

    assert "E-SME-" in refused.value.message
    endpoints = small_tables.aws_client("sagemaker").list_endpoints(NameContains="never-created")["Endpoints"]
    assert endpoints == []


def test_running_sme_deploy_again_keeps_every_metadata_row(small_tables, calls, console):
    _train(calls, small_tables, "kept-across-redeploy", "NO_CHURN")
    query = (f'SELECT * FROM "{small_tables.extension_schema}"."SME_METADATA_AUTOPILOT_JOBS" '
             f'ORDER BY JOB_NAME')
    before = console.rows(query)
    endpoints_before = console.rows(f'SELECT * FROM "{small_tables.extension_schema}".'
                                    f'"SME_METADATA_AUTOPILOT_ENDPOINTS" ORDER BY ENDPOINT_NAME')

    run_sme_deploy(small_tables.description, small_tables.extension_schema, print)

    assert "kept-across-redeploy" in [row[1] for row in before]
    assert console.rows(query) == before
    assert console.rows(f'SELECT * FROM "{small_tables.extension_schema}".'
                        f'"SME_METADATA_AUTOPILOT_ENDPOINTS" ORDER BY ENDPOINT_NAME') == endpoints_before
    assert calls.poll("kept-across-redeploy")["JOB_STATUS"] in ("InProgress", "Completed", "Failed")
