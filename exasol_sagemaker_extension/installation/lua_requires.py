"""Finds the modules a Lua source loads with ``require("x")`` / ``require "x"``.

Exasol stores each Lua script as one self-contained text, so the deployment must know which modules an entry
script needs in order to bundle them. A regular expression over the raw text would also match ``require`` in
comments and string literals (and miss nothing it should, but bundle modules that are never loaded, or fail on
a module that does not exist). This scanner therefore skips comments and strings the way the Lua 5.4 lexer
does and only reports calls whose argument is a literal string. Dynamic calls such as ``require(name)`` cannot
be resolved statically and are not reported.
"""

from __future__ import annotations

import re
from typing import Iterator, NamedTuple

_LONG_BRACKET_OPEN = re.compile(r"\[(=*)\[")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class _Token(NamedTuple):
    kind: str  # "name", "string" or "symbol"
    text: str  # identifier, raw string content, or the symbol character


def _skip_long_bracket(source: str, start: int) -> tuple[int, str] | None:
    """If a long bracket (``[[``, ``[==[`` ...) opens at ``start``, return (end index, content)."""
    opened = _LONG_BRACKET_OPEN.match(source, start)
    if not opened:
        return None
    closing = "]" + opened.group(1) + "]"
    end = source.find(closing, opened.end())
    if end < 0:
        return len(source), source[opened.end():]
    return end + len(closing), source[opened.end():end]


def _skip_quoted(source: str, start: int) -> tuple[int, str]:
    """Read a '…' or "…" literal starting at ``start``; return (end index, raw content)."""
    quote = source[start]
    i = start + 1
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if char == quote or char == "\n":
            return i + 1, source[start + 1:i]
        i += 1
    return i, source[start + 1:]


def _tokens(source: str) -> Iterator[_Token]:
    """Yield names, string literals and single-character symbols; drop whitespace and comments."""
    i = 0
    length = len(source)
    while i < length:
        char = source[i]
        if char.isspace():
            i += 1
        elif source.startswith("--", i):
            long_comment = _skip_long_bracket(source, i + 2)
            if long_comment:
                i = long_comment[0]
            else:
                line_end = source.find("\n", i)
                i = length if line_end < 0 else line_end + 1
        elif char in "'\"":
            i, content = _skip_quoted(source, i)
            yield _Token("string", content)
        elif char == "[" and _LONG_BRACKET_OPEN.match(source, i):
            i, content = _skip_long_bracket(source, i)  # type: ignore[misc]
            yield _Token("string", content.removeprefix("\n"))
        elif source.startswith("..", i):
            # concatenation or vararg: a following "require" is a call, not a field named require
            dots = "..." if source.startswith("...", i) else ".."
            i += len(dots)
            yield _Token("symbol", dots)
        else:
            name = _NAME.match(source, i)
            if name:
                i = name.end()
                yield _Token("name", name.group())
            else:
                i += 1
                yield _Token("symbol", char)


def required_modules(source: str) -> list[str]:
    """Return the literal module names passed to ``require`` in ``source``, in order of first appearance."""
    tokens = list(_tokens(source))
    found: list[str] = []
    for index, token in enumerate(tokens):
        if token != _Token("name", "require"):
            continue
        if index > 0 and tokens[index - 1] in (_Token("symbol", "."), _Token("symbol", ":")):
            continue  # a field or method that happens to be called require
        following = tokens[index + 1:index + 4]
        if following[:1] and following[0].kind == "string":
            name = following[0].text
        elif (
            len(following) == 3
            and following[0] == _Token("symbol", "(")
            and following[1].kind == "string"
            and following[2] == _Token("symbol", ")")
        ):
            name = following[1].text
        else:
            continue
        if name not in found:
            found.append(name)
    return found
