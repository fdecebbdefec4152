"""Exasol has no empty string: ``''`` is NULL (docs.exasol.com, "Data types": the empty string is evaluated as
NULL; ``SELECT '' IS NULL`` is TRUE), and ``||`` treats NULL as empty ("Concatenation operator": the SQL literal
NULL is handled as an empty string), so ``'' || 'a'`` and ``NULL || 'a'`` are ``'a'``. DuckDB keeps ``''``
and its ``||`` yields NULL for a NULL operand.

What the emulator does, on the parsed statement and around it:

- every ``''`` literal becomes NULL (comparisons, inserts, LENGTH('') …), except a REPLACE/REGEXP_REPLACE
  replacement, where Exasol's NULL means "delete" as DuckDB's ``''`` does;
- ``a || b`` becomes ``NULLIF(CONCAT(a, b), '')`` (CONCAT skips NULLs; an all-empty result is NULL again);
- parameter values ``''`` (prepared statements, bulk inserts) are bound as NULL (``parameters_without_empty``);
- string columns of every result go through NULLIF(…, '') (``result_projection``), so a computed empty string
  (SUBSTR past the end …) reaches the client as NULL.

Not covered: a computed empty string stored by INSERT … SELECT or UPDATE stays ``''`` in DuckDB (it is still
read back as NULL, but ``WHERE col IS NULL`` does not find it).
"""

from __future__ import annotations

from typing import Any

from sqlglot import exp

_KEEPS_EMPTY_REPLACEMENT = (exp.Replace, exp.RegexpReplace)


def replace_empty_strings(tree: exp.Expression) -> exp.Expression:
    """``''`` → NULL and ``||`` → NULL-skipping concatenation, on the whole statement."""
    for literal in list(tree.find_all(exp.Literal)):
        if literal.is_string and literal.this == "" and not _is_replacement(literal):
            literal.replace(exp.Null())
    for pipe in reversed(list(tree.find_all(exp.DPipe))):  # innermost first: operands are copied when replaced
        replacement = _concatenation(pipe)
        if pipe is tree:
            return replacement
        pipe.replace(replacement)
    return tree


def parameters_without_empty(values: list[Any]) -> list[Any]:
    """Parameter values as Exasol sees them: an empty string is NULL."""
    return [None if value == "" else value for value in values]


def result_projection(expression: str, is_string: bool) -> str:
    """The SQL that reads a result column: string columns turn a computed ``''`` into NULL."""
    return f"NULLIF({expression}, '')" if is_string else expression


def _is_replacement(literal: exp.Literal) -> bool:
    return isinstance(literal.parent, _KEEPS_EMPTY_REPLACEMENT) and literal.arg_key == "replacement"


def _concatenation(pipe: exp.DPipe) -> exp.Expression:
    concat = exp.Concat(expressions=[pipe.this.copy(), pipe.expression.copy()], safe=True, coalesce=True)
    return exp.Nullif(this=concat, expression=exp.Literal.string(""))
