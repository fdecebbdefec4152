"""The first hour as a newcomer meets it: ``sme-local up`` with its default, relative ``--dir`` started in one
directory, the tutorial script run from there with a relative stack path. Only the ports differ from the
defaults (0: free ones), so that parallel runs do not collide."""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from sme_local.datasets import find_data_dir

REPOSITORY = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 120
STOP_TIMEOUT_SECONDS = 30
TUTORIAL_TIMEOUT_SECONDS = 900


class UpProcess:
    """``sme-local up`` in the foreground of its own process, as a user starts it in a terminal."""

    def __init__(self, cwd: Path, *options: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "sme_local", "up", "--db-port", "0", "--bucketfs-port", "0", "--aws-port", "0",
             *options], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines: queue.Queue = queue.Queue()
        threading.Thread(target=lambda: lines.put(self.process.stdout.readline()), daemon=True).start()
        line = lines.get(timeout=START_TIMEOUT_SECONDS)
        if not line:
            self.stop()
            pytest.fail("sme-local up did not start: " + self.process.stderr.read())
        self.stack = json.loads(line)

    def stop(self, stop_signal: int = signal.SIGINT) -> int:
        if self.process.poll() is None:
            self.process.send_signal(stop_signal)
            try:
                self.process.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(STOP_TIMEOUT_SECONDS)
        self.process.stdout.close()
        self.process.stderr.close()
        return self.process.returncode


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A directory that is neither the repository nor the test's working directory."""
    directory = tmp_path / "newcomer"
    directory.mkdir()
    return directory


@pytest.fixture
def up(workdir: Path) -> Iterator[UpProcess]:
    process = UpProcess(workdir, "--max-training-seconds", "6")
    try:
        yield process
    finally:
        process.stop()


@pytest.mark.slow
def test_the_tutorial_script_runs_against_a_stack_started_with_the_default_relative_dir(workdir, up):
    assert (workdir / ".sme-local" / "stack.json").is_file()
    finished = subprocess.run(
        [sys.executable, str(REPOSITORY / "tutorial" / "churn_tutorial.py"), "--stack", ".sme-local/stack.json",
         "--install-locally", "--data-dir", str(find_data_dir()), "--job-timeout-seconds", "300"],
        cwd=workdir, capture_output=True, text=True, timeout=TUTORIAL_TIMEOUT_SECONDS,
        env=dict(os.environ, EXASOL_TELEMETRY_DISABLE="1"))

    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    assert "Traceback" not in finished.stderr
    assert "Done in" in finished.stdout


def test_a_failing_tutorial_statement_is_reported_with_a_code_and_no_traceback(workdir, up):
    """Without --install-locally the extension is missing: the script must say so, not dump a traceback."""
    finished = subprocess.run(
        [sys.executable, str(REPOSITORY / "tutorial" / "churn_tutorial.py"), "--stack", ".sme-local/stack.json",
         "--data-dir", str(find_data_dir())],
        cwd=workdir, capture_output=True, text=True, timeout=TUTORIAL_TIMEOUT_SECONDS,
        env=dict(os.environ, EXASOL_TELEMETRY_DISABLE="1"))

    assert finished.returncode == 1
    assert "Traceback" not in finished.stderr
    assert "E-SME-510" in finished.stderr


def _console(stack: dict, connection):
    from sme_local.sql_console import SqlConsole
    return SqlConsole(connection, print, secrets=[stack["aws_secret_access_key"]])


def _connect(stack: dict):
    import pyexasol
    return pyexasol.connect(dsn=stack["dsn"], user=stack["db_user"], password=stack["db_password"])


@pytest.mark.slow
def test_a_restarted_stack_keeps_jobs_and_endpoints_so_scoring_and_polling_work(workdir):
    """up, train and deploy, stop with Ctrl-C, up again with the same (default, relative) --dir: the endpoint
    serves again and the job polls as Completed, without retraining."""
    from sme_local.datasets import CHURN, read_rows
    from sme_local.extension import activate_host_python, run_sme_deploy
    from sme_local.extension_calls import ExtensionCalls, create_aws_connection
    from sme_local.loading import load_table
    from sme_local.stack import StackDescription

    first = UpProcess(workdir, "--max-training-seconds", "5")
    try:
        description = StackDescription.from_json_file(workdir / ".sme-local" / "stack.json")
        with _connect(first.stack) as connection:
            activate_host_python(_console(first.stack, connection))  # ALTER SYSTEM: for sessions opened later
        run_sme_deploy(description, "SME", print)
        with _connect(first.stack) as connection:
            console = _console(first.stack, connection)
            console.execute('CREATE SCHEMA IF NOT EXISTS "R"')
            create_aws_connection(console, "AWS_CONN", description)
            load_table(console, description, "AWS_CONN", CHURN, read_rows(find_data_dir() / CHURN.file_name, CHURN)[:400],
                       "R", "CHURN")
            columns = ", ".join(f'"{c.name}"' for c in CHURN.columns if c.name != "PHONE")
            console.execute(f'CREATE OR REPLACE TABLE "R"."TRAIN" AS SELECT {columns} FROM "R"."CHURN"')
            calls = ExtensionCalls(console, "SME", "AWS_CONN")
            calls.train({"job_name": "restart-job", "input_schema_name": "R", "input_table_or_view_name": "TRAIN",
                         "s3_bucket_uri": f"s3://{description.s3_bucket}", "s3_output_path": "restart",
                         "iam_sagemaker_role": description.iam_sagemaker_role, "target_attribute_name": "CHURN",
                         "problem_type": "BinaryClassification", "max_candidates": 2})
            calls.wait_for_job("restart-job", 240)
            calls.deploy("restart-job", "restart-ep", "R")
    finally:
        assert first.stop(signal.SIGINT) == 0

    second = UpProcess(workdir)
    try:
        with _connect(second.stack) as connection:
            console = _console(second.stack, connection)
            calls = ExtensionCalls(console, "SME", "AWS_CONN")
            assert calls.poll("restart-job")["JOB_STATUS"] == "Completed"
            features = ", ".join(['"PHONE"'] + [f'"{c.name}"' for c in CHURN.columns if c.name not in ("PHONE", "CHURN")])
            deadline = time.monotonic() + 60
            while True:
                try:
                    scored = console.rows(f'SELECT COUNT(*) FROM (SELECT "R"."restart-ep"({features}) '
                                          f'FROM "R"."CHURN")')
                    break
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(1)  # the restored endpoint is Creating until its model is loaded again
            assert int(scored[0][0]) == 400
    finally:
        second.stop()
