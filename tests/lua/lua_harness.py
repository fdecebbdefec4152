"""Helpers for driving the product's Lua scripts through the emulator's Lua runtime with a scripted database.

``ScriptedDatabase`` answers each statement with the next scripted answer after checking that the statement is
exactly the expected one, so every test pins both the SQL text and the order of the calls.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Callable

import pytest

from sme_local.exasol.lua_runtime import LuaScriptRunner, QueryError, ResultSet, RowCount, ScriptParam
from exasol_sagemaker_extension.installation.lua_bundle import GENERATED_MODULES
from exasol_sagemaker_extension.installation.scripts import ENTRY_SCRIPTS

LUA_DIR = Path(__file__).resolve().parents[2] / "exasol_sagemaker_extension" / "lua"
FIXED_TIME = "20260102T030405Z"
META = {
    "script_schema": "SME",
    "session_id": "4711",
    "statement_id": 12,
    "current_user": "ANALYST",
    "current_schema": "DATA",
    "database_name": "EXAEMU",
    "database_version": "8.34.0",
}

Expectation = str | Callable[[str], None]


class ScriptedDatabase:
    def __init__(self) -> None:
        self._script: list[tuple[Expectation, Any]] = []
        self.sent: list[str] = []

    def expect(self, sql: Expectation, answer: Any) -> "ScriptedDatabase":
        self._script.append((sql, answer))
        return self

    def __call__(self, sql: str) -> ResultSet | RowCount:
        self.sent.append(sql)
        assert self._script, f"unexpected statement: {sql}"
        expected, answer = self._script.pop(0)
        if callable(expected):
            expected(sql)
        else:
            assert sql == expected
        if isinstance(answer, Exception):
            raise answer
        return answer

    def assert_done(self) -> None:
        assert not self._script, f"statements never sent: {[s for s, _ in self._script]}"


def rows(*values: tuple, columns: list[tuple[str, str]] | None = None) -> ResultSet:
    width = len(values[0]) if values else 1
    return ResultSet(columns or [(f"C{i}", "VARCHAR(2000000) UTF8") for i in range(width)], list(values))


def empty() -> ResultSet:
    return ResultSet([("C0", "VARCHAR(100) UTF8")], [])


def sql_literal_value(literal: str) -> str:
    assert literal.startswith("'") and literal.endswith("'"), literal
    return literal[1:-1].replace("''", "'")


def udf_call(udf: str, expected_request: dict[str, Any]) -> Callable[[str], None]:
    """Matches SELECT "SME"."<udf>"('<json>') and compares the decoded request; the developer guide lets optional
    keys be null or absent, so null values are compared as absent."""

    def check(sql: str) -> None:
        match = re.fullmatch(rf'SELECT "SME"\."{udf}"\((\'.*\')\)', sql, re.DOTALL)
        assert match, sql
        request = {k: v for k, v in json.loads(sql_literal_value(match.group(1))).items() if v is not None}
        assert request == {k: v for k, v in expected_request.items() if v is not None}

    return check


def bundle(body: str, prelude: str = "") -> str:
    """The script text as the renderer ships it: every module preloaded, then the entry body."""
    parts = [f'os.date = function() return "{FIXED_TIME}" end', prelude]
    for module in sorted((LUA_DIR / "modules").glob("*.lua")):
        parts.append(f'package.preload["{module.stem}"] = function(...)\n{module.read_text()}\nend')
    for name, render in sorted(GENERATED_MODULES.items()):
        parts.append(f'package.preload["{name}"] = function(...)\n{render()}\nend')
    parts.append(body)
    return "\n".join(parts)


def run_snippet(body: str, db: ScriptedDatabase | None = None) -> list[str]:
    """Runs Lua code with the product modules available and returns what it passed to output()."""
    db = db or ScriptedDatabase()
    lines = LuaScriptRunner().run(bundle(body), [], [], {**META, "script_name": "SNIPPET"}, db, with_output=True)
    db.assert_done()
    return lines


def run_entry(name: str, args: list[Any], db: ScriptedDatabase, cjson_version: str = "2.1.0", prelude: str = ""):
    script = next(s for s in ENTRY_SCRIPTS if s.name == name)
    params = [ScriptParam(p.name, p.is_array) for p in script.params]
    result = LuaScriptRunner(cjson_version=cjson_version).run(
        bundle((LUA_DIR / "entry" / f"{name}.lua").read_text(), prelude), params, args, {**META, "script_name": name}, db, returns=script.returns
    )
    db.assert_done()
    return result


def failing_entry(name: str, args: list[Any], before: list[tuple[Expectation, Any]]) -> tuple[str, list[str]]:
    """Runs an entry script against the scripted statements ``before``; it must fail. Returns the SME error text
    and the statements the script sent."""
    db = ScriptedDatabase()
    for sql, answer in before:
        db.expect(sql, answer)
    with pytest.raises(QueryError) as excinfo:
        run_entry(name, args, db)
    return sme_error(excinfo), db.sent


def sme_error(excinfo: pytest.ExceptionInfo[QueryError]) -> str:
    """The SME error text inside a script error, e.g. 'E-SME-6: ...\\nMitigation: ...'."""
    match = re.fullmatch(r'"(.*)" caught in script "SME"\."\w+" at line \d+', excinfo.value.text, re.DOTALL)
    assert match, excinfo.value.text
    return match.group(1)
