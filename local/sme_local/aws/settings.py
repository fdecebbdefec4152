"""Knobs of the AWS emulator that differ from real AWS on purpose.

Real Autopilot jobs run for hours and real endpoints take minutes to come up; a local stand-in used in tests and
demos must be fast and must not starve a shared machine. Every such deliberate difference is one field here, so
it is visible, documented and configurable (constructor argument or ``--option`` of ``python -m sme_local.aws``).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

DEFAULT_MAX_TRAINING_SECONDS = 20.0
# AWS asks for about 500 rows for Autopilot; the emulator accepts smaller tables so that tests stay fast, but
# refuses tables too small to hold a meaningful validation split.
DEFAULT_MIN_TRAINING_ROWS = 50


@dataclasses.dataclass(frozen=True)
class EmulatorSettings:
    """Deliberate local limits of the emulator (see the module docstring)."""

    # Upper bound of the search time of one AutoML job, whatever MaxAutoMLJobRuntimeInSeconds asks for.
    max_training_seconds: float = DEFAULT_MAX_TRAINING_SECONDS
    # Fewer data rows than this (after dropping rows without a target) make the job fail.
    min_training_rows: int = DEFAULT_MIN_TRAINING_ROWS
    # Time an endpoint stays in "Creating" before it turns "InService" (or "Failed").
    endpoint_startup_seconds: float = 1.0
    # AutoML jobs trained at the same time; further jobs wait in "InProgress/Starting".
    max_parallel_jobs: int = 1
    # CPU threads one training may use (the machine running the emulator is often shared).
    training_threads: int = 1
    # Where jobs keep their search logs; a temporary directory when None.
    work_dir: Path | None = None

    def __post_init__(self) -> None:
        if self.max_training_seconds <= 0:
            raise ValueError("max_training_seconds must be positive")
        if self.min_training_rows < 10:
            raise ValueError("min_training_rows must be at least 10")
        if self.endpoint_startup_seconds < 0:
            raise ValueError("endpoint_startup_seconds must not be negative")
        if self.max_parallel_jobs < 1 or self.training_threads < 1:
            raise ValueError("max_parallel_jobs and training_threads must be at least 1")
