"""Shared Lua modules, the script declarations, and the completeness of the error-code tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sme_local.exasol.lua_runtime import QueryError
from exasol_sagemaker_extension.installation.lua_bundle import GENERATED_MODULES
from exasol_sagemaker_extension.installation.scripts import ENTRY_SCRIPTS
from exasol_sagemaker_extension.errors import SmeError

from lua_harness import LUA_DIR, run_snippet

CODE = re.compile(r"\b[EF]-SME-\d+\b(?!\.\.)")


def test_lua_errors_render_exactly_like_python_sme_errors():
    lines = run_snippet("local errors = require('sme_errors')"
                        " output(errors.format_error('E-SME-7', 'Bad \"x\".', {'Fix it.', 'Or that.'}))"
                        " output(errors.format_error('F-SME-1', 'Internal.'))")
    assert lines == [SmeError("E-SME-7", 'Bad "x".', ["Fix it.", "Or that."]).render(), SmeError("F-SME-1", "Internal.").render()]


@pytest.mark.parametrize("call", ["format_error('E-SME-1', 'x', {})", "format_error('SME-1', 'x', {'m'})"])
def test_lua_errors_refuse_malformed_codes_and_missing_mitigations(call):
    with pytest.raises(QueryError):
        run_snippet(f"require('sme_errors').{call}")


@pytest.mark.parametrize(("value", "expected"), [
    ("abc_1", "ABC_1"), ('"My ""T"""', 'My "T"'), ('"ä;--x"', "ä;--x"), ('"' + "é" * 128 + '"', "é" * 128),
])
def test_identifiers_normalize(value, expected):
    lua_value = value.replace("\\", "\\\\").replace('"', '\\"')
    assert run_snippet(f'output(require("sme_identifiers").normalize("{lua_value}", "x"))') == [expected]


def test_identifiers_reject_invalid_utf8_and_quote_safely():
    with pytest.raises(QueryError, match="E-SME-7: Invalid name for x: .*\ufffd.* is not valid UTF-8"):
        run_snippet('require("sme_identifiers").normalize("\\"\\xff\\"", "x")')
    assert run_snippet('output(require("sme_identifiers").qualified("a\\"b", "c"))') == ['"a""b"."c"']


@pytest.mark.parametrize(("lua_literal", "valid"), [
    ('"abc"', True), ('"\\u{e4}\\u{20ac}\\u{1F600}"', True), ('""', True),
    ('"\\xff"', False), ('"\\xc0\\xaf"', False), ('"\\xe0\\x80\\xaf"', False), ('"\\xed\\xa0\\x80"', False),
    ('"\\xf4\\x90\\x80\\x80"', False), ('"\\xe4\\xb8"', False), ('"a\\x80"', False),
])
def test_text_checks_utf8_without_lua_54s_utf8_table(lua_literal, valid):
    lines = run_snippet(f"local text = require('sme_text') output(tostring(text.is_utf8({lua_literal})))"
                        f" output(tostring(text.length({lua_literal})))")
    assert lines[0] == str(valid).lower()
    assert (lines[1] != "nil") == valid


def test_json_writes_arrays_and_python_compatible_strings_on_every_cjson():
    lines = run_snippet("local json = require('sme_json')"
                        " output(json.encode({a = json.array({}), b = json.array({'x/y', 1, 2.5, true, null}),"
                        " c = {d = require('cjson').null}}))"
                        " output(json.string('q\"\\\\\\n\\t\\127ä/'))")
    assert lines[0] == '{"a":[],"b":["x/y",1,2.5,true,null],"c":{"d":null}}'
    assert lines[1] == '"q\\"\\\\\\n\\t\\u007fä/"'


def test_values_read_decimal_like_userdata_through_tostring():
    lines = run_snippet("local values = require('sme_values')"
                        " local fake_decimal = setmetatable({}, {__tostring = function() return '42' end})"
                        " output(values.to_integer(fake_decimal)) output(values.to_integer(3.0))"
                        " output(tostring(values.to_integer('3'))) output(tostring(values.is_absent(require('cjson').null)))")
    assert lines == ["42", "3", "nil", "true"]


def test_every_declared_script_has_an_entry_file_that_uses_its_parameters():
    for script in ENTRY_SCRIPTS:
        source = "\n".join(line for line in (LUA_DIR / script.entry_file).read_text().splitlines()
                           if not line.startswith("--"))
        assert script.returns == "TABLE"
        for param in script.params:
            assert re.search(rf"\b{param.name}\b", source), (script.name, param.name)
    assert {p.name for p in (LUA_DIR / "entry").glob("*.lua")} == {Path(s.entry_file).name for s in ENTRY_SCRIPTS}


def test_modules_are_required_with_literal_names_so_the_renderer_can_bundle_them():
    modules = {p.stem for p in (LUA_DIR / "modules").glob("*.lua")} | set(GENERATED_MODULES)
    for path in list((LUA_DIR / "modules").glob("*.lua")) + list((LUA_DIR / "entry").glob("*.lua")):
        text = path.read_text()
        assert "require(" not in re.sub(r'require\("(\w+)"\)', "", text), path
        for name in re.findall(r'require\("(\w+)"\)', text):
            assert name in modules or name == "cjson", (path, name)
    assert all(re.fullmatch(r"sme_\w+", m) for m in modules)


def test_every_lua_error_code_is_exercised_by_a_test():
    used = set()
    for path in (LUA_DIR / "modules").glob("*.lua"):
        used |= set(CODE.findall(path.read_text()))
    tested = set()
    for path in Path(__file__).parent.glob("test_*.py"):
        if path.name != Path(__file__).name:
            tested |= set(CODE.findall(path.read_text()))
    assert all(1 <= int(code.rsplit("-", 1)[1]) <= 99 for code in used)
    assert sorted(used - tested) == []
