"""System tables, scripts, connections (passwords never visible) and persistence across a restart."""

from __future__ import annotations

import pyexasol
import pytest

from sme_local.exasol.api import Emulator

SECRET = "s3cr3t-Pa55word"


def test_system_tables_describe_tables_and_views(db):
    schema = db.current_schema()
    db.execute("CREATE TABLE t (a DECIMAL(9,2), b VARCHAR(7))")
    db.execute("CREATE VIEW v AS SELECT b FROM t")
    columns = db.execute(
        "SELECT column_table, column_object_type, column_name, column_type, column_ordinal_position, "
        "column_num_prec, column_num_scale, column_is_nullable FROM sys.exa_all_columns "
        f"WHERE column_schema = '{schema}' ORDER BY column_table, column_ordinal_position"
    ).fetchall()
    assert columns == [
        ("T", "TABLE", "A", "DECIMAL(9,2)", 1, 9, 0 + 2, True),
        ("T", "TABLE", "B", "VARCHAR(7) UTF8", 2, None, None, True),
        ("V", "VIEW", "B", "VARCHAR(7) UTF8", 1, None, None, True),
    ]
    assert db.execute(f"SELECT table_name FROM exa_all_tables WHERE table_schema = '{schema}'").fetchall() == [("T",)]
    view = db.execute(f"SELECT view_name, view_text FROM sys.exa_all_views WHERE view_schema = '{schema}'").fetchone()
    assert view == ("V", "CREATE VIEW v AS SELECT b FROM t")
    schemas = [r[0] for r in db.execute("SELECT schema_name FROM sys.exa_schemas")]
    assert schema in schemas and "MAIN" not in [s.upper() for s in schemas]


def test_pyexasol_meta_helpers(db):
    db.execute("CREATE TABLE m (a INT)")
    assert [t["TABLE_NAME"] for t in db.meta.list_tables(table_schema_pattern=db.current_schema())] == ["M"]
    assert [c["COLUMN_NAME"] for c in db.meta.list_columns(column_table_pattern="M")] == ["A"]


def test_scripts_are_listed(db):
    db.execute("CREATE OR REPLACE LUA SCRIPT lua_s(a, ARRAY b) RETURNS TABLE AS\nexit()\n/")
    db.execute("CREATE OR REPLACE PYTHON3 SET SCRIPT py_s(x DOUBLE) EMITS (y DOUBLE) AS\ndef run(ctx):\n    pass\n/")
    rows = db.execute(
        "SELECT script_name, script_type, script_language, script_input_type, script_result_type, script_text "
        "FROM sys.exa_all_scripts WHERE script_schema = CURRENT_SCHEMA ORDER BY script_name"
    ).fetchall()
    assert [r[:5] for r in rows] == [("LUA_S", "SCRIPTING", "LUA", None, "TABLE"),
                                    ("PY_S", "UDF", "PYTHON3", "SET", "EMITS")]
    assert "def run(ctx)" in rows[1][5]
    with pytest.raises(pyexasol.ExaQueryError, match="already exists"):
        db.execute("CREATE LUA SCRIPT lua_s() AS\nexit()")
    db.execute("DROP SCRIPT lua_s")
    db.execute("DROP SCRIPT IF EXISTS lua_s")
    with pytest.raises(pyexasol.ExaQueryError, match="not found"):
        db.execute("DROP SCRIPT lua_s")


def test_connections_never_show_the_password(db):
    db.execute(f"CREATE OR REPLACE CONNECTION emu_conn TO 'https://b.s3.amazonaws.com' USER 'key' IDENTIFIED BY '{SECRET}'")
    db.execute("GRANT CONNECTION emu_conn TO sys")
    with pytest.raises(pyexasol.ExaQueryError, match="BOB"):
        db.execute("GRANT CONNECTION emu_conn TO bob")
    dba = db.execute("SELECT * FROM sys.exa_dba_connections WHERE connection_name = 'EMU_CONN'")
    assert dba.column_names() == ["CONNECTION_NAME", "CONNECTION_STRING", "USER_NAME", "CREATED", "CONNECTION_COMMENT"]
    assert dba.fetchone()[:3] == ("EMU_CONN", "https://b.s3.amazonaws.com", "key")
    everyone = db.execute("SELECT * FROM sys.exa_all_connections WHERE connection_name = 'EMU_CONN'")
    assert "CONNECTION_STRING" not in everyone.column_names()
    for table in ("EXA_DBA_CONNECTIONS", "EXA_ALL_CONNECTIONS", "EXA_ALL_OBJECTS", "EXA_PARAMETERS"):
        for row in db.execute(f"SELECT * FROM sys.{table}"):
            assert SECRET not in repr(row)
    with pytest.raises(pyexasol.ExaQueryError, match="already exists"):
        db.execute("CREATE CONNECTION emu_conn TO 'x'")
    db.execute("DROP CONNECTION emu_conn")
    db.execute("DROP CONNECTION IF EXISTS emu_conn")


def test_everything_persists_across_a_restart(tmp_path):
    def connect(emulator: Emulator) -> pyexasol.ExaConnection:
        return pyexasol.connect(dsn=emulator.dsn, user="sys", password="exasol")

    with Emulator(tmp_path, port=0, bucketfs_port=None) as first:
        fingerprint = first.tls_fingerprint
        connection = connect(first)
        connection.execute("CREATE SCHEMA keep")
        connection.execute("CREATE TABLE kept (a VARCHAR(3), b DECIMAL(5,1))")
        connection.execute("INSERT INTO kept VALUES ('x', 1.5)")
        connection.execute("CREATE LUA SCRIPT kept_script() AS\nexit()")
        connection.execute(f"CREATE CONNECTION kept_conn TO 'addr' USER 'u' IDENTIFIED BY '{SECRET}'")
        connection.execute("ALTER SYSTEM SET SCRIPT_LANGUAGES = 'PYTHON3=builtin_python3'")
        connection.close()
    with Emulator(tmp_path, port=0, bucketfs_port=None) as second:
        assert second.tls_fingerprint == fingerprint
        connection = connect(second)
        assert connection.execute("SELECT * FROM keep.kept").fetchall() == [("x", "1.5")]
        assert connection.execute(
            "SELECT column_type FROM sys.exa_all_columns WHERE column_table = 'KEPT' ORDER BY 1"
        ).fetchall() == [("DECIMAL(5,1)",), ("VARCHAR(3) UTF8",)]
        assert connection.execute("SELECT script_name FROM sys.exa_all_scripts WHERE script_schema = 'KEEP'").fetchval() == "KEPT_SCRIPT"
        assert connection.execute("SELECT connection_string FROM sys.exa_dba_connections WHERE connection_name = 'KEPT_CONN'").fetchval() == "addr"
        assert connection.execute(
            "SELECT system_value FROM sys.exa_parameters WHERE parameter_name = 'SCRIPT_LANGUAGES'"
        ).fetchval() == "PYTHON3=builtin_python3"
        connection.close()
