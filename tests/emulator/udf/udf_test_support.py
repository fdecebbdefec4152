"""Builders shared by the UDF executor tests: scripts, sessions and a one-call runner."""

from __future__ import annotations

import textwrap
from pathlib import Path

from sme_local.exasol.udf import UdfColumn, UdfConnection, UdfExecutor, UdfScript, UdfSession

SESSION_ID = 4242


def col(name: str, sql_type: str) -> UdfColumn:
    return UdfColumn(name, sql_type)


def script(code: str, *, input_type: str = "SET", parameters: tuple | None = (col("x", "DECIMAL(18,0)"),),
           output_type: str = "EMITS", outputs: tuple | None = (col("Y", "DECIMAL(18,0)"),),
           alias: str = "PYTHON3", name: str = "MY_UDF") -> UdfScript:
    return UdfScript("S", name, alias, input_type, parameters, output_type, outputs, textwrap.dedent(code))


def session(*, connections: dict[str, UdfConnection] | None = None, scripts: dict[str, str] | None = None,
            script_languages: str = "PYTHON3=builtin_python3") -> UdfSession:
    connections = connections or {}
    scripts = scripts or {}
    return UdfSession(session_id=SESSION_ID, statement_id=7, current_user="SYS", current_schema="S",
                      script_languages=script_languages, connections=connections.get, scripts=scripts.get,
                      database_version="8.34.0")


def run(udf: UdfScript, groups: list[list[tuple]], *, inputs: list[UdfColumn] | None = None,
        emits: list[UdfColumn] | None = None, executor: UdfExecutor | None = None, udf_session: UdfSession | None = None,
        bucketfs_root: Path | None = None, env: dict[str, str] | None = None):
    executor = executor or UdfExecutor(bucketfs_root, env or {}, workers=2, timeout_seconds=60)
    inputs = inputs if inputs is not None else list(udf.parameters)
    try:
        return executor.run(udf, inputs, groups, emits, udf_session or session())
    finally:
        executor.close()
