"""Keeps the catalog store in step with the DDL that DuckDB runs for a plain SQL statement.

DuckDB holds which tables, views and columns exist; the store (``catalog/store.py``) holds what DuckDB loses: the
declared Exasol column types (DuckDB stores every VARCHAR alike), view texts, comments and object grants. After
DuckDB ran CREATE, DROP or ALTER of a table or view, the store learns the same change here.
"""

from __future__ import annotations

import duckdb
from sqlglot import exp

from sme_local.exasol.catalog.relations import relations
from sme_local.exasol.catalog.store import CatalogStore
from sme_local.exasol.catalog.types import ExaType
from sme_local.exasol.sql import rewrite
from sme_local.exasol.sql.query_engine import QUERY_TYPES, QueryEngine


class CatalogSync:
    """The store's side of CREATE/DROP/ALTER TABLE or VIEW, for one session's cursor."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, store: CatalogStore, engine: QueryEngine) -> None:
        self._cursor = cursor
        self._store = store
        self._engine = engine  # types the columns CREATE … AS <query> made

    def target_exists(self, tree: exp.Expression) -> bool:
        """Whether the relation a CREATE names exists already (asked before it runs: CREATE … IF NOT EXISTS over
        an existing relation leaves its catalog entry alone)."""
        target = rewrite.qualified_target(tree) if isinstance(tree, exp.Create) else None
        return bool(target and relations(self._cursor, self._store, *target))

    def after_statement(self, tree: exp.Expression, declared: dict[str, ExaType], sql: str,
                        existed: bool = False) -> None:
        """Record the DDL DuckDB just executed. ``declared`` holds the Exasol types the statement spelled (before
        ``rewrite.convert_data_types`` made them DuckDB's), ``sql`` is its text (kept as a view's text)."""
        target = rewrite.qualified_target(tree)
        if target is None:
            return
        kind = str(tree.args.get("kind") or "").upper()
        if isinstance(tree, exp.Create) and kind in ("TABLE", "VIEW"):
            if existed and not tree.args.get("replace"):
                return
            if isinstance(tree.expression, QUERY_TYPES):
                # before forgetting: CREATE OR REPLACE … AS SELECT may read the relation it replaces
                declared = self._engine.created_column_types(tree.expression, target)
            self._store.forget_relation(*target)
            if kind == "VIEW":
                self._store.set_view_text(*target, sql)
            if declared:
                self._store.set_column_types(*target, {name: t.column_type() for name, t in declared.items()})
        elif isinstance(tree, exp.Drop) and kind in ("TABLE", "VIEW"):
            self._store.forget_relation(*target)
            self._store.forget_object_grants(*target)
        elif isinstance(tree, exp.Alter):
            for name, exa_type in declared.items():
                if name not in self._store.column_types(*target):
                    self._store.add_column_type(*target, name, exa_type.column_type())
