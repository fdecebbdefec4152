"""A process that used the emulator exits without noise on stderr, whether it stopped the emulator or not.

DuckDB objects still alive at interpreter shutdown make its nanobind bindings print dozens of "leaked
instance" lines; the emulator must release them on stop() and stop itself at exit if the program did not.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PROGRAM = textwrap.dedent("""
    import os, sys
    os.environ["EXASOL_TELEMETRY_DISABLE"] = "1"
    import pyexasol
    from sme_local.exasol.api import Emulator

    emulator = Emulator(sys.argv[1], port=0, bucketfs_port=0).start()
    connection = pyexasol.connect(dsn=emulator.dsn, user="sys", password="exasol")
    connection.execute("CREATE SCHEMA s")
    connection.execute("CREATE TABLE t (a DECIMAL(9,2), b VARCHAR(5), c TIMESTAMP, d BOOLEAN)")
    connection.ext.insert_multi("T", [("1.5", "x", "2020-01-01 00:00:00", True)])
    assert connection.execute("SELECT * FROM t").fetchall() == [("1.5", "x", "2020-01-01 00:00:00.000000", True)]
    connection.execute("SELECT column_type FROM exa_all_columns").fetchall()
    if sys.argv[2] == "stop":
        emulator.stop()
    print("done")
""")


@pytest.mark.parametrize("ending", ["stop", "exit without stop"])
def test_no_leak_report_on_stderr_at_exit(tmp_path: Path, ending: str):
    finished = subprocess.run([sys.executable, "-c", PROGRAM, str(tmp_path / "exa"), ending.split()[0]],
                              capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip() == "done"
    assert finished.stderr == ""
