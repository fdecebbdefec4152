"""``sme-local up`` as a user runs it: a separate process that prints one JSON line, serves both stand-ins, and
stops them (children included) on SIGTERM or Ctrl-C."""

import json
import os
import queue
import signal
import socket
import stat
import subprocess
import sys
import threading
from urllib.parse import urlsplit

import boto3
import pyexasol
import pytest

from sme_local.stack import LocalStack

KEYS = {"dsn", "db_user", "db_password", "bucketfs_url", "bucketfs_name", "bucket", "bucketfs_user",
        "bucketfs_password", "aws_endpoint_url", "aws_region", "s3_bucket", "aws_access_key_id",
        "aws_secret_access_key", "iam_sagemaker_role", "db_nodes"}
START_TIMEOUT_SECONDS = 90
STOP_TIMEOUT_SECONDS = 30


def _first_line(process: subprocess.Popen) -> str:
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()
    return lines.get(timeout=START_TIMEOUT_SECONDS)


def _listening(url: str) -> bool:
    parts = urlsplit(url)
    with socket.socket() as probe:
        probe.settimeout(2)
        return probe.connect_ex((parts.hostname, parts.port)) == 0


@pytest.mark.parametrize(("stop_signal", "nodes"), [(signal.SIGTERM, None), (signal.SIGINT, 3)])
def test_up_prints_the_stack_serves_it_and_stops_on_a_signal(tmp_path, stop_signal, nodes):
    node_option = [] if nodes is None else ["--nodes", str(nodes)]
    process = subprocess.Popen(
        [sys.executable, "-m", "sme_local", "up", "--dir", str(tmp_path), "--db-port", "0", "--bucketfs-port", "0",
         "--aws-port", "0", *node_option], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        stack = json.loads(_first_line(process))

        assert set(stack) == KEYS
        stack_file = tmp_path / "stack.json"
        assert json.loads(stack_file.read_text()) == stack
        assert stat.S_IMODE(os.stat(stack_file).st_mode) == 0o600
        with pyexasol.connect(dsn=stack["dsn"], user=stack["db_user"], password=stack["db_password"]) as db:
            assert db.execute("SELECT 1 FROM DUAL").fetchval() == 1
            assert db.login_info["releaseVersion"] == "7.1.0", "the default is the oldest supported Exasol"
            assert db.execute("SELECT NPROC()").fetchval() == stack["db_nodes"] == (nodes or 1)
        s3 = boto3.client("s3", endpoint_url=stack["aws_endpoint_url"], region_name=stack["aws_region"],
                          aws_access_key_id=stack["aws_access_key_id"],
                          aws_secret_access_key=stack["aws_secret_access_key"])
        assert stack["s3_bucket"] in [bucket["Name"] for bucket in s3.list_buckets()["Buckets"]]
        assert _listening(stack["bucketfs_url"])

        process.send_signal(stop_signal)
        assert process.wait(STOP_TIMEOUT_SECONDS) == 0
        assert not _listening(stack["aws_endpoint_url"]), "the AWS emulator child must stop with sme-local"
        assert not _listening(stack["bucketfs_url"])
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(STOP_TIMEOUT_SECONDS)
        process.stdout.close()
        process.stderr.close()


def test_a_running_stack_refuses_a_second_start(tmp_path):
    """Starting twice would orphan the first emulators until interpreter exit, so it must fail loudly."""
    with LocalStack(tmp_path) as stack:
        with pytest.raises(RuntimeError, match="already running"):
            stack.start()


def test_up_offers_only_the_emulated_exasol_versions(tmp_path):
    finished = subprocess.run([sys.executable, "-m", "sme_local", "up", "--dir", str(tmp_path), "--exasol-version",
                               "8.0"], capture_output=True, text=True, timeout=STOP_TIMEOUT_SECONDS)
    assert finished.returncode == 2
    assert "'8.0' is not one of '7.1.0', '8.34.0'" in finished.stderr
