"""One group's input inside the VM: its size, and a window of its rows that moves as the UDF reads.

The group arrives in windows, as in Exasol, whose VMs read their input block by block: the first window comes
with the group, the rest is fetched from the parent (``fetch(start, stop)``) when the UDF reads a row outside
the current window, so a worker holds one window however large the group is. Row-by-row reading fetches
``window_rows`` rows at a time; ``get_dataframe(num_rows=n)`` gets a window holding its ``n`` rows, since the
frame holds them anyway. ``reset()`` simply reads from row 0 again.

Columns are decoded to Python values only when the UDF reads them row by row (``ctx.x``, ``ctx[i]``), and
then once per column and window; ``get_dataframe`` builds its frames from the raw buffers instead
(``dataframes``), so a UDF that only uses DataFrames never creates a Python object per value.
"""

from __future__ import annotations

from typing import Any, Callable

from .columns import Batch, Column, decode_values


class InputGroup:
    def __init__(self, row_count: int, first: Batch, fetch: Callable[[int, int], Batch], window_rows: int) -> None:
        self.row_count = row_count
        self._fetch = fetch
        self._window_rows = max(1, window_rows)
        self._show(0, first)

    def _show(self, start: int, batch: Batch) -> None:
        rows, self.columns = batch
        self._start, self._stop = start, start + rows
        self._decoded: dict[int, list] = {}

    def _cover(self, start: int, stop: int) -> int:
        """Make the window hold rows ``start:stop``; the position of row ``start`` in it."""
        if not (self._start <= start and stop <= self._stop):
            end = min(self.row_count, max(stop, start + self._window_rows))
            self._show(start, self._fetch(start, end))
        return start - self._start

    def value(self, column: int, row: int) -> Any:
        position = self._cover(row, row + 1)
        values = self._decoded.get(column)
        if values is None:
            values = self._decoded[column] = decode_values(self.columns[column])
        return values[position]

    def window(self, start: int, stop: int) -> tuple[list[Column], int]:
        """The columns of a window holding rows ``start:stop``, and the position of row ``start`` in them."""
        position = self._cover(start, stop)
        return self.columns, position
