"""Prepared INSERTs (pyexasol executemany / ext.insert_multi) run as one bulk statement: same conversions and
errors as a single bound row, atomic, and linear in the number of rows (issue #4)."""

from __future__ import annotations

import time

import pyexasol
import pytest


def test_every_type_converts_like_a_bound_parameter(db):
    db.execute("CREATE TABLE t (i DECIMAL(9,0), n DECIMAL(10,3), f DOUBLE, b BOOLEAN, d DATE, ts TIMESTAMP, "
               "v VARCHAR(20), c CHAR(2))")
    rows = [
        (1, "1.5", 0.25, True, "2021-02-03", "2021-02-03 04:05:06.789", "x", "ab"),
        (2, 2.125, 1.5e-05, "false", "2021-12-31", "2021-12-31 23:59:59", True, "cd"),
        (None, None, None, None, None, None, None, None),
    ]
    db.ext.insert_multi("T", rows)
    assert db.execute("SELECT * FROM t ORDER BY i NULLS LAST").fetchall() == [
        (1, "1.5", 0.25, True, "2021-02-03", "2021-02-03 04:05:06.789000", "x", "ab"),
        (2, "2.125", 1.5e-05, False, "2021-12-31", "2021-12-31 23:59:59.000000", "true", "cd"),
        (None, None, None, None, None, None, None, None),
    ]


def test_listed_columns_in_any_order_and_defaults_for_the_rest(db):
    db.execute("CREATE TABLE t (a DECIMAL(9,0), b VARCHAR(5) DEFAULT 'dflt', c DOUBLE)")
    statement = db.cls_statement(db, "INSERT INTO t (c, a) VALUES (?, ?)", prepare=True)
    statement.execute_prepared([(0.5, 1), (1.5, 2)])
    statement.close()
    assert db.execute("SELECT a, b, c FROM t ORDER BY a").fetchall() == [(1, "dflt", 0.5), (2, "dflt", 1.5)]


def test_one_bad_value_fails_the_whole_batch_with_a_data_exception(db):
    db.execute("CREATE TABLE t (a DECIMAL(9,0), b BOOLEAN)")
    with pytest.raises(pyexasol.ExaRequestError) as failure:
        db.ext.insert_multi("T", [(1, True), (2, "maybe"), (3, False)])
    assert failure.value.code == "22000"
    assert failure.value.message.startswith("data exception - invalid value 'maybe' for column B of type BOOLEAN")
    assert db.execute("SELECT COUNT(*) FROM t").fetchval() == 0


def test_other_statement_shapes_still_run_per_row(db):
    db.execute("CREATE TABLE t (a DECIMAL(9,0), b VARCHAR(10))")
    db.ext.insert_multi("T", [(1, "x"), (2, "y"), (3, "z")])
    statement = db.cls_statement(db, "UPDATE t SET b = ? WHERE a = ?", prepare=True)
    statement.execute_prepared([("one", 1), ("three", 3)])
    statement.close()
    statement = db.cls_statement(db, "INSERT INTO t VALUES (? + 10, UPPER(?))", prepare=True)
    statement.execute_prepared([(1, "k"), (2, "l")])
    statement.close()
    assert db.execute("SELECT a, b FROM t ORDER BY a").fetchall() == [
        (1, "one"), (2, "y"), (3, "three"), (11, "K"), (12, "L")]


def _insert_seconds(db, table: str, count: int) -> float:
    db.execute(f"CREATE TABLE {table} (id DECIMAL(9,0), name VARCHAR(100), amount DECIMAL(10,2), day DATE, "
               "flag BOOLEAN)")
    rows = [(i, f"name {i}", f"{i}.25", "2021-01-0%d" % (1 + i % 9), i % 2 == 0) for i in range(count)]
    started = time.perf_counter()
    db.ext.insert_multi(table.upper(), rows)
    return time.perf_counter() - started


def test_a_prepared_insert_is_linear_in_the_row_count(db):
    small, large = _insert_seconds(db, "small", 2_000), _insert_seconds(db, "large", 20_000)
    assert db.execute("SELECT COUNT(*), MAX(id) FROM large").fetchone() == (20_000, 19_999)
    # quadratic (the old per-row executemany) took ~8 s for 1,600 rows; a bulk insert of 20,000 takes well
    # under a second, and ten times the rows must not cost much more than ten times the time
    assert large < 5.0
    assert large < 10 * small + 1.0
