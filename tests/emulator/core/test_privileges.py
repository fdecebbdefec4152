"""Users and privileges: what a created user may do only after the admin granted it, with Exasol's texts.

Most checks run in-process on a Database (one session per user); login goes through pyexasol against the
suite's emulator. The admin (SYS) stays the DBA, so the rest of the suite is unaffected by any of this.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyexasol
import pytest

from sme_local.exasol.database import Database
from sme_local.exasol.sql.errors import SqlError

GET_CONNECTION_UDF = ("CREATE PYTHON3 SCALAR SCRIPT {name}(c VARCHAR(100)) RETURNS VARCHAR(200) AS\n"
                      "def run(ctx):\n    return exa.get_connection(ctx.c).address\n/")


@pytest.fixture()
def database(tmp_path: Path) -> Iterator[Database]:
    running = Database(tmp_path, udf_workers=1)
    admin = running.open_session()
    for sql in ("CREATE SCHEMA s", "CREATE TABLE s.t (a INT)", "INSERT INTO s.t VALUES (1)",
                "CREATE VIEW s.v AS SELECT a * 10 AS b FROM s.t",
                "CREATE CONNECTION c TO 'https://bucket.s3.eu-west-1.amazonaws.com' USER 'key' IDENTIFIED BY 'secret'",
                'CREATE USER ana IDENTIFIED BY "pw"', "GRANT CREATE SESSION TO ana"):
        admin.execute(sql)
    yield running
    running.close()


@pytest.fixture()
def admin(database: Database):
    return database.open_session()


@pytest.fixture()
def ana(database: Database):
    return database.open_session("ANA")


def denied(session, sql: str) -> str:
    with pytest.raises(SqlError) as error:
        session.execute(sql)
    assert error.value.sql_code == "42500", error.value.text
    return error.value.text


def test_the_admin_is_the_dba_and_each_session_knows_its_user(admin, ana):
    assert admin.execute("SELECT CURRENT_USER FROM DUAL").rows == [("SYS",)]
    assert ana.execute("SELECT CURRENT_USER FROM DUAL").rows == [("ANA",)]
    assert admin.execute("SELECT USER_NAME FROM EXA_DBA_USERS ORDER BY 1").rows == [("ANA",), ("SYS",)]
    assert ana.execute("SELECT USER_NAME FROM EXA_USER_USERS").rows == [("ANA",)]
    assert admin.execute("SELECT GRANTED_ROLE FROM EXA_DBA_ROLE_PRIVS WHERE GRANTEE = 'SYS'").rows == [("DBA",)]


def test_table_privileges_are_checked_and_a_schema_grant_covers_its_tables(admin, ana):
    assert denied(ana, "SELECT * FROM s.t") == "insufficient privileges: SELECT on table T"
    assert denied(ana, "INSERT INTO s.t VALUES (2)") == "insufficient privileges: INSERT on table T"
    assert denied(ana, "UPDATE s.t SET a = 3") == "insufficient privileges: UPDATE on table T"
    assert denied(ana, "DELETE FROM s.t") == "insufficient privileges: DELETE on table T"
    admin.execute("GRANT SELECT ON s.t TO ana")
    assert ana.execute("SELECT a FROM s.t").rows == [(1,)]
    denied(ana, "INSERT INTO s.t SELECT a FROM s.t")
    admin.execute("GRANT INSERT, UPDATE ON SCHEMA s TO ana")
    ana.execute("INSERT INTO s.t VALUES (2)")
    ana.execute("UPDATE s.t SET a = a + 1")
    denied(ana, "DELETE FROM s.t")
    admin.execute("REVOKE SELECT ON s.t FROM ana")
    denied(ana, "SELECT * FROM s.t")


def test_a_view_is_read_with_its_owners_privileges(admin, ana):
    denied(ana, "SELECT * FROM s.v")
    admin.execute("GRANT SELECT ON s.v TO ana")
    assert ana.execute("SELECT b FROM s.v").rows == [(10,)]
    denied(ana, "SELECT * FROM s.t")


def test_creating_needs_the_system_privilege_and_ownership_of_the_schema(admin, ana):
    assert denied(ana, "CREATE SCHEMA own") == "insufficient privileges for creating schema"
    admin.execute("GRANT CREATE SCHEMA, CREATE TABLE TO ana")
    ana.execute("CREATE SCHEMA own")
    ana.execute("CREATE TABLE own.x (a INT)")
    ana.execute("INSERT INTO own.x VALUES (5)")  # the owner holds every privilege on the schema's objects
    assert ana.execute("SELECT a FROM own.x").rows == [(5,)]
    assert "creating table" in denied(ana, "CREATE TABLE s.x (a INT)")
    assert "creating script" in denied(ana, "CREATE LUA SCRIPT own.l() AS\nexit()")
    admin.execute("GRANT CREATE SCRIPT TO ana")
    ana.execute("CREATE LUA SCRIPT own.l() AS\nexit()")
    assert admin.execute("SELECT SCHEMA_OWNER FROM EXA_SCHEMAS WHERE SCHEMA_NAME = 'OWN'").rows == [("ANA",)]
    assert admin.execute("SELECT TABLE_OWNER FROM EXA_ALL_TABLES WHERE TABLE_NAME = 'X'").rows == [("ANA",)]


def test_a_schema_given_to_a_user_is_theirs(admin, ana):
    admin.execute("CREATE SCHEMA given")
    admin.execute("ALTER SCHEMA given CHANGE OWNER ana")
    admin.execute("GRANT CREATE TABLE TO ana")
    ana.execute("CREATE TABLE given.x (a INT)")


def test_lua_scripts_need_execute_and_run_with_the_callers_privileges(admin, ana):
    admin.execute("CREATE LUA SCRIPT s.count_rows() RETURNS TABLE AS\n"
                  "return query([[SELECT COUNT(*) AS n, CURRENT_USER AS u FROM s.t]])\n/")
    assert denied(ana, "EXECUTE SCRIPT s.count_rows()") == "insufficient privileges for executing a script"
    admin.execute("GRANT EXECUTE ON s.count_rows TO ana")
    assert "SELECT on table T" in denied(ana, "EXECUTE SCRIPT s.count_rows()")
    admin.execute("GRANT SELECT ON s.t TO ana")
    assert ana.execute("EXECUTE SCRIPT s.count_rows()").rows == [(1, "ANA")]


def test_a_udf_call_needs_execute_and_get_connection_needs_access(admin, ana):
    admin.execute(GET_CONNECTION_UDF.format(name="s.addr"))
    admin.execute(GET_CONNECTION_UDF.format(name="s.other"))
    assert denied(ana, "SELECT s.addr('C')") == "insufficient privileges for calling script"
    admin.execute("GRANT EXECUTE ON SCHEMA s TO ana")
    admin.execute("GRANT CONNECTION c TO ana")  # use in IMPORT/EXPORT only
    with pytest.raises(SqlError, match="insufficient privileges for using connection C in script ADDR"):
        ana.execute("SELECT s.addr('C')")
    admin.execute("GRANT ACCESS ON CONNECTION c FOR SCRIPT s.addr TO ana")
    assert ana.execute("SELECT s.addr('C')").rows == [("https://bucket.s3.eu-west-1.amazonaws.com",)]
    with pytest.raises(SqlError, match="in script OTHER"):
        ana.execute("SELECT s.other('C')")
    admin.execute("REVOKE ACCESS ON CONNECTION c FOR SCRIPT s.addr FROM ana")
    admin.execute("GRANT ACCESS ON CONNECTION c FOR SCHEMA s TO ana")
    assert ana.execute("SELECT s.other('C')").rows == [("https://bucket.s3.eu-west-1.amazonaws.com",)]


def test_export_needs_the_export_privilege_and_the_connection_not_access(admin, ana):
    admin.execute("GRANT SELECT ON s.t TO ana")
    export = "EXPORT s.t INTO CSV AT c FILE 'x.csv'"
    assert denied(ana, export) == "insufficient privileges for EXPORT"
    admin.execute("GRANT EXPORT TO ana")
    admin.execute("GRANT ACCESS ON CONNECTION c TO ana")
    assert denied(ana, export) == "insufficient privileges for using connection C"
    assert denied(ana, "IMPORT INTO s.t FROM CSV AT c FILE 'x.csv'") == "insufficient privileges for IMPORT"


def test_connections_belong_to_their_creator_with_admin_option(admin, ana):
    assert denied(ana, "CREATE CONNECTION mine TO 'x'") == "insufficient privileges for creating connection"
    admin.execute("GRANT CREATE CONNECTION TO ana")
    ana.execute("CREATE CONNECTION mine TO 'x'")
    ana.execute("CREATE OR REPLACE CONNECTION mine TO 'y'")
    ana.execute("GRANT ACCESS ON CONNECTION mine TO ana")
    denied(ana, "CREATE OR REPLACE CONNECTION c TO 'z'")
    denied(ana, "GRANT ACCESS ON CONNECTION c TO ana")
    assert admin.execute("SELECT GRANTEE, ADMIN_OPTION FROM EXA_DBA_CONNECTION_PRIVS "
                         "WHERE GRANTED_CONNECTION = 'MINE'").rows == [("ANA", True)]


def test_only_the_dba_manages_users_and_unknown_grantees_fail(admin, ana):
    assert denied(ana, 'CREATE USER bob IDENTIFIED BY "x"') == "insufficient privileges for creating user"
    denied(ana, "GRANT CREATE SCHEMA TO ana")
    with pytest.raises(SqlError, match="user or role BOB not found"):
        admin.execute("GRANT CREATE SESSION TO bob")
    with pytest.raises(SqlError, match="already exists"):
        admin.execute('CREATE USER ana IDENTIFIED BY "again"')
    admin.execute("GRANT CREATE SCHEMA TO ana")
    ana.execute("CREATE SCHEMA own")
    with pytest.raises(SqlError, match="CASCADE"):
        admin.execute("DROP USER ana")
    admin.execute("DROP USER ana CASCADE")
    assert admin.execute("SELECT COUNT(*) FROM EXA_SCHEMAS WHERE SCHEMA_NAME = 'OWN'").rows == [(0,)]
    assert admin.execute("SELECT COUNT(*) FROM EXA_DBA_SYS_PRIVS WHERE GRANTEE = 'ANA'").rows == [(0,)]


def test_grants_to_public_apply_to_everyone(admin, ana):
    admin.execute("GRANT SELECT ON SCHEMA s TO PUBLIC")
    assert ana.execute("SELECT a FROM s.t").rows == [(1,)]


def test_login_as_a_created_user_needs_create_session(emulator, connect):
    admin = connect()
    admin.execute("DROP USER IF EXISTS login_user CASCADE")
    admin.execute('CREATE USER login_user IDENTIFIED BY "Secret1"')
    with pytest.raises(pyexasol.ExaAuthError, match="insufficient privileges: CREATE SESSION"):
        connect(user="login_user", password="Secret1")
    admin.execute("GRANT CREATE SESSION TO login_user")
    with pytest.raises(pyexasol.ExaAuthError, match="authentication failed"):
        connect(user="login_user", password="wrong")
    user = connect(user="login_user", password="Secret1")
    assert user.execute("SELECT CURRENT_USER").fetchval() == "LOGIN_USER"
    assert admin.execute("SELECT CURRENT_USER").fetchval() == "SYS"


def test_system_tables_show_what_the_user_may_use(admin, ana):
    assert ana.execute("SELECT COUNT(*) FROM EXA_ALL_COLUMNS WHERE COLUMN_SCHEMA = 'S'").rows == [(0,)]
    assert ana.execute("SELECT PRIVILEGE FROM EXA_SESSION_PRIVS").rows == [("CREATE SESSION",)]
    admin.execute("GRANT SELECT ON s.t TO ana")
    assert ana.execute("SELECT COLUMN_TABLE, COLUMN_NAME FROM EXA_ALL_COLUMNS WHERE COLUMN_SCHEMA = 'S'").rows == [
        ("T", "A")]
    assert ana.execute("SELECT COUNT(*) FROM EXA_DBA_TABLES WHERE TABLE_SCHEMA = 'S'").rows == [(1,)]
    assert ("CREATE CONNECTION",) in admin.execute("SELECT PRIVILEGE FROM EXA_SESSION_PRIVS").rows
