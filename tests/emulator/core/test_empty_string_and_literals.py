"""Exasol's empty string is NULL (literals, parameters, inserts, IMPORT, results, ``||``) and a decimal literal
has the smallest exact DECIMAL type (docs.exasol.com "Numeric literals")."""

from __future__ import annotations

import pytest

from sme_local.exasol.sql.numeric_literals import smallest_decimal


def test_empty_literal_is_null_in_comparisons_functions_and_concatenation(db) -> None:
    row = db.execute("SELECT '' IS NULL, '' = '', LENGTH(''), '' || 'a', NULL || 'a', 'a' || NULL || 'b', "
                     "SUBSTR('abc', 5), REPLACE('abc', 'b', '')").fetchone()
    assert row == (True, None, None, "a", "a", "ab", None, "ac")
    assert db.execute("SELECT CAST(NULL AS VARCHAR(5)) || CAST(NULL AS VARCHAR(5)) IS NULL").fetchval() is True


def test_inserted_empty_strings_are_stored_as_null(db) -> None:
    db.execute("CREATE TABLE texts (id DECIMAL(9,0), t VARCHAR(10))")
    db.execute("INSERT INTO texts VALUES (1, ''), (2, 'x')")
    db.execute("INSERT INTO texts VALUES ({id}, {t})", {"id": 3, "t": ""})
    db.ext.insert_multi("texts", [(4, ""), (5, "y")])  # prepared statement, bulk path
    db.execute("UPDATE texts SET t = '' WHERE id = 2")
    assert db.execute("SELECT id FROM texts WHERE t IS NULL ORDER BY id").fetchcol() == [1, 2, 3, 4]
    assert db.execute("SELECT COUNT(*) FROM texts WHERE t = ''").fetchval() == 0


def test_computed_empty_strings_are_stored_as_null(db) -> None:
    db.execute("CREATE TABLE source (id DECIMAL(9,0), t VARCHAR(10))")
    db.execute("INSERT INTO source VALUES (1, 'abc'), (2, 'de')")
    db.execute("CREATE TABLE target (id DECIMAL(9,0), t VARCHAR(10))")
    db.execute("INSERT INTO target SELECT id, SUBSTR(t, 3) FROM source")  # 'c' and ''
    db.execute("INSERT INTO target (t, id) VALUES (TRIM('  '), 3)")
    assert db.execute("SELECT id FROM target WHERE t IS NULL ORDER BY id").fetchcol() == [2, 3]
    db.execute("UPDATE target SET t = REPLACE(t, 'c', '') WHERE id = 1")
    assert db.execute("SELECT COUNT(*) FROM target WHERE t IS NULL").fetchval() == 3
    db.execute("CREATE TABLE defaults (id DECIMAL(9,0), t VARCHAR(10) DEFAULT 'x')")
    db.execute("INSERT INTO defaults VALUES (1, DEFAULT)")
    assert db.execute("SELECT t FROM defaults").fetchval() == "x"


def test_import_of_an_enclosed_empty_field_is_null(db) -> None:
    db.execute("CREATE TABLE imported (id DECIMAL(9,0), t VARCHAR(10))")
    db.import_from_iterable([(1, ""), (2, "z")], "imported")
    assert db.execute("SELECT id, t FROM imported ORDER BY id").fetchall() == [(1, None), (2, "z")]


def test_decimal_literals_have_the_smallest_exact_type(db) -> None:
    statement = db.execute("SELECT 1.0 AS a, 10.0 AS b, 0.5 AS c, 0.50 AS d, 1e1 AS e")
    assert statement.fetchone() == (1, 10, "0.5", "0.5", 10.0)
    assert statement.columns() == {
        "A": {"type": "DECIMAL", "precision": 1, "scale": 0}, "B": {"type": "DECIMAL", "precision": 2, "scale": 0},
        "C": {"type": "DECIMAL", "precision": 1, "scale": 1}, "D": {"type": "DECIMAL", "precision": 1, "scale": 1},
        "E": {"type": "DOUBLE"}}


@pytest.mark.parametrize("text,expected", [
    ("1.0", (1, 0)), ("100.0", (3, 0)), ("0.05", (2, 2)), ("0.0", (1, 0)), ("123.4560", (6, 3)),
    ("0." + "9" * 36, (36, 36)), ("1." + "0" * 40 + "1", None),
])
def test_smallest_decimal(text, expected) -> None:
    assert smallest_decimal(text) == expected
