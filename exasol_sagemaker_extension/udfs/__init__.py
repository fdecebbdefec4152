"""Thin Exasol UDF adapters: one module per UDF, each mapping ctx/exa onto the autopilot layer."""
