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
  (SUBSTR past the end …) reaches the client as NULL;
- what INSERT … SELECT/VALUES and UPDATE … SET store in a string column goes through NULLIF(…, '') too
  (``nullify_inserted``, ``nullify_updated``), so no stored value is ever ``''``.

Not covered: MERGE, whose computed strings are stored as DuckDB computes them.
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


def nullify_inserted(insert: exp.Insert, string_targets: list[bool]) -> None:
    """INSERT … <query>: read the query through NULLIF(…, '') for the target columns that are strings."""
    query = insert.expression
    if query is None or not any(string_targets) or _uses_default(query):
        return  # DEFAULT is only valid directly in VALUES: such rows are stored as written
    names = [f"__c{index}" for index in range(len(string_targets))]
    source = exp.Subquery(this=query.copy(), alias=exp.TableAlias(
        this=exp.to_identifier("__source"), columns=[exp.to_identifier(name) for name in names]))
    projections = [_nullif(exp.column(name)) if is_string else exp.column(name)
                   for name, is_string in zip(names, string_targets)]
    insert.set("expression", exp.select(*projections).from_(source))


def nullify_updated(update: exp.Update, string_columns: set[str]) -> None:
    """UPDATE … SET col = expr: a string column receives NULLIF(expr, '')."""
    for assignment in update.expressions:
        if isinstance(assignment, exp.EQ) and isinstance(assignment.this, exp.Column) \
                and assignment.this.name in string_columns:
            assignment.set("expression", _nullif(assignment.expression.copy()))


def _uses_default(query: exp.Expression) -> bool:
    return any(var.name.upper() == "DEFAULT" for var in query.find_all(exp.Var))


def _nullif(expression: exp.Expression) -> exp.Expression:
    return exp.Nullif(this=expression, expression=exp.Literal.string(""))


def _is_replacement(literal: exp.Literal) -> bool:
    return isinstance(literal.parent, _KEEPS_EMPTY_REPLACEMENT) and literal.arg_key == "replacement"


def _concatenation(pipe: exp.DPipe) -> exp.Expression:
    return _nullif(exp.Concat(expressions=[pipe.this.copy(), pipe.expression.copy()], safe=True, coalesce=True))
