"""Lua 5.4 runtime of the Exasol emulator: runs scripting programs with Exasol's globals (query, pquery, exit,
output, null, decimal, exa.meta, cjson, unicode.utf8) in a bounded sandbox. Imports nothing from the product."""

from .runner import LuaScriptRunner
from .values import LuaLimits, QueryError, ResultSet, RowCount, ScriptParam

__all__ = ["LuaLimits", "LuaScriptRunner", "QueryError", "ResultSet", "RowCount", "ScriptParam"]
