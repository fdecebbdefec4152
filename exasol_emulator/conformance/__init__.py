"""Measuring the emulator against test suites nobody in this project wrote (see exasol_emulator/README.md)."""
