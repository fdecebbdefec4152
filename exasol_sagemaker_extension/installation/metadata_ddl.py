"""DDL of the metadata tables and their views (developer guide, "Metadata tables"), declared in
declarations/metadata_tables.py.

Every statement is safe to run again on a database that already holds jobs and endpoints: tables are created
only if missing, columns this extension added after the old extension's 16 are added only if missing (so a
table created by the old extension is migrated forward in place), and only the views, which hold no data, are
replaced. Nothing here drops, truncates or rewrites a row.
"""

from __future__ import annotations

from exasol_sagemaker_extension.declarations.metadata_tables import MetadataTable
from exasol_sagemaker_extension.installation.identifiers import qualified_name, quote_identifier


def render_create_schema(schema: str) -> str:
    return f"CREATE SCHEMA IF NOT EXISTS {quote_identifier(schema)}"


def render_create_table(table: MetadataTable, schema: str) -> str:
    lines = [f"    {quote_identifier(name)} {sql_type}" for name, sql_type in table.columns]
    if table.primary_key is not None:
        lines.append(f"    PRIMARY KEY ({quote_identifier(table.primary_key)})")
    return f"CREATE TABLE IF NOT EXISTS {qualified_name(schema, table.name)} (\n" + ",\n".join(lines) + "\n)"


def render_migrations(table: MetadataTable, schema: str) -> list[str]:
    """One ALTER TABLE … ADD COLUMN IF NOT EXISTS per column added after the original ones."""
    target = qualified_name(schema, table.name)
    return [
        f"ALTER TABLE {target} ADD COLUMN IF NOT EXISTS {quote_identifier(name)} {sql_type}"
        for name, sql_type in table.added_columns()
    ]


def render_view(table: MetadataTable, schema: str) -> str:
    columns = ",\n".join(f"    {quote_identifier(name)}" for name in table.view_columns)
    return (
        f"CREATE OR REPLACE VIEW {qualified_name(schema, table.view_name)} AS\nSELECT\n{columns}\n"
        f"FROM {qualified_name(schema, table.name)}"
    )
