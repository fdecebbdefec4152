"""Exact wire values and column metadata as Exasol's WebSocket API sends them, seen through pyexasol."""

from __future__ import annotations

import pyexasol
import pytest


def test_year_one_is_zero_padded(db):
    row = db.execute("SELECT DATE '0001-01-01', TIMESTAMP '0001-01-01 00:00:00'").fetchone()
    assert row == ("0001-01-01", "0001-01-01 00:00:00.000000")


def test_timestamp_precision_cuts_the_fraction_on_the_wire(db):
    db.execute("CREATE TABLE ts (t3 TIMESTAMP(3), t6 TIMESTAMP(6), t0 TIMESTAMP(0))")
    db.execute("INSERT INTO ts VALUES ('2020-01-02 03:04:05.123456', '2020-01-02 03:04:05.123456', "
               "'2020-01-02 03:04:05.123456')")
    assert db.execute("SELECT t3, t6, t0 FROM ts").fetchone() == (
        "2020-01-02 03:04:05.123000", "2020-01-02 03:04:05.123456", "2020-01-02 03:04:05.000000")


def test_timestamp_metadata_has_only_documented_keys(db):
    db.execute("CREATE TABLE ts (t TIMESTAMP)")
    assert db.execute("SELECT t FROM ts").columns()["T"] == {"type": "TIMESTAMP", "withLocalTimeZone": False,
                                                             "size": 8}  # Exasol 7's size; 16 from Exasol 8


def test_snapshot_transactions_login_attribute_sets_snapshot_mode(connect):
    query = "SELECT session_value FROM EXA_PARAMETERS WHERE parameter_name = 'SNAPSHOT_MODE'"
    assert connect(snapshot_transactions=True).execute(query).fetchval() == "SYSTEM TABLES"
    assert connect(snapshot_transactions=False).execute(query).fetchval() == "OFF"



def test_wrong_parameter_count_uses_exasol_text(db):
    db.execute("CREATE TABLE p (id INT, name VARCHAR(10))")
    prepared = db.create_prepared_statement("DELETE FROM p WHERE id = ? AND name = ?")
    with pytest.raises(pyexasol.ExaRequestError,
                       match="the number of column metadata objects is not the same as the number of data colums"):
        prepared.execute_prepared([(1,)])
