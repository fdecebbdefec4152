"""Model insight from SQL on the local stack: stopping a running job, the best candidate's feature importance
and metrics, and an endpoint's CloudWatch metrics — each through the documented EXECUTE SCRIPT call."""

import datetime
import time

import pytest

from sme_local.churn_tutorial import KEY
from sme_local.datasets import CHURN, read_rows
from sme_local.extension_calls import ExtensionCalls
from sme_local.loading import load_table

pytestmark = pytest.mark.slow

SCHEMA = "INSIGHT_E2E"


@pytest.fixture(scope="module")
def churn_table(e2e_stack):
    """CHURN_FEATURES: every churn.csv customer without the PHONE key."""
    rows = read_rows(e2e_stack.data_dir / CHURN.file_name, CHURN)
    with e2e_stack.connect() as connection:
        console = e2e_stack.console(connection)
        console.execute(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"')
        load_table(console, e2e_stack.description, e2e_stack.connection_name, CHURN, rows, SCHEMA, "CHURN")
        features = ", ".join(f'"{c.name}"' for c in CHURN.columns if c.name != KEY)
        console.execute(f'CREATE OR REPLACE TABLE "{SCHEMA}"."CHURN_FEATURES" AS SELECT {features} '
                        f'FROM "{SCHEMA}"."CHURN"')
    return e2e_stack


def _train(calls, stack, job_name, **extra):
    calls.train({
        "job_name": job_name, "input_schema_name": SCHEMA, "input_table_or_view_name": "CHURN_FEATURES",
        "s3_bucket_uri": f"s3://{stack.description.s3_bucket}", "s3_output_path": "e2e-insight",
        "iam_sagemaker_role": stack.description.iam_sagemaker_role, "target_attribute_name": "CHURN",
        "problem_type": "BinaryClassification", **extra,
    })


def _poll_until(calls, job_name, done, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = calls.poll(job_name, show=False)
        if done(status):
            return status
        time.sleep(0.5)
    raise AssertionError(f"{job_name}: last status {status}")


def test_stopping_a_running_job_from_sql(churn_table, calls, console):
    _train(calls, churn_table, "insight-stop", max_runtime_for_automl_job_in_seconds=3600)
    _poll_until(calls, "insight-stop", lambda s: s["JOB_SECONDARY_STATUS"] in ("TrainingModels", "ModelTuning"))
    time.sleep(2.0)  # let a few trials finish

    stopping = calls.stop("insight-stop")
    assert (stopping["JOB_STATUS"], stopping["JOB_SECONDARY_STATUS"]) == ("Stopping", "Stopping")
    stopped = _poll_until(calls, "insight-stop", lambda s: s["JOB_STATUS"] != "Stopping", timeout=30)
    assert (stopped["JOB_STATUS"], stopped["JOB_SECONDARY_STATUS"]) == ("Stopped", "Stopped")
    assert stopped["BEST_CANDIDATE_NAME"] and stopped["OBJECTIVE_METRIC_NAME"] == "F1"
    stored = console.records(f'''SELECT JOB_STATUS, BEST_CANDIDATE_NAME FROM "{churn_table.extension_schema}".
        "SME_AUTOPILOT_JOBS" WHERE JOB_NAME = 'insight-stop' ''')
    assert stored == [{"JOB_STATUS": "Stopped", "BEST_CANDIDATE_NAME": stopped["BEST_CANDIDATE_NAME"]}]

    with pytest.raises(Exception) as again:
        calls.stop("insight-stop")
    assert "E-SME-86" in str(again.value) and "E-SME-175" in str(again.value)
    with pytest.raises(Exception) as unknown:
        calls.stop("no-such-job")
    assert "E-SME-123" in str(unknown.value)


@pytest.fixture(scope="module")
def completed_job(churn_table, e2e_stack):
    with e2e_stack.connect() as connection:
        calls = ExtensionCalls(e2e_stack.console(connection), e2e_stack.extension_schema, e2e_stack.connection_name)
        _train(calls, churn_table, "insight-done", max_candidates=10)
        calls.wait_for_job("insight-done", e2e_stack.job_timeout_seconds)
    return "insight-done"


def test_explaining_the_best_candidate_from_sql(completed_job, calls):
    rows = calls.explain(completed_job)
    features = [row for row in rows if row["KIND"] == "FEATURE_IMPORTANCE"]
    metrics = [row for row in rows if row["KIND"] == "METRIC"]
    assert rows == features + metrics  # features first
    assert {row["NAME"] for row in features} == {c.name for c in CHURN.columns} - {KEY, "CHURN"}
    assert [int(row["FEATURE_RANK"]) for row in features] == list(range(1, len(features) + 1))
    importances = [row["VALUE"] for row in features]
    assert importances == sorted(importances, reverse=True) and importances[0] > importances[-1] >= 0
    best = calls.poll(completed_job)
    f1 = [row["VALUE"] for row in metrics if row["NAME"] == "F1" and row["DATA_SET"] == "Validation"]
    assert f1 == [pytest.approx(best["OBJECTIVE_METRIC_VALUE"])]
    assert {row["CANDIDATE_NAME"] for row in rows} == {best["BEST_CANDIDATE_NAME"]}


def test_explaining_a_running_job_says_when_the_report_comes(churn_table, calls):
    _train(calls, churn_table, "insight-early", max_runtime_for_automl_job_in_seconds=3600)
    with pytest.raises(Exception) as early:
        calls.explain("insight-early")
    assert "E-SME-88" in str(early.value) and "E-SME-176" in str(early.value)
    calls.stop("insight-early")


def test_endpoint_metrics_from_sql(completed_job, calls, console):
    since = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(seconds=5)).strftime(
        "%Y-%m-%d %H:%M:%S")
    calls.deploy(completed_job, "insight-ep", SCHEMA)
    features = ", ".join(f'"{c.name}"' for c in CHURN.columns if c.name not in (KEY, "CHURN"))
    scoring = f'SELECT "{SCHEMA}"."insight-ep"("{KEY}", {features}) FROM "{SCHEMA}"."CHURN"'
    console.execute(f'CREATE OR REPLACE TABLE "{SCHEMA}"."SCORES" AS {scoring}')

    [first] = calls.endpoint_metrics("insight-ep", since)
    assert (first["ENDPOINT_NAME"], first["VARIANT_NAME"]) == ("insight-ep", "AllTraffic")
    assert first["INVOCATIONS"] >= 1 and first["INVOCATION_4XX_ERRORS"] == first["INVOCATION_5XX_ERRORS"] == 0
    assert 0 < first["MODEL_LATENCY_P50_US"] <= first["MODEL_LATENCY_P99_US"] <= first["MODEL_LATENCY_MAX_US"]
    assert str(first["WINDOW_START"]).startswith(since)  # pyexasol gives TIMESTAMPs as text

    console.execute(f'CREATE OR REPLACE TABLE "{SCHEMA}"."SCORES" AS {scoring}')
    [second] = calls.endpoint_metrics("insight-ep", since)
    assert second["INVOCATIONS"] == 2 * first["INVOCATIONS"]  # the same rows in the same batches again

    future = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)).strftime("%Y-%m-%d")
    with pytest.raises(Exception) as ahead:
        calls.endpoint_metrics("insight-ep", future)
    assert "E-SME-89" in str(ahead.value) and "E-SME-180" in str(ahead.value)
    with pytest.raises(Exception) as unknown:
        calls.endpoint_metrics("no-such-ep")
    assert "E-SME-123" in str(unknown.value)
    calls.delete("insight-ep")
