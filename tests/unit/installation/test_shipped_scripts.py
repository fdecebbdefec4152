"""The real Lua sources and declarations: every shipped entry script bundles and compiles under Lua 5.4."""

from pathlib import Path

from click.testing import CliRunner
from lupa import lua54

from exasol_sagemaker_extension.installation import cli, scripts
from exasol_sagemaker_extension.installation.statements import installation_statements  # noqa: E402

USER_GUIDE = Path(__file__).resolve().parents[3] / "doc" / "user_guide.md"


def test_every_shipped_script_compiles_under_lua_54():
    runtime = lua54.LuaRuntime()
    lua_statements = [s for s in installation_statements("SME", "PYTHON3_SME") if s.label.startswith("Lua script")]
    assert len(lua_statements) == len(scripts.ENTRY_SCRIPTS) > 0
    for statement in lua_statements:
        body = "\n".join(statement.sql.split("\n")[1:-1])
        assert runtime.execute("local f, e = load(...) return e", body) is None, statement.label


def test_to_print_renders_the_shipped_scripts():
    result = CliRunner().invoke(cli.main, ["--to-print"])
    assert result.exit_code == 0, result.output
    for script in scripts.ENTRY_SCRIPTS:
        assert f'CREATE OR REPLACE LUA SCRIPT "SME"."{script.name}"(' in result.output


def test_every_shipped_script_is_documented_in_the_user_guide():
    guide = USER_GUIDE.read_text(encoding="utf-8")
    assert [s.name for s in scripts.ENTRY_SCRIPTS if f"{s.name}(" not in guide] == []
