"""Bulk transfer between DuckDB and column batches, for the core's UDF calls.

Reading a call's input with ``fetchall()`` made a Python tuple per row and an object per value; writing the
output back went through an all-object DataFrame. Here each column is fetched as one numpy array
(``fetchnumpy``), cast in SQL to the buffer its kind needs, and loaded back from numpy arrays that DuckDB scans
in bulk, NULLs travelling as a separate mask column. Values arrive exactly as ``fetchall()`` would have given
them to a UDF: DECIMAL as exact text (never through a float), DATE as days, TIMESTAMP as microseconds.

Types are given as Exasol base type names (``ExaType.name``) with precision and scale; every type the core
reports maps to a kind (HASHTYPE travels as its text, TIMESTAMP WITH LOCAL TIME ZONE as the TIMESTAMP DuckDB
stores).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy
import pandas

from .column_arrays import ColumnArray, ColumnBatch, object_array
from .vm.columns import BOOL, DATE, DECIMAL, FLOAT64, INT64, OBJECT, STRING, TIMESTAMP, kind_of_sql_type

_FETCH_SQL = {
    INT64: "CAST({} AS BIGINT)",
    FLOAT64: "CAST({} AS DOUBLE)",
    BOOL: "CAST({} AS BOOLEAN)",
    DATE: "datediff('day', DATE '1970-01-01', CAST({} AS DATE))",
    TIMESTAMP: "epoch_us(CAST({} AS TIMESTAMP))",
    DECIMAL: "CAST({} AS VARCHAR)",
    STRING: "CAST({} AS VARCHAR)",
    OBJECT: "CAST({} AS VARCHAR)",  # only DECIMAL(p>18,0) is fetched as object: ints beyond int64
}
_LOAD_SQL = {
    INT64: "CAST({} AS {})",
    FLOAT64: "CAST({} AS {})",
    BOOL: "CAST({} AS {})",
    DATE: "CAST(DATE '1970-01-01' + CAST({} AS INTEGER) AS {})",
    TIMESTAMP: "CAST(make_timestamp(CAST({} AS BIGINT)) AS {})",
    DECIMAL: "CAST({} AS {})",
    STRING: "CAST({} AS {})",
    OBJECT: "CAST({} AS {})",
}
_VIEW = "__emulator_udf_columns"


def kind_of_exa_type(name: str, precision: int | None, scale: int | None) -> str:
    """The batch kind of an Exasol column type as the core names it."""
    if name == "HASHTYPE":
        return STRING
    if name.startswith("TIMESTAMP"):
        return TIMESTAMP
    return kind_of_sql_type(name, scale, precision)


def fetch_batch(relation: Any, kinds: Sequence[str]) -> ColumnBatch:
    """All rows of ``relation`` (whose columns have ``kinds``; DuckDB relations have at least one), read
    column by column in one query."""
    projections = ", ".join(f"{_FETCH_SQL[kind].format(f'#{index}')} AS c{index}"
                            for index, kind in enumerate(kinds, start=1))
    arrays = relation.query("q", f"SELECT {projections} FROM q").fetchnumpy()
    columns = [_column(kind, arrays[f"c{index}"]) for index, kind in enumerate(kinds, start=1)]
    return ColumnBatch(len(columns[0]), columns)


def _column(kind: str, fetched: Any) -> ColumnArray:
    if isinstance(fetched, numpy.ma.MaskedArray):
        mask = numpy.ma.getmaskarray(fetched)
        data = numpy.array(numpy.ma.getdata(fetched))  # a copy: the values under the mask are overwritten
        data[mask] = None if data.dtype == object else 0
    else:
        mask, data = None, fetched
    if kind == OBJECT:
        return ColumnArray(OBJECT, object_array([None if text is None else int(text) for text in data]))
    if kind in (DECIMAL, STRING):
        return ColumnArray(kind, numpy.asarray(data, dtype=object))
    dtype = {INT64: numpy.int64, FLOAT64: numpy.float64, BOOL: numpy.uint8, DATE: numpy.int32,
             TIMESTAMP: numpy.int64}[kind]
    return ColumnArray(kind, numpy.asarray(data).astype(dtype), mask if mask is not None and mask.any() else None)


def load_batch(cursor: Any, table: str, columns: Sequence[tuple[str, str]], batch: ColumnBatch) -> None:
    """(Re)create the session temp table ``table`` with ``columns`` (name, DuckDB type) and fill it."""
    definition = ", ".join(f'"{_escaped(name)}" {duckdb_type}' for name, duckdb_type in columns)
    cursor.execute(f'CREATE OR REPLACE TEMP TABLE "{_escaped(table)}" ({definition})')
    if not batch.row_count:
        return
    frame_columns: dict[str, Any] = {}
    expressions = []
    for index, ((_, duckdb_type), column) in enumerate(zip(columns, batch.columns)):
        frame_columns[f"v{index}"] = _loadable(column, duckdb_type)
        value = _LOAD_SQL[column.kind].format(f'"v{index}"', duckdb_type)
        if column.nulls is not None:
            frame_columns[f"n{index}"] = column.nulls
            value = f'CASE WHEN "n{index}" THEN NULL ELSE {value} END'
        expressions.append(value)
    cursor.register(_VIEW, pandas.DataFrame(frame_columns, copy=False))
    try:
        cursor.execute(f'INSERT INTO temp.main."{_escaped(table)}" SELECT {", ".join(expressions)} FROM "{_VIEW}"')
    finally:
        cursor.unregister(_VIEW)


def _loadable(column: ColumnArray, duckdb_type: str) -> numpy.ndarray:
    """What DuckDB scans for a column: its buffer, or text for exact decimals and numbers beyond int64."""
    if column.kind == OBJECT and duckdb_type.startswith("DECIMAL"):
        return object_array([None if value is None else str(value) for value in column.data])
    return column.data


def _escaped(name: str) -> str:
    return name.replace('"', '""')
