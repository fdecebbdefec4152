"""Token-level rewrites that turn Exasol-only syntax into text sqlglot's exasol dialect can parse.

- ``VALUES BETWEEN a AND b [WITH STEP n]`` becomes ``GENERATE_SERIES(a, b, n)`` (same rows, DuckDB's function).
- A call-site ``f(args) EMITS (col type, …)`` becomes ``f(args, __EMITS__('col type, …'))``; the UDF layer
  removes the marker argument again and uses it as the output declaration.
- Exasol ``VALUES`` tables (``FROM VALUES 1, 2``, ``VALUES ((1, 2), (3, 4))``) become ``(VALUES (…), …)``
  (``values_table``).
- ``VARCHAR(n) UTF8`` / ``CHAR(n) ASCII`` / ``CHARACTER SET …`` lose the character-set word (the emulator
  stores all text as UTF-8; ASCII columns are reported as UTF8).
"""

from __future__ import annotations

from sme_local.exasol.sql.errors import syntax_error
from sme_local.exasol.sql.lexer import END, NUMBER, SYMBOL, Token, tokenize
from sme_local.exasol.sql.values_table import rewrite_values_table, starts_values_table

EMITS_MARKER = "__EMITS__"


def preprocess(sql: str) -> str:
    tokens = tokenize(sql)
    edits: list[tuple[int, int, str]] = []
    index = 0
    while index < len(tokens) and tokens[index].kind != END:
        token = tokens[index]
        if token.is_word("VALUES") and tokens[index + 1].is_word("BETWEEN"):
            index = _values_between(sql, tokens, index, edits)
            continue
        if starts_values_table(tokens, index):
            index = rewrite_values_table(sql, tokens, index, edits)
            continue
        if token.is_word("EMITS") and index > 0 and tokens[index - 1].is_symbol(")") and tokens[index + 1].is_symbol("("):
            index = _call_site_emits(sql, tokens, index, edits)
            continue
        if token.is_word("UTF8", "ASCII") and index > 0 and (
            tokens[index - 1].is_symbol(")") or tokens[index - 1].is_word("SET")
        ):
            start = token.start
            if tokens[index - 1].is_word("SET") and tokens[index - 2].is_word("CHARACTER"):
                start = tokens[index - 2].start
            edits.append((start, token.end, ""))
        index += 1
    for start, end, replacement in sorted(edits, reverse=True):
        sql = sql[:start] + replacement + sql[end:]
    return sql


def _values_between(sql: str, tokens: list[Token], index: int, edits: list[tuple[int, int, str]]) -> int:
    start = tokens[index].start
    position = index + 2
    low, position = _number_expression(sql, tokens, position)
    if not tokens[position].is_word("AND"):
        raise syntax_error("VALUES BETWEEN needs AND")
    high, position = _number_expression(sql, tokens, position + 1)
    step = "1"
    end = tokens[position - 1].end
    if tokens[position].is_word("WITH") and tokens[position + 1].is_word("STEP"):
        step, position = _number_expression(sql, tokens, position + 2)
        end = tokens[position - 1].end
    edits.append((start, end, f"GENERATE_SERIES({low}, {high}, {step})"))
    return position


def _number_expression(sql: str, tokens: list[Token], position: int) -> tuple[str, int]:
    """A bound of VALUES BETWEEN: a number, a parameter or a parenthesised expression, possibly signed."""
    first = position
    if tokens[position].is_symbol("-") or tokens[position].is_symbol("+"):
        position += 1
    token = tokens[position]
    if token.is_symbol("("):
        depth = 0
        while tokens[position].kind != END:
            depth += {"(": 1, ")": -1}.get(tokens[position].text, 0) if tokens[position].kind == SYMBOL else 0
            position += 1
            if depth == 0:
                break
    elif token.kind == NUMBER or token.is_symbol("?"):
        position += 1
    else:
        raise syntax_error(f"VALUES BETWEEN expects a number, found {token.text!r}")
    return sql[tokens[first].start : tokens[position - 1].end], position


def _call_site_emits(sql: str, tokens: list[Token], index: int, edits: list[tuple[int, int, str]]) -> int:
    closing_call = tokens[index - 1]
    opening = tokens[index + 1]
    depth, position = 0, index + 1
    while tokens[position].kind != END:
        if tokens[position].kind == SYMBOL:
            depth += {"(": 1, ")": -1}.get(tokens[position].text, 0)
        if depth == 0:
            break
        position += 1
    if tokens[position].kind == END:
        raise syntax_error("unterminated EMITS (...) column list")
    spec = sql[opening.end : tokens[position].start].strip()
    empty_call = tokens[index - 2].is_symbol("(")
    literal = "'" + spec.replace("'", "''") + "'"
    marker = f"{'' if empty_call else ', '}{EMITS_MARKER}({literal})"
    edits.append((closing_call.start, closing_call.start, marker))
    edits.append((closing_call.end, tokens[position].end, ""))
    return position + 1


