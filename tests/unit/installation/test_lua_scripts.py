import pytest
from lupa import lua54

from exasol_sagemaker_extension.installation.lua_scripts import render_lua_script
from exasol_sagemaker_extension.errors import SmeError


def _body(statement: str) -> str:
    """The Lua chunk Exasol runs: without the CREATE header line and the closing '/' line."""
    lines = statement.split("\n")
    assert lines[0].startswith("CREATE OR REPLACE LUA SCRIPT ") and lines[0].endswith(" AS")
    assert lines[-1] == "/"
    return "\n".join(lines[1:-1])


def test_header_quotes_schema_and_name_and_declares_params(lua_root, fixture_scripts):
    greet, count = (render_lua_script(script, 'My"Schema', lua_root) for script in fixture_scripts)
    assert greet.split("\n")[0] == 'CREATE OR REPLACE LUA SCRIPT "My""Schema"."SME_GREET"(who) RETURNS TABLE AS'
    assert count.split("\n")[0] == (
        'CREATE OR REPLACE LUA SCRIPT "My""Schema"."SME_COUNT"(ARRAY names, limit) RETURNS ROWCOUNT AS'
    )


def test_bundled_script_compiles_and_runs_under_lua_54(lua_root, fixture_scripts):
    runtime = lua54.LuaRuntime()
    body = _body(render_lua_script(fixture_scripts[0], "SME", lua_root))
    assert runtime.execute("local f, e = load(...) return e", body) is None
    runtime.globals().who = "exasol"
    runtime.execute(body)
    assert runtime.globals().result == "hello, exasol"


def test_script_without_modules_has_only_its_entry(lua_root, fixture_scripts):
    body = _body(render_lua_script(fixture_scripts[1], "SME", lua_root))
    assert body == "result = #names"


def test_rendering_is_stable(lua_root, fixture_scripts):
    first = [render_lua_script(script, "SME", lua_root) for script in fixture_scripts]
    assert first == [render_lua_script(script, "SME", lua_root) for script in fixture_scripts]


def test_missing_entry_file_is_e_sme_304(lua_root, make_script):
    with pytest.raises(SmeError) as caught:
        render_lua_script(make_script("SME_X", "TABLE", "entry/SME_X.lua"), "SME", lua_root)
    assert caught.value.code == "E-SME-304"


@pytest.mark.parametrize("name", ["end", "1x", "a-b", 'x"'])
def test_parameter_names_must_be_lua_identifiers(lua_root, make_script, name):
    with pytest.raises(SmeError) as caught:
        render_lua_script(make_script("SME_GREET", "TABLE", "entry/SME_GREET.lua", name), "SME", lua_root)
    assert caught.value.code == "F-SME-300"


def test_unknown_result_kind_is_refused(lua_root, make_script):
    with pytest.raises(SmeError) as caught:
        render_lua_script(make_script("SME_GREET", "ROWS", "entry/SME_GREET.lua"), "SME", lua_root)
    assert caught.value.code == "F-SME-301"
