"""The newest pyexasol from PyPI talks to the emulator unchanged.

The project's own environment is pinned to pyexasol 2.x (python-extension-common requires < 3), so this test
installs pyexasol 3.0.1 into a throwaway virtual environment and drives the emulator from there.
"""

import os
import subprocess
import textwrap
import venv
from pathlib import Path

import pytest

NEWEST_PYEXASOL = "3.0.1"

CLIENT = textwrap.dedent("""
    import sys
    import pyexasol

    connection = pyexasol.connect(dsn=sys.argv[1], user="sys", password="exasol", compression=True)
    assert pyexasol.__version__ == sys.argv[2], pyexasol.__version__
    connection.execute("CREATE SCHEMA IF NOT EXISTS NEWEST")
    connection.execute("CREATE OR REPLACE TABLE NEWEST.T (ID DECIMAL(18,0), NAME VARCHAR(20), X DECIMAL(10,2),"
                       " D DATE, B BOOLEAN)")
    connection.execute("INSERT INTO NEWEST.T VALUES (1, 'a', 1.5, DATE '2026-01-02', TRUE),"
                       " (2, NULL, NULL, NULL, NULL)")
    connection.ext.insert_multi(("NEWEST", "T"), [(3, "c", 2.25, "2026-02-03", False)])
    rows = connection.execute("SELECT * FROM NEWEST.T ORDER BY ID").fetchall()
    assert rows == [(1, "a", "1.5", "2026-01-02", True), (2, None, None, None, None),
                    (3, "c", "2.25", "2026-02-03", False)], rows
    assert len(connection.execute("SELECT * FROM VALUES BETWEEN 1 AND 5000 t(i)").fetchall()) == 5000
    connection.close()
    print("ok")
""")


@pytest.fixture(scope="module")
def newest_pyexasol_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    environment = tmp_path_factory.mktemp("pyexasol-newest")
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", f"pyexasol=={NEWEST_PYEXASOL}"],
                   check=True, timeout=600)
    return python


@pytest.mark.slow
def test_newest_pyexasol_logs_in_fetches_pages_and_inserts(emulator, newest_pyexasol_python):
    result = subprocess.run([str(newest_pyexasol_python), "-c", CLIENT, emulator.dsn, NEWEST_PYEXASOL],
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "EXASOL_TELEMETRY_DISABLE": "1"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "ok"
