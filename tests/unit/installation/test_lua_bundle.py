"""Bundling: transitive, stable, complete; the result runs under Lua 5.4 with require served from preload."""

from pathlib import Path

import pytest
from lupa import lua54

from exasol_sagemaker_extension.installation.lua_bundle import bundle, collect_modules, lua_sources_root
from exasol_sagemaker_extension.errors import SmeError


def _modules(tmp_path: Path, sources: dict[str, str]) -> Path:
    modules_dir = tmp_path / "modules"
    modules_dir.mkdir()
    for name, source in sources.items():
        (modules_dir / f"{name}.lua").write_text(source, encoding="utf-8", newline="")
    return modules_dir


def _run(body: str):
    runtime = lua54.LuaRuntime()
    return runtime.execute(body)


def test_transitive_modules_are_bundled_in_name_order_and_run(tmp_path):
    modules_dir = _modules(
        tmp_path,
        {
            "sme_z": 'local y = require("sme_y")\nlocal M = {}\nfunction M.value() return "z" .. y.value() end\n'
            "return M",
            "sme_y": 'local M = {}\nfunction M.value() return "y" .. require("sme_a").value() end\nreturn M',
            "sme_a": "return { value = function() return 'a' end }",
            "sme_unused": "error('must not be bundled')",
        },
    )
    body = bundle('local z = require("sme_z")\nreturn z.value()', modules_dir, "script T")
    assert list(collect_modules('require("sme_z")', modules_dir, "script T")) == ["sme_a", "sme_y", "sme_z"]
    assert body.index('package.preload["sme_a"]') < body.index('package.preload["sme_y"]') < body.index(
        'package.preload["sme_z"]'
    )
    assert "sme_unused" not in body
    assert _run(body) == "zya"


def test_module_required_twice_and_cycles_are_bundled_once(tmp_path):
    modules_dir = _modules(
        tmp_path,
        {
            "sme_a": 'local M = {}\nfunction M.b() return require("sme_b").name end\nM.name = "a"\nreturn M',
            "sme_b": 'local M = {}\nfunction M.a() return require("sme_a").name end\nM.name = "b"\nreturn M',
        },
    )
    body = bundle('local a = require("sme_a")\nlocal b = require("sme_b")\nreturn a.b() .. b.a()', modules_dir, "T")
    assert body.count('package.preload["sme_a"]') == 1
    assert body.count('package.preload["sme_b"]') == 1
    assert _run(body) == "ba"


def test_runtime_libraries_are_not_bundled(tmp_path):
    modules_dir = _modules(tmp_path, {"sme_json": 'local cjson = require("cjson")\nreturn cjson'})
    assert list(collect_modules('require("sme_json")', modules_dir, "T")) == ["sme_json"]


def test_missing_module_names_the_requirer(tmp_path):
    modules_dir = _modules(tmp_path, {"sme_a": 'return require("sme_missing")'})
    with pytest.raises(SmeError) as caught:
        bundle('require("sme_a")', modules_dir, "script T")
    assert caught.value.code == "E-SME-302"
    assert "sme_missing" in caught.value.message and "'sme_a'" in caught.value.message


def test_dotted_or_path_module_names_are_rejected(tmp_path):
    modules_dir = _modules(tmp_path, {})
    with pytest.raises(SmeError) as caught:
        bundle('require("../etc/passwd")', modules_dir, "T")
    assert caught.value.code == "E-SME-302"


def test_a_line_holding_only_a_slash_is_refused(tmp_path):
    modules_dir = _modules(tmp_path, {"sme_a": "local s = [[\n/\n]]\nreturn s"})
    with pytest.raises(SmeError) as caught:
        bundle('require("sme_a")', modules_dir, "script T")
    assert caught.value.code == "E-SME-303"


def test_line_endings_do_not_change_the_bundle(tmp_path):
    (tmp_path / "lf").mkdir()
    (tmp_path / "crlf").mkdir()
    lf = _modules(tmp_path / "lf", {"sme_a": "return {\n1\n}\n"})
    crlf = _modules(tmp_path / "crlf", {"sme_a": "return {\r\n1\r\n}"})
    assert bundle('require("sme_a")\r\n', lf, "T") == bundle('require("sme_a")', crlf, "T")


def test_module_ending_in_a_comment_still_closes_its_function(tmp_path):
    modules_dir = _modules(tmp_path, {"sme_a": "return 7 -- trailing comment without newline"})
    assert _run(bundle('return (require("sme_a"))', modules_dir, "T")) == 7


def test_shipped_sources_root_is_the_lua_package():
    assert lua_sources_root().joinpath("__init__.py").is_file()
