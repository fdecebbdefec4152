"""The whole flow with a recognisable secret key and session token: they appear nowhere but in the CONNECTION.

The connection uses Exasol's S3 key format (the only one that carries a session token). The tutorial runs on it
(load, train, poll, deploy, score, delete), then calls that fail on purpose; afterwards every place the
extension or the stack writes to is searched: what the scripts returned and printed, the error messages, the
metadata tables, the script texts, the other connections, every file under the stack's directory, every object
on S3, and what ``sme-deploy --to-print`` prints.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyexasol
import pytest

from sme_local.churn_tutorial import ChurnTutorial, TutorialSettings
from sme_local.extension_calls import ExtensionCalls, aws_connection_address
from sme_local.sql_console import sql_string

pytestmark = pytest.mark.slow

SECRET_KEY = "SecretCanaryKey0wJalrXUtnFEMIK7MDENGbPxRfiCY"
SESSION_TOKEN = "TokenCanary0FwoGZXIvYXdzEXAMPLEtokenTEXT"
SECRETS = (SECRET_KEY, SESSION_TOKEN)
CONNECTION = "SECRET_CANARY_CONN"
SCHEMA = "SECRETS_E2E"


def leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


@pytest.fixture(scope="module")
def flow(e2e_stack):
    """Runs the flow on the canary connection; returns everything printed and every error message."""
    printed: list[str] = []
    errors: list[str] = []
    description = e2e_stack.description
    with e2e_stack.connect() as connection:
        console = e2e_stack.console(connection)
        password = f"S3_ACCESS_KEY={description.aws_access_key_id};S3_SECRET_KEY={SECRET_KEY};" \
                   f"S3_SESSION_TOKEN={SESSION_TOKEN}"
        console.execute(f'CREATE OR REPLACE CONNECTION "{CONNECTION}" TO '
                        f"{sql_string(aws_connection_address(description))} USER '' IDENTIFIED BY "
                        f"{sql_string(password)}")
        settings = TutorialSettings(data_dir=e2e_stack.data_dir, schema=SCHEMA,
                                    extension_schema=e2e_stack.extension_schema, connection_name=CONNECTION,
                                    job_timeout_seconds=e2e_stack.job_timeout_seconds, install_locally=False,
                                    create_connection=False)
        result = ChurnTutorial(description, settings, lambda *parts: printed.append(" ".join(map(str, parts)))).run()
        calls = ExtensionCalls(e2e_stack.console(connection), e2e_stack.extension_schema, CONNECTION)
        failing = [
            lambda: calls.poll("no-such-job"),
            lambda: calls.deploy("no-such-job", "secret-ep", SCHEMA),
            lambda: calls.delete("no-such-endpoint"),
            lambda: calls.train({"job_name": "secret-missing-table", "input_schema_name": SCHEMA,
                                 "input_table_or_view_name": "NO_SUCH_TABLE",
                                 "s3_bucket_uri": f"s3://{description.s3_bucket}", "s3_output_path": "secrets",
                                 "iam_sagemaker_role": description.iam_sagemaker_role,
                                 "target_attribute_name": "CHURN"}),
            lambda: connection.execute(f'SELECT "{SCHEMA}"."{result.endpoint_name}"(1, 2)').fetchall(),
        ]
        for call in failing:
            with pytest.raises(Exception) as failure:
                call()
            errors.append(str(failure.value))
        printed.extend(str(row) for row in calls.reconcile())
    return result, printed, errors


def test_the_flow_really_used_the_canary_credentials(flow, e2e_stack):
    result, printed, errors = flow
    assert result.metrics["ROC_AUC"] is not None and result.test_rows > 0
    assert len(errors) == 5 and all("E-SME-" in error for error in errors)


def test_no_secret_in_anything_printed_or_returned_or_in_an_error(flow):
    _, printed, errors = flow
    assert printed and not [line for line in printed + errors if leaks(line)]


def test_no_secret_in_the_metadata_the_scripts_or_other_connections(flow, e2e_stack):
    with e2e_stack.connect() as connection:
        texts = []
        for table in ("SME_METADATA_AUTOPILOT_JOBS", "SME_METADATA_AUTOPILOT_ENDPOINTS"):
            texts += [repr(row) for row in connection.execute(f'SELECT * FROM "SME"."{table}"').fetchall()]
        texts += [row[0] for row in connection.execute("SELECT SCRIPT_TEXT FROM SYS.EXA_ALL_SCRIPTS").fetchall()]
        texts += [repr(row) for row in connection.execute(
            "SELECT CONNECTION_NAME, CONNECTION_STRING, USER_NAME FROM SYS.EXA_DBA_CONNECTIONS").fetchall()]
        texts += [repr(row) for row in connection.execute(f'SELECT * FROM "{SCHEMA}"."CHURN_SCORES"').fetchall()]
    assert len(texts) > 10 and not [text[:200] for text in texts if leaks(text)]


def _without_the_canary_connection(catalog: dict) -> dict:
    """The catalog file with the canary CONNECTION's own entry removed: the one place the secret belongs."""
    connections = {name: entry for name, entry in catalog["connections"].items() if name != CONNECTION}
    assert CONNECTION in catalog["connections"]
    return {**catalog, "connections": connections}


def test_no_secret_in_any_file_the_stack_wrote(flow, e2e_stack):
    scanned, leaking = 0, []
    for path in sorted(p for p in Path(e2e_stack.directory).rglob("*") if p.is_file()):
        data = path.read_bytes()
        if path.name == "catalog.json":
            assert SECRET_KEY.encode() in data  # the scan sees the one place the secret belongs
            data = json.dumps(_without_the_canary_connection(json.loads(data))).encode()
        scanned += 1
        if any(secret.encode() in data for secret in SECRETS):
            leaking.append(str(path.relative_to(e2e_stack.directory)))
    assert scanned > 5 and leaking == []


def test_no_secret_in_any_object_on_s3(flow, e2e_stack):
    s3 = e2e_stack.aws_client("s3")
    keys = 0
    for bucket in s3.list_buckets()["Buckets"]:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket["Name"]):
            for item in page.get("Contents", []):
                body = s3.get_object(Bucket=bucket["Name"], Key=item["Key"])["Body"].read()
                keys += 1
                assert not any(secret.encode() in body for secret in SECRETS), item["Key"]
    assert keys > 0


def test_no_secret_in_what_sme_deploy_prints():
    """sme-deploy's own secrets (database and BucketFS passwords) stay out of the SQL it prints."""
    printed = subprocess.run(
        [sys.executable, "-c", "from exasol_sagemaker_extension.installation.cli import main; main()", "--to-print", "--schema", "SME",
         "--db-password", SECRET_KEY, "--bucketfs-password", SESSION_TOKEN],
        capture_output=True, text=True, check=True, timeout=120)
    assert "CREATE" in printed.stdout and not leaks(printed.stdout + printed.stderr)
