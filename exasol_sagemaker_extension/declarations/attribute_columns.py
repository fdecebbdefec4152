"""A column a control-plane UDF emits from an attribute of a Python object (a job's status, a candidate), so that
the UDF's EMITS clause, its emit order and the script's result columns come from one list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AttributeColumn:
    """One column: its name, SQL type, and the attribute of the emitted object holding its value."""

    name: str
    sql_type: str
    attribute: str


def emits(columns: Iterable[AttributeColumn]) -> tuple[tuple[str, str], ...]:
    """(column, SQL type) in emit order, as an EMITS clause and the Lua result columns take them."""
    return tuple((column.name, column.sql_type) for column in columns)


def values(source: Any, columns: Iterable[AttributeColumn]) -> tuple[Any, ...]:
    """The values of one emitted row, read from ``source`` in the columns' order."""
    return tuple(getattr(source, column.attribute) for column in columns)
