"""The complete, ordered list of statements that installs (or re-installs) the extension into one schema.

The order matters: the schema first, then the metadata tables and their forward migrations, then the views that
read the migrated columns, then the UDFs and the Lua scripts that call them. Every statement is idempotent, so
the same list serves a first installation, an upgrade from the old extension and a plain re-run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from exasol_sagemaker_extension.installation.identifiers import (
    qualified_name,
    quote_identifier,
    validate_language_alias,
    validate_schema_name,
)
from exasol_sagemaker_extension.installation.lua_scripts import render_lua_script
from exasol_sagemaker_extension.installation.scripts import ENTRY_SCRIPTS, EntryScript
from exasol_sagemaker_extension.declarations.metadata_tables import METADATA_TABLES
from exasol_sagemaker_extension.installation.metadata_ddl import (
    render_create_schema,
    render_create_table,
    render_migrations,
    render_view,
)
from exasol_sagemaker_extension.installation.udf_ddl import CONTROL_PLANE_UDFS, render_udf

if TYPE_CHECKING:  # importlib.resources.abc is 3.11+; only the annotation needs it
    from importlib.resources.abc import Traversable

DEFAULT_SCHEMA = "SME"
DEFAULT_LANGUAGE_ALIAS = "PYTHON3_SME"


@dataclass(frozen=True)
class Statement:
    """One statement: a short label for error messages, the exact SQL text, and the kind of object it installs
    (the progress output reports one line per kind, not one per statement)."""

    label: str
    sql: str
    kind: str = "other statements"

    @property
    def is_script(self) -> bool:
        """Script statements end with their own ``/`` line; other statements need a ``;`` when printed."""
        return self.sql.endswith("\n/")

    def printable(self) -> str:
        """The text as an SQL client expects it in a file of several statements."""
        return self.sql if self.is_script else self.sql + ";"


def metadata_statements(schema: str) -> list[Statement]:
    statements = [Statement(f"schema {quote_identifier(schema)}", render_create_schema(schema), "schema")]
    for table in METADATA_TABLES:
        label = f"table {qualified_name(schema, table.name)}"
        statements.append(Statement(label, render_create_table(table, schema), "metadata tables"))
        statements.extend(
            Statement(f"migration {number} of {label}", sql, "column migrations")
            for number, sql in enumerate(render_migrations(table, schema), start=1)
        )
    statements.extend(
        Statement(f"view {qualified_name(schema, table.view_name)}", render_view(table, schema), "views")
        for table in METADATA_TABLES
    )
    return statements


def installation_statements(
    schema: str = DEFAULT_SCHEMA,
    language_alias: str = DEFAULT_LANGUAGE_ALIAS,
    entry_scripts: Iterable[EntryScript] | None = None,
    lua_root: Traversable | None = None,
) -> list[Statement]:
    """Every statement of an installation into ``schema``, in execution order; same input, same text."""
    validate_schema_name(schema)
    validate_language_alias(language_alias)
    scripts = tuple(entry_scripts) if entry_scripts is not None else ENTRY_SCRIPTS
    statements = metadata_statements(schema)
    statements.extend(
        Statement(f"UDF {qualified_name(schema, udf.name)}", render_udf(udf, schema, language_alias), "UDFs")
        for udf in CONTROL_PLANE_UDFS
    )
    statements.extend(
        Statement(f"Lua script {qualified_name(schema, script.name)}", render_lua_script(script, schema, lua_root),
                  "Lua scripts")
        for script in scripts
    )
    return statements


def render_sql_file(statements: Iterable[Statement]) -> str:
    """All statements as one text an admin can review or run in an SQL client (one blank line between)."""
    return "\n\n".join(statement.printable() for statement in statements) + "\n"
