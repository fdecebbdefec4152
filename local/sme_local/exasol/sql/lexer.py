"""A small tokenizer for Exasol SQL, used to recognise Exasol-only statements before sqlglot sees them.

sqlglot's exasol dialect cannot parse CREATE SCRIPT, EXPORT, `VARCHAR(n) UTF8`, `EMITS (...)` at call sites or
`VALUES BETWEEN`; recognising them needs exact token positions (script bodies are Lua or Python, not SQL, and
must be kept byte for byte), which is why this tokenizer records where each token starts and ends.
"""

from __future__ import annotations

from dataclasses import dataclass

from sme_local.exasol.sql.errors import syntax_error

WORD, QUOTED, STRING, NUMBER, SYMBOL, END = "word", "quoted", "string", "number", "symbol", "end"


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == WORD else self.text

    def is_word(self, *words: str) -> bool:
        return self.kind == WORD and self.text.upper() in words

    def is_symbol(self, symbol: str) -> bool:
        return self.kind == SYMBOL and self.text == symbol


def tokenize(sql: str, stop_after_word: str | None = None) -> list[Token]:
    """Split ``sql`` into tokens. Comments and whitespace are dropped.

    ``stop_after_word`` ends tokenizing right after the first such word at parenthesis depth 0 (used for
    ``CREATE SCRIPT … AS``, whose body is not SQL).
    """
    tokens: list[Token] = []
    position, length, depth = 0, len(sql), 0
    while position < length:
        char = sql[position]
        if char.isspace():
            position += 1
        elif sql.startswith("--", position):
            newline = sql.find("\n", position)
            position = length if newline < 0 else newline + 1
        elif sql.startswith("/*", position):
            close = sql.find("*/", position + 2)
            if close < 0:
                raise syntax_error("unterminated comment")
            position = close + 2
        elif char in "'\"":
            end = _closing_quote(sql, position, char)
            raw = sql[position + 1 : end - 1].replace(char * 2, char)
            tokens.append(Token(STRING if char == "'" else QUOTED, raw, position, end))
            position = end
        elif char.isalpha() or char == "_":
            end = position + 1
            while end < length and (sql[end].isalnum() or sql[end] in "_$#"):
                end += 1
            tokens.append(Token(WORD, sql[position:end], position, end))
            position = end
            if stop_after_word and depth == 0 and tokens[-1].is_word(stop_after_word):
                break
        elif char.isdigit() or (char == "." and position + 1 < length and sql[position + 1].isdigit()):
            end = position + 1
            while end < length and (sql[end].isdigit() or sql[end] in ".eE" or (sql[end] in "+-" and sql[end - 1] in "eE")):
                end += 1
            tokens.append(Token(NUMBER, sql[position:end], position, end))
            position = end
        else:
            two = sql[position : position + 2]
            text = two if two in ("<=", ">=", "<>", "!=", "||", "::") else char
            depth += {"(": 1, ")": -1}.get(text, 0)
            tokens.append(Token(SYMBOL, text, position, position + len(text)))
            position += len(text)
    tokens.append(Token(END, "", len(sql) if not tokens else tokens[-1].end, len(sql)))
    return tokens


def _closing_quote(sql: str, start: int, quote: str) -> int:
    """Index just past the quote that closes the literal opened at ``start`` (doubled quotes escape)."""
    position = start + 1
    while True:
        found = sql.find(quote, position)
        if found < 0:
            raise syntax_error(f"unterminated {'string' if quote == chr(39) else 'identifier'} literal")
        if sql.startswith(quote * 2, found):
            position = found + 2
            continue
        return found + 1


def identifier(token: Token) -> str:
    """Exasol's identifier rule: unquoted names are upper-cased, quoted names are kept exactly."""
    if token.kind == WORD:
        return token.text.upper()
    if token.kind == QUOTED:
        return token.text
    raise syntax_error(f"identifier expected, found {token.text!r}")


def quote_identifier(name: str) -> str:
    """A delimited identifier (Exasol and DuckDB alike): kept exactly, inner ``"`` doubled."""
    return '"' + name.replace('"', '""') + '"'
