"""Exasol's ``VALUES`` table in FROM (or as a statement of its own), rewritten to a form DuckDB reads alike.

Exasol accepts three shapes that standard SQL (and sqlglot's exasol dialect) read differently:
``VALUES 1, 2, 3`` is three rows of one column; ``VALUES (1, 2), (3, 4)`` two rows of two columns; and
``VALUES ((1, 2), (3, 4))`` — one parenthesised list of rows — also two rows of two columns, where DuckDB
would see one row holding two tuples. Every shape becomes ``(VALUES (…), (…))``, the alias (``AS T(A)``)
stays where it was. The shapes are those pyexasol's own integration tests use against Exasol.
"""

from __future__ import annotations

from sme_local.exasol.sql.errors import syntax_error
from sme_local.exasol.sql.lexer import END, SYMBOL, WORD, Token

# words that end a VALUES list written without parentheses (``VALUES 1, 2 AS t(a) WHERE …``)
_LIST_END_WORDS = frozenset({
    "AS", "WHERE", "GROUP", "ORDER", "LIMIT", "UNION", "EXCEPT", "MINUS", "INTERSECT", "JOIN", "INNER", "LEFT",
    "RIGHT", "FULL", "CROSS", "ON", "HAVING", "QUALIFY", "WITH",
})


def starts_values_table(tokens: list[Token], index: int) -> bool:
    """``VALUES`` where a table is expected: statement start, or right after FROM / JOIN / a FROM list comma."""
    if not tokens[index].is_word("VALUES") or tokens[index + 1].is_word("BETWEEN"):
        return False
    return index == 0 or tokens[index - 1].is_word("FROM", "JOIN")


def rewrite_values_table(sql: str, tokens: list[Token], index: int, edits: list[tuple[int, int, str]]) -> int:
    """Record the edit for the VALUES table starting at ``tokens[index]``; returns the index after it."""
    items, position = _items(sql, tokens, index + 1)
    if not items:
        raise syntax_error("VALUES needs at least one value")
    if len(items) == 1 and items[0][1] is not None and all(inner[1] is not None for inner in items[0][1]):
        items = items[0][1]  # VALUES ((1, 2), (3, 4)): the one group is the list of rows
    rows = ", ".join(f"({text if inner is None else _inner_text(sql, inner)})" for text, inner in items)
    replacement = f"(VALUES {rows})"
    if index == 0:
        replacement = f"SELECT * FROM {replacement}"
    edits.append((tokens[index].start, tokens[position - 1].end, replacement))
    return position


def _inner_text(sql: str, inner: list[tuple[str, list | None]]) -> str:
    return ", ".join(text for text, _ in inner)


def _items(sql: str, tokens: list[Token], position: int) -> tuple[list[tuple[str, list | None]], int]:
    """Comma-separated items at one level: (text, sub-items if the item is exactly one parenthesised group)."""
    items: list[tuple[str, list | None]] = []
    while True:
        item_start = position
        depth = 0
        while tokens[position].kind != END:
            token = tokens[position]
            if depth == 0 and (token.is_symbol(",") or token.is_symbol(")") or token.is_symbol(";")
                               or (token.kind == WORD and token.upper in _LIST_END_WORDS)):
                break
            if token.kind == SYMBOL and token.text in "()":
                depth += 1 if token.text == "(" else -1
            position += 1
        if position == item_start:
            break
        text = sql[tokens[item_start].start : tokens[position - 1].end]
        inner = None
        if tokens[item_start].is_symbol("(") and _closing(tokens, item_start) == position - 1:
            inner, _ = _items(sql, tokens, item_start + 1)
        items.append((text, inner))
        if not tokens[position].is_symbol(","):
            break
        position += 1
    return items, position


def _closing(tokens: list[Token], opening: int) -> int:
    depth = 0
    for position in range(opening, len(tokens)):
        if tokens[position].kind == SYMBOL and tokens[position].text in "()":
            depth += 1 if tokens[position].text == "(" else -1
            if depth == 0:
                return position
    raise syntax_error("unbalanced parentheses in VALUES")
