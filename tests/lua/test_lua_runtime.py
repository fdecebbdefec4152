"""The emulator's Lua runtime: Exasol's scripting globals, results, errors, sandbox and limits."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from sme_local.exasol.lua_runtime import LuaLimits, LuaScriptRunner, QueryError, ResultSet, RowCount, ScriptParam
from sme_local.exasol.lua_runtime.column_definitions import ColumnDefinitionError, parse_column_definitions
from sme_local.exasol.lua_runtime.sql_parameters import ParameterError, SQL_NULL, substitute_parameters

META = {"script_schema": "S", "script_name": "N", "session_id": 1234, "statement_id": 5, "current_user": "U",
        "current_schema": "S", "database_name": "DB", "database_version": "8.34.0"}


class Recorder:
    def __init__(self, *answers):
        self.answers = list(answers)
        self.sent: list[str] = []

    def __call__(self, sql):
        self.sent.append(sql)
        answer = self.answers.pop(0) if self.answers else RowCount(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


def run(source, query=None, params=(), args=(), with_output=False, returns=None, runner=None, meta=META):
    return (runner or LuaScriptRunner()).run(
        source, list(params), list(args), meta, query or Recorder(), with_output=with_output, returns=returns
    )


def output(source, query=None, **kwargs):
    return run(source, query, with_output=True, **kwargs)


# statements and parameters -------------------------------------------------------------------------------------

def test_parameters_become_literals_and_identifiers():
    q = Recorder()
    output("query([[SELECT :s, :i, :f, :t, :b, :n FROM ::tbl WHERE c = ':s' AND \"x:s\" = 1 -- :s\n]],"
           " {s = [[it's]], i = 42, f = 0.5, t = true, b = false, n = null, tbl = 'A.\"b\"'})", q)
    assert q.sent == ["SELECT 'it''s', 42, 0.5, TRUE, FALSE, NULL FROM A.\"b\" WHERE c = ':s' AND \"x:s\" = 1 -- :s\n"]


def test_without_a_parameter_table_nothing_is_substituted():
    q = Recorder()
    output("query('SELECT :x')", q)
    assert q.sent == ["SELECT :x"]


@pytest.mark.parametrize(("source", "message"), [
    ("query('SELECT :x', {})", "no value given for the query parameter :x"),
    ("query('SELECT ::x', {x = 1})", "the identifier parameter ::x must be a string"),
    ("query('SELECT :x', {x = {}})", "the query parameter :x has a value that SQL cannot express"),
    ("query('SELECT :x', {x = 1/0})", "cannot be written as an SQL literal"),
    ("query(5)", "bad argument #1 to 'query' (string expected, got number)"),
    ("query('SELECT 1', 'x')", "bad argument #2 to 'query' (table expected, got string)"),
    ("query('SELECT \\xff')", "not valid UTF-8"),
])
def test_parameter_mistakes_are_script_errors(source, message):
    with pytest.raises(QueryError) as excinfo:
        run(source)
    assert excinfo.value.sql_code == "43000"
    assert message in excinfo.value.text


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30))
def test_any_string_parameter_round_trips_as_one_literal(value):
    sql = substitute_parameters("SELECT :v, ':v'", lambda name: value)
    literal = sql[len("SELECT "):-len(", ':v'")]
    assert literal[0] == literal[-1] == "'"
    assert literal[1:-1].replace("''", "'") == value
    assert "'" not in literal[1:-1].replace("''", "")


def test_substitution_skips_comments_and_quoted_text():
    sql = "/* :a */ SELECT ':a''', \"::a\" , :a -- :a"
    assert substitute_parameters(sql, lambda n: 1) == "/* :a */ SELECT ':a''', \"::a\" , 1 -- :a"
    assert substitute_parameters("SELECT a::b", lambda n: {"b": "X"}.get(n)) == "SELECT aX"
    assert substitute_parameters("x : y", lambda n: None) == "x : y"
    with pytest.raises(ParameterError):
        substitute_parameters("x :y", lambda n: None)
    assert substitute_parameters(":n", lambda n: SQL_NULL) == "NULL"


def test_result_tables_index_by_position_and_name_and_keep_null():
    table = ResultSet([("A", "DECIMAL(18,0)"), ("B", "VARCHAR(5) UTF8"), ("C", "DECIMAL(10,2)"), ("D", "DOUBLE"),
                       ("E", "BOOLEAN"), ("F", "DATE"), ("G", "TIMESTAMP(6)")],
                      [(1, None, Decimal("2.50"), 1.5, True, datetime.date(2024, 1, 2),
                        datetime.datetime(2024, 1, 2, 3, 4, 5, 600000)), (2**70, "x", None, None, None, None, None)])
    lines = output("local r = query('SELECT') output(#r) output(#r[1]) output(r[1].A + r[1][1]) output(math.type(r[1].A))"
                   " output(tostring(r[1].B == null)) output(r[1].C) output(r[1].D) output(tostring(r[1].E))"
                   " output(r[1].F) output(r[1].G) output(math.type(r[2].A)) output(r.statement_text) output(tostring(r[1].Z))",
                   Recorder(table))
    assert lines == ["2", "7", "2", "integer", "true", "2.5", "1.5", "true", "2024-01-02", "2024-01-02 03:04:05.600000",
                     "float", "SELECT", "nil"]


def test_dml_results_have_rows_affected():
    assert output("local r = query('DELETE') output(r.rows_affected) output(r.statement_text)", Recorder(RowCount(7))) == [
        "7", "DELETE"]


def test_pquery_reports_failures_and_query_raises_them_with_their_sql_state():
    failing = QueryError("42000", "object T not found")
    assert output("local ok, r = pquery('SELECT * FROM T') output(tostring(ok)) output(r.error_code)"
                  " output(r.error_message) output(r.statement_text)", Recorder(failing)) == [
        "false", "42000", "object T not found", "SELECT * FROM T"]
    with pytest.raises(QueryError) as excinfo:
        run("local x = 1\nquery('SELECT * FROM T')", Recorder(failing))
    assert excinfo.value.sql_code == "42000"
    assert excinfo.value.text == '"object T not found" caught in script "S"."N" at line 2'
    assert output("local ok, e = pcall(query, 'X') output(tostring(ok)) output(e)", Recorder(failing)) == [
        "false", "object T not found"]


def test_a_fault_of_the_core_propagates_unchanged():
    with pytest.raises(KeyError):
        run("pcall(query, 'SELECT')", Recorder(KeyError("bug")))


# results and exit ------------------------------------------------------------------------------------------------

def test_exit_with_a_query_result_keeps_its_column_types():
    table = ResultSet([("A", "DECIMAL(10,2)"), ("B", "TIMESTAMP(3)")], [(Decimal("1.25"), datetime.datetime(2024, 1, 2))])
    result = run("exit(query('SELECT'))", Recorder(table), returns="TABLE")
    assert result == ResultSet([("A", "DECIMAL(10,2)"), ("B", "TIMESTAMP(3)")],
                               [(Decimal("1.25"), datetime.datetime(2024, 1, 2))])


def test_exit_and_return_with_column_definitions():
    source = ("{{1, 'a', 1.5, true, '2024-01-02', '2024-01-02 03:04:05.250000', 2.345}, {null, nil, nil, nil}}, "
              "'i INT, \"v\" VARCHAR(3) ASCII, d DOUBLE, b BOOL, dt DATE, ts TIMESTAMP, n DECIMAL(5,2)'")
    expected = ResultSet(
        [("I", "DECIMAL(18,0)"), ("v", "VARCHAR(3) ASCII"), ("D", "DOUBLE"), ("B", "BOOLEAN"), ("DT", "DATE"),
         ("TS", "TIMESTAMP(3)"), ("N", "DECIMAL(5,2)")],
        [(1, "a", 1.5, True, datetime.date(2024, 1, 2), datetime.datetime(2024, 1, 2, 3, 4, 5, 250000), Decimal("2.35")),
         (None,) * 7])
    assert run("exit(" + source + ")") == expected
    assert run("return " + source) == expected
    assert run("pcall(exit, " + source + ") error('not reached')") == expected


@pytest.mark.parametrize(("source", "expected"), [
    ("", RowCount(0)), ("exit()", RowCount(0)), ("exit(5)", RowCount(5)), ("return query('UPDATE')", RowCount(3)),
])
def test_row_count_results(source, expected):
    assert run(source, Recorder(RowCount(3))) == expected


@pytest.mark.parametrize(("source", "returns", "message"), [
    ("exit({{1}})", None, "needs column definitions"),
    ("exit({{1}}, 'a INT, b INT, c')", None, "invalid result columns"),
    ("exit({{'x'}}, 'a INT')", None, "cannot be stored in a DECIMAL(18,0) column"),
    ("exit({{1.5}}, 'a INT')", None, "cannot be stored"),
    ("exit({{1000}}, 'a DECIMAL(3,0)')", None, "does not fit into DECIMAL(3,0)"),
    ("exit({{'abcd'}}, 'a VARCHAR(3)')", None, "too long for VARCHAR(3) UTF8"),
    ("exit({{1, 2}}, 'a INT')", None, "result row 1 has 2 values for 1 columns"),
    ("exit({{{}}}, 'a INT')", None, "a table value cannot be returned"),
    ("exit({{'2024-13-01'}}, 'a DATE')", None, "cannot be stored in a DATE column"),
    ("exit({{1}}, 'a INT, A INT')", None, "duplicate column names"),
    ("exit(-1)", None, "non-negative integer"),
    ("exit({{1}}, 'a INT')", "ROWCOUNT", "RETURNS ROWCOUNT but ended with a table"),
    ("exit(1)", "TABLE", "RETURNS TABLE but ended without a table"),
])
def test_invalid_results_are_script_errors(source, returns, message):
    with pytest.raises(QueryError) as excinfo:
        run(source, returns=returns)
    assert excinfo.value.sql_code == "43000"
    assert message in excinfo.value.text


def test_with_output_returns_the_output_lines_and_ignores_the_result():
    assert output("output('a') output(2) exit({{1}})") == ["a", "2"]


def test_errors_name_script_and_line():
    with pytest.raises(QueryError) as excinfo:
        run("\n\nlocal t = nil\nreturn t.x")
    assert excinfo.value.sql_code == "43000"
    assert excinfo.value.text.startswith('"attempt to index a nil value (local \'t\')" caught in script "S"."N" at line 4')
    with pytest.raises(QueryError) as excinfo:
        run("error({})")
    assert excinfo.value.text.startswith('"(error object is a table value)"')
    with pytest.raises(QueryError) as excinfo:
        run("x = = 1")
    assert excinfo.value.sql_code == "42000" and "Lua syntax error" in excinfo.value.text


# globals ---------------------------------------------------------------------------------------------------------

def test_arguments_meta_null_and_decimal():
    lines = output(
        "output(a) output(#arr) output(arr[2]) output(tostring(n == null)) output(tostring(NULL == null))"
        " output(type(null)) output(exa.meta.session_id) output(math.type(exa.meta.statement_id))"
        " output(exa.meta.script_language) output(exa.meta.script_schema .. '.' .. exa.meta.script_name)"
        " output(decimal(2.5)) output(math.type(decimal('7'))) output(decimal(-1.006, 5, 2)) output(unicode.utf8.len('ä'))",
        params=[ScriptParam("a"), ScriptParam("arr", is_array=True), ScriptParam("n")], args=["x", [1, "two"], None])
    assert lines == ["x", "2", "two", "true", "true", "userdata", "1234", "integer", "Lua 5.4", "S.N", "3", "integer",
                     "-1.01", "1"]


def test_session_id_is_a_string_as_in_exasol():
    assert output("output(type(exa.meta.session_id))", meta={**META, "session_id": 1234}) == ["string"]


def test_unicode_utf8_counts_characters():
    lines = output("local u = unicode.utf8 output(u.len('äöü')) output(u.sub('äöüx', 2, -2)) output(u.upper('straße'))"
                   " output(u.lower('ÄB')) output(u.reverse('aäb')) output(u.char(228, 98)) output(u.byte('xä', 2))"
                   " output(u.sub('ä', 3))")
    assert lines == ["3", "öü", "STRASSE", "äb", "bäa", "äb", "228", ""]


@pytest.mark.parametrize(("source", "missing"), [
    ("utf8.len('a')", "global 'utf8'"),
    ("os.getenv('HOME')", "field 'getenv'"),
    ("os.execute('true')", "field 'execute'"),
    ("io.write('x')", "global 'io'"),
    ("debug.traceback()", "global 'debug'"),
    ("require('cjson').array_mt.x = 1", "field 'array_mt'"),
])
def test_features_outside_exasols_documented_environment_fail(source, missing):
    """Exasol documents unicode.utf8 (not Lua 5.4's utf8), an os subset and lua-cjson 2.1.0 before 8.34."""
    with pytest.raises(QueryError, match=f"attempt to .* a nil value \\({missing}\\)"):
        run(source)


@pytest.mark.parametrize("source", ["decimal('x')", "decimal(1000, 3)", "decimal(1, 0)", "decimal(1, 5, 6)"])
def test_decimal_rejects_what_does_not_fit(source):
    with pytest.raises(QueryError, match="decimal:"):
        run(source)


def test_argument_count_and_array_shape_are_checked():
    with pytest.raises(QueryError, match="expects 1 arguments but got 0"):
        run("", params=[ScriptParam("a")])
    with pytest.raises(QueryError, match="is an ARRAY"):
        run("", params=[ScriptParam("a", is_array=True)], args=["x"])


def test_require_and_package_preload_work_but_files_do_not():
    assert output("package.preload.m = function() return {v = 'm'} end output(require('m').v)"
                  " output(tostring(pcall(require, 'os.nothing')))") == ["m", "false"]


@pytest.mark.parametrize("expression", [
    "io", "debug", "dofile", "loadfile", "print", "python", "os.execute", "os.remove", "os.rename", "os.exit",
    "os.getenv", "package.loadlib", "getmetatable(null)",
])
def test_the_sandbox_hides_dangerous_functions(expression):
    assert output(f"output(tostring({expression} == nil or {expression} == false))") == ["true"]


def test_binary_chunks_and_python_attributes_are_refused():
    assert output("local f, e = load(string.dump(function() end)) output(tostring(f)) output(e)")[0] == "nil"
    with pytest.raises(QueryError, match="not allowed"):
        run("local x = null.__class__")
    assert output("output(tostring(os.time() > 0)) output(type(os.date('%Y')))") == ["true", "string"]


def test_runaway_scripts_are_stopped_even_inside_pcall_and_coroutines():
    runner = LuaScriptRunner(limits=LuaLimits(max_instructions=200_000, hook_step=1000))
    for source in ["while true do end", "while true do pcall(function() while true do end end) end",
                   "coroutine.wrap(function() while true do end end)()",
                   "local co = coroutine.create(function() while true do end end) coroutine.resume(co) error('x')"]:
        with pytest.raises(QueryError, match="exceeded the limit of 200000 Lua instructions"):
            run(source, runner=runner)


def test_wall_time_and_memory_limits():
    with pytest.raises(QueryError) as excinfo:
        run("while true do end", runner=LuaScriptRunner(limits=LuaLimits(max_seconds=0.05, hook_step=1000)))
    assert excinfo.value.sql_code == "R0001"
    with pytest.raises(QueryError, match="not enough memory"):
        run("local t = {} for i = 1, 1e8 do t[i] = string.rep('x', 64) .. i end",
            runner=LuaScriptRunner(limits=LuaLimits(max_memory_bytes=32 * 1024 * 1024)))


# column definitions ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("a INTEGER, b BIGINT, c SMALLINT, d TINYINT, e DECIMAL, f DECIMAL(10), g NUMERIC(5,2), h NUMBER(3)",
     ["DECIMAL(18,0)", "DECIMAL(36,0)", "DECIMAL(9,0)", "DECIMAL(3,0)", "DECIMAL(18,0)", "DECIMAL(10,0)",
      "DECIMAL(5,2)", "DECIMAL(3,0)"]),
    ("a double precision, b float, c real, d number, e boolean, f date, g timestamp(6), h char, i char(3) ascii,"
     " j varchar(7) utf8, k clob, l long varchar",
     ["DOUBLE", "DOUBLE", "DOUBLE", "DOUBLE", "BOOLEAN", "DATE", "TIMESTAMP(6)", "CHAR(1) UTF8", "CHAR(3) ASCII",
      "VARCHAR(7) UTF8", "VARCHAR(2000000) UTF8", "VARCHAR(2000000) UTF8"]),
])
def test_column_types_resolve_aliases(text, expected):
    assert [t for _, t in parse_column_definitions(text)] == expected


@pytest.mark.parametrize("text", ["a VARCHAR", "a DECIMAL(37,0)", "a DECIMAL(5,6)", "a BLOB", "1a INT", "a INT,",
                                  '"a INT', "a VARCHAR(0)", "a CHAR(2001)", '"" INT'])
def test_invalid_column_definitions(text):
    with pytest.raises(ColumnDefinitionError):
        parse_column_definitions(text)


def test_quoted_column_names_keep_case_commas_and_quotes():
    assert parse_column_definitions('"a,""b" DECIMAL(5, 2), c_1 varchar(2)') == [
        ('a,"b', "DECIMAL(5,2)"), ("C_1", "VARCHAR(2) UTF8")]
