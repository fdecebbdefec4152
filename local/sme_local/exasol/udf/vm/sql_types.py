"""Exasol SQL type strings as the UDF layer sees them.

Both sides of the executor need the same reading of a type: the worker to build ``exa.meta`` columns, convert
emitted values and parse ``default_output_columns()``; the parent to return canonical ``COLUMN_TYPE`` strings.
This module is stdlib-only because it also runs inside language containers.

``slot`` is the value class Exasol's UDF client works with (SWIG data types): DECIMAL(p<=9,0) travels as INT32,
DECIMAL(p<=18,0) as INT64, every other DECIMAL as NUMERIC (a decimal string). The split is what makes emitting a
``float`` into DECIMAL(18,0) truncate while the same value into DECIMAL(10,2) fails — exactly like Exasol.
(The p<=9 / p<=18 thresholds are inferred from the client's INT32/INT64/NUMERIC enum, not read in the DB.)
"""

from __future__ import annotations

import datetime
import decimal
import re
from dataclasses import dataclass

MAX_VARCHAR = 2_000_000
MAX_CHAR = 2_000
MAX_DECIMAL_PRECISION = 36

_SPACES = re.compile(r"\s+")
_DECIMAL = re.compile(r"^(?:DECIMAL|DEC|NUMERIC|NUMBER)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?$")
_VARCHAR = re.compile(
    r"^(?:VARCHAR2?|NVARCHAR2?|CHARACTER VARYING|CHAR VARYING)\s*\(\s*(\d+)\s*(?:CHAR|CHARACTERS)?\s*\)"
    r"(?:\s+(UTF8|ASCII))?$"
)
_CHAR = re.compile(r"^(?:CHAR|CHARACTER|NCHAR)(?:\s*\(\s*(\d+)\s*(?:CHAR|CHARACTERS)?\s*\))?(?:\s+(UTF8|ASCII))?$")
_TIMESTAMP = re.compile(r"^TIMESTAMP(?:\s*\(\s*(\d)\s*\))?$")
_INTEGER_ALIASES = {"INT": 18, "INTEGER": 18, "BIGINT": 36, "SMALLINT": 9, "SHORTINT": 9, "TINYINT": 3}
_DOUBLE_ALIASES = {"DOUBLE", "DOUBLE PRECISION", "FLOAT", "REAL"}
_CLOB_ALIASES = {"CLOB", "LONG VARCHAR", "CHARACTER LARGE OBJECT", "NCLOB"}


@dataclass(frozen=True)
class SqlType:
    """One parsed column type; ``text`` is Exasol's canonical ``COLUMN_TYPE`` spelling."""

    kind: str  # DECIMAL, DOUBLE, BOOLEAN, VARCHAR, CHAR, DATE, TIMESTAMP
    text: str
    precision: int | None = None
    scale: int | None = None
    length: int | None = None  # VARCHAR/CHAR size; TIMESTAMP: fractional-second digits

    @property
    def slot(self) -> str:
        if self.kind == "DECIMAL":
            if self.scale == 0 and self.precision <= 9:
                return "INT32"
            if self.scale == 0 and self.precision <= 18:
                return "INT64"
            return "NUMERIC"
        if self.kind in ("VARCHAR", "CHAR"):
            return "STRING"
        return self.kind

    @property
    def python_type(self) -> type:
        """The type a UDF receives for this column (and what ``exa.meta`` reports as ``type``)."""
        if self.kind == "DECIMAL":
            return int if self.scale == 0 else decimal.Decimal
        return {
            "DOUBLE": float,
            "BOOLEAN": bool,
            "VARCHAR": str,
            "CHAR": str,
            "DATE": datetime.date,
            "TIMESTAMP": datetime.datetime,
        }[self.kind]


def parse_sql_type(text: str) -> SqlType:
    """Read an Exasol type (a ``COLUMN_TYPE`` string or any alias Exasol accepts in DDL).

    Raises ValueError for types the emulator's UDFs cannot carry (INTERVAL, GEOMETRY, HASHTYPE, time zones).
    """
    spelled = _SPACES.sub(" ", text.strip().upper())
    if spelled in _INTEGER_ALIASES:
        return _decimal(_INTEGER_ALIASES[spelled], 0, text)
    if spelled in _DOUBLE_ALIASES or re.fullmatch(r"FLOAT\s*\(\s*\d+\s*\)", spelled) or spelled == "NUMBER":
        return SqlType("DOUBLE", "DOUBLE")
    if spelled in ("BOOLEAN", "BOOL"):
        return SqlType("BOOLEAN", "BOOLEAN")
    if spelled == "DATE":
        return SqlType("DATE", "DATE")
    if spelled in _CLOB_ALIASES:
        return SqlType("VARCHAR", f"VARCHAR({MAX_VARCHAR}) UTF8", length=MAX_VARCHAR)
    match = _DECIMAL.match(spelled)
    if match:
        precision = int(match.group(1)) if match.group(1) else 18
        return _decimal(precision, int(match.group(2) or 0), text)
    match = _VARCHAR.match(spelled)
    if match:
        return _string("VARCHAR", int(match.group(1)), match.group(2), MAX_VARCHAR, text)
    match = _CHAR.match(spelled)
    if match:
        return _string("CHAR", int(match.group(1) or 1), match.group(2), MAX_CHAR, text)
    match = _TIMESTAMP.match(spelled)
    if match:
        digits = int(match.group(1)) if match.group(1) else 3
        return SqlType("TIMESTAMP", f"TIMESTAMP({digits})", length=digits)
    raise ValueError(f"data type {text!r} is not supported by the emulator's UDFs")


def _decimal(precision: int, scale: int, text: str) -> SqlType:
    if not 1 <= precision <= MAX_DECIMAL_PRECISION or not 0 <= scale <= precision:
        raise ValueError(f"invalid DECIMAL precision/scale in {text!r}")
    return SqlType("DECIMAL", f"DECIMAL({precision},{scale})", precision=precision, scale=scale)


def _string(kind: str, length: int, charset: str | None, maximum: int, text: str) -> SqlType:
    if not 1 <= length <= maximum:
        raise ValueError(f"invalid {kind} length in {text!r} (1..{maximum})")
    return SqlType(kind, f"{kind}({length}) {charset or 'UTF8'}", length=length)


def parse_column_list(text: str) -> list[tuple[str, SqlType]]:
    """Read ``"a DOUBLE, \\"b\\" VARCHAR(10)"`` (an EMITS list or a default_output_columns() answer).

    Unquoted names are upper-cased, quoted ones kept exactly (``""`` escapes a quote), as Exasol does.
    """
    columns = []
    for item in _split_top_level(text):
        name, rest = _read_identifier(item.strip())
        if not rest.strip():
            raise ValueError(f"column {name!r} has no data type in {text!r}")
        columns.append((name, parse_sql_type(rest)))
    return columns


def _split_top_level(text: str) -> list[str]:
    items, depth, quoted, start = [], 0, False, 0
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
        elif not quoted and depth == 0 and char == ",":
            items.append(text[start:index])
            start = index + 1
    items.append(text[start:])
    if quoted or depth:
        raise ValueError(f"unbalanced quotes or parentheses in {text!r}")
    return items


def _read_identifier(item: str) -> tuple[str, str]:
    if item.startswith('"'):
        index, name = 1, []
        while index < len(item):
            if item[index] == '"':
                if item[index + 1 : index + 2] == '"':
                    name.append('"')
                    index += 2
                    continue
                return "".join(name), item[index + 1 :]
            name.append(item[index])
            index += 1
        raise ValueError(f"unterminated quoted identifier in {item!r}")
    match = re.match(r"[A-Za-z_][A-Za-z0-9_]*", item)
    if not match:
        raise ValueError(f"invalid column name in {item!r}")
    return match.group(0).upper(), item[match.end() :]
