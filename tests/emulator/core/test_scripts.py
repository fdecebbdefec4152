"""Lua scripting programs (EXECUTE SCRIPT) and Python UDF calls in queries, through pyexasol."""

from __future__ import annotations

import pyexasol
import pytest


def test_lua_script_returns_a_table_built_from_queries(db):
    db.execute("CREATE TABLE nums (n INT)")
    db.execute("INSERT INTO nums VALUES (1), (2), (3)")
    db.execute(
        "CREATE OR REPLACE LUA SCRIPT total(factor) RETURNS TABLE AS\n"
        "local res = query([[SELECT SUM(n) AS s FROM nums]])\n"
        "exit({{res[1].S * factor}}, 'TOTAL DECIMAL(18,0)')\n/"
    )
    statement = db.execute("EXECUTE SCRIPT total(10)")
    assert statement.column_names() == ["TOTAL"]
    assert statement.fetchall() == [(60,)]


def test_lua_script_error_reaches_the_client(db):
    db.execute("CREATE OR REPLACE LUA SCRIPT failing() AS\nerror('boom from lua')\n")
    with pytest.raises(pyexasol.ExaQueryError, match="boom from lua"):
        db.execute("EXECUTE SCRIPT failing()")


def test_lua_script_with_output(db):
    db.execute("CREATE OR REPLACE LUA SCRIPT talk() AS\noutput('hello')\noutput('world')\n")
    assert db.execute("EXECUTE SCRIPT talk() WITH OUTPUT").fetchall() == [("hello",), ("world",)]


def test_lua_script_query_failure_is_catchable_with_pquery(db):
    db.execute(
        "CREATE OR REPLACE LUA SCRIPT careful() RETURNS TABLE AS\n"
        "local ok, err = pquery([[SELECT * FROM missing_table]])\n"
        "exit({{tostring(ok), err.error_code}}, 'OK VARCHAR(10), CODE VARCHAR(10)')\n"
    )
    assert db.execute("EXECUTE SCRIPT careful()").fetchall() == [("false", "42000")]


def test_scalar_returns_udf(db):
    db.execute(
        "CREATE OR REPLACE PYTHON3 SCALAR SCRIPT twice(x DECIMAL(18,0)) RETURNS DECIMAL(18,0) AS\n"
        "def run(ctx):\n    return None if ctx.x is None else ctx.x * 2\n/"
    )
    db.execute("CREATE TABLE v (k INT, x INT)")
    db.execute("INSERT INTO v VALUES (1, 10), (2, NULL), (3, 30)")
    rows = db.execute("SELECT k, twice(x) AS t FROM v ORDER BY k").fetchall()
    assert rows == [(1, 20), (2, None), (3, 60)]


def test_set_emits_udf_grouped(db):
    db.execute(
        "CREATE OR REPLACE PYTHON3 SET SCRIPT summary(g VARCHAR(10), x DOUBLE) EMITS (grp VARCHAR(10), n DOUBLE) AS\n"
        "def run(ctx):\n"
        "    total, group = 0.0, ctx.g\n"
        "    while True:\n"
        "        total += ctx.x\n"
        "        if not ctx.next():\n"
        "            break\n"
        "    ctx.emit(group, total)\n/"
    )
    db.execute("CREATE TABLE s (g VARCHAR(10), x DOUBLE)")
    db.execute("INSERT INTO s VALUES ('a', 1), ('a', 2), ('b', 5)")
    statement = db.execute("SELECT summary(g, x) FROM s GROUP BY g ORDER BY 1")
    assert statement.fetchall() == [("a", 3.0), ("b", 5.0)]
    assert statement.columns()["grp"] == {"type": "VARCHAR", "size": 10, "characterSet": "UTF8"}


def test_dynamic_emits_at_the_call_site_nested_in_ctas(db):
    db.execute(
        "CREATE OR REPLACE PYTHON3 SCALAR SCRIPT burst(...) EMITS (...) AS\n"
        "def run(ctx):\n    for i in range(ctx[0]):\n        ctx.emit(i, str(i))\n/"
    )
    db.execute("CREATE TABLE exploded AS SELECT * FROM (SELECT burst(3) EMITS (i INT, s VARCHAR(5)) FROM DUAL)")
    assert db.execute("SELECT * FROM exploded ORDER BY i").fetchall() == [(0, "0"), (1, "1"), (2, "2")]


def test_udf_connection_access(db):
    db.execute("CREATE OR REPLACE CONNECTION udf_conn TO 'the-address' USER 'the-user' IDENTIFIED BY 'pw'")
    db.execute(
        "CREATE OR REPLACE PYTHON3 SCALAR SCRIPT read_conn(name VARCHAR(100)) RETURNS VARCHAR(200) AS\n"
        "def run(ctx):\n    c = exa.get_connection(ctx.name)\n    return c.address + '/' + c.user\n/"
    )
    assert db.execute("SELECT read_conn('UDF_CONN') FROM DUAL").fetchval() == "the-address/the-user"


def test_set_udf_deployer_check_shape(db):
    db.execute(
        "CREATE OR REPLACE PYTHON3 SET SCRIPT node_check(path VARCHAR(200)) EMITS (node DECIMAL(9,0), found BOOLEAN) AS\n"
        "import os\ndef run(ctx):\n    ctx.emit(exa.meta.node_id, os.path.isfile(ctx.path))\n/"
    )
    nproc = db.execute("SELECT nproc()").fetchval()
    rows = db.execute(
        f"SELECT node_check('/nonexistent') FROM VALUES BETWEEN 1 AND {nproc} t(i) GROUP BY i"
    ).fetchall()
    assert rows == [(0, False)]
