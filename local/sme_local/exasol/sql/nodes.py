"""NPROC() and IPROC() of a cluster of ``nodes`` emulated nodes.

Exasol stores every table row on one node and processes it there; ``IPROC()`` is that node, ``NPROC()`` the node
count. The emulator keeps one DuckDB file, so it assigns nodes by position: row ``i`` of a table (DuckDB's
``rowid``, the insertion order) lives on node ``i mod N``, round-robin as Exasol spreads a table without a
distribution key. A query row is processed on the node of its row of the first table in FROM. With one node
every row is on node 0, whatever the FROM.
"""

from __future__ import annotations

from sqlglot import exp

from sme_local.exasol.sql.errors import unsupported_construct


def replace_node_functions(tree: exp.Expression, nodes: int) -> exp.Expression:
    """``NPROC()`` → ``nodes``; ``IPROC()`` → the row's node (see the module docstring)."""
    ctes = {cte.alias_or_name.upper() for cte in tree.find_all(exp.CTE)}

    def replace(node: exp.Expression) -> exp.Expression:
        if not (isinstance(node, exp.Anonymous) and not node.expressions):
            return node
        name = str(node.this).upper()
        if name == "NPROC":
            return _number(exp.Literal.number(nodes))
        if name == "IPROC":
            return _number(exp.Literal.number(0)) if nodes == 1 else _number(_row_node(node, nodes, ctes))
        return node

    return tree.transform(replace)


def _row_node(call: exp.Expression, nodes: int, ctes: set[str]) -> exp.Expression:
    select = call.find_ancestor(exp.Select)
    source = select.args.get("from_") if select is not None else None
    table = source.this if source is not None else None
    if not isinstance(table, exp.Table) or not table.name or table.name.upper() in ctes:
        raise unsupported_construct("IPROC() in a multi-node emulator over a FROM that is not a stored table "
                                    "(a subquery, CTE, VALUES or no FROM)")
    row_id = exp.column("rowid", table=exp.to_identifier(table.alias_or_name, quoted=True))
    return exp.Mod(this=row_id, expression=exp.Literal.number(nodes))


def _number(value: exp.Expression) -> exp.Expression:
    """A DECIMAL(18,0) expression; never a bare literal, which DuckDB reads as a position in GROUP BY/ORDER BY."""
    return exp.cast(value, "DECIMAL(18,0)")
