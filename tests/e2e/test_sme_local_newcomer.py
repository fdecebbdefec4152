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
