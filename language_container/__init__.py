"""Builds the script-language container that carries the extension into Exasol UDFs."""
