import re

import pytest
from lupa import lua54

from exasol_sagemaker_extension.installation.statements import installation_statements, render_sql_file
from exasol_sagemaker_extension.installation.udf_ddl import CONTROL_PLANE_UDFS
from exasol_sagemaker_extension.errors import SmeError

UNUSUAL_SCHEMA = 'Ä "quoted"; DROP SCHEMA x --'


@pytest.fixture
def statements(lua_root, fixture_scripts):
    return installation_statements("SME", "PYTHON3_SME", fixture_scripts, lua_root)


def test_order_schema_tables_migrations_views_udfs_scripts(statements):
    kinds = [statement.label.split(" ")[0] for statement in statements]
    assert kinds == ["schema", "table"] + ["migration"] * 17 + ["table", "table", "view", "view", "view"] + ["UDF"] * len(CONTROL_PLANE_UDFS) + ["Lua"] * 2


def test_same_input_gives_the_same_text(lua_root, fixture_scripts, statements):
    again = installation_statements("SME", "PYTHON3_SME", fixture_scripts, lua_root)
    assert render_sql_file(again) == render_sql_file(statements)


def test_sql_file_terminates_scripts_with_slash_and_others_with_semicolon(statements):
    text = render_sql_file(statements)
    assert text.startswith('CREATE SCHEMA IF NOT EXISTS "SME";\n\n')
    assert text.count("\n/\n") == len(CONTROL_PLANE_UDFS) + 2  # the UDFs and the two fixture Lua scripts
    assert all(s.printable().endswith(";") != s.is_script for s in statements)


def test_unusual_schema_name_appears_only_quoted(lua_root, fixture_scripts):
    rendered = installation_statements(UNUSUAL_SCHEMA, "PYTHON3_SME", fixture_scripts, lua_root)
    quoted = '"Ä ""quoted""; DROP SCHEMA x --"'
    for statement in rendered:
        # every occurrence of the name is the quoted form, so the name can never end a string or statement
        assert statement.sql.count("Ä") == statement.sql.count(quoted), statement.sql
        assert statement.sql.count(quoted) >= 1


def test_lua_scripts_in_the_installation_compile(statements):
    runtime = lua54.LuaRuntime()
    for statement in statements:
        if statement.label.startswith("Lua script"):
            body = "\n".join(statement.sql.split("\n")[1:-1])
            assert runtime.execute("local f, e = load(...) return e", body) is None, statement.label


def test_nothing_is_dropped_or_truncated(statements):
    for statement in statements:
        header = statement.sql.split(" AS\n")[0] if statement.is_script else statement.sql
        assert not re.search(r"\b(DROP|TRUNCATE|DELETE)\b", header.upper()), statement.label


@pytest.mark.parametrize(("schema", "alias", "code"), [("", "PYTHON3_SME", "E-SME-300"), ("SME", "PY 3", "E-SME-301")])
def test_invalid_names_fail_before_anything_is_rendered(lua_root, fixture_scripts, schema, alias, code):
    with pytest.raises(SmeError) as caught:
        installation_statements(schema, alias, fixture_scripts, lua_root)
    assert caught.value.code == code
