"""Measuring the emulator against test suites nobody in this project wrote (see local/sme_local/exasol/README.md)."""

# The environment variable through which run_pyexasol_suite tells its pytest plugin the emulator's host:port.
ADDRESS_VARIABLE = "EMULATOR_ADDRESS"
