"""Quoting and validation of the names that end up in generated SQL.

Every name the deployment writes into DDL is quoted, because the admin chooses the schema name freely (case,
spaces, quotes, any Unicode letter) and an unquoted or half-escaped name would either change meaning (Exasol
upper-cases unquoted identifiers) or break the statement. The language alias is the one name that cannot be
quoted: Exasol expects it bare in ``CREATE <alias> SCRIPT`` and in the ``SCRIPT_LANGUAGES`` parameter, so it is
restricted to a regular identifier instead.
"""

from __future__ import annotations

import re

from exasol_sagemaker_extension.errors import SmeError

# Exasol limits identifiers to 128 characters (quoted or not).
MAX_IDENTIFIER_LENGTH = 128
_REGULAR_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def quote_identifier(name: str) -> str:
    """Return ``name`` as a delimited identifier: wrapped in double quotes, inner quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def qualified_name(schema: str, name: str) -> str:
    """Return ``"<schema>"."<name>"`` with both parts quoted."""
    return f"{quote_identifier(schema)}.{quote_identifier(name)}"


def validate_schema_name(schema: str) -> str:
    """Check that ``schema`` can be an Exasol schema name and return it unchanged (case is kept).

    Any character is allowed once quoted, except control characters, which no SQL client can show or type
    reliably and which would make the generated script text ambiguous.
    """
    problem = None
    if not schema or not schema.strip():
        problem = "is empty"
    elif len(schema) > MAX_IDENTIFIER_LENGTH:
        problem = f"has {len(schema)} characters, more than Exasol's limit of {MAX_IDENTIFIER_LENGTH}"
    elif any(ord(c) < 32 or ord(c) == 127 for c in schema):
        problem = "contains a control character (line break, tab, ...)"
    if problem:
        raise SmeError(
            "E-SME-300",
            f"The schema name {schema!r} {problem}.",
            [f"Pass --schema with 1 to {MAX_IDENTIFIER_LENGTH} printable characters, e.g. --schema SME."],
        )
    return schema


def validate_language_alias(alias: str) -> str:
    """Check that ``alias`` is a regular identifier (letter, then letters, digits, underscores) and return it."""
    if not _REGULAR_IDENTIFIER.fullmatch(alias or "") or len(alias) > MAX_IDENTIFIER_LENGTH:
        raise SmeError(
            "E-SME-301",
            f"The language alias {alias!r} is not a plain identifier.",
            [
                "Use letters, digits and underscores only, starting with a letter, e.g. --language-alias "
                "PYTHON3_SME (the alias appears unquoted in CREATE SCRIPT and in SCRIPT_LANGUAGES)."
            ],
        )
    return alias
