"""DDL, DML, Exasol-specific syntax, error codes, and loud failures for what the emulator does not support."""

from __future__ import annotations

import pyexasol
import pytest


def test_ddl_and_dml(db):
    db.execute("CREATE TABLE t (id INT, name VARCHAR(20))")
    db.execute("CREATE TABLE IF NOT EXISTS t (other INT)")
    assert db.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')").rowcount() == 3
    assert db.execute("UPDATE t SET name = 'B' WHERE id = 2").rowcount() == 1
    assert db.execute("DELETE FROM t WHERE id = 3").rowcount() == 1
    db.execute("ALTER TABLE t ADD COLUMN IF NOT EXISTS score DOUBLE")
    db.execute("ALTER TABLE t ADD COLUMN IF NOT EXISTS score DOUBLE")
    db.execute("CREATE OR REPLACE VIEW v AS SELECT id, name FROM t WHERE id > 1")
    db.execute("CREATE OR REPLACE VIEW v AS SELECT id, name, score FROM t WHERE id > 1")
    assert db.execute("SELECT * FROM v").fetchall() == [(2, "B", None)]
    db.execute("CREATE TABLE t2 AS SELECT id * 2 AS twice FROM t")
    assert sorted(db.execute("SELECT twice FROM t2").fetchall()) == [(2,), (4,)]
    db.execute("MERGE INTO t USING t2 ON t.id = t2.twice WHEN MATCHED THEN UPDATE SET name = 'merged'")
    assert db.execute("SELECT name FROM t WHERE id = 2").fetchval() == "merged"
    db.execute("TRUNCATE TABLE t2")
    db.execute("DROP VIEW v")
    db.execute("DROP TABLE t2")
    assert db.execute("SELECT COUNT(*) FROM t").fetchval() == 2


def test_exasol_functions_translate(db):
    row = db.execute(
        "SELECT DECODE(2, 1, 'one', 2, 'two', 'many'), NVL(NULL, 5), GREATEST(1, 3), "
        "ZEROIFNULL(NULL), 'a' || 'b' FROM DUAL"
    ).fetchone()
    assert row == ("two", 5, 3, 0, "ab")


def test_identifiers_unquoted_are_upper_case_quoted_are_exact(db):
    db.execute('CREATE TABLE "MixedCase" (lower_col INT, "quotedCol" INT)')
    db.execute('INSERT INTO "MixedCase" VALUES (1, 2)')
    statement = db.execute('SELECT * FROM "MixedCase"')
    assert statement.column_names() == ["LOWER_COL", "quotedCol"]
    names = db.execute(
        "SELECT table_name FROM sys.exa_all_tables WHERE table_schema = CURRENT_SCHEMA"
    ).fetchall()
    assert names == [("MixedCase",)]


def test_no_open_schema_means_qualified_names(connect, db):
    schema = db.current_schema()
    db.execute("CREATE TABLE x (a INT)")
    fresh = connect()
    with pytest.raises(pyexasol.ExaQueryError, match="no schema") as error:
        fresh.execute("SELECT * FROM x")
    assert error.value.code == "42000"
    assert fresh.execute(f'SELECT COUNT(*) FROM "{schema}".x').fetchval() == 0


def test_create_schema_opens_it_and_drop_schema(connect):
    connection = connect()
    connection.execute("DROP SCHEMA IF EXISTS emu_tmp CASCADE")
    connection.execute("CREATE SCHEMA emu_tmp")
    assert connection.current_schema() == "EMU_TMP"
    connection.execute("CREATE TABLE inside (a INT)")
    connection.execute("CLOSE SCHEMA")
    connection.execute("CREATE SCHEMA IF NOT EXISTS emu_tmp")
    assert connection.current_schema() == "EMU_TMP"
    with pytest.raises(pyexasol.ExaQueryError):
        connection.execute("DROP SCHEMA emu_tmp")
    connection.execute("DROP SCHEMA emu_tmp CASCADE")
    connection.execute("DROP SCHEMA IF EXISTS emu_tmp")
    with pytest.raises(pyexasol.ExaQueryError, match="EMU_TMP") as error:
        connection.execute("DROP SCHEMA emu_tmp")
    assert error.value.code == "42000"


@pytest.mark.parametrize(
    ("sql", "code", "text"),
    [
        ("SELEKT 1", "42000", "syntax"),
        ("SELECT * FROM no_such_table", "42000", "NO_SUCH_TABLE"),
        ("SELECT no_such_column FROM DUAL", "42000", "NO_SUCH_COLUMN"),
        ("SELECT CAST('abc' AS INT) FROM DUAL", "22000", "abc"),
        ("SELECT * FROM SYS.EXA_NO_SUCH_TABLE", "42000", "EXA_NO_SUCH_TABLE"),
    ],
)
def test_errors_carry_exasol_sql_codes_and_session(db, sql, code, text):
    with pytest.raises(pyexasol.ExaQueryError) as error:
        db.execute(sql)
    assert error.value.code == code
    assert text in error.value.message
    assert error.value.message.endswith(f"(Session: {db.session_id()})")


def test_constraint_violation(db):
    db.execute("CREATE TABLE k (id INT PRIMARY KEY, v INT NOT NULL)")
    with pytest.raises(pyexasol.ExaQueryError) as error:
        db.execute("INSERT INTO k VALUES (1, NULL)")
    assert error.value.code == "27001"


@pytest.mark.parametrize(
    ("sql", "construct"),
    [
        ("CREATE ROLE analysts", "CREATE ROLE"),
        ("CREATE FUNCTION f(a INT) RETURN INT IS BEGIN RETURN a; END", "CREATE FUNCTION"),
        ("RENAME TABLE a TO b", "RENAME"),
        ("PRELOAD TABLE a", "PRELOAD"),
        ("CREATE LUA SCALAR SCRIPT s() RETURNS INT AS function run(ctx) return 1 end", "Lua UDFs"),
        ("CREATE ADAPTER SCRIPT s AS x", "ADAPTER"),
        ("ALTER SESSION SET NLS_DATE_LANGUAGE = 'DEU'", "NLS_DATE_LANGUAGE"),
        ("ALTER SESSION SET NLS_DATE_FORMAT = 'DAY, DD.MM.YYYY'", "NLS_DATE_FORMAT"),
        ("ALTER SESSION SET NLS_NUMERIC_CHARACTERS = ';.'", "NLS_NUMERIC_CHARACTERS"),
        ("SELECT TO_NUMBER('12') FROM DUAL", "TO_NUMBER"),
        ("EXPORT (SELECT 1) INTO CSV AT 'http://127.0.0.1:1234' FILE '000.csv'", "HTTP transport"),
        ("EXPORT (SELECT 1) INTO FBV AT c FILE 'x.fbv'", "FBV"),
    ],
)
def test_unsupported_statements_fail_loudly(db, sql, construct):
    with pytest.raises(pyexasol.ExaQueryError) as error:
        db.execute(sql)
    assert "E-EMU-" in error.value.message and "Mitigation" in error.value.message
    assert construct.upper() in error.value.message.upper()
    assert error.value.code == "0A000"


def test_export_to_a_plain_web_or_ftp_server_is_rejected(db):
    for address in ("ftp://files.example.com/", "http://files.example.com/data"):
        with pytest.raises(pyexasol.ExaQueryError, match="E-EMU-3"):
            db.execute(f"EXPORT (SELECT 1 FROM DUAL) INTO CSV AT '{address}' FILE 'x.csv'")
    assert db.execute("SELECT 1 FROM DUAL").fetchval() == 1


def test_alter_session_parameters(db):
    db.execute("ALTER SESSION SET SCRIPT_LANGUAGES = 'PYTHON3=builtin_python3 MYALIAS=localzmq+protobuf:///x'")
    db.execute("ALTER SESSION SET QUERY_TIMEOUT = 100")
    row = db.execute(
        "SELECT session_value, system_value FROM sys.exa_parameters WHERE parameter_name = 'SCRIPT_LANGUAGES'"
    ).fetchone()
    assert row[0] == "PYTHON3=builtin_python3 MYALIAS=localzmq+protobuf:///x"
    assert row[1] == "R=builtin_r JAVA=builtin_java PYTHON3=builtin_python3"
    with pytest.raises(pyexasol.ExaQueryError, match="unknown parameter"):
        db.execute("ALTER SESSION SET NO_SUCH_PARAMETER = 1")


def test_comments(db):
    db.execute("CREATE TABLE c (a INT)")
    db.execute("COMMENT ON TABLE c IS 'the table'")
    db.execute("COMMENT ON COLUMN c.a IS 'the column'")
    assert db.execute("SELECT table_comment FROM sys.exa_all_tables WHERE table_name = 'C' "
                      "AND table_schema = CURRENT_SCHEMA").fetchval() == "the table"
    assert db.execute("SELECT column_comment FROM sys.exa_all_columns WHERE column_table = 'C' "
                      "AND column_schema = CURRENT_SCHEMA").fetchval() == "the column"
