"""Column batches: the wire form, the parent's numpy arrays, grouping, and bulk transfer to and from DuckDB.

The batch path replaced per-row tuples, so every test here pins that a value arrives exactly as the row path
delivered it: same Python type, same value (Decimal exponent included), NULL as None.
"""

from __future__ import annotations

import datetime
import decimal

import duckdb
import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sme_local.exasol.udf.column_arrays import ColumnArray, ColumnBatch, group_indices
from sme_local.exasol.udf.duckdb_columns import fetch_batch, kind_of_exa_type, load_batch
from sme_local.exasol.udf.vm.columns import (
    BOOL,
    DATE,
    DECIMAL,
    FLOAT64,
    INT64,
    OBJECT,
    STRING,
    TIMESTAMP,
    decode_rows,
    decode_values,
    encode_rows,
    encode_values,
)

D = decimal.Decimal
INT64_RANGE = st.integers(-(2**63), 2**63 - 1)
DATES = st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31))
TIMESTAMPS = st.datetimes(datetime.datetime(1, 1, 1), datetime.datetime(9999, 12, 31, 23, 59, 59, 999999)).map(
    lambda moment: moment.replace(fold=0))
DECIMALS = st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-(10**12), max_value=10**12)
VALUES = {
    INT64: INT64_RANGE,
    FLOAT64: st.floats(allow_nan=False),
    BOOL: st.booleans(),
    DATE: DATES,
    TIMESTAMP: TIMESTAMPS,
    DECIMAL: DECIMALS,
    STRING: st.text(max_size=5),
    OBJECT: st.integers(-(10**30), 10**30),
}


def exact(values: list) -> list:
    """Values with their types and representations, so 1 == 1.0 == True or D('1.5') == D('1.50') cannot pass."""
    return [(type(value), repr(value)) for value in values]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(sorted(VALUES)).flatmap(
    lambda kind: st.tuples(st.just(kind), st.lists(st.none() | VALUES[kind], max_size=30))))
def test_every_kind_round_trips_values_and_nulls(case):
    kind, values = case
    column = encode_values(kind, values)
    assert column[0] == kind
    assert exact(decode_values(column)) == exact(values)
    array = ColumnArray.from_wire(column)
    assert exact(array.values()) == exact(values)
    assert exact(decode_values(array.wire())) == exact(values)


@pytest.mark.parametrize("kind, values", [
    (INT64, [1, True]),  # bool is not int for Exasol
    (INT64, [2**63]),
    (FLOAT64, [1.0, 2]),
    (DATE, [datetime.datetime(2024, 1, 1)]),  # a datetime is not a date
    (TIMESTAMP, [datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)]),
    (TIMESTAMP, [datetime.datetime(2024, 1, 1, fold=1)]),
    (STRING, ["a", b"b"]),
    (DECIMAL, [D("1.5"), 1.5]),
])
def test_values_that_do_not_fit_a_kind_travel_unchanged_as_objects(kind, values):
    column = encode_values(kind, values)
    assert column[0] == OBJECT
    assert exact(decode_values(column)) == exact(values)


def test_rows_with_and_without_columns():
    rows = [(1, "a", None), (None, None, 2.5)]
    batch = encode_rows([INT64, STRING, FLOAT64], rows)
    assert batch[0] == 2 and decode_rows(batch) == rows
    assert decode_rows(encode_rows([], [(), ()])) == [(), ()]


def test_arrays_take_and_concatenate_with_nulls_and_mixed_kinds():
    first = ColumnBatch.from_wire(encode_rows([INT64, STRING], [(1, "a"), (None, "b"), (3, None)]))
    second = ColumnBatch.from_wire(encode_rows([INT64, STRING], [(4, "d")]))
    picked = first.take(numpy.array([2, 0]))
    assert decode_rows(picked.wire()) == [(3, None), (1, "a")]
    joined = ColumnBatch.concat([first, second], [INT64, STRING])
    assert joined.row_count == 4
    assert decode_rows(joined.wire()) == [(1, "a"), (None, "b"), (3, None), (4, "d")]
    odd = ColumnArray.from_wire(encode_values(INT64, [True]))  # an object column among int64 ones
    mixed = ColumnArray.concat([first.columns[0], odd], INT64)
    assert mixed.kind == OBJECT and exact(mixed.values()) == exact([1, None, 3, True])
    empty = ColumnBatch.concat([], [INT64, STRING])
    assert empty.row_count == 0 and [c.kind for c in empty.columns] == [INT64, STRING]


def test_groups_in_order_of_first_appearance_with_null_as_a_key():
    keys = ColumnBatch.from_wire(encode_rows([INT64, STRING], [
        (1, "x"), (2, "x"), (1, "x"), (None, None), (2, "y"), (None, None), (1, "x")])).columns
    groups = group_indices(keys, 7)
    assert [group.tolist() for group in groups] == [[0, 2, 6], [1], [3, 5], [4]]
    assert [group.tolist() for group in group_indices([], 3)] == [[0, 1, 2]]
    assert group_indices([], 0) == []
    assert group_indices(ColumnBatch.from_wire(encode_rows([INT64], [])).columns, 0) == []


@pytest.mark.parametrize("name, precision, scale, kind", [
    ("DECIMAL", 18, 0, INT64), ("DECIMAL", 9, 0, INT64), ("DECIMAL", 36, 0, OBJECT), ("DECIMAL", 10, 2, DECIMAL),
    ("DOUBLE", None, None, FLOAT64), ("BOOLEAN", None, None, BOOL), ("VARCHAR", None, None, STRING),
    ("CHAR", None, None, STRING), ("HASHTYPE", None, None, STRING), ("DATE", None, None, DATE),
    ("TIMESTAMP", 3, None, TIMESTAMP), ("TIMESTAMP WITH LOCAL TIME ZONE", 3, None, TIMESTAMP),
])
def test_exasol_types_map_to_kinds(name, precision, scale, kind):
    assert kind_of_exa_type(name, precision, scale) == kind


TABLE = """
CREATE TABLE t AS SELECT * FROM (VALUES
  (1, 12345678901234567890123456789::DECIMAL(36,0), -1.50::DECIMAL(10,2), 0.25::DOUBLE, true, 'äb',
   DATE '0001-01-01', TIMESTAMP '1969-12-31 23:59:59.999999', 1::INTEGER),
  (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
  (-999999999999999999, -1::DECIMAL(36,0), 0.00::DECIMAL(10,2), -0.0::DOUBLE, false, '',
   DATE '9999-12-31', TIMESTAMP '9999-12-31 23:59:59.123456', 7::INTEGER)
) v(i, h, d, f, b, s, day, ts, small)
"""
KINDS = [INT64, OBJECT, DECIMAL, FLOAT64, BOOL, STRING, DATE, TIMESTAMP, INT64]


def fetchall_values(connection: duckdb.DuckDBPyConnection) -> list[tuple]:
    """What the row path delivered: fetchall() with integral DECIMALs as Python ints."""
    rows = connection.sql("SELECT CAST(i AS BIGINT), CAST(h AS HUGEINT), d, f, b, s, day, ts, small FROM t").fetchall()
    return [tuple(int(v) if isinstance(v, D) and index in (0, 1) else v for index, v in enumerate(row))
            for row in rows]


def test_fetch_gives_exactly_what_fetchall_gave():
    connection = duckdb.connect()
    connection.execute(TABLE)
    batch = fetch_batch(connection.sql("SELECT * FROM t"), KINDS)
    assert [column.kind for column in batch.columns] == KINDS
    fetched = decode_rows(batch.wire())
    expected = fetchall_values(connection)
    assert [exact(list(row)) for row in fetched] == [exact(list(row)) for row in expected]
    empty = fetch_batch(connection.sql("SELECT * FROM t WHERE false"), KINDS)
    assert empty.row_count == 0 and decode_rows(empty.wire()) == []


def test_load_writes_every_kind_back_exactly():
    connection = duckdb.connect()
    connection.execute(TABLE)
    batch = fetch_batch(connection.sql("SELECT * FROM t"), KINDS)
    types = ["DECIMAL(18,0)", "DECIMAL(36,0)", "DECIMAL(10,2)", "DOUBLE", "BOOLEAN", "VARCHAR", "DATE", "TIMESTAMP",
             "DECIMAL(9,0)"]
    columns = [(f"C{i}", duckdb_type) for i, duckdb_type in enumerate(types)]
    columns[0] = ('we"ird', "DECIMAL(18,0)")
    load_batch(connection, "copy", columns, batch)
    loaded = connection.sql('SELECT CAST("we""ird" AS BIGINT), CAST(C1 AS HUGEINT), C2, C3, C4, C5, C6, C7, '
                            'CAST(C8 AS INTEGER) FROM temp.main."copy"').fetchall()
    assert loaded == [tuple(row) for row in fetchall_values(connection)]
    load_batch(connection, "copy", columns, fetch_batch(connection.sql("SELECT * FROM t WHERE false"), KINDS))
    assert connection.sql('SELECT count(*) FROM temp.main."copy"').fetchall() == [(0,)]


def test_run_batches_returns_one_batch_per_group_and_refuses_mismatched_kinds():
    from sme_local.exasol.udf import UdfError, UdfExecutor
    from udf_test_support import col, script, session

    udf = script("def run(ctx):\n    while True:\n        ctx.emit(ctx.x * 10 if ctx.x is not None else None)\n"
                 "        if not ctx.next():\n            break\n")
    groups = [ColumnBatch.from_wire(encode_rows([INT64], rows)) for rows in ([(1,), (None,)], [], [(3,)])]
    executor = UdfExecutor(None, {}, workers=2, timeout_seconds=60)
    try:
        columns, outputs = executor.run_batches(udf, [col("x", "DECIMAL(18,0)")], groups, None, session())
        assert [decode_rows(batch.wire()) for batch in outputs] == [[(10,), (None,)], [], [(30,)]]
        assert [column.kind for column in outputs[1].columns] == [INT64]
        wrong = [ColumnBatch.from_wire(encode_rows([STRING], [("a",)]))]
        with pytest.raises(UdfError, match="F-EMU-UDF-11: input batch of S.MY_UDF has columns"):
            executor.run_batches(udf, [col("x", "DECIMAL(18,0)")], wrong, None, session())
    finally:
        executor.close()
