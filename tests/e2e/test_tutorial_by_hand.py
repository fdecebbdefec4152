"""The tutorial's by-hand path, read from tutorial/README.md itself and run block by block, so the document
cannot drift from the product: ``sme-local up`` with its defaults (only the ports are free ones) in a directory
that is not the repository, the doc's Python snippet to connect, its ``sme-deploy`` command, then every
```` ```sql ```` block and the Python snippets that load the data and make an endpoint of one's own, in order. Only what the doc tells the reader to replace is replaced (the DSN, the bucket,
the role: the values of stack.json), and the poll block is repeated as the doc says, until ``Completed``."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from test_sme_local_newcomer import REPOSITORY, UpProcess, workdir  # noqa: F401 (workdir is a fixture)

TUTORIAL = REPOSITORY / "tutorial" / "README.md"
POLL_TIMEOUT_SECONDS = 300
POLL_INTERVAL_SECONDS = 2
DOC_ROLE = "arn:aws:iam::<account>:role/SageMakerAutopilotExecution"
DOC_DSN = "127.0.0.1/<FINGERPRINT>:8563"


def fenced_blocks(markdown: str) -> list[tuple[str, str]]:
    """Every fenced code block as (language, text), in document order."""
    return [(match[1], match[2]) for match in re.finditer(r"^ *```(\w*)\n(.*?)^ *```", markdown, re.M | re.S)]


def statements(block: str) -> list[str]:
    """A SQL block split at the semicolons a SQL client splits at (outside quotes), empty pieces dropped."""
    pieces, current, quote_char = [], [], None
    for char in block:
        if quote_char:
            quote_char = None if char == quote_char else quote_char
        elif char in "'\"":
            quote_char = char
        elif char == ";":
            pieces.append("".join(current))
            current = []
            continue
        current.append(char)
    pieces.append("".join(current))
    code = [p.strip() for p in pieces]
    return [p for p in code if any(line.strip() and not line.strip().startswith("--") for line in p.splitlines())]


def only(blocks: list[tuple[str, str]], language: str, marker: str) -> str:
    found = [text for lang, text in blocks if lang == language and marker in text]
    assert len(found) == 1, f"expected one {language} block with {marker!r} in {TUTORIAL.name}, found {len(found)}"
    return found[0]


@pytest.fixture
def up_with_defaults(workdir: Path) -> Iterator[UpProcess]:  # noqa: F811 (the imported fixture)
    process = UpProcess(workdir)
    try:
        yield process
    finally:
        process.stop()


def _substituted(sql: str, stack: dict) -> str:
    """The replacements the tutorial asks for on the local stack, nothing else."""
    return sql.replace(DOC_ROLE, stack["iam_sagemaker_role"]).replace("<bucket>", stack["s3_bucket"])


def _poll_until_completed(db, statement: str) -> tuple:
    deadline = time.monotonic() + POLL_TIMEOUT_SECONDS
    while True:
        status = db.execute(statement).fetchone()
        if status[0] == "Completed":
            return status
        assert status[0] not in ("Failed", "Stopped"), status
        assert time.monotonic() < deadline, f"the job is still {status[0]} after {POLL_TIMEOUT_SECONDS} s"
        time.sleep(POLL_INTERVAL_SECONDS)


def _run_bash(block: str, stack: dict, cwd: Path) -> None:
    """The doc's ``sme-deploy`` command with the DSN of stack.json in place of the doc's placeholder."""
    environment = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    finished = subprocess.run(["bash", "-c", block.replace(DOC_DSN, stack["dsn"])], cwd=cwd, env=environment,
                              capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stdout[-2000:] + finished.stderr[-2000:]


def _run_sql(db, block: str, stack: dict) -> list[tuple]:
    """Each statement of a block as (statement, row count, rows or None); the poll block until Completed."""
    results = []
    for statement in statements(_substituted(block, stack)):
        if "SME_POLL_SAGEMAKER_AUTOPILOT_JOB_STATUS" in statement:
            results.append((statement, 1, [_poll_until_completed(db, statement)]))
            continue
        result = db.execute(statement)
        rows = result.fetchall() if result.result_type == "resultSet" else None
        results.append((statement, result.rowcount(), rows))
    return results


@pytest.mark.slow
def test_the_tutorial_runs_verbatim_block_by_block(workdir, up_with_defaults, monkeypatch):
    stack = up_with_defaults.stack
    blocks = fenced_blocks(TUTORIAL.read_text(encoding="utf-8"))
    connect = only(blocks, "python", "pyexasol.connect")
    load = only(blocks, "python", "import_from_pandas")  # section 2: the data, through pyexasol's HTTP transport
    their_endpoint = only(blocks, "python", "create_endpoint(")  # section 8: an endpoint made without the extension
    deploy = only(blocks, "bash", "--no-deploy-slc")

    monkeypatch.chdir(workdir)  # the doc's snippet reads the relative .sme-local/stack.json
    namespace: dict = {}
    results: list[tuple] = []
    try:
        for language, text in blocks:
            if text in (connect, load, their_endpoint):
                exec(text, namespace)  # noqa: S102 (the doc's own snippets)
            elif text == deploy:
                _run_bash(text, stack, workdir)
            elif language == "sql":
                results += _run_sql(namespace["db"], text, stack)
    finally:
        if "db" in namespace:
            namespace["db"].close()

    by_start = {statement.split("(")[0].split("\n")[0]: (count, rows) for statement, count, rows in results}
    assert len(namespace["churn"]) == 3333  # the frame the doc loaded; the splits below count what arrived
    split = [count for statement, count, _ in results
             if statement.startswith(("CREATE OR REPLACE TABLE DEMO.CHURN_TRAIN", "CREATE OR REPLACE TABLE DEMO.CHURN_TEST"))]
    assert len(split) == 2 and sum(split) == 3333, split
    assert by_start["EXECUTE SCRIPT SME.SME_POLL_SAGEMAKER_AUTOPILOT_JOB_STATUS"][1][0][0] == "Completed"
    assert by_start["EXECUTE SCRIPT SME.SME_LIST_SAGEMAKER_AUTOPILOT_CANDIDATES"][1]  # a leaderboard
    explained = by_start["EXECUTE SCRIPT SME.SME_EXPLAIN_SAGEMAKER_AUTOPILOT_JOB"][1]
    assert explained[0][1] == "FEATURE_IMPORTANCE" and explained[0][4] == 1  # the top feature first
    metric_rows = by_start["EXECUTE SCRIPT SME.SME_EVALUATE_PREDICTIONS"][1]
    metrics = {metric: value for metric, value, _, predicted in metric_rows if predicted is None}
    assert metrics["ACCURACY"] > 0.85 and metrics["ROC_AUC"] > 0.7, metric_rows  # "stays": 0.85, AUC 0.5
    assert sum(value for metric, value, _, _ in metric_rows if metric == "CONFUSION") == metrics["ROWS_EVALUATED"]
    history = [rows for statement, _, rows in results if statement.startswith("SELECT EVALUATED_AT")][0]
    assert sorted(metric for _, metric, _ in history) == ["ACCURACY", "RECALL", "ROC_AUC"]
    precision = next(value for metric, value, _, _ in metric_rows if metric == "PRECISION")
    [(endpoint, status, udf, *_)] = by_start["EXECUTE SCRIPT SME.SME_CREATE_ENDPOINT_UDF"][1]
    assert (endpoint, status, udf) == ("churn-theirs", "InService", '"DEMO"."WILL_CHURN"')
    [single] = [rows for statement, _, rows in results if statement.startswith("SELECT DEMO.WILL_CHURN('KS'")]
    assert len(single) == 1 and isinstance(single[0][-1], bool)
    [(predicted, did_churn, percent_right)] = [rows for statement, _, rows in results if "PERCENT_RIGHT" in statement][0]
    assert predicted > 0 and float(percent_right) == pytest.approx(100 * precision, abs=0.01), (predicted, did_churn)


def _staged_object(stack: dict) -> dict:
    import boto3
    s3 = boto3.client("s3", endpoint_url=stack["aws_endpoint_url"], region_name=stack["aws_region"],
                      aws_access_key_id=stack["aws_access_key_id"],
                      aws_secret_access_key=stack["aws_secret_access_key"])
    listed = s3.list_objects_v2(Bucket=stack["s3_bucket"], Prefix="sme-local-datasets/")
    return {entry["Key"]: entry["ETag"] for entry in listed.get("Contents", [])}


def test_up_stages_the_demo_data_again_on_every_start_without_duplicates(workdir):  # noqa: F811
    first = UpProcess(workdir)
    try:
        staged = _staged_object(first.stack)
    finally:
        assert first.stop() == 0
    second = UpProcess(workdir)
    try:
        assert _staged_object(second.stack) == staged
    finally:
        second.stop()
    assert list(staged) == ["sme-local-datasets/DEMO.CHURN.csv"]


def test_up_without_the_datasets_still_starts_and_says_what_is_missing(workdir, tmp_path, monkeypatch):  # noqa: F811
    empty = tmp_path / "no-datasets"
    empty.mkdir()
    monkeypatch.setenv("SME_LOCAL_DATA_DIR", str(empty))  # inherited by the sme-local up process
    process = UpProcess(workdir)
    try:
        assert _staged_object(process.stack) == {}
    finally:
        process.process.send_signal(signal.SIGINT)
        _, errors = process.process.communicate(timeout=30)
    assert "E-SME-503" in errors and "SME_LOCAL_DATA_DIR" in errors
    assert "Traceback" not in errors
