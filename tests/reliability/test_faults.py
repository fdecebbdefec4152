"""Faults injected into the local stack's AWS emulator (``sme_local.aws.faults``) while the extension works, and
several sessions at once: AWS's advised retries ride out throttling and 5xx, a failure that outlasts them ends in
an E-SME error and leaves no SageMaker resource, metadata row, connection or UDF behind, and a query that succeeds
has every row once with the prediction it has without faults.

One small job is trained for the module (400 churn rows, two candidates) and deployed once, under faults.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pyexasol
import pytest

from sme_local.aws.faults import FaultControl
from sme_local.datasets import CHURN, quote, read_rows
from sme_local.extension_calls import ExtensionCalls
from sme_local.loading import load_table

pytestmark = pytest.mark.slow

SCHEMA = "FAULTS_E2E"
JOB = "faults-job"
OTHER_JOB = "faults-other-job"  # trained at the same time from another session
ENDPOINT = "faults-ep"
ROWS = 400
FEATURES = [c.name for c in CHURN.columns if c.name not in ("PHONE", "CHURN")]
SCORING = (f'SELECT "{SCHEMA}"."{ENDPOINT}"({", ".join(quote(n) for n in ["PHONE", *FEATURES])}) '
           f'FROM "{SCHEMA}"."CHURN"')
# Every row once, in one number each: count, distinct keys, and a checksum over the keys' predictions.
CHECK = (f'SELECT COUNT(*), COUNT(DISTINCT "ROW_KEY"), '
         f'SUM(CASE WHEN "PREDICTIONS" THEN 1 ELSE 0 END), ROUND(SUM("PROBABILITY"), 6) FROM ({SCORING})')


@pytest.fixture(scope="module")
def faults(e2e_stack):
    control = FaultControl(e2e_stack.description.aws_endpoint_url)
    control.clear()
    yield control
    control.clear()


@pytest.fixture(autouse=True)
def no_rule_outlives_its_test(faults):
    yield
    faults.clear()


@pytest.fixture(scope="module")
def deployed(e2e_stack, faults):
    """Train and deploy once; the control-plane calls meet throttling and 5xx on the way. Returns the rules."""
    description = e2e_stack.description
    with e2e_stack.connect() as connection:
        console = e2e_stack.console(connection)
        console.execute(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"')
        load_table(console, description, e2e_stack.connection_name, CHURN,
                   read_rows(e2e_stack.data_dir / CHURN.file_name, CHURN)[:ROWS], SCHEMA, "CHURN")
        columns = ", ".join(quote(c.name) for c in CHURN.columns if c.name != "PHONE")
        console.execute(f'CREATE OR REPLACE TABLE "{SCHEMA}"."TRAIN" AS SELECT {columns} FROM "{SCHEMA}"."CHURN"')
        calls = ExtensionCalls(console, e2e_stack.extension_schema, e2e_stack.connection_name)
        faults.inject("sagemaker:CreateAutoMLJobV2", "throttling", count=2)
        faults.inject("sagemaker:DescribeAutoMLJobV2", "unavailable", count=2)
        with ThreadPoolExecutor(2) as pool:
            statuses = list(pool.map(lambda job: _train_in_own_session(e2e_stack, job), (JOB, OTHER_JOB)))
        assert [status["JOB_STATUS"] for status in statuses] == ["Completed", "Completed"]
        for operation, kind in (("CreateModel", "internal"), ("CreateEndpointConfig", "unavailable"),
                                ("CreateEndpoint", "throttling"), ("DescribeEndpoint", "throttling")):
            faults.inject(f"sagemaker:{operation}", kind, count=2)
        calls.deploy(JOB, ENDPOINT, SCHEMA)
        rules = faults.rules()
        faults.clear()
        baseline = [tuple(row) for row in console.rows(CHECK)]
    return rules, baseline[0]


def _train_in_own_session(e2e_stack, job_name: str) -> dict:
    with e2e_stack.connect() as connection:
        calls = ExtensionCalls(e2e_stack.console(connection), e2e_stack.extension_schema, e2e_stack.connection_name)
        calls.train(_train_request(e2e_stack, job_name))
        return calls.wait_for_job(job_name, e2e_stack.job_timeout_seconds)


def _train_request(e2e_stack, job_name: str) -> dict:
    description = e2e_stack.description
    return {"job_name": job_name, "input_schema_name": SCHEMA, "input_table_or_view_name": "TRAIN",
            "s3_bucket_uri": f"s3://{description.s3_bucket}", "s3_output_path": "faults",
            "iam_sagemaker_role": description.iam_sagemaker_role, "target_attribute_name": "CHURN",
            "problem_type": "BinaryClassification", "max_candidates": 2}


def _sme_error(call) -> str:
    with pytest.raises(pyexasol.ExaQueryError) as failure:
        call()
    assert "E-SME-" in failure.value.message and "Traceback" not in failure.value.message
    return failure.value.message


def _sagemaker_names(e2e_stack) -> set[str]:
    sagemaker = e2e_stack.aws_client("sagemaker")
    return ({m["ModelName"] for m in sagemaker.list_models()["Models"]}
            | {c["EndpointConfigName"] for c in sagemaker.list_endpoint_configs()["EndpointConfigs"]}
            | {e["EndpointName"] for e in sagemaker.list_endpoints()["Endpoints"]})


def _leftovers(console, e2e_stack, endpoint: str) -> dict:
    """Everything a deployment of ``endpoint`` may create, found anywhere."""
    return {
        "aws": sorted(n for n in _sagemaker_names(e2e_stack) if n.startswith(endpoint)),
        "metadata": console.rows(f"""SELECT COUNT(*) FROM "{e2e_stack.extension_schema}"."SME_AUTOPILOT_ENDPOINTS"
            WHERE ENDPOINT_NAME = '{endpoint}' AND STATUS <> 'deleted'""")[0][0],
        "scripts": console.rows(f"SELECT COUNT(*) FROM SYS.EXA_ALL_SCRIPTS WHERE SCRIPT_NAME = '{endpoint}'")[0][0],
        "connections": console.rows(f"""SELECT COUNT(*) FROM SYS.EXA_DBA_CONNECTIONS
            WHERE CONNECTION_NAME = 'SME_SAGEMAKER_AUTOPILOT_ENDPOINT_CONNECTION_{endpoint.upper()}'""")[0][0],
    }


NOTHING = {"aws": [], "metadata": 0, "scripts": 0, "connections": 0}


def test_throttling_and_5xx_on_control_plane_calls_are_retried_through(deployed):
    rules, baseline = deployed
    assert {r["operation"]: r["injected"] for r in rules} == {
        "sagemaker:CreateAutoMLJobV2": 2, "sagemaker:DescribeAutoMLJobV2": 2, "sagemaker:CreateModel": 2,
        "sagemaker:CreateEndpointConfig": 2, "sagemaker:CreateEndpoint": 2, "sagemaker:DescribeEndpoint": 2}
    assert baseline[0] == baseline[1] == ROWS


def test_a_deployment_failing_past_the_retries_leaves_nothing_behind(deployed, e2e_stack, faults, console, calls):
    faults.inject("sagemaker:CreateEndpoint", "internal", count=20)
    message = _sme_error(lambda: calls.deploy(JOB, "faults-broken-ep", SCHEMA))
    assert "InternalFailure" in message or "E-SME-12" in message
    assert _leftovers(console, e2e_stack, "faults-broken-ep") == NOTHING
    assert not [r for r in calls.reconcile() if "faults-broken-ep" in r["RESOURCE_NAME"]]


def test_throttling_on_every_sagemaker_call_fails_clearly_once_retries_are_spent(deployed, faults, calls):
    faults.inject("sagemaker:*", "throttling", count=100)
    started = time.monotonic()
    message = _sme_error(lambda: calls.poll(JOB))
    assert "E-SME-124" in message and "ThrottlingException" in message
    # five attempts of the standard retry mode per call, and the poll makes one or two calls: bounded, not endless
    assert faults.rules()[0]["injected"] in (5, 6, 10) and time.monotonic() - started < 60


def test_half_the_scoring_requests_throttled_loses_and_duplicates_no_prediction(deployed, faults, console):
    _, baseline = deployed
    faults.inject("sagemaker-runtime:InvokeEndpoint", "throttling", fraction=0.5, seed=13)
    assert tuple(console.rows(CHECK)[0]) == baseline
    rule = faults.rules()[0]
    assert rule["injected"] >= 1 and rule["matched"] > rule["injected"]


def test_an_endpoint_that_keeps_failing_ends_the_query_with_a_clear_error(deployed, faults, console):
    faults.inject("sagemaker-runtime:InvokeEndpoint", "unavailable", count=1000)
    message = _sme_error(lambda: console.rows(CHECK))
    assert "E-SME-155" in message and ENDPOINT in message


def test_s3_unavailable_during_the_training_export_fails_clearly_and_records_nothing(deployed, e2e_stack, faults,
                                                                                     console, calls):
    faults.inject("s3:PutObject", "unavailable", count=50)
    message = _sme_error(lambda: calls.train(_train_request(e2e_stack, "faults-no-s3")))
    assert "E-SME-15" in message and "ServiceUnavailable" in message
    assert console.rows(f"""SELECT COUNT(*) FROM "{e2e_stack.extension_schema}"."SME_METADATA_AUTOPILOT_JOBS"
        WHERE JOB_NAME = 'faults-no-s3'""")[0][0] == 0
    assert "faults-no-s3" not in [j["AutoMLJobName"] for j in
                                  e2e_stack.aws_client("sagemaker").list_auto_ml_jobs()["AutoMLJobSummaries"]]


def test_eight_sessions_scoring_at_once_each_get_every_row_once(deployed, e2e_stack):
    _, baseline = deployed

    def score(_):
        with e2e_stack.connect() as connection:
            return tuple(connection.execute(CHECK).fetchall()[0])

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(score, range(8)))
    assert results == [baseline] * 8


def test_two_sessions_deploying_two_jobs_under_one_endpoint_name_make_one_endpoint(deployed, e2e_stack, console):
    """The two jobs trained at once race for one name: one wins, the other is refused and creates nothing."""
    name = "faults-race-ep"
    start = threading.Barrier(2)

    def deploy(job):
        with e2e_stack.connect() as connection:
            calls = ExtensionCalls(e2e_stack.console(connection), e2e_stack.extension_schema,
                                   e2e_stack.connection_name)
            start.wait()
            try:
                return calls.deploy(job, name, SCHEMA)["ENDPOINT_STATUS"]
            except pyexasol.ExaQueryError as error:
                return error.message

    with ThreadPoolExecutor(2) as pool:
        outcomes = dict(zip((JOB, OTHER_JOB), pool.map(deploy, (JOB, OTHER_JOB))))
    winners = [job for job, outcome in outcomes.items() if outcome == "InService"]
    assert len(winners) == 1, outcomes
    loser = outcomes[OTHER_JOB if winners == [JOB] else JOB]
    assert "E-SME-166" in loser or "E-SME-145" in loser, loser
    assert _leftovers(console, e2e_stack, name) == {
        "aws": sorted([name, f"{name}-config", f"{name}-model"]), "metadata": 1, "scripts": 1, "connections": 1}
    recorded = console.rows(f"""SELECT JOB_NAME FROM "{e2e_stack.extension_schema}"."SME_AUTOPILOT_ENDPOINTS"
        WHERE ENDPOINT_NAME = '{name}' AND STATUS <> 'deleted'""")
    assert [row[0] for row in recorded] == winners
    scored = console.rows(f'SELECT COUNT(*) FROM (SELECT "{SCHEMA}"."{name}"'
                          f'({", ".join(quote(n) for n in ["PHONE", *FEATURES])}) FROM "{SCHEMA}"."CHURN")')
    assert scored[0][0] == ROWS
    ExtensionCalls(console, e2e_stack.extension_schema, e2e_stack.connection_name).delete(name)


def test_the_endpoint_deleted_during_a_scoring_query_ends_it_with_a_clear_error(deployed, e2e_stack, faults, console):
    """Last: it takes the module's endpoint away. The first request stalls; meanwhile the endpoint is deleted."""
    faults.inject("sagemaker-runtime:InvokeEndpoint", "timeout", count=1, delay_seconds=3)
    sagemaker = e2e_stack.aws_client("sagemaker")
    deleter = threading.Timer(1.0, lambda: sagemaker.delete_endpoint(EndpointName=ENDPOINT))
    deleter.start()
    started = time.monotonic()
    try:
        message = _sme_error(lambda: console.rows(CHECK))
    finally:
        deleter.join()
    assert "E-SME-153" in message and ENDPOINT in message
    assert time.monotonic() - started < 60


def test_a_stack_restarted_between_training_and_deployment_deploys_the_trained_job(tmp_path, e2e_stack):
    """Its own stack (the session's must keep running): train, stop, start on the same directory, deploy, score."""
    from sme_local.extension import activate_host_python, run_sme_deploy
    from sme_local.extension_calls import create_aws_connection
    from sme_local.stack import LocalStack

    def session(stack):
        connection = pyexasol.connect(dsn=stack.description.dsn, user=stack.description.db_user,
                                      password=stack.description.db_password)
        console = e2e_stack.console(connection)
        return connection, console, ExtensionCalls(console, "SME", "AWS_CONN")

    with LocalStack(tmp_path / "restart", max_training_seconds=5) as first:
        connection, console, _ = session(first)
        with connection:
            activate_host_python(console)  # ALTER SYSTEM: for the sessions opened after it
        run_sme_deploy(first.description, "SME", print)
        connection, console, calls = session(first)
        with connection:
            console.execute(f'CREATE SCHEMA "{SCHEMA}"')
            create_aws_connection(console, "AWS_CONN", first.description)
            load_table(console, first.description, "AWS_CONN", CHURN,
                       read_rows(e2e_stack.data_dir / CHURN.file_name, CHURN)[:ROWS], SCHEMA, "CHURN")
            columns = ", ".join(quote(c.name) for c in CHURN.columns if c.name != "PHONE")
            console.execute(f'CREATE TABLE "{SCHEMA}"."TRAIN" AS SELECT {columns} FROM "{SCHEMA}"."CHURN"')
            calls.train({**_train_request(e2e_stack, "restart-job"),
                         "s3_bucket_uri": f"s3://{first.description.s3_bucket}",
                         "iam_sagemaker_role": first.description.iam_sagemaker_role})
            calls.wait_for_job("restart-job", e2e_stack.job_timeout_seconds)
    with LocalStack(tmp_path / "restart", max_training_seconds=5) as second:
        connection, console, calls = session(second)
        with connection:
            assert calls.deploy("restart-job", "restart-ep", SCHEMA)["ENDPOINT_STATUS"] == "InService"
            scored = console.rows(f'SELECT COUNT(*), COUNT(DISTINCT "ROW_KEY") FROM (SELECT "{SCHEMA}"."restart-ep"'
                                  f'({", ".join(quote(n) for n in ["PHONE", *FEATURES])}) FROM "{SCHEMA}"."CHURN")')
            assert [int(v) for v in scored[0]] == [ROWS, ROWS]
            listed = {(r["RESOURCE_TYPE"], r["VERDICT"]) for r in calls.reconcile()}
            assert {verdict for _, verdict in listed} == {"TRACKED"}, listed
