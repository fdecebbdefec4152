"""The runtime's cjson against lua-cjson 2.1.0 / 2.1.0.10 (and 2.1.0.14+ integers): outputs and error texts."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, strategies as st

from sme_local.exasol.lua_runtime import LuaScriptRunner, QueryError, RowCount

META = {"script_schema": "S", "script_name": "N", "session_id": "1"}


def lua(body: str, version: str = "2.1.0.10") -> list[str]:
    source = "local cjson = require('cjson')\n" + body
    return LuaScriptRunner(cjson_version=version).run(source, [], [], META, lambda sql: RowCount(0), with_output=True)


@pytest.mark.parametrize(("expression", "expected"), [
    ("{1, 2, 3}", "[1,2,3]"),
    ("{a = 'x/y', b = true, c = cjson.null, d = null}", '{"a":"x\\/y","b":true,"c":null,"d":null}'),
    ("{}", "{}"),
    ("cjson.empty_array", "[]"),
    ("setmetatable({}, cjson.empty_array_mt)", "[]"),
    ("setmetatable({}, cjson.array_mt)", "[]"),
    ("{[1] = 'a', [3] = 'c'}", '["a",null,"c"]'),
    ("{[1] = 'a', x = 1}", '{"1":"a","x":1}'),
    ("'\\0\\1\\b\\t\\n\\f\\r\"\\\\\\127ä'", '"\\u0000\\u0001\\b\\t\\n\\f\\r\\"\\\\\\u007fä"'),
    ("0.1", "0.1"), ("1/3", "0.33333333333333"), ("3", "3"), ("3.0", "3"), ("1e20", "1e+20"), ("-0.0", "-0"),
    ("2^53", "9.007199254741e+15"), ("math.maxinteger", "9.2233720368548e+18"),
])
def test_encode_like_lua_cjson_2_1_0_10(expression, expected):
    assert lua(f"output(cjson.encode({expression}))") == [expected]


def test_encode_integers_in_integer_mode():
    assert lua("output(cjson.encode({math.maxinteger, 3, 3.0}))", "2.1.0.14") == ["[9223372036854775807,3,3]"]


@pytest.mark.parametrize(("expression", "message"), [
    ("{[20] = 1}", "Cannot serialise table: excessively sparse array"),
    ("{f = print2}", None),
    ("{f = function() end}", "Cannot serialise function: type not supported"),
    ("{[true] = 1}", "Cannot serialise boolean: table key must be a number or string"),
    ("0/0", "Cannot serialise number: must not be NaN or Infinity"),
    ("math.huge", "Cannot serialise number: must not be NaN or Infinity"),
])
def test_encode_errors(expression, message):
    lines = lua(f"local ok, e = pcall(cjson.encode, {expression}) output(tostring(ok)) output(tostring(e))")
    if message is None:
        assert lines == ["true", "{}"]
    else:
        assert lines == ["false", message]


def test_encode_nesting_limit():
    assert lua("local t = {} local c = t for i = 1, 1001 do c[1] = {} c = c[1] end"
               " local ok, e = pcall(cjson.encode, t) output(e)") == ["Cannot serialise, excessive nesting (1001)"]


@pytest.mark.parametrize(("version", "expected"), [
    ("2.1.0", ["float", "1.0", "float"]), ("2.1.0.10", ["float", "1.0", "float"]), ("2.1.0.14", ["integer", "1", "float"]),
])
def test_decode_numbers_by_version(version, expected):
    assert lua("local t = cjson.decode('[1, 2.5]') output(math.type(t[1])) output(tostring(t[1]))"
               " output(math.type(t[2]))", version) == expected


def test_decode_values():
    lines = lua(
        "local t = cjson.decode(' {\"a\": [true, false, null, \"x\\\\u00e4\\\\ud83d\\\\ude00\\\\/\"], \"b\": {}, \"c\": -1e2,"
        " \"d\": 0x10, \"e\": -Infinity, \"f\": nan, \"g\": 01, \"h\": +1 } ')"
        " output(tostring(t.a[1])) output(tostring(t.a[3] == cjson.null)) output(tostring(t.a[3] == null)) output(t.a[4])"
        " output(tostring(next(t.b))) output(tostring(t.c)) output(tostring(t.d)) output(tostring(t.e))"
        " output(tostring(t.f ~= t.f)) output(tostring(t.g)) output(tostring(t.h)) output(tostring(getmetatable(t.a)))")
    assert lines == ["true", "true", "false", "xä😀/", "nil", "-100.0", "16.0", "-inf", "true", "1.0", "1.0", "nil"]


def test_decode_array_with_array_mt():
    assert lua("cjson.decode_array_with_array_mt(true) local t = cjson.decode('[[]]')"
               " output(tostring(getmetatable(t) == cjson.array_mt)) output(cjson.encode(t))") == ["true", "[[]]"]


def test_encode_empty_table_as_object_switch():
    assert lua("output(tostring(cjson.encode_empty_table_as_object(false))) output(cjson.encode({a = {}}))") == [
        "false", '{"a":[]}']


@pytest.mark.parametrize(("text", "message"), [
    ("", "Expected value but found T_END at character 1"),
    ("{", "Expected object key string but found T_END at character 2"),
    ("{not json", "Expected object key string but found invalid token at character 2"),
    ("[1 2]", "Expected comma or array end but found T_NUMBER at character 4"),
    ('{"a" 1}', "Expected colon but found T_NUMBER at character 6"),
    ('{"a":1,}', "Expected object key string but found T_OBJ_END at character 8"),
    ("[1] x", "Expected the end but found invalid token at character 5"),
    ('"abc', "Expected value but found unexpected end of string at character 5"),
    ('"a\\qb"', "Expected value but found invalid escape code at character 3"),
    ('"\\ud800x"', "Expected value but found invalid unicode escape code at character 2"),
    ('"\\udc00"', "Expected value but found invalid unicode escape code at character 2"),
    ("-x", "Expected value but found invalid number at character 1"),
    ("nul", "Expected value but found invalid token at character 1"),
    ("[" * 1001, "Found too many nested data structures (1001) at character 1001"),
])
def test_decode_errors_use_lua_cjson_wording(text, message):
    assert lua(f"local ok, e = pcall(cjson.decode, {json.dumps(text)}) output(tostring(ok)) output(e)") == [
        "false", message]


def test_decode_stops_at_nul_and_rejects_utf16():
    assert lua("output(tostring(cjson.decode('[1]\\0garbage')[1]))") == ["1.0"]
    assert lua("local ok, e = pcall(cjson.decode, '\\0[') output(e)") == ["JSON parser does not support UTF-16 or UTF-32"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**31), 2**31) | st.text(max_size=8),
    lambda children: st.lists(children, min_size=1, max_size=4) | st.dictionaries(st.text(min_size=1, max_size=5), children, min_size=1, max_size=4),
    max_leaves=12,
)


@given(json_values)
def test_round_trip_through_lua_matches_python(value):
    text = json.dumps(value)
    script = f"output(cjson.encode(cjson.decode({json.dumps(text)})))"
    assert json.loads(lua(script, "2.1.0.14")[0]) == value


def test_json_null_is_not_sql_null_in_query_parameters():
    with pytest.raises(QueryError, match="SQL cannot express"):
        LuaScriptRunner().run("query('SELECT :x', {x = require('cjson').null})", [], [], META, lambda s: RowCount(0))


OPENRESTY_ADDITIONS = ("array_mt", "empty_array_mt", "empty_array", "encode_empty_table_as_object",
                       "encode_escape_forward_slash", "decode_array_with_array_mt")


@pytest.mark.parametrize("name", OPENRESTY_ADDITIONS)
def test_lua_cjson_2_1_0_lacks_the_openresty_additions(name):
    """Exasol before 8.34 ships lua-cjson 2.1.0 (changelog 24031), which has none of openresty's additions."""
    assert lua(f"output(tostring(cjson.{name}))", "2.1.0") == ["nil"]
    assert lua(f"output(type(cjson.{name}))", "2.1.0.10") != ["nil"]


def test_calling_a_missing_cjson_function_fails_like_on_an_old_exasol():
    with pytest.raises(QueryError) as excinfo:
        lua("cjson.encode_escape_forward_slash(false)", "2.1.0")
    assert "attempt to call a nil value (field 'encode_escape_forward_slash')" in excinfo.value.text


def test_lua_cjson_2_1_0_encodes_like_2_1_0_10():
    assert lua("output(cjson.encode({a = 'x/y', b = {1, 2}, c = {}})) output(cjson._VERSION)", "2.1.0") == [
        '{"a":"x\\/y","b":[1,2],"c":{}}', "2.1.0"]
