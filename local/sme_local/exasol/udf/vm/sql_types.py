"""Exasol SQL type strings: the emulator's one grammar for them (``read_type``), and how the UDF layer sees them.

``catalog.types.parse_exa_type`` (DDL, CAST, script signatures; through it ``lua_runtime`` and ``s3_csv``) builds
on ``read_type``; UDFs use ``parse_sql_type``, which refuses the types they cannot carry. Both sides of the
executor need the same reading of a type: the worker to build ``exa.meta`` columns, convert emitted values and
parse ``default_output_columns()``; the parent to return canonical ``COLUMN_TYPE`` strings.
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
_ARGS = r"(?:\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?"
_CHARSET = r"(?:\s+(?:CHARACTER\s+SET\s+)?(UTF8|ASCII))?"
# The one grammar of Exasol column types in the emulator (DDL, CAST, script signatures, EMITS, COLUMN_TYPE).
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^(?:DECIMAL|DEC|NUMERIC|NUMBER){_ARGS}$"), "DECIMAL"),
    (re.compile(r"^(?:INT|INTEGER|BIGINT|SMALLINT|SHORTINT|TINYINT)$"), "INTEGER"),
    (re.compile(r"^(?:DOUBLE(?: PRECISION)?|FLOAT(?:\s*\(\s*\d+\s*\))?|REAL)$"), "DOUBLE"),
    (re.compile(r"^(?:BOOLEAN|BOOL)$"), "BOOLEAN"),
    (re.compile(r"^DATE$"), "DATE"),
    (re.compile(r"^TIMESTAMP(?:\s*\(\s*(\d)\s*\))? WITH LOCAL TIME ZONE$"), "TIMESTAMP WITH LOCAL TIME ZONE"),
    (re.compile(r"^TIMESTAMP(?:\s*\(\s*(\d)\s*\))?$"), "TIMESTAMP"),
    (re.compile(r"^HASHTYPE(?:\s*\(\s*(\d+)\s*(BYTE|BIT)\s*\))?$"), "HASHTYPE"),
    (re.compile(r"^(VARCHAR|VARCHAR2|NVARCHAR|NVARCHAR2|CHARACTER VARYING|CHAR VARYING|LONG VARCHAR|CLOB|NCLOB"
                r"|CHARACTER LARGE OBJECT|CHAR|CHARACTER|NCHAR)"
                rf"(?:\s*\(\s*(\d+)\s*(?:CHAR|CHARACTERS)?\s*\))?{_CHARSET}$"), "STRING"),
]
_INTEGER_ALIASES = {"INT": 18, "INTEGER": 18, "BIGINT": 36, "SMALLINT": 9, "SHORTINT": 9, "TINYINT": 3}
_VARIABLE_LENGTH = ("VARCHAR", "VARCHAR2", "NVARCHAR", "NVARCHAR2", "CHARACTER VARYING", "CHAR VARYING")
_LOB = ("LONG VARCHAR", "CLOB", "NCLOB", "CHARACTER LARGE OBJECT")
DEFAULT_TIMESTAMP_PRECISION = 3
DEFAULT_HASHTYPE_BYTES = 16
# Types Exasol has but the emulator's UDFs cannot carry (EXPORT/IMPORT and tables can hold the first two)
_NOT_IN_UDFS = ("HASHTYPE", "TIMESTAMP WITH LOCAL TIME ZONE")


class InvalidType(ValueError):
    """A type string that is no Exasol type, or one with an out-of-range size (Exasol: a syntax error)."""


class UnsupportedType(ValueError):
    """An Exasol type the emulator does not have at all (INTERVAL, GEOMETRY)."""


@dataclass(frozen=True)
class SqlType:
    """One parsed column type; ``text`` is Exasol's canonical ``COLUMN_TYPE`` spelling."""

    kind: str  # DECIMAL, DOUBLE, BOOLEAN, VARCHAR, CHAR, DATE, TIMESTAMP
    text: str
    precision: int | None = None
    scale: int | None = None
    length: int | None = None  # VARCHAR/CHAR size; TIMESTAMP: fractional-second digits; HASHTYPE: bytes
    charset: str = "UTF8"  # VARCHAR/CHAR

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


def read_type(text: str) -> SqlType:
    """Read any Exasol type as written in DDL, CAST, script signatures or ``COLUMN_TYPE`` (aliases included).

    Raises ``InvalidType`` for what is no type (or a size out of range) and ``UnsupportedType`` for INTERVAL and
    GEOMETRY; the messages are Exasol-style texts the callers pass on.
    """
    spelled = _SPACES.sub(" ", text.strip().upper())
    for pattern, kind in _PATTERNS:
        match = pattern.match(spelled)
        if match:
            return _build(kind, match, spelled)
    if spelled.startswith(("INTERVAL", "GEOMETRY")):
        raise UnsupportedType(f"data type {spelled}")
    raise InvalidType(f"unknown data type {text.strip()!r}")


def parse_sql_type(text: str) -> SqlType:
    """Read a type a UDF column may have (``read_type`` without the types UDFs cannot carry).

    Raises ValueError for types the emulator's UDFs cannot carry (INTERVAL, GEOMETRY, HASHTYPE, time zones).
    """
    try:
        sql_type = read_type(text)
    except UnsupportedType:
        sql_type = None
    if sql_type is None or sql_type.kind in _NOT_IN_UDFS:
        raise ValueError(f"data type {text!r} is not supported by the emulator's UDFs")
    return sql_type


def _build(kind: str, match: re.Match[str], spelled: str) -> SqlType:
    if kind == "DECIMAL":
        if match.group(1) is None:
            # NUMBER without precision is DOUBLE in Exasol, unlike DECIMAL without precision
            return SqlType("DOUBLE", "DOUBLE") if spelled.startswith("NUMBER") else _decimal(18, 0)
        return _decimal(int(match.group(1)), int(match.group(2) or 0))
    if kind == "INTEGER":
        return _decimal(_INTEGER_ALIASES[spelled], 0)
    if kind in ("DOUBLE", "BOOLEAN", "DATE"):
        return SqlType(kind, kind)
    if kind in ("TIMESTAMP", "TIMESTAMP WITH LOCAL TIME ZONE"):
        digits = int(match.group(1)) if match.group(1) else DEFAULT_TIMESTAMP_PRECISION
        suffix = "" if kind == "TIMESTAMP" else " WITH LOCAL TIME ZONE"
        return SqlType(kind, f"TIMESTAMP({digits}){suffix}", length=digits)
    if kind == "HASHTYPE":
        size = int(match.group(1) or DEFAULT_HASHTYPE_BYTES)
        size = size // 8 if match.group(2) == "BIT" else size
        return SqlType("HASHTYPE", f"HASHTYPE({size} BYTE)", length=size)
    base, length, charset = match.group(1), match.group(2), match.group(3) or "UTF8"
    if base in _LOB:
        return _string("VARCHAR", MAX_VARCHAR, charset, MAX_VARCHAR)
    if base in _VARIABLE_LENGTH:
        if length is None:
            raise InvalidType(f"{base} needs a length, e.g. {base}(100)")
        return _string("VARCHAR", int(length), charset, MAX_VARCHAR)
    return _string("CHAR", int(length or 1), charset, MAX_CHAR)


def _decimal(precision: int, scale: int) -> SqlType:
    if not 1 <= precision <= MAX_DECIMAL_PRECISION or not 0 <= scale <= precision:
        raise InvalidType(f"invalid DECIMAL({precision},{scale}): precision must be 1..36 and scale 0..precision")
    return SqlType("DECIMAL", f"DECIMAL({precision},{scale})", precision=precision, scale=scale)


def _string(kind: str, length: int, charset: str, maximum: int) -> SqlType:
    if not 1 <= length <= maximum:
        raise InvalidType(f"invalid length {length} for {kind} (1..{maximum})")
    return SqlType(kind, f"{kind}({length}) {charset}", length=length, charset=charset)


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
