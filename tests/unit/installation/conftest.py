"""Fixtures of the deployment tests: a small Lua source tree laid out like the shipped one, and its scripts."""

from __future__ import annotations

from pathlib import Path

import pytest

from exasol_sagemaker_extension.installation.scripts import EntryScript, ScriptParam


MODULES = {
    "sme_greeting": 'local text = require("sme_text")\nlocal M = {}\n'
    "function M.greet(name) return text.join('hello', name) end\nreturn M\n",
    "sme_text": "local M = {}\nfunction M.join(a, b) return a .. ', ' .. b end\nreturn M\n",
}
ENTRIES = {
    "SME_GREET.lua": 'local greeting = require("sme_greeting")\nresult = greeting.greet(who)\n',
    "SME_COUNT.lua": "result = #names\n",
}
SCRIPTS = (
    EntryScript("SME_GREET", (ScriptParam("who"),), "TABLE", "entry/SME_GREET.lua"),
    EntryScript("SME_COUNT", (ScriptParam("names", is_array=True), ScriptParam("limit")), "ROWCOUNT",
                "entry/SME_COUNT.lua"),
)


@pytest.fixture
def lua_root(tmp_path: Path) -> Path:
    root = tmp_path / "lua"
    for folder, files in (("modules", {f"{n}.lua": s for n, s in MODULES.items()}), ("entry", ENTRIES)):
        (root / folder).mkdir(parents=True)
        for file_name, source in files.items():
            (root / folder / file_name).write_text(source, encoding="utf-8")
    return root


@pytest.fixture
def fixture_scripts() -> tuple[EntryScript, ...]:
    return SCRIPTS


@pytest.fixture
def make_script():
    """Build an entry script declaration: make_script(name, returns, entry_file, *param names)."""

    def make(name: str, returns: str, entry_file: str, *params: str) -> EntryScript:
        return EntryScript(name, tuple(ScriptParam(p) for p in params), returns, entry_file)

    return make
