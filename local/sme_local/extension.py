"""Installs the extension into the local stack with the real ``sme-deploy``, the way an admin would.

The language container is not built on this machine, so its place is taken by the host's own Python: the
alias ``PYTHON3_SME`` is mapped to ``builtin_python3`` (the emulator runs such UDFs with the host interpreter,
where this package is installed) and ``sme-deploy --no-deploy-slc`` installs the scripts into that alias. On a
real Exasol the container is deployed instead (``sme-deploy --version …``), which activates the alias itself.
The alias must be set for the SYSTEM, because ``sme-deploy`` opens its own session.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Callable

from exasol_sagemaker_extension.errors import SmeError, redact
from sme_local.sql_console import SqlConsole, sql_string
from sme_local.stack import StackDescription

DEFAULT_ALIAS = "PYTHON3_SME"
HOST_PYTHON = "builtin_python3"
DEPLOY_TIMEOUT_SECONDS = 300
_ERROR_TAIL_CHARS = 3000


def activate_host_python(console: SqlConsole, alias: str = DEFAULT_ALIAS) -> None:
    """Map ``alias`` to the host's Python for the whole system, keeping every other alias as it is."""
    current = console.rows("SELECT SYSTEM_VALUE FROM SYS.EXA_PARAMETERS WHERE PARAMETER_NAME = 'SCRIPT_LANGUAGES'")
    entries = (current[0][0] or "").split() if current else []
    kept = [entry for entry in entries if entry.partition("=")[0].upper() != alias.upper()]
    value = " ".join([*kept, f"{alias}={HOST_PYTHON}"])
    console.execute(f"ALTER SYSTEM SET SCRIPT_LANGUAGES = {sql_string(value)}")


def deploy_command(description: StackDescription, schema: str, alias: str = DEFAULT_ALIAS) -> list[str]:
    """``sme-deploy`` for the local stack: no container; the emulator's certificate is pinned by the
    fingerprint inside the DSN (pyexasol checks it), so the CA check is off. The password goes by environment."""
    return [sys.executable, "-m", "exasol_sagemaker_extension.deploy", "--dsn", description.dsn,
            "--db-user", description.db_user, "--no-use-ssl-cert-validation", "--no-deploy-slc",
            "--schema", schema, "--language-alias", alias]


def run_sme_deploy(description: StackDescription, schema: str, echo: Callable[[str], None],
                   alias: str = DEFAULT_ALIAS) -> str:
    """Run ``sme-deploy`` as a separate process; return its last output line, or raise E-SME-505."""
    command = deploy_command(description, schema, alias)
    echo("$ DB_PASSWORD=*** sme-deploy " + " ".join(command[3:]))
    environment = dict(os.environ, DB_PASSWORD=description.db_password, EXASOL_TELEMETRY_DISABLE="1")
    try:
        finished = subprocess.run(command, env=environment, capture_output=True, text=True,
                                  timeout=DEPLOY_TIMEOUT_SECONDS, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise SmeError("E-SME-505", f"sme-deploy did not finish within {DEPLOY_TIMEOUT_SECONDS} s.", [
            "Check that the database is reachable and not busy; run the sme-deploy command above by hand.",
        ]) from None
    if finished.returncode != 0:
        output = redact((finished.stderr or finished.stdout)[-_ERROR_TAIL_CHARS:], [description.db_password])
        raise SmeError("E-SME-505", f"sme-deploy failed (exit code {finished.returncode}):\n{output.strip()}", [
            "Fix the cause named above (its own code and mitigation come first) and run the demo again.",
        ])
    lines = finished.stdout.strip().splitlines()
    return lines[-1] if lines else ""
