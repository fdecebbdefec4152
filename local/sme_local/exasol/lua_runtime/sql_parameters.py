"""Exasol's query parameters: ``:name`` becomes an SQL literal, ``::name`` splices identifier text as is.

Substitution happens in the runtime (not in the core) because Exasol's scripting engine does it before the
statement reaches SQL processing; the core therefore only ever sees finished statement text. String literals,
quoted identifiers and comments are copied untouched, so a ``:x`` inside ``'a:x'`` or ``"a:x"`` stays text.
"""

from __future__ import annotations

import math
import re
from typing import Callable

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ParameterError(ValueError):
    """A statement refers to a parameter that is missing or has a value SQL cannot express."""


class SqlNullValue:
    """The single SQL NULL value of a script run (``null``/``NULL`` in Lua)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "null"


SQL_NULL = SqlNullValue()


def sql_literal(value: object) -> str:
    """Render a parameter value the way Exasol's ``:name`` substitution does."""
    if value is SQL_NULL:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ParameterError(f"{value} cannot be written as an SQL literal")
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise ParameterError(f"a value of type {type(value).__name__} cannot be a query parameter")


def _end_of_quoted(sql: str, start: int, quote: str) -> int:
    """Index after the literal/identifier opened at ``start``; a doubled quote is an escaped quote."""
    i = start + 1
    while True:
        j = sql.find(quote, i)
        if j < 0:
            return len(sql)
        if j + 1 < len(sql) and sql[j + 1] == quote:
            i = j + 2
            continue
        return j + 1


def _end_of_comment(sql: str, start: int) -> int:
    if sql.startswith("--", start):
        j = sql.find("\n", start)
        return len(sql) if j < 0 else j
    j = sql.find("*/", start + 2)
    return len(sql) if j < 0 else j + 2


def substitute_parameters(sql: str, lookup: Callable[[str], object]) -> str:
    """Replace ``:name``/``::name`` outside literals, identifiers and comments.

    ``lookup(name)`` returns the value or ``None`` when the script passed none; a missing value is an error
    rather than a silent NULL, because Lua cannot store nil in a table and the usual cause is a typo.
    """
    out: list[str] = []
    i = 0
    while i < len(sql):
        c = sql[i]
        if c in "'\"":
            j = _end_of_quoted(sql, i, c)
        elif sql.startswith("--", i) or sql.startswith("/*", i):
            j = _end_of_comment(sql, i)
        elif c == ":":
            is_identifier = sql.startswith("::", i)
            match = _NAME.match(sql, i + (2 if is_identifier else 1))
            if match is None:
                j = i + (2 if is_identifier else 1)
            else:
                out.append(_render(match.group(), lookup, is_identifier))
                i = match.end()
                continue
        else:
            j = i + 1
        out.append(sql[i:j])
        i = j
    return "".join(out)


def _render(name: str, lookup: Callable[[str], object], is_identifier: bool) -> str:
    value = lookup(name)
    if value is None:
        marker = "::" if is_identifier else ":"
        raise ParameterError(f"no value given for the query parameter {marker}{name}")
    if not is_identifier:
        return sql_literal(value)
    if not isinstance(value, str):
        raise ParameterError(f"the identifier parameter ::{name} must be a string")
    return value
