"""``AwsEmulator``: start and stop the AWS stand-in from Python (tests, ``sme-local``).

The server runs as a child process (see ``server``); this class only starts it, waits until it listens, hands out
its address and the credentials it accepts, and stops it. moto accepts any credentials; the fixed ones below
keep every caller in moto's default account 123456789012.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

import boto3

from sme_local.aws.faults import FaultControl
from sme_local.aws.server import READY_PREFIX
from sme_local.aws.settings import DEFAULT_MAX_TRAINING_SECONDS, DEFAULT_MIN_TRAINING_ROWS

ACCESS_KEY_ID = "AKIAEMULATOR0000TEST"
SECRET_ACCESS_KEY = "emulator-secret-access-key"
_STOP_TIMEOUT_SECONDS = 10.0


class EmulatorStartError(RuntimeError):
    """The server process did not come up; the message names its log file."""


class AwsEmulator:
    """A moto server with real AutoML training and inference, on 127.0.0.1."""

    def __init__(self, port: int = 0, data_dir: Path | str | None = None,
                 max_training_seconds: float = DEFAULT_MAX_TRAINING_SECONDS, region: str = "eu-central-1",
                 min_training_rows: int = DEFAULT_MIN_TRAINING_ROWS, endpoint_startup_seconds: float = 1.0,
                 max_parallel_jobs: int = 1, training_threads: int = 1,
                 startup_timeout_seconds: float = 60.0) -> None:
        self.region = region
        self.access_key_id = ACCESS_KEY_ID
        self.secret_access_key = SECRET_ACCESS_KEY
        self._data_dir = Path(data_dir).absolute() if data_dir is not None else Path(tempfile.mkdtemp(prefix="aws-emulator-"))
        self._arguments = [
            "--port", str(port), "--data-dir", str(self._data_dir),
            "--max-training-seconds", str(max_training_seconds), "--min-training-rows", str(min_training_rows),
            "--endpoint-startup-seconds", str(endpoint_startup_seconds),
            "--max-parallel-jobs", str(max_parallel_jobs), "--training-threads", str(training_threads),
        ]
        self._startup_timeout = startup_timeout_seconds
        self._process: subprocess.Popen[str] | None = None
        self._endpoint_url: str | None = None

    @property
    def endpoint_url(self) -> str:
        if self._endpoint_url is None:
            raise RuntimeError("the AWS emulator is not running; call start() first")
        return self._endpoint_url

    @property
    def faults(self) -> FaultControl:
        """Inject AWS-shaped failures into chosen operations (see ``faults``)."""
        return FaultControl(self.endpoint_url)

    @property
    def pid(self) -> int | None:
        """The server process id while it runs (for tests that end it abruptly)."""
        return self._process.pid if self._process is not None else None

    @property
    def log_file(self) -> Path:
        """The server's stderr (moto's request log, training crashes)."""
        return self._data_dir / "aws-emulator.log"

    def start(self) -> "AwsEmulator":
        if self._process is not None:
            return self
        self._data_dir.mkdir(parents=True, exist_ok=True)
        project_root = str(Path(__file__).resolve().parents[2])  # the folder that holds the sme_local package
        environment = dict(os.environ, PYTHONPATH=os.pathsep.join(
            p for p in (project_root, os.environ.get("PYTHONPATH")) if p))
        with open(self.log_file, "a", encoding="utf-8") as log:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "sme_local.aws", *self._arguments, "--parent-pid", str(os.getpid())],
                stdout=subprocess.PIPE, stderr=log, text=True, env=environment)
        try:
            self._endpoint_url = self._await_ready()
        except EmulatorStartError:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        process, self._process, self._endpoint_url = self._process, None, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(_STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(_STOP_TIMEOUT_SECONDS)
        if process.stdout is not None:
            process.stdout.close()

    def __enter__(self) -> "AwsEmulator":
        return self.start()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    def client(self, service: str, **kwargs: Any) -> Any:
        """A boto3 client for ``service`` aimed at the emulator with the credentials it accepts."""
        return boto3.client(service, endpoint_url=self.endpoint_url, region_name=self.region,
                            aws_access_key_id=self.access_key_id, aws_secret_access_key=self.secret_access_key,
                            **kwargs)

    def create_bucket(self, name: str) -> None:
        configuration = {} if self.region == "us-east-1" else {
            "CreateBucketConfiguration": {"LocationConstraint": self.region}}
        self.client("s3").create_bucket(Bucket=name, **configuration)

    def _await_ready(self) -> str:
        assert self._process is not None and self._process.stdout is not None
        lines: queue.Queue[str] = queue.Queue()
        stdout = self._process.stdout
        threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
        try:
            line = lines.get(timeout=self._startup_timeout)
        except queue.Empty:
            raise EmulatorStartError(
                f"The AWS emulator did not start within {self._startup_timeout:.0f} s; see {self.log_file}.")
        if not line.startswith(READY_PREFIX):
            raise EmulatorStartError(f"The AWS emulator failed to start; see {self.log_file}.")
        return json.loads(line[len(READY_PREFIX):])["endpoint_url"]
