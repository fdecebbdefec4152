"""SYS tables beyond the catalog ones: sessions, object sizes, indices, keywords and types, with Exasol's columns."""

from __future__ import annotations

import pytest

from sme_local.exasol.api import Emulator


def test_dba_sessions_show_what_the_client_sent_at_login(connect) -> None:
    connection = connect(client_name="MyCustomClient", client_version="1.2.3", client_os_username="small_cat")
    statement = connection.execute("SELECT * FROM EXA_DBA_SESSIONS WHERE session_id = CURRENT_SESSION")
    row = dict(zip(statement.column_names(), statement.fetchone()))
    assert list(row)[:6] == ["SESSION_ID", "USER_NAME", "EFFECTIVE_USER", "STATUS", "COMMAND_NAME", "STMT_ID"]
    assert row["CLIENT"] == "MyCustomClient 1.2.3" and row["OS_USER"] == "small_cat"
    assert row["DRIVER"].startswith("PyExasol ") and row["ENCRYPTED"] is True and row["HOST"] == "127.0.0.1"
    assert (row["USER_NAME"], row["STATUS"], row["COMMAND_NAME"]) == ("SYS", "EXECUTE SQL", "SELECT")
    assert row["SQL_TEXT"].startswith("SELECT * FROM EXA_DBA_SESSIONS")


def test_all_sessions_list_every_session_without_private_columns(connect, emulator: Emulator) -> None:
    first, second = connect(), connect(dsn=emulator.plain_dsn, encryption=False)
    ids = {int(first.session_id()), int(second.session_id())}
    statement = first.execute("SELECT * FROM EXA_ALL_SESSIONS")
    names = statement.column_names()
    rows = [dict(zip(names, row)) for row in statement.fetchall()]
    assert ids <= {int(r["SESSION_ID"]) for r in rows}
    assert "SQL_TEXT" not in names and "OS_USER" not in names and "CLIENT" in names
    other = next(r for r in rows if int(r["SESSION_ID"]) == int(second.session_id()))
    assert (other["STATUS"], other["ENCRYPTED"]) == ("IDLE", False)


def test_object_sizes_sum_column_data_into_tables_and_schemas(db) -> None:
    schema = db.current_schema()
    db.execute("CREATE TABLE sized (n DECIMAL(9,0), big DECIMAL(20,0), s VARCHAR(10), d DATE)")
    db.execute("INSERT INTO sized VALUES (1, 2, 'ab', DATE '2024-01-01'), (NULL, 3, 'ひ', NULL)")
    db.execute("CREATE VIEW sized_view AS SELECT n FROM sized")
    sizes = {(r["OBJECT_NAME"], r["OBJECT_TYPE"]): r for r in db.meta.list_object_sizes(root_name_pattern=schema)}
    table = sizes[("SIZED", "TABLE")]
    assert int(table["RAW_OBJECT_SIZE"]) == 1 * 4 + 2 * 16 + (2 + 3) + 1 * 4  # ひ is 3 UTF-8 bytes
    assert table["MEM_OBJECT_SIZE"] == table["RAW_OBJECT_SIZE"] and table["ROOT_TYPE"] == "SCHEMA"
    assert int(sizes[("SIZED_VIEW", "VIEW")]["RAW_OBJECT_SIZE"]) == 0
    schema_row = db.execute("SELECT raw_object_size FROM EXA_ALL_OBJECT_SIZES WHERE object_type = 'SCHEMA' "
                            f"AND object_name = '{schema}'").fetchval()
    assert int(schema_row) == int(table["RAW_OBJECT_SIZE"])


def test_indices_table_has_exasols_columns_and_no_rows(db) -> None:
    statement = db.execute("SELECT * FROM SYS.EXA_ALL_INDICES")
    assert statement.column_names() == ["INDEX_SCHEMA", "INDEX_TABLE", "INDEX_OWNER", "INDEX_OBJECT_ID", "INDEX_TYPE",
                                        "IS_GEOMETRY", "MEM_OBJECT_SIZE", "CREATED", "LAST_COMMIT", "REMARKS"]
    assert statement.rowcount() == 0


def test_sql_types_join_with_column_type_ids(db) -> None:
    db.execute("CREATE TABLE typed (a DECIMAL(10,5), b DOUBLE, c VARCHAR(5), d TIMESTAMP, e BOOLEAN, f DATE)")
    rows = db.ext.get_sys_columns("typed")
    assert [(r["name"], r["type"], r["size"]) for r in rows] == [
        ("A", "DECIMAL", 10), ("B", "DOUBLE PRECISION", 64), ("C", "VARCHAR", 5), ("D", "TIMESTAMP", 29),
        ("E", "BOOLEAN", 1), ("F", "DATE", 10)]
    ids = db.execute("SELECT type_id FROM EXA_SQL_TYPES ORDER BY type_id").fetchcol()
    assert ids == sorted(set(ids))


@pytest.mark.parametrize("version,cluster_words", [("7.1.0", False), ("8.34.0", True)])
def test_reserved_keywords_follow_the_release(tmp_path, version, cluster_words) -> None:
    import pyexasol

    with Emulator(tmp_path, port=0, bucketfs_port=0, udf_workers=1, exasol_version=version) as emulator:
        connection = pyexasol.connect(dsn=emulator.dsn, user="sys", password="exasol")
        words = connection.execute("SELECT keyword FROM EXA_SQL_KEYWORDS WHERE reserved IS TRUE").fetchcol()
        assert ("CURRENT_CLUSTER" in words) is cluster_words and "SELECT" in words
        assert connection.meta.list_sql_keywords() == sorted(words)
        connection.close()


@pytest.mark.parametrize("query", [
    'SELECT * FROM "$EXA_STATS_DB_SIZE"', "SELECT * FROM EXA_STATISTICS.EXA_DB_SIZE_LAST_DAY",
    "SELECT * FROM EXA_SQL_DAILY", 'SELECT * FROM "$EXA_PROFILE_LAST_DAY" WHERE session_id = CURRENT_SESSION',
])
def test_statistical_tables_are_refused_by_name(db, query) -> None:
    import pyexasol

    with pytest.raises(pyexasol.ExaQueryError) as raised:
        db.execute(query)
    assert raised.value.code == "0A000"
    assert "E-EMU-21: statistical system table" in raised.value.message


def test_a_cte_may_carry_a_statistics_like_name(db) -> None:
    assert db.execute("WITH EXA_SQL_DAILY AS (SELECT 1 AS x) SELECT x FROM EXA_SQL_DAILY").fetchval() == 1
