"""EXECUTE SCRIPT: evaluate the arguments, run the Lua source with the Lua runtime, and turn its answer into a
statement result. The script's ``query()``/``pquery()`` calls come back here and run in the same session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sme_local.exasol.catalog.types import VARCHAR_MAX, parse_exa_type
from sme_local.exasol.sql.errors import SqlError, object_not_found, syntax_error, unsupported_construct
from sme_local.exasol.sql.recogniser import ExecuteScript
from sme_local.exasol.sql.results import QueryResult, Result, RowCountResult, udf_value

if TYPE_CHECKING:
    from sme_local.exasol.sql.context import ScriptSession

DATABASE_NAME = "EXAEMU"


def execute_script(session: ScriptSession, statement: ExecuteScript) -> Result:
    from sme_local.exasol import lua_runtime

    schema = statement.name.schema or session.current_schema
    script = session.database.store.script(schema, statement.name.name) if schema else None
    if script is None:
        raise object_not_found("script", f"{schema + '.' if schema else ''}{statement.name.name}")
    if script.script_type != "SCRIPTING":
        raise SqlError("42000", f"{schema}.{script.name} is a UDF script; call it in a SELECT instead")
    session.privileges.require_execute_script(script)
    arguments = _evaluate_arguments(session, statement.arguments_sql)
    if len(arguments) != len(script.parameters):
        raise SqlError(
            "42000",
            f"script {schema}.{script.name} expects {len(script.parameters)} arguments, got {len(arguments)}",
        )
    params = [lua_runtime.ScriptParam(p.name, p.is_array) for p in script.parameters]
    exasol_release = session.database.release
    meta = {
        "database_name": DATABASE_NAME, "database_version": exasol_release.version,
        "script_language": "Lua " + exasol_release.lua_version,
        "script_name": script.name, "script_schema": script.schema, "current_user": session.user,
        "scope_user": session.user,
        "current_schema": session.current_schema, "session_id": str(session.id),
        "statement_id": session.statement_id, "node_count": session.database.nodes, "node_id": 0, "vm_id": 0,
    }

    def query(sql: str) -> Any:
        try:
            result = session.execute(sql)
        except SqlError as error:
            raise lua_runtime.QueryError(error.sql_code, error.text) from None
        if isinstance(result, RowCountResult):
            return lua_runtime.RowCount(result.count)
        return lua_runtime.ResultSet([(name, t.column_type()) for name, t in result.columns], result.rows)

    try:
        outcome = lua_runtime.LuaScriptRunner(cjson_version=exasol_release.cjson_version).run(
            script.body, params, arguments, meta, query, statement.with_output, returns=script.result_type
        )
    except lua_runtime.QueryError as error:
        raise SqlError(error.sql_code, error.text) from None
    return _to_result(outcome, lua_runtime)


def _evaluate_arguments(session: ScriptSession, arguments_sql: str) -> list[Any]:
    if not arguments_sql.strip():
        return []
    result = session.execute(f"SELECT {arguments_sql}")
    if not isinstance(result, QueryResult) or len(result.rows) != 1:
        raise syntax_error("script arguments must be constant expressions")
    return [udf_value(value, exa_type) for value, (_, exa_type) in zip(result.rows[0], result.columns)]


def _to_result(outcome: Any, lua_runtime: Any) -> Result:
    if isinstance(outcome, lua_runtime.RowCount):
        return RowCountResult(outcome.n)
    if isinstance(outcome, lua_runtime.ResultSet):
        columns = [(name, parse_exa_type(sql_type)) for name, sql_type in outcome.columns]
        return QueryResult(columns, [tuple(row) for row in outcome.rows])
    if isinstance(outcome, list):
        return QueryResult([("OUTPUT", VARCHAR_MAX)], [(line,) for line in outcome])
    raise unsupported_construct(f"a Lua script result of type {type(outcome).__name__}")
