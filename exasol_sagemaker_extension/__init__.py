"""Exasol extension that trains SageMaker Autopilot models on Exasol tables and scores rows from SQL."""

__version__ = "1.0.0.dev0"
