"""One group's input inside the VM, kept as the batch it arrived in.

Columns are decoded to Python values only when the UDF reads them row by row (``ctx.x``, ``ctx[i]``), and
then once per column; ``get_dataframe`` builds its frames from the raw buffers instead (``dataframes``), so a
UDF that only uses DataFrames never creates a Python object per value.
"""

from __future__ import annotations

from typing import Any

from .columns import Batch, Column, decode_values


class InputGroup:
    def __init__(self, batch: Batch) -> None:
        self.row_count, self.columns = batch
        self._decoded: dict[int, list] = {}

    def value(self, column: int, row: int) -> Any:
        values = self._decoded.get(column)
        if values is None:
            values = self._decoded[column] = decode_values(self.columns[column])
        return values[row]

    def column(self, index: int) -> Column:
        return self.columns[index]
