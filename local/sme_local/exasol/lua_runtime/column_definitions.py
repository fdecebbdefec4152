"""Column definitions of ``exit(tbl, "a INT, b VARCHAR(10)")`` turned into ``(name, COLUMN_TYPE)`` pairs.

The core answers clients with COLUMN_TYPE strings (``DECIMAL(18,0)``, ``VARCHAR(10) UTF8``, ``DOUBLE``, …), so
the aliases a script author may write are resolved here exactly as Exasol resolves them in DDL.
"""

from __future__ import annotations

import re

from sme_local.exasol.catalog.types import parse_exa_type
from sme_local.exasol.sql.errors import SqlError



class ColumnDefinitionError(ValueError):
    """The column definition text is not something Exasol would accept."""


def parse_column_definitions(text: str) -> list[tuple[str, str]]:
    """Split ``text`` into columns; unquoted names are upper-cased, quoted ones kept exactly."""
    columns = [_parse_column(part) for part in _split_columns(text)]
    names = [name for name, _ in columns]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ColumnDefinitionError(f"duplicate column names: {', '.join(duplicates)}")
    return columns


def _split_columns(text: str) -> list[str]:
    parts, depth, start, i = [], 0, 0, 0
    while i < len(text):
        c = text[i]
        if c == '"':
            end = text.find('"', i + 1)
            while end >= 0 and text.startswith('""', end):
                end = text.find('"', end + 2)
            if end < 0:
                raise ColumnDefinitionError("unterminated quoted column name")
            i = end + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    if any(not p.strip() for p in parts):
        raise ColumnDefinitionError(f"empty column definition in {text!r}")
    return parts


def _parse_column(part: str) -> tuple[str, str]:
    part = part.strip()
    if part.startswith('"'):
        end = 1
        while True:
            end = part.index('"', end)
            if part.startswith('""', end):
                end += 2
                continue
            break
        name, rest = part[1:end].replace('""', '"'), part[end + 1:]
        if not name:
            raise ColumnDefinitionError("empty quoted column name")
    else:
        match = re.match(r"([A-Za-z][A-Za-z0-9_]*)\s+", part)
        if match is None:
            raise ColumnDefinitionError(f"cannot read the column name in {part!r}")
        name, rest = match.group(1).upper(), part[match.end():]
    return name, column_type(rest)


def column_type(text: str) -> str:
    """The COLUMN_TYPE string of a type written in Exasol syntax, resolved by the catalog's one type parser."""
    try:
        return parse_exa_type(text).column_type()
    except SqlError as error:
        raise ColumnDefinitionError(error.text) from None
