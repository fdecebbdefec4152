"""Run pyexasol's own integration suite (``test/integration``) against a running local stack.

Usage::

    sme-local up --dir /tmp/stack &               # any running emulator; its stack.json names the DSN
    python -m sme_local.exasol.conformance.run_pyexasol_suite --pyexasol /tmp/pyexasol --stack /tmp/stack/stack.json

``--pyexasol`` is a checkout of github.com/exasol/pyexasol (nothing of it is copied into this project); the
suite runs from there, so it tests that checkout's pyexasol. Its test dependencies (pytest, faker, pandas,
pyarrow, polars, orjson, ujson, python-rapidjson) must be importable by ``--python``, and its ``proxy_test`` starts
the ``pproxy`` program by name: the folder of ``--python`` (a venv's ``bin``, where ``pip install pproxy`` puts
it) goes first on PATH. The connection fixtures are pointed at the stack through
its address fixtures (``default_ipaddr``/``default_port``, answered by ``pyexasol_data_loader`` from
EMULATOR_ADDRESS) and the suite's EXAUID/EXAPWD; EXAHOST stays unset, as in pyexasol's own CI, because the suite
lets EXAHOST replace every DSN it builds — also those that add ``/nocertcheck`` or the certificate's fingerprint
to test TLS options. The test tables are loaded by ``pyexasol_data_loader``. Extra arguments after ``--`` go to pytest (e.g. ``-- -k metadata``). The exit code is
pytest's; the result line is what local/sme_local/exasol/README.md records.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from sme_local.exasol.conformance import ADDRESS_VARIABLE
from sme_local.stack import StackDescription

PROJECT_ROOT = Path(__file__).resolve().parents[3]  # the folder that holds the sme_local package


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pyexasol", type=Path, required=True, help="a pyexasol checkout (with test/integration)")
    parser.add_argument("--stack", type=Path, required=True, help="stack.json written by `sme-local up`")
    parser.add_argument("--python", default=sys.executable, help="interpreter that has the suite's test dependencies")
    parser.add_argument("pytest_args", nargs="*", help="passed on to pytest (after --)")
    options = parser.parse_args(argv)
    stack = StackDescription.from_json_file(options.stack)
    environment = {
        **os.environ,
        ADDRESS_VARIABLE: _host_and_port(stack.dsn), "EXAUID": stack.db_user, "EXAPWD": stack.db_password,
        "EXASOL_TELEMETRY_DISABLE": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
        # not resolved: a venv's python is a link to the system's, and pproxy lives beside the link
        "PATH": os.pathsep.join(filter(None, [str(Path(options.python).absolute().parent), os.environ.get("PATH")])),
    }
    environment.pop("EXAHOST", None)
    command = [options.python, "-m", "pytest", "test/integration", "-p",
               "sme_local.exasol.conformance.pyexasol_data_loader", "-q", "-rfE", "-p", "no:cacheprovider",
               *options.pytest_args]
    return subprocess.run(command, cwd=options.pyexasol, env=environment, check=False).returncode


def _host_and_port(dsn: str) -> str:
    """``host/fingerprint:port`` → ``host:port``: the suite adds fingerprints itself where it tests them, and
    connects with certificate checks off (its NO_CERT parametrisation) everywhere else."""
    host_part, _, port = dsn.rpartition(":")
    return f"{host_part.split('/', 1)[0]}:{port}"


if __name__ == "__main__":
    sys.exit(main())
