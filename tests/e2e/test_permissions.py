"""Least privilege end to end: an analyst and a scorer who are not DBAs get exactly the grants of
doc/user_guide.md, "Permissions" (its SQL blocks are read from the guide and run as written, only the example
names replaced), then the analyst trains, deploys and scores and the scorer scores. Taking one grant away gives
the error the guide promises, naming the GRANT that is missing."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyexasol
import pytest

from sme_local.churn_tutorial import KEY, TARGET
from sme_local.datasets import CHURN, quote, read_rows
from sme_local.extension_calls import ExtensionCalls
from sme_local.loading import load_table
from test_sme_local_newcomer import REPOSITORY
from test_tutorial_by_hand import fenced_blocks, statements

pytestmark = pytest.mark.slow

GUIDE = REPOSITORY / "doc" / "user_guide.md"
DATA_SCHEMA = "PERMISSIONS_E2E"
UDF_SCHEMA = "ML_ANALYST"
JOB = "permissions-job"
ENDPOINT = "permissions-endpoint"
PASSWORDS = {"ANALYST": "Analyst-Secret-1", "SCORER": "Scorer-Secret-1"}
FEATURES = [c.name for c in CHURN.columns if c.name not in (KEY, TARGET)]


def permission_blocks() -> list[str]:
    """The SQL blocks of the guide's Permissions section, in order, with this test's names in them."""
    section = GUIDE.read_text(encoding="utf-8").split("\n## Permissions\n", 1)[1].split("\n## ", 1)[0]
    blocks = [text for language, text in fenced_blocks(section) if language == "sql"]
    assert len(blocks) == 4, blocks
    names = {"DEMO.": f"{DATA_SCHEMA}.", '"churn-endpoint"': f'"{ENDPOINT}"', "CHURN-ENDPOINT": ENDPOINT.upper()}
    for user, password in PASSWORDS.items():
        names[f'CREATE USER {user} IDENTIFIED BY "<password>"'] = f'CREATE USER {user} IDENTIFIED BY "{password}"'
    for old, new in names.items():
        blocks = [block.replace(old, new) for block in blocks]
    return blocks


def run_block(console, block: str) -> None:
    """Each statement of the block, as a SQL client sends it (whole-line ``--`` comments are not sent)."""
    code = "\n".join(line for line in block.splitlines() if not line.strip().startswith("--"))
    for statement in statements(code):
        console.execute(statement)


def scoring_sql() -> str:
    arguments = ", ".join(quote(name) for name in FEATURES)
    return f'SELECT {UDF_SCHEMA}."{ENDPOINT}"({arguments}) FROM {DATA_SCHEMA}.CHURN_TEST'


class Users:
    """Connections of the stack's admin and of the two users the guide creates."""

    def __init__(self, stack) -> None:
        self.stack = stack
        self._opened: list[pyexasol.ExaConnection] = []

    def console(self, user: str | None = None):
        if user is None:
            connection = self.stack.connect()
        else:
            connection = pyexasol.connect(dsn=self.stack.description.dsn, user=user, password=PASSWORDS[user])
        self._opened.append(connection)
        return self.stack.console(connection)

    def calls(self, user: str) -> ExtensionCalls:
        return ExtensionCalls(self.console(user), self.stack.extension_schema, self.stack.connection_name)

    def close(self) -> None:
        for connection in self._opened:
            connection.close()


@pytest.fixture(scope="module")
def users(e2e_stack) -> Iterator[Users]:
    opened = Users(e2e_stack)
    admin = opened.console()
    rows = read_rows(e2e_stack.data_dir / CHURN.file_name, CHURN)
    admin.execute(f"CREATE SCHEMA IF NOT EXISTS {DATA_SCHEMA}")
    load_table(admin, e2e_stack.description, e2e_stack.connection_name, CHURN, rows[:900], DATA_SCHEMA, "CHURN_ALL")
    columns = ", ".join(quote(c.name) for c in CHURN.columns if c.name != KEY)
    admin.execute(f"CREATE OR REPLACE TABLE {DATA_SCHEMA}.CHURN_TRAIN AS SELECT {columns} FROM {DATA_SCHEMA}.CHURN_ALL")
    load_table(admin, e2e_stack.description, e2e_stack.connection_name, CHURN, rows[900:960], DATA_SCHEMA, "CHURN_TEST")
    run_block(admin, permission_blocks()[0])
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def deployed(users) -> Users:
    """The analyst's own path: train, wait, deploy into its schema, then the guide's per-endpoint grant."""
    stack = users.stack
    analyst = users.calls("ANALYST")
    analyst.train({
        "job_name": JOB, "input_schema_name": DATA_SCHEMA, "input_table_or_view_name": "CHURN_TRAIN",
        "s3_bucket_uri": f"s3://{stack.description.s3_bucket}", "s3_output_path": "e2e-permissions",
        "iam_sagemaker_role": stack.description.iam_sagemaker_role, "target_attribute_name": TARGET,
        "problem_type": "BinaryClassification", "max_candidates": 2,
    })
    analyst.wait_for_job(JOB, stack.job_timeout_seconds)
    analyst.candidates(JOB)
    analyst.deploy(JOB, ENDPOINT, UDF_SCHEMA)
    run_block(analyst.console, permission_blocks()[1])
    return users


def test_the_analyst_trains_deploys_and_scores_with_the_documented_grants(deployed):
    analyst = deployed.console("ANALYST")
    assert analyst.rows("SELECT CURRENT_USER")[0][0] == "ANALYST"
    scores = analyst.records(scoring_sql())
    assert len(scores) == 60 and all(row["PREDICTIONS"] in (True, False) for row in scores)
    jobs = analyst.records(f"SELECT JOB_STATUS, SCRIPT_USER FROM SME.SME_AUTOPILOT_JOBS WHERE JOB_NAME = '{JOB}'")
    assert jobs == [{"JOB_STATUS": "Completed", "SCRIPT_USER": "ANALYST"}]


@pytest.fixture(scope="module")
def scorer(deployed) -> Users:
    """The guide's two scorer blocks: the administrator's part, then the analyst's."""
    blocks = permission_blocks()
    run_block(deployed.console(), blocks[2])
    run_block(deployed.console("ANALYST"), blocks[3])
    return deployed


def test_the_scorer_scores_with_only_the_documented_grants(scorer):
    scorer = scorer.console("SCORER")
    assert len(scorer.rows(scoring_sql())) == 60
    with pytest.raises(pyexasol.ExaQueryError, match="insufficient privileges for executing a script"):
        scorer.execute("EXECUTE SCRIPT SME.SME_POLL_SAGEMAKER_AUTOPILOT_JOB_STATUS('permissions-job', 'AWS_CONN', NULL)")


def test_a_scorer_without_access_to_the_model_connection_is_told_the_grant(scorer):
    analyst = scorer.console("ANALYST")
    model_connection = f'"SME_SAGEMAKER_AUTOPILOT_ENDPOINT_CONNECTION_{ENDPOINT.upper()}"'
    grant = f'ACCESS ON CONNECTION {model_connection} FOR SCRIPT {UDF_SCHEMA}."{ENDPOINT}"'
    analyst.execute(f"REVOKE {grant} FROM SCORER")
    try:
        with pytest.raises(pyexasol.ExaQueryError) as refused:
            scorer.console("SCORER").execute(scoring_sql())
        assert "E-SME-241" in refused.value.message and "may not be used by the current user" in refused.value.message
        assert "GRANT ACCESS ON CONNECTION" in refused.value.message
    finally:
        analyst.execute(f"GRANT {grant} TO SCORER")


def test_an_analyst_without_the_export_privilege_is_told_the_grant(deployed):
    admin = deployed.console()
    admin.execute("REVOKE EXPORT FROM ANALYST")
    try:
        with pytest.raises(pyexasol.ExaQueryError) as refused:
            deployed.calls("ANALYST").train({
                "job_name": "permissions-refused", "input_schema_name": DATA_SCHEMA,
                "input_table_or_view_name": "CHURN_TRAIN", "s3_bucket_uri": f"s3://{deployed.stack.description.s3_bucket}",
                "s3_output_path": "e2e-permissions", "iam_sagemaker_role": deployed.stack.description.iam_sagemaker_role,
                "target_attribute_name": TARGET,
            })
        message = refused.value.message
        assert "E-SME-58: Exporting" in message and "insufficient privileges for EXPORT" in message
        assert 'GRANT EXPORT TO "ANALYST"' in message
    finally:
        admin.execute("GRANT EXPORT TO ANALYST")


def test_a_deployer_without_create_script_is_refused_before_any_endpoint(deployed):
    admin = deployed.console()
    admin.execute("REVOKE CREATE SCRIPT FROM ANALYST")
    try:
        with pytest.raises(pyexasol.ExaQueryError) as refused:
            deployed.calls("ANALYST").deploy(JOB, "permissions-never", UDF_SCHEMA)
        assert re.search(r"E-SME-59: The user .ANALYST. may not deploy: it lacks the system privilege CREATE SCRIPT",
                        refused.value.message)
        assert 'GRANT CREATE SCRIPT TO "ANALYST"' in refused.value.message
    finally:
        admin.execute("GRANT CREATE SCRIPT TO ANALYST")
    endpoints = deployed.stack.aws_client("sagemaker").list_endpoints(NameContains="permissions-never")["Endpoints"]
    assert endpoints == []


def test_the_analyst_may_reconcile_with_the_same_grants(deployed):
    rows = deployed.console("ANALYST").records(
        f"EXECUTE SCRIPT {deployed.stack.extension_schema}.SME_RECONCILE_SAGEMAKER_RESOURCES('AWS_CONN', NULL, 'list')")
    assert isinstance(rows, list)


def test_the_analyst_deletes_its_endpoint(deployed):
    outcomes = deployed.calls("ANALYST").delete(ENDPOINT)
    assert {row["RESOURCE_TYPE"]: row["OUTCOME"] for row in outcomes} == {
        "ENDPOINT": "DELETED", "ENDPOINT_CONFIG": "DELETED", "MODEL": "DELETED"}
