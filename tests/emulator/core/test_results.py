"""Result sets: paging, every Exasol type with NULLs, wire formats, column names, prepared statements."""

from __future__ import annotations

import datetime
import decimal

import pytest

TYPES = [
    ("C_DEC", "DECIMAL(18,0)", "DECIMAL(18,0)", {"type": "DECIMAL", "precision": 18, "scale": 0}),
    ("C_INT", "INTEGER", "DECIMAL(18,0)", {"type": "DECIMAL", "precision": 18, "scale": 0}),
    ("C_BIG", "DECIMAL(36,0)", "DECIMAL(36,0)", {"type": "DECIMAL", "precision": 36, "scale": 0}),
    ("C_NUM", "DECIMAL(10,5)", "DECIMAL(10,5)", {"type": "DECIMAL", "precision": 10, "scale": 5}),
    ("C_DBL", "DOUBLE PRECISION", "DOUBLE", {"type": "DOUBLE"}),
    ("C_BOOL", "BOOLEAN", "BOOLEAN", {"type": "BOOLEAN"}),
    ("C_VC", "VARCHAR(20) UTF8", "VARCHAR(20) UTF8", {"type": "VARCHAR", "size": 20, "characterSet": "UTF8"}),
    ("C_CH", "CHAR(3)", "CHAR(3) UTF8", {"type": "CHAR", "size": 3, "characterSet": "UTF8"}),
    ("C_DATE", "DATE", "DATE", {"type": "DATE", "size": 4}),
    ("C_TS", "TIMESTAMP", "TIMESTAMP", {"type": "TIMESTAMP", "withLocalTimeZone": False, "size": 8}),  # 7.1.0
]


def test_round_trip_of_every_type_with_nulls(db):
    db.execute(f"CREATE TABLE all_types ({', '.join(f'{n} {t}' for n, t, _, _ in TYPES)})")
    db.execute(
        "INSERT INTO all_types VALUES (123456789012345678, -7, 123456789012345678901234567890123456, 0.7, 22.07, TRUE,"
        " 'héllo, \"x\"', 'abc', DATE '2018-07-12', TIMESTAMP '2018-04-03 18:36:40.553')"
    )
    db.execute(f"INSERT INTO all_types VALUES ({', '.join('NULL' for _ in TYPES)})")
    statement = db.execute("SELECT * FROM all_types ORDER BY c_dec NULLS LAST")
    assert statement.columns() == {name: data_type for name, _, _, data_type in TYPES}
    assert statement.fetchall() == [
        (123456789012345678, -7, "123456789012345678901234567890123456", "0.7", 22.07, True, 'héllo, "x"', "abc",
         "2018-07-12", "2018-04-03 18:36:40.553000"),
        tuple(None for _ in TYPES),
    ]
    column_types = db.execute(
        "SELECT column_name, column_type FROM sys.exa_all_columns WHERE column_table = 'ALL_TYPES' "
        "ORDER BY column_ordinal_position"
    ).fetchall()
    assert column_types == [(name, column_type) for name, _, column_type, _ in TYPES]


def test_fetch_mapper_round_trip(connect, db):
    mapped = connect(schema=db.current_schema(), fetch_mapper=__import__("pyexasol").exasol_mapper)
    row = mapped.execute(
        "SELECT CAST(1.25 AS DECIMAL(5,2)), DATE '2020-02-29', TIMESTAMP '2020-02-29 23:59:59.999', CAST(3 AS INT)"
    ).fetchone()
    assert row == (decimal.Decimal("1.25"), datetime.date(2020, 2, 29),
                   datetime.datetime(2020, 2, 29, 23, 59, 59, 999000), 3)


def test_paging_beyond_1000_rows(db):
    statement = db.execute("SELECT i, 'row ' || i AS label FROM VALUES BETWEEN 1 AND 25000 t(i) ORDER BY i")
    assert statement.rowcount() == 25000
    rows = statement.fetchall()
    assert len(rows) == 25000 and rows[0] == (1, "row 1") and rows[-1] == (25000, "row 25000")


def test_small_fetch_size_pages_many_times(connect, db):
    small = connect(fetch_size_bytes=1000)
    values = [r[0] for r in small.execute("SELECT i FROM VALUES BETWEEN 1 AND 3000 t(i) ORDER BY i")]
    assert values == list(range(1, 3001))


def test_column_names_follow_exasol_case_rules(db):
    statement = db.execute('SELECT 1 AS lower_alias, 2 AS "Mixed", COUNT(*), CURRENT_USER FROM DUAL')
    assert statement.column_names() == ["LOWER_ALIAS", "Mixed", "COUNT(*)", "CURRENT_USER"]


def test_pseudo_columns_and_functions(db):
    row = db.execute("SELECT NPROC(), IPROC(), CURRENT_SCHEMA, USER, SYSTIMESTAMP FROM DUAL").fetchone()
    assert row[:4] == (1, 0, db.current_schema(), "SYS")
    assert datetime.datetime.fromisoformat(row[4]).year >= 2024


def test_values_between_with_step(db):
    assert [r[0] for r in db.execute("SELECT i FROM VALUES BETWEEN 1 AND 10 WITH STEP 3 t(i) ORDER BY i")] == [1, 4, 7, 10]


def test_executemany_uses_prepared_statements(db):
    db.execute("CREATE TABLE p (id DECIMAL(9,0), name VARCHAR(100), amount DECIMAL(10,2), day DATE, flag BOOLEAN)")
    rows = [(i, f"name {i}", f"{i}.25", "2021-01-0%d" % (1 + i % 9), i % 2 == 0) for i in range(500)]
    rows.append((None, None, None, None, None))
    db.ext.insert_multi("P", rows)
    assert db.execute("SELECT COUNT(*), SUM(amount) FROM p").fetchone() == (501, "124875")
    assert db.execute("SELECT * FROM p WHERE id = 3").fetchone() == (3, "name 3", "3.25", "2021-01-04", False)


def test_prepared_statement_parameter_types_and_result_columns(db):
    db.execute("CREATE TABLE q (a INT, b VARCHAR(5))")
    statement = db.cls_statement(db, "INSERT INTO q VALUES (?, ?)", prepare=True)
    assert statement.parameter_data["columns"][1]["dataType"] == {"type": "VARCHAR", "size": 5, "characterSet": "UTF8"}
    statement.execute_prepared([(1, "x"), (2, "y")])
    statement.close()
    assert db.meta.sql_columns("SELECT a, b FROM q") == {
        "A": {"type": "DECIMAL", "precision": 18, "scale": 0},
        "B": {"type": "VARCHAR", "size": 5, "characterSet": "UTF8"},
    }


def test_duplicate_result_columns_are_reported_by_pyexasol(db):
    import pyexasol

    with pytest.raises(pyexasol.ExaRuntimeError, match="Duplicate"):
        db.execute("SELECT 1 AS a, 2 AS a FROM DUAL")
