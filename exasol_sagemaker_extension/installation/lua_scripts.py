"""Renders one ``CREATE OR REPLACE LUA SCRIPT`` statement per entry script declared in ``scripts.py``.

The signatures (name, parameters, RETURNS) live in ``installation/scripts.py`` and the bodies in
``lua/entry/*.lua``; this module joins the two with the bundled modules into the exact statement text, ending
with the ``/`` line that SQL clients and Exasol use to find the end of a script.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from exasol_sagemaker_extension.installation.identifiers import qualified_name
from exasol_sagemaker_extension.installation.lua_bundle import bundle, lua_sources_root
from exasol_sagemaker_extension.installation.scripts import EntryScript
from exasol_sagemaker_extension.errors import SmeError

if TYPE_CHECKING:  # importlib.resources.abc is 3.11+; only the annotation needs it
    from importlib.resources.abc import Traversable

_LUA_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Lua 5.4 reserved words: a parameter becomes a global of that name, so it must not be one of these.
_LUA_KEYWORDS = frozenset(
    "and break do else elseif end false for function goto if in local nil not or repeat return then true until "
    "while".split()
)
_RETURN_KINDS = frozenset({"TABLE", "ROWCOUNT"})


def _render_params(script: EntryScript) -> str:
    rendered = []
    for param in script.params:
        if not _LUA_NAME.fullmatch(param.name) or param.name in _LUA_KEYWORDS:
            raise SmeError("F-SME-300", f"Script {script.name} declares the invalid parameter name {param.name!r}.")
        rendered.append(f"ARRAY {param.name}" if param.is_array else param.name)
    return ", ".join(rendered)


def _entry_source(script: EntryScript, lua_root: Traversable) -> str:
    # entry_file is relative to the Lua sources root, as scripts.py declares it (e.g. "entry/SME_X.lua").
    entry = lua_root.joinpath(*script.entry_file.split("/"))
    if not entry.is_file():
        raise SmeError(
            "E-SME-304",
            f"The Lua source lua/{script.entry_file} of script {script.name} does not exist.",
            ["Reinstall the extension package (pip install --force-reinstall exasol-sagemaker-extension)."],
        )
    return entry.read_text(encoding="utf-8")


def render_lua_script(script: EntryScript, schema: str, lua_root: Traversable | None = None) -> str:
    """Return the complete CREATE OR REPLACE LUA SCRIPT statement for ``script`` in ``schema``."""
    if script.returns not in _RETURN_KINDS:
        raise SmeError("F-SME-301", f"Script {script.name} declares RETURNS {script.returns!r}.")
    root = lua_root if lua_root is not None else lua_sources_root()
    body = bundle(_entry_source(script, root), root.joinpath("modules"), f"script {script.name}")
    header = (
        f"CREATE OR REPLACE LUA SCRIPT {qualified_name(schema, script.name)}({_render_params(script)}) "
        f"RETURNS {script.returns} AS\n"
    )
    return f"{header}{body}/"
