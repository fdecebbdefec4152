"""Exasol's type of a decimal literal: the smallest DECIMAL that holds the number exactly.

docs.exasol.com (SQL reference, "Numeric literals"): if the number is represented exactly in a DECIMAL type,
Exasol chooses the smallest one, otherwise DOUBLE. So ``1.0`` is DECIMAL(1,0) (on the wire the number 1, which is
what pyexasol's ``test_safe_float_conversion`` expects), ``0.50`` DECIMAL(1,1), ``100.0`` DECIMAL(3,0); DuckDB
would keep the written digits (DECIMAL(2,1) …). Literals with an exponent stay DuckDB's (DOUBLE), integers stay
integers (DuckDB's INTEGER already reports DECIMAL(18,0) and keeps integer arithmetic and function arguments).
"""

from __future__ import annotations

from decimal import Context, Decimal, InvalidOperation

from sqlglot import exp

from sme_local.exasol.catalog.types import MAX_DECIMAL_PRECISION


def type_decimal_literals(tree: exp.Expression) -> None:
    """Wrap every plain decimal literal (digits with a point) in a CAST to its smallest exact DECIMAL."""
    for literal in list(tree.find_all(exp.Literal)):
        if literal.is_string or "." not in literal.this or "e" in literal.this.lower():
            continue
        smallest = smallest_decimal(literal.this)
        if smallest is None:
            literal.replace(exp.cast(literal.copy(), exp.DataType.build("DOUBLE")))
        else:
            precision, scale = smallest
            literal.replace(exp.cast(literal.copy(), exp.DataType.build(f"DECIMAL({precision},{scale})")))


def smallest_decimal(text: str) -> tuple[int, int] | None:
    """(precision, scale) of the smallest DECIMAL holding ``text`` exactly, None if no DECIMAL(36) does."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    _, digits, exponent = value.normalize(Context(prec=len(text) + 1)).as_tuple()
    if not isinstance(exponent, int):
        return None
    significant = len(digits) if any(digits) else 1
    scale = max(-exponent, 0)
    precision = max(significant + max(exponent, 0), scale, 1) if any(digits) else 1
    if precision > MAX_DECIMAL_PRECISION:
        return None
    return precision, scale
