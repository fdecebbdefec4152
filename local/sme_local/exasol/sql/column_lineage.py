"""Exasol types of query result columns that copy a stored column (or CAST to an explicit type).

DuckDB reports every VARCHAR without its length, CHAR as VARCHAR and every TIMESTAMP alike, so a result, a view
or a ``CREATE TABLE … AS SELECT`` built from a table would report VARCHAR(2000000) where Exasol keeps the type
of the column the value comes from. This module follows each output column of a (rewritten) query back through
aliases, ``SELECT *`` / ``t.*``, subqueries, CTEs, views and set operations to the stored column it copies —
statically, without running anything. Computed columns stay unknown (None) and get the type DuckDB derives;
callers still check that a type found here has the DuckDB storage the value really has.
"""

from __future__ import annotations

from typing import Callable

from sqlglot import exp

from sme_local.exasol.catalog.types import ExaType

EXA_TYPE_META = "exa_type"
"""Key under which ``rewrite.convert_data_types`` leaves the Exasol type on each converted ``DataType`` node."""

Columns = list[tuple[str, ExaType | None]]
StoredColumns = Callable[[str, str], Columns | None]
"""(schema, name) of a stored table or view -> its columns in order, or None if there is no such relation."""

_Sources = list[tuple[str, Columns | None]]


def result_column_types(query: exp.Expression, stored_columns: StoredColumns) -> Columns | None:
    """The output columns of ``query`` in order with their Exasol types where known; None if the shape is
    unknown (e.g. ``SELECT *`` over a source this module cannot describe)."""
    return _Lineage(stored_columns).query(query, {})


class _Lineage:
    def __init__(self, stored_columns: StoredColumns) -> None:
        self._stored_columns = stored_columns

    def query(self, node: exp.Expression, ctes: dict[str, Columns | None]) -> Columns | None:
        ctes = self._with(node, ctes)
        if isinstance(node, exp.Subquery):
            return self.query(node.this, ctes)
        if isinstance(node, exp.SetOperation):
            return _combine(self.query(node.this, ctes), self.query(node.expression, ctes))
        if isinstance(node, exp.Select):
            return self._select(node, ctes)
        return None

    def _with(self, node: exp.Expression, ctes: dict[str, Columns | None]) -> dict[str, Columns | None]:
        with_ = node.args.get("with_")
        if with_ is None:
            return ctes
        ctes = dict(ctes)
        for cte in with_.expressions:
            ctes[cte.alias] = _renamed(self.query(cte.this, ctes), cte.args.get("alias"))
        return ctes

    def _select(self, select: exp.Select, ctes: dict[str, Columns | None]) -> Columns | None:
        sources = self._sources(select, ctes)
        columns: Columns = []
        for projection in select.expressions:
            expanded = self._projection(projection, sources, _star_is_plain(select))
            if expanded is None:
                return None
            columns.extend(expanded)
        return columns

    def _sources(self, select: exp.Select, ctes: dict[str, Columns | None]) -> _Sources:
        from_ = select.args.get("from_")
        if from_ is None:
            return []
        nodes = [from_.this, *(join.this for join in select.args.get("joins") or [])]
        return [(node.alias_or_name, self._source(node, ctes)) for node in nodes]

    def _source(self, node: exp.Expression, ctes: dict[str, Columns | None]) -> Columns | None:
        if isinstance(node, exp.Table) and isinstance(node.this, exp.Identifier):
            if not node.db and node.name in ctes:
                columns = ctes[node.name]
            elif node.db and not node.catalog:
                columns = self._stored_columns(node.db, node.name)
            else:
                columns = None
        elif isinstance(node, exp.Subquery):
            columns = self.query(node.this, ctes)
        else:
            return None
        return _renamed(columns, node.args.get("alias"))

    def _projection(self, projection: exp.Expression, sources: _Sources, star_is_plain: bool) -> Columns | None:
        if isinstance(projection, exp.Star) or (isinstance(projection, exp.Column) and projection.is_star):
            if not star_is_plain or projection.args.get("except") or projection.args.get("replace"):
                return None
            wanted = projection.table if isinstance(projection, exp.Column) else ""
            expanded: Columns = []
            for alias, columns in sources:
                if wanted and alias != wanted:
                    continue
                if columns is None:
                    return None
                expanded.extend(columns)
            return expanded
        value = projection.this if isinstance(projection, exp.Alias) else projection
        return [(projection.alias_or_name, _type_of(value, sources))]


def _type_of(value: exp.Expression, sources: _Sources) -> ExaType | None:
    while isinstance(value, exp.Paren):
        value = value.this
    if isinstance(value, exp.Cast):
        return value.to.meta_get(EXA_TYPE_META)
    if not isinstance(value, exp.Column) or not isinstance(value.this, exp.Identifier):
        return None
    found: list[ExaType | None] = []
    for alias, columns in sources:
        if value.table and alias != value.table:
            continue
        if columns is None:
            return None  # the column may come from a source whose columns are unknown
        found.extend(exa_type for name, exa_type in columns if name == value.name)
    return found[0] if len(found) == 1 else None


def _star_is_plain(select: exp.Select) -> bool:
    """``*`` is the concatenation of the sources' columns unless a join merges columns (USING, NATURAL)."""
    joins = select.args.get("joins") or []
    return not any(join.args.get("using") or join.method.upper() == "NATURAL" for join in joins)


def _renamed(columns: Columns | None, alias: exp.TableAlias | None) -> Columns | None:
    """Apply a column alias list (``t(a, b)``, ``WITH c(a, b)``) to a source's columns."""
    names = [identifier.name for identifier in alias.columns] if isinstance(alias, exp.TableAlias) else []
    if columns is None or not names:
        return columns
    if len(names) != len(columns):
        return None
    return [(name, exa_type) for name, (_, exa_type) in zip(names, columns)]


def _combine(left: Columns | None, right: Columns | None) -> Columns | None:
    """A set operation keeps a column's type only where every branch agrees on it (names come from the left)."""
    if left is None or right is None or len(left) != len(right):
        return None
    return [(name, left_type if left_type == right_type else None)
            for (name, left_type), (_, right_type) in zip(left, right)]
