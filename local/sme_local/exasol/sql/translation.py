"""Translation of a plain SQL statement (one the recogniser does not handle) into a tree DuckDB can run.

Two steps, because the transaction must know the statement's tables between them: ``parse`` reads the text with
sqlglot's exasol dialect and rewrites it (identifiers, empty strings, decimal literals, pseudo-columns, NPROC/IPROC,
``$SLEEP``, qualified tables, privileges, Exasol data types) without reading anything; ``bind`` then builds the SYS
tables the statement reads and runs its UDF calls, whose output replaces them (``udf_calls``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

from sme_local.exasol.catalog.system_tables import build_system_table
from sme_local.exasol.catalog.types import ExaType
from sme_local.exasol.sql import nodes, rewrite, sleep
from sme_local.exasol.sql.context import TranslatingSession
from sme_local.exasol.sql.empty_string import replace_empty_strings
from sme_local.exasol.sql.errors import syntax_error, unsupported_construct, unsupported_statement
from sme_local.exasol.sql.lexer import tokenize
from sme_local.exasol.sql.numeric_literals import type_decimal_literals
from sme_local.exasol.sql.preprocess import preprocess
from sme_local.exasol.sql.query_engine import QUERY_TYPES, first_line

SUPPORTED_STATEMENTS = QUERY_TYPES + (exp.Insert, exp.Update, exp.Delete, exp.Merge, exp.Create, exp.Drop,
                                      exp.Alter, exp.TruncateTable)
UNSUPPORTED_EXASOL_STATEMENTS = ("RENAME", "RECOMPRESS", "REORGANIZE", "PRELOAD", "FLUSH", "DESCRIBE",
                                  "ANALYZE", "IMPERSONATE", "EXPLAIN", "DESC")


@dataclass
class Parsed:
    """A parsed statement: its tree, the Exasol types it declared (before they became DuckDB's, for the catalog)
    and the SYS tables it reads."""

    tree: exp.Expression
    declared: dict[str, ExaType]
    system_tables: set[str]


class Translator:
    """Parses and binds the plain SQL statements of one session."""

    def __init__(self, session: TranslatingSession) -> None:
        self.session = session

    def translate(self, sql: str) -> tuple[exp.Expression, dict[str, ExaType]]:
        """Both steps at once, for statements that are described, not run."""
        parsed = self.parse(sql)
        return self.bind(parsed), parsed.declared

    def parse(self, sql: str) -> Parsed:
        """The statement parsed, checked and qualified; nothing read or run yet."""
        text = preprocess(sql)
        try:
            trees = sqlglot.parse(text, dialect="exasol", error_level=ErrorLevel.RAISE)
        except ParseError as error:
            first_word = text.split(None, 1)[0].upper() if text.split() else ""
            if first_word in UNSUPPORTED_EXASOL_STATEMENTS:
                raise unsupported_statement(first_word) from None
            if any(token.is_word("HASHTYPE") for token in tokenize(text)):
                # sqlglot's exasol dialect has no HASHTYPE: say so instead of a misleading syntax error
                raise unsupported_construct("data type HASHTYPE in SQL statements") from None
            raise syntax_error(first_line(str(error))) from None
        trees = [t for t in trees if t is not None]
        if len(trees) != 1:
            raise syntax_error("exactly one statement expected")
        tree = trees[0]
        rewrite.reject_unsupported(tree)
        if not isinstance(tree, SUPPORTED_STATEMENTS) or (
            isinstance(tree, (exp.Create, exp.Drop, exp.Alter))
            and str(tree.args.get("kind") or "").upper() not in ("TABLE", "VIEW")
        ):
            raise unsupported_statement(f"{tree.key.upper()} {str(tree.args.get('kind') or '').upper()}".strip())
        tree = normalize_identifiers(tree, dialect="exasol")
        rewrite.name_result_columns(tree)
        tree = replace_empty_strings(tree)
        type_decimal_literals(tree)
        tree = rewrite.replace_pseudo_columns(tree, self._session_values())
        tree = nodes.replace_node_functions(tree, self.session.database.nodes)
        tree = sleep.bind_calls(tree, self.session.id)
        system_tables = rewrite.resolve_special_tables(tree)
        rewrite.qualify_tables(tree, self.session.current_schema)
        self.session.privileges.check_sql(tree)
        declared = rewrite.convert_data_types(tree)
        return Parsed(tree, declared, system_tables)

    def bind(self, parsed: Parsed) -> exp.Expression:
        """Build the SYS tables the statement reads and run its UDF calls (their output replaces them)."""
        for name in sorted(parsed.system_tables):
            table = build_system_table(name, self.session.system_context())
            self.session.engine.load_temp_table(rewrite.SYSTEM_TABLE_PREFIX + name, table.columns, table.rows)
        return self.session.udf_calls.substitute(parsed.tree)

    def _session_values(self) -> rewrite.SessionValues:
        """What CURRENT_SESSION, CURRENT_STATEMENT, CURRENT_SCHEMA, CURRENT_USER and the clock read now."""
        now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
        session = self.session
        return rewrite.SessionValues(session.id, session.statement_id, session.current_schema, now, session.user)
