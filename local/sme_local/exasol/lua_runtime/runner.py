"""Runs one Exasol scripting program (``EXECUTE SCRIPT``) on Lua 5.4 through lupa.

Every run gets a fresh Lua state, so scripts cannot leak globals into each other, and a bounded one: memory
(lupa's allocator limit), instructions and wall time (a count hook, see ``lua/sandbox.lua``).

Errors follow the shape Exasol reports for scripts, evidenced in Exasol's public knowledge base, e.g.
``[43000] "No columns found for ..." caught in script "SR9000"."REPLACE_NULL" at line 23``: an uncaught Lua error
becomes SQL state 43000 (a script error, not a data exception such as 22002) with the text
``"<message>" caught in script "<schema>"."<name>" at line <n>``. When the uncaught error is a failed ``query()``
the failing statement's own SQL state is kept, so callers still see e.g. 42000 for an unknown object. The
``(Session: …)`` suffix is left to the core, which adds it to every error alike. Exceeding the wall-time limit is
reported as R0001 (what pyexasol maps to a query timeout); exceeding the instruction or memory limit as 43000.
"""

from __future__ import annotations

import time
from importlib import resources
from typing import Any, Callable, Mapping, Sequence

import lupa.lua54 as lua54

from .column_definitions import ColumnDefinitionError, parse_column_definitions
from .conversion import ResultValueError, from_lua, to_lua
from .sql_parameters import SQL_NULL, ParameterError, substitute_parameters
from .values import LuaLimits, QueryError, ResultSet, RowCount, ScriptParam

QueryFunction = Callable[[str], "ResultSet | RowCount"]

CJSON_VERSIONS = ("2.1.0", "2.1.0.10", "2.1.0.14")
SCRIPT_ERROR = "43000"
SYNTAX_ERROR = "42000"
TIMEOUT = "R0001"


class _Sentinel:
    """A unique userdata for Lua (``cjson.null``, ``cjson.empty_array``); Lua sees it as userdata."""

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def __repr__(self) -> str:
        return self._name


CJSON_NULL = _Sentinel("userdata: (nil)")
CJSON_EMPTY_ARRAY = _Sentinel("cjson.empty_array")


def _deny_attribute_access(obj: object, name: object, is_setting: bool) -> None:
    """Scripts may call the host functions but never reach into Python objects."""
    raise AttributeError("access to Python attributes is not allowed in scripts")


def _lua_source(name: str) -> str:
    return resources.files(__package__).joinpath("lua", name).read_text(encoding="utf-8")


class LuaScriptRunner:
    """Executes Lua scripting programs with Exasol's globals against a caller-supplied ``query`` function.

    ``cjson_version`` is the lua-cjson the script sees (one of CJSON_VERSIONS): "2.1.0" as in Exasol before 8.34
    (no array_mt, empty_array, encode_escape_forward_slash …), "2.1.0.10" as from 8.34 on (both decode every JSON
    number as a float), or "2.1.0.14", which no Exasol ships yet but which keeps integers as integers. Scripts
    meant for real databases should work with all of them.
    """

    def __init__(self, limits: LuaLimits = LuaLimits(), cjson_version: str = "2.1.0") -> None:
        if cjson_version not in CJSON_VERSIONS:
            raise ValueError(f"unknown lua-cjson version {cjson_version!r}; choose one of {', '.join(CJSON_VERSIONS)}")
        self._limits = limits
        self._cjson_version = cjson_version
        self._sandbox_source = _lua_source("sandbox.lua")
        self._cjson_source = _lua_source("cjson.lua")
        self._unicode_utf8_source = _lua_source("unicode_utf8.lua")

    def run(
        self,
        source: str,
        params: Sequence[ScriptParam],
        args: Sequence[Any],
        meta: Mapping[str, Any],
        query: QueryFunction,
        with_output: bool = False,
        returns: str | None = None,
    ) -> ResultSet | RowCount | list[str]:
        """Run ``source`` with ``args`` bound to ``params``; ``returns`` ("TABLE"/"ROWCOUNT") checks the shape."""
        execution = _Execution(self, meta, query, with_output)
        return execution.run(source, params, args, returns)


class _Execution:
    """The state of one script run: the Lua state, collected output and the result being delivered."""

    def __init__(
        self, runner: LuaScriptRunner, meta: Mapping[str, Any], query: QueryFunction, with_output: bool
    ) -> None:
        limits = runner._limits
        self._query = query
        self._with_output = with_output
        self._output: list[str] = []
        self._columns: list[tuple[str, str]] | None = None
        self._rows: list[tuple[Any, ...]] = []
        self._row_count = 0
        self._failure: BaseException | None = None
        self._deadline = time.monotonic() + limits.max_seconds
        self._limits = limits
        self._meta = {"script_language": "Lua 5.4", **meta}
        self._meta["session_id"] = str(self._meta.get("session_id", ""))
        self._script = '"{}"."{}"'.format(self._meta.get("script_schema", ""), self._meta.get("script_name", ""))
        self._lua = lua54.LuaRuntime(
            unpack_returned_tuples=True,
            register_eval=False,
            register_builtins=False,
            attribute_filter=_deny_attribute_access,
            max_memory=limits.max_memory_bytes,
        )
        host = self._lua.table_from(
            {
                "sql_null": SQL_NULL,
                "cjson_null": CJSON_NULL,
                "empty_array": CJSON_EMPTY_ARRAY,
                "cjson_source": runner._cjson_source,
                "cjson_version": runner._cjson_version,
                "unicode_utf8_source": runner._unicode_utf8_source,
                "upper": str.upper,
                "lower": str.lower,
                "meta": self._lua.table_from({k: to_lua(v) for k, v in self._meta.items()}),
                "hook_step": limits.hook_step,
                "max_instructions": limits.max_instructions,
                "with_output": with_output,
                "time_is_up": self._time_is_up,
                "query": self._run_query,
                "output": self._output.append,
                "declare_columns": self._declare_columns,
                "add_column": self._add_column,
                "add_row": self._add_row,
                "set_row_count": self._set_row_count,
            }
        )
        self._run_chunk = self._lua.execute(runner._sandbox_source, host)

    def run(
        self, source: str, params: Sequence[ScriptParam], args: Sequence[Any], returns: str | None
    ) -> ResultSet | RowCount | list[str]:
        self._bind_arguments(params, args)
        try:
            outcome = self._run_chunk(source, self._meta.get("script_name") or "script")
        except lua54.LuaMemoryError:
            raise QueryError(SCRIPT_ERROR, f"not enough memory in script {self._script}") from None
        kind, *details = outcome if isinstance(outcome, tuple) else (outcome,)
        if kind == "abort" or self._failure is not None:
            raise self._failure or RuntimeError("the Lua runtime aborted without a cause")
        if kind == "syntax":
            raise QueryError(SYNTAX_ERROR, f"Lua syntax error in script {self._script}: {details[0]}")
        if kind == "limit":
            raise self._limit_error(details[0])
        if kind == "error":
            message, line, sql_code = (details + [None, None])[:3]
            where = f" at line {line}" if line is not None else ""
            raise QueryError(sql_code or SCRIPT_ERROR, f'"{message}" caught in script {self._script}{where}')
        return self._result(returns)

    def _bind_arguments(self, params: Sequence[ScriptParam], args: Sequence[Any]) -> None:
        if len(params) != len(args):
            raise QueryError(
                SYNTAX_ERROR, f"script {self._script} expects {len(params)} arguments but got {len(args)}"
            )
        lua_globals = self._lua.globals()
        for param, arg in zip(params, args):
            if param.is_array:
                if not isinstance(arg, list | tuple):
                    raise QueryError(SYNTAX_ERROR, f"parameter {param.name} of script {self._script} is an ARRAY")
                lua_globals[param.name] = self._lua.table_from([to_lua(v) for v in arg])
            else:
                lua_globals[param.name] = to_lua(arg)

    def _limit_error(self, reason: str) -> QueryError:
        if reason == "time":
            return QueryError(
                TIMEOUT, f"script {self._script} exceeded the time limit of {self._limits.max_seconds:g} seconds"
            )
        return QueryError(
            SCRIPT_ERROR,
            f"script {self._script} exceeded the limit of {self._limits.max_instructions} Lua instructions",
        )

    def _result(self, returns: str | None) -> ResultSet | RowCount | list[str]:
        if self._with_output:
            return list(self._output)
        if self._columns is not None:
            if returns == "ROWCOUNT":
                raise QueryError(SCRIPT_ERROR, f"script {self._script} RETURNS ROWCOUNT but ended with a table")
            return ResultSet(columns=list(self._columns), rows=self._rows)
        if returns == "TABLE":
            raise QueryError(SCRIPT_ERROR, f"script {self._script} RETURNS TABLE but ended without a table")
        return RowCount(self._row_count)

    # host functions called from Lua --------------------------------------------------------------------------

    def _time_is_up(self) -> bool:
        return time.monotonic() > self._deadline

    def _run_query(self, sql: str, params: Any) -> tuple[Any, ...]:
        try:
            text = sql if params is None else substitute_parameters(sql, lambda name: self._param(params, name))
        except (ParameterError, UnicodeDecodeError) as error:
            return ("invalid", str(error))
        try:
            result = self._query(text)
        except QueryError as error:
            return ("failed", error.sql_code, error.text, text)
        except BaseException as error:  # a fault of the emulator, not of the script: surface it unchanged
            self._failure = error
            return ("abort",)
        if isinstance(result, RowCount):
            return ("count", result.n, None, text)
        try:
            columns = self._lua.table_from([self._lua.table_from(list(c)) for c in result.columns])
            rows = self._lua.table_from([self._lua.table_from([to_lua(v) for v in row]) for row in result.rows])
        except TypeError as error:
            self._failure = error
            return ("abort",)
        return ("rows", columns, rows, text)

    @staticmethod
    def _param(params: Any, name: str) -> object:
        value = params[name]
        if value is None or value is SQL_NULL or isinstance(value, bool | int | float | str):
            return value
        raise ParameterError(f"the query parameter :{name} has a value that SQL cannot express")

    def _declare_columns(self, definitions: str) -> int | None:
        """The number of declared columns, or None after recording why the definitions are invalid."""
        try:
            self._columns = parse_column_definitions(definitions)
        except ColumnDefinitionError as error:
            self._failure = QueryError(SCRIPT_ERROR, f"invalid result columns in script {self._script}: {error}")
            return None
        return len(self._columns)

    def _add_column(self, name: str, sql_type: str) -> None:
        self._columns = (self._columns or []) + [(name, sql_type)]

    def _add_row(self, *values: Any) -> bool:
        """False after recording why a value does not fit its column (Lua then ends the script)."""
        assert self._columns is not None
        try:
            self._rows.append(tuple(from_lua(v, t) for v, (_, t) in zip(values, self._columns)))
        except ResultValueError as error:
            self._failure = QueryError(SCRIPT_ERROR, f"invalid result of script {self._script}: {error}")
            return False
        return True

    def _set_row_count(self, n: int) -> None:
        self._row_count = n
