"""Column definitions of ``exit(tbl, "a INT, b VARCHAR(10)")`` turned into ``(name, COLUMN_TYPE)`` pairs.

The core answers clients with COLUMN_TYPE strings (``DECIMAL(18,0)``, ``VARCHAR(10) UTF8``, ``DOUBLE``, …), so
the aliases a script author may write are resolved here exactly as Exasol resolves them in DDL.
"""

from __future__ import annotations

import re

_DECIMAL_ALIASES = {
    "INT": (18, 0), "INTEGER": (18, 0), "BIGINT": (36, 0), "SMALLINT": (9, 0), "SHORTINT": (9, 0),
    "TINYINT": (3, 0),
}
_DOUBLE_ALIASES = {"DOUBLE", "DOUBLE PRECISION", "FLOAT", "REAL", "NUMBER"}
_TYPE = re.compile(
    r"(?P<base>[A-Z][A-Z ]*?)\s*(?:\(\s*(?P<a>\d+)\s*(?:,\s*(?P<b>\d+)\s*)?\))?\s*(?P<charset>UTF8|ASCII)?$"
)


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
    """The COLUMN_TYPE string of a type written in Exasol syntax."""
    match = _TYPE.match(" ".join(text.upper().split()))
    if match is None:
        raise ColumnDefinitionError(f"unknown data type {text.strip()!r}")
    base, a, b, charset = match.group("base"), match.group("a"), match.group("b"), match.group("charset")
    numbers = [int(x) for x in (a, b) if x is not None]
    if base in _DECIMAL_ALIASES and not numbers:
        return "DECIMAL(%d,%d)" % _DECIMAL_ALIASES[base]
    if base in ("DECIMAL", "DEC", "NUMERIC") or (base == "NUMBER" and numbers):
        precision, scale = (numbers + [18, 0][len(numbers):])[:2]
        if not 1 <= precision <= 36 or not 0 <= scale <= precision:
            raise ColumnDefinitionError(f"invalid precision or scale in {text.strip()!r}")
        return f"DECIMAL({precision},{scale})"
    if base in _DOUBLE_ALIASES and not numbers:
        return "DOUBLE"
    if base in ("BOOLEAN", "BOOL") and not numbers:
        return "BOOLEAN"
    if base == "DATE" and not numbers:
        return "DATE"
    if base == "TIMESTAMP" and len(numbers) <= 1:
        precision = numbers[0] if numbers else 3
        if precision > 9:
            raise ColumnDefinitionError(f"invalid timestamp precision in {text.strip()!r}")
        return f"TIMESTAMP({precision})"
    if base in ("VARCHAR", "VARCHAR2", "CHARACTER VARYING", "CHAR VARYING") and len(numbers) == 1:
        return _string_type("VARCHAR", numbers[0], 2_000_000, charset, text)
    if base in ("CHAR", "CHARACTER") and len(numbers) <= 1:
        return _string_type("CHAR", numbers[0] if numbers else 1, 2000, charset, text)
    if base in ("CLOB", "LONG VARCHAR") and not numbers:
        return "VARCHAR(2000000) UTF8"
    raise ColumnDefinitionError(f"unknown data type {text.strip()!r}")


def _string_type(base: str, size: int, limit: int, charset: str | None, text: str) -> str:
    if not 1 <= size <= limit:
        raise ColumnDefinitionError(f"invalid size in {text.strip()!r}")
    return f"{base}({size}) {charset or 'UTF8'}"
