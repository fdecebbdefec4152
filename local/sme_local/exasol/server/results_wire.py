"""Result sets on the wire: the first answer to execute (inline data below 1000 rows, else a handle) and the
pages that ``fetch`` returns, sized to the client's ``numBytes``.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass

from sme_local.exasol.sql.results import QueryResult, Result, RowCountResult, column_major

INLINE_ROW_LIMIT = 1000
SAMPLE_ROWS = 200
MAX_FETCH_BYTES = 64 * 1024 * 1024


@dataclass
class OpenResultSet:
    result: QueryResult
    bytes_per_row: int


class ResultSets:
    """The result sets of one connection that the client still fetches from, by handle."""

    def __init__(self, timestamp_precision: bool) -> None:
        self._timestamp_precision = timestamp_precision  # the emulated release's (see ``release``)
        self._open: dict[int, OpenResultSet] = {}
        self._handles = itertools.count(1)

    def describe(self, result: Result) -> dict:
        """``results[i]`` of an execute response."""
        if isinstance(result, RowCountResult):
            return {"resultType": "rowCount", "rowCount": result.count}
        header = result_header(result, self._timestamp_precision)
        total = len(result.rows)
        if total <= INLINE_ROW_LIMIT:
            header["numRowsInMessage"] = total
            header["data"] = column_major(result.rows, result.columns)
        else:
            handle = next(self._handles)
            self._open[handle] = OpenResultSet(result, _bytes_per_row(result))
            header["resultSetHandle"] = handle
            header["numRowsInMessage"] = 0
        return {"resultType": "resultSet", "resultSet": header}

    def fetch(self, handle: int, start: int, num_bytes: int) -> dict:
        open_set = self._open.get(handle)
        if open_set is None:
            raise KeyError(handle)
        budget = max(1, min(num_bytes or MAX_FETCH_BYTES, MAX_FETCH_BYTES) // max(1, open_set.bytes_per_row))
        rows = open_set.result.rows[start : start + budget]
        return {"numRows": len(rows), "data": column_major(rows, open_set.result.columns)}

    def close(self, handles: list[int]) -> None:
        for handle in handles:
            self._open.pop(handle, None)

    def close_all(self) -> None:
        self._open.clear()


def result_header(result: QueryResult, timestamp_precision: bool) -> dict:
    return {
        "numColumns": len(result.columns),
        "numRows": len(result.rows),
        "columns": [{"name": name, "dataType": exa_type.data_type(timestamp_precision)}
                    for name, exa_type in result.columns],
    }


def _bytes_per_row(result: QueryResult) -> int:
    sample = result.rows[:SAMPLE_ROWS]
    encoded = json.dumps(column_major(sample, result.columns), default=str)
    return max(1, len(encoded) // max(1, len(sample)) + 1)
