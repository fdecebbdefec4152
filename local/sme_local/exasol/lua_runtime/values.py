"""The values that cross the boundary between the emulator core and the Lua runtime.

The core imports these types (the developer guide, "Exasol emulator: internal interfaces"), so they live in the
runtime package and depend on nothing else: a script's query callback returns a ``ResultSet`` or a ``RowCount``
or raises ``QueryError``, and the runner answers a script run with one of the same two result types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ScriptParam:
    """One declared parameter of a scripting program; ``ARRAY p`` parameters arrive as Lua arrays."""

    name: str
    is_array: bool = False


@dataclass(frozen=True)
class ResultSet:
    """A table: ``columns`` are ``(name, COLUMN_TYPE string)``, ``rows`` hold Exasol's Python UDF value types."""

    columns: list[tuple[str, str]]
    rows: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass(frozen=True)
class RowCount:
    """The outcome of a statement that returns no table (DML, DDL, or a ROWCOUNT script)."""

    n: int


class QueryError(Exception):
    """A failed statement as Exasol reports it: a five-character SQL state and the error text."""

    def __init__(self, sql_code: str, text: str) -> None:
        super().__init__(f"[{sql_code}] {text}")
        self.sql_code = sql_code
        self.text = text


@dataclass(frozen=True)
class LuaLimits:
    """Bounds for one script run, so that a runaway script cannot hang or exhaust the emulator.

    ``max_instructions`` counts Lua VM instructions (in steps of ``hook_step``); ``max_seconds`` is wall time
    including the statements the script runs, because those block the caller just the same.
    """

    max_instructions: int = 2_000_000_000
    max_seconds: float = 3600.0
    max_memory_bytes: int = 512 * 1024 * 1024
    hook_step: int = 10_000
