"""The ``ctx`` object a UDF's ``run(ctx)`` receives, with the semantics of Exasol's ``exaiter``.

One instance per group (SET scripts) or per batch of rows (SCALAR scripts, whose ``run`` is called per row).
Column access works by attribute, by name and by position; ``next()``/``reset()``/``size()`` walk the group;
``emit`` converts and collects output through the ``Emitter``; ``get_dataframe`` consumes rows into a pandas
DataFrame and returns None exactly once after the last row, then raises. Error texts are the client's.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

from .columns import Batch, encode_rows
from .dataframe_input import build_dataframe
from .dataframes import dataframe_batch
from .input_group import InputGroup
from .values import ColumnStore, emit_converter

_SCALAR_ONLY_ERROR = "F-UDF-CL-SL-PYTHON-1107: next(), reset() and emit() functions are not allowed in scalar context"


def disallowed(*args: Any, **kwargs: Any) -> Any:
    """Stands in for next/reset/emit where Exasol forbids them (SCALAR input, RETURNS output)."""
    raise RuntimeError(_SCALAR_ONLY_ERROR)


class Emitter:
    """Typed output of one VM, handed to the parent as batches: emitted rows are collected and sent every
    ``chunk_rows`` rows (memory stays bounded), an emitted DataFrame goes as one batch of its own, in order."""

    def __init__(self, stores: list[ColumnStore], send: Callable[[Batch], None], chunk_rows: int) -> None:
        self.stores = stores
        self._converters = [emit_converter(store) for store in stores]
        self._kinds = [store.wire_kind for store in stores]
        self._send = send
        self._chunk_rows = chunk_rows
        self._rows: list[tuple] = []

    def emit_values(self, values: Sequence[Any]) -> None:
        self._rows.append(tuple(convert(value) for convert, value in zip(self._converters, values)))
        if len(self._rows) >= self._chunk_rows:
            self.flush()

    def emit_batch(self, batch: Batch) -> None:
        self.flush()
        self._send(batch)

    def flush(self) -> None:
        if self._rows:
            self._send(encode_rows(self._kinds, self._rows))
            self._rows = []


class UdfContext:
    """Exasol's row iterator for one group. Internal state lives in name-mangled attributes so that input
    columns called e.g. ``rows`` never collide with it; methods win over equally named columns, as in Exasol."""

    def __init__(self, names: list[str], group: InputGroup, is_set: bool, emitter: Emitter) -> None:
        self.__names = names
        self.__index = {name: position for position, name in enumerate(names)}
        self.__group = group
        self.__is_set = is_set
        self.__emitter = emitter
        self.__position = 0
        self.__finished = False
        self.__dataframe_finished = False

    def _value(self, key: Any, finished_code: int, missing: str) -> Any:
        if self.__finished:
            raise RuntimeError(f"E-UDF-CL-SL-PYTHON-{finished_code}: Iteration finished")
        position = key if type(key) is int and 0 <= key < len(self.__names) else self.__index.get(key)
        if position is None:
            raise RuntimeError(missing)
        return self.__group.value(position, self.__position)

    def __getitem__(self, key: Any) -> Any:
        return self._value(key, 1081, f"E-UDF-CL-SL-PYTHON-1082: Column with name '{key}' does not exist")

    def __getattr__(self, key: str) -> Any:
        if key.startswith("_UdfContext__"):
            raise AttributeError(key)
        return self._value(key, 1084, f"E-UDF-CL-SL-PYTHON-1085: Iterator has no object with name '{key}'")

    def emit(self, *output: Any) -> None:
        columns = len(self.__emitter.stores)
        if len(output) == 1 and output[0].__class__.__name__ == "DataFrame":
            frame = output[0]
            if frame.shape[0] == 0:
                raise RuntimeError("E-UDF-CL-SL-PYTHON-1087: emit DataFrame is empty")
            if frame.shape[1] != columns:
                plural = "s" if columns > 1 else ""
                raise TypeError(f"E-UDF-CL-SL-PYTHON-1088: emit() takes exactly {columns} argument{plural} "
                                f"({frame.shape[1]} given)")
            self.__emitter.emit_batch(dataframe_batch(frame, self.__emitter.stores))
            return
        if len(output) != columns:
            if columns > 1:
                raise TypeError(f"E-UDF-CL-SL-PYTHON-1089: emit() takes exactly {columns} arguments "
                                f"({len(output)} given)")
            raise TypeError(f"E-UDF-CL-SL-PYTHON-1090: emit() takes exactly {columns} argument ({len(output)} given)")
        self.__emitter.emit_values(output)

    def next(self, reset: bool = False) -> bool:
        if reset:
            self.__position, self.__finished = 0, False
            return True
        if self.__finished:
            return False
        if self.__position + 1 < self.__group.row_count:
            self.__position += 1
            return True
        self.__finished = True
        return False

    def reset(self) -> bool:
        self.__dataframe_finished = False
        return self.next(reset=True)

    def size(self) -> int:
        return self.__group.row_count

    def get_dataframe(self, num_rows: Any = 1, start_col: Any = 0) -> Any:
        if not (num_rows == "all" or (type(num_rows) is int and num_rows > 0)):
            raise RuntimeError("E-UDF-CL-SL-PYTHON-1103: get_dataframe() parameter 'num_rows' must be 'all' or an "
                               "integer > 0")
        if type(start_col) is not int or start_col < 0:
            raise RuntimeError("E-UDF-CL-SL-PYTHON-1104: get_dataframe() parameter 'start_col' must be an integer >= 0")
        if start_col > len(self.__names):
            raise RuntimeError(f"E-UDF-CL-SL-PYTHON-1105: get_dataframe() parameter 'start_col' is {start_col}, but "
                               f"there are only {len(self.__names)} input columns")
        if self.__dataframe_finished:
            raise RuntimeError("E-UDF-CL-SL-PYTHON-1106: Iteration finished")
        if self.__finished:
            self.__dataframe_finished = True
            return None
        row_count = self.__group.row_count
        wanted = row_count if num_rows == "all" else num_rows
        if not self.__is_set:
            wanted = 1  # the client caps SCALAR input at the current row and does not advance
        start = self.__position
        stop = min(start + wanted, row_count)
        if self.__is_set:
            self.__position = stop
            if self.__position >= row_count:
                self.__position, self.__finished = row_count - 1, True
        return build_dataframe(self.__group, start, stop, start_col, self.__names[start_col:])
