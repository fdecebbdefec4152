"""Result, CTAS and view columns keep the Exasol type of the stored column they copy (issue #4).

DuckDB stores every VARCHAR alike; Exasol reports VARCHAR(8) for a copy of a VARCHAR(8) column, so a widened
type in SYS.EXA_ALL_COLUMNS or in a result's dataType would be an emulator defect.
"""

from __future__ import annotations

import pytest

SOURCE_COLUMNS = [
    ("P", "VARCHAR(8) UTF8"), ("C", "CHAR(3) UTF8"), ("N", "DECIMAL(9,2)"), ("I", "DECIMAL(18,0)"),
    ("B", "BOOLEAN"), ("D", "DATE"), ("T", "TIMESTAMP(3)"), ("F", "DOUBLE"),
]
# The default release (7.1.0) reports timestamps without their precision, as Exasol 7 does
REPORTED_COLUMNS = [(name, "TIMESTAMP" if sql_type.startswith("TIMESTAMP") else sql_type)
                    for name, sql_type in SOURCE_COLUMNS]


def _column_types(db, table: str) -> list[tuple[str, str]]:
    return db.execute(
        "SELECT column_name, column_type FROM sys.exa_all_columns "
        f"WHERE column_schema = CURRENT_SCHEMA AND column_table = '{table}' ORDER BY column_ordinal_position"
    ).fetchall()


@pytest.fixture()
def source(db):
    db.execute(f"CREATE TABLE a ({', '.join(f'{name} {sql_type}' for name, sql_type in SOURCE_COLUMNS)})")
    db.execute("INSERT INTO a VALUES ('k1', 'abc', 1.5, 7, TRUE, DATE '2020-01-02', "
               "TIMESTAMP '2020-01-02 03:04:05', 0.5)")
    return db


def test_create_table_as_select_star_keeps_every_type(source):
    source.execute("CREATE TABLE b AS SELECT * FROM a")
    assert _column_types(source, "B") == REPORTED_COLUMNS
    assert source.execute("SELECT p, n FROM b").fetchall() == [("k1", "1.5")]


@pytest.mark.parametrize("query, expected", [
    ("SELECT p AS key, n FROM a WHERE i > 0", [("KEY", "VARCHAR(8) UTF8"), ("N", "DECIMAL(9,2)")]),
    ("SELECT x.p, x.c FROM (SELECT * FROM a) x", [("P", "VARCHAR(8) UTF8"), ("C", "CHAR(3) UTF8")]),
    ("WITH w(k, d) AS (SELECT p, d FROM a) SELECT * FROM w", [("K", "VARCHAR(8) UTF8"), ("D", "DATE")]),
    ("SELECT l.p, r.t FROM a l JOIN a r ON l.p = r.p", [("P", "VARCHAR(8) UTF8"), ("T", "TIMESTAMP")]),
    ("SELECT p FROM a UNION ALL SELECT p FROM a", [("P", "VARCHAR(8) UTF8")]),
    ("SELECT CAST(n AS VARCHAR(10)) AS s, (p) AS q FROM a", [("S", "VARCHAR(10) UTF8"), ("Q", "VARCHAR(8) UTF8")]),
])
def test_create_table_as_select_follows_aliases_subqueries_ctes_joins_and_unions(source, query, expected):
    source.execute(f"CREATE TABLE b AS {query}")
    assert _column_types(source, "B") == expected


def test_computed_columns_report_what_duckdb_derives(source):
    source.execute("CREATE TABLE b AS SELECT p || 'x' AS px, c FROM a UNION ALL SELECT 'y', p FROM a")
    assert _column_types(source, "B") == [("PX", "VARCHAR(2000000) UTF8"), ("C", "VARCHAR(2000000) UTF8")]


def test_views_report_and_pass_on_the_source_types(source):
    source.execute("CREATE VIEW v AS SELECT p, n AS amount FROM a")
    assert _column_types(source, "V") == [("P", "VARCHAR(8) UTF8"), ("AMOUNT", "DECIMAL(9,2)")]
    source.execute("CREATE TABLE b AS SELECT * FROM v WHERE amount > 0")
    assert _column_types(source, "B") == [("P", "VARCHAR(8) UTF8"), ("AMOUNT", "DECIMAL(9,2)")]


def test_replacing_a_table_by_a_select_from_itself_keeps_the_types(source):
    source.execute("CREATE OR REPLACE TABLE a AS SELECT p, c FROM a")
    assert _column_types(source, "A") == REPORTED_COLUMNS[:2]
    source.execute("CREATE OR REPLACE TABLE a AS SELECT p || '!' AS p, c FROM a")
    assert _column_types(source, "A") == [("P", "VARCHAR(2000000) UTF8"), ("C", "CHAR(3) UTF8")]


def test_result_data_types_follow_the_source_column(source):
    statement = source.execute("SELECT s.p, s.c, s.t FROM (SELECT * FROM a) s")
    assert statement.columns() == {
        "P": {"type": "VARCHAR", "size": 8, "characterSet": "UTF8"},
        "C": {"type": "CHAR", "size": 3, "characterSet": "UTF8"},
        "T": {"type": "TIMESTAMP", "withLocalTimeZone": False, "size": 8},  # Exasol 7's size
    }
    assert source.meta.sql_columns("SELECT a.*, UPPER(p) AS u FROM a")["U"]["size"] == 2000000
