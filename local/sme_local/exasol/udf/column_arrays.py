"""The parent's side of column batches: numpy arrays that slice, gather and concatenate without Python loops.

The core hands the executor a call's input as ``ColumnBatch`` objects (one per group) and gets the output back
the same way, so a million rows move between DuckDB, the executor and the worker processes as a handful of
buffers. ``wire()`` / ``from_wire()`` convert to and from the builtins-only form the workers speak
(``vm.columns``); the kind of a column fixes the Python type a UDF receives (see that module's table).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy

from .vm.columns import LIST_KINDS, NUMPY_DTYPES, OBJECT, Batch, Column, decode_values


@dataclass(frozen=True)
class ColumnArray:
    """One column: ``data`` in the kind's dtype (object arrays for list kinds, NULL = None inside), ``nulls``
    a bool mask or None when no value is NULL (fixed-width kinds; the data under a NULL is 0)."""

    kind: str
    data: numpy.ndarray
    nulls: numpy.ndarray | None = None

    def __len__(self) -> int:
        return len(self.data)

    @classmethod
    def from_wire(cls, column: Column) -> ColumnArray:
        kind, data, nulls = column
        if kind in LIST_KINDS:
            return cls(kind, object_array(data))
        mask = None if nulls is None else numpy.frombuffer(nulls, dtype=numpy.uint8).astype(bool)
        return cls(kind, numpy.frombuffer(data, dtype=NUMPY_DTYPES[kind]), mask)

    def wire(self) -> Column:
        if self.kind in LIST_KINDS:
            return (self.kind, self.data.tolist(), None)
        data = numpy.ascontiguousarray(self.data, dtype=NUMPY_DTYPES[self.kind])
        if self.nulls is None or not self.nulls.any():
            return (self.kind, data.tobytes(), None)
        data = data.copy()
        data[self.nulls] = 0
        return (self.kind, data.tobytes(), self.nulls.astype(numpy.uint8).tobytes())

    def values(self) -> list:
        """Exasol's Python values (None for NULL), e.g. for row-wise consumers."""
        return decode_values(self.wire())

    def take(self, indices: numpy.ndarray) -> ColumnArray:
        return ColumnArray(self.kind, self.data[indices], None if self.nulls is None else self.nulls[indices])

    def rows(self, start: int, stop: int) -> ColumnArray:
        """Rows ``start:stop`` (views, no copy)."""
        return ColumnArray(self.kind, self.data[start:stop], None if self.nulls is None else self.nulls[start:stop])

    @staticmethod
    def concat(arrays: Sequence[ColumnArray], kind: str) -> ColumnArray:
        """One column of all ``arrays`` (of ``kind``; any of another kind makes the result ``object``)."""
        if any(array.kind != kind for array in arrays):
            return ColumnArray(OBJECT, object_array([value for array in arrays for value in array.values()]))
        if kind in LIST_KINDS:
            data = numpy.concatenate([array.data for array in arrays]) if arrays else object_array([])
            return ColumnArray(kind, data)
        dtype = NUMPY_DTYPES[kind]
        data = numpy.concatenate([array.data for array in arrays]) if arrays else numpy.empty(0, dtype=dtype)
        if all(array.nulls is None for array in arrays):
            return ColumnArray(kind, data)
        nulls = numpy.concatenate([numpy.zeros(len(array), dtype=bool) if array.nulls is None else array.nulls
                                   for array in arrays])
        return ColumnArray(kind, data, nulls)


@dataclass(frozen=True)
class ColumnBatch:
    """Rows as columns; ``row_count`` is explicit because a call may have no argument columns."""

    row_count: int
    columns: list[ColumnArray]

    @classmethod
    def from_wire(cls, batch: Batch) -> ColumnBatch:
        row_count, columns = batch
        return cls(row_count, [ColumnArray.from_wire(column) for column in columns])

    def wire(self) -> Batch:
        return (self.row_count, [column.wire() for column in self.columns])

    def take(self, indices: numpy.ndarray) -> ColumnBatch:
        return ColumnBatch(len(indices), [column.take(indices) for column in self.columns])

    def rows(self, start: int, stop: int) -> ColumnBatch:
        """Rows ``start:stop`` (views, no copy)."""
        rows = len(range(self.row_count)[start:stop])
        return ColumnBatch(rows, [column.rows(start, stop) for column in self.columns])

    @staticmethod
    def concat(batches: Sequence[ColumnBatch], kinds: Sequence[str]) -> ColumnBatch:
        columns = [ColumnArray.concat([batch.columns[index] for batch in batches], kind)
                   for index, kind in enumerate(kinds)]
        return ColumnBatch(sum(batch.row_count for batch in batches), columns)


def object_array(values: Sequence) -> numpy.ndarray:
    """A 1-d object array of exactly these values (``numpy.array`` would nest tuples or infer a dtype)."""
    array = numpy.empty(len(values), dtype=object)
    array[:] = values
    return array


def group_indices(keys: Sequence[ColumnArray], row_count: int) -> list[numpy.ndarray]:
    """Row positions of each distinct key (NULL equal to NULL, as in GROUP BY), groups in order of first
    appearance, rows in input order."""
    import pandas

    if not row_count:
        return []
    if not keys:
        return [numpy.arange(row_count)]
    frame = pandas.DataFrame({f"k{index}": key.data for index, key in enumerate(keys)}, copy=False)
    for index, key in enumerate(keys):
        if key.nulls is not None:
            frame[f"n{index}"] = key.nulls
    ids = frame.groupby(list(frame.columns), sort=False, dropna=False).ngroup().to_numpy()
    order = numpy.argsort(ids, kind="stable")
    return numpy.split(order, numpy.cumsum(numpy.bincount(ids))[:-1])
