"""The SQL path: ``CREATE TABLE … AS SELECT schema."EP"(ID, features…) FROM t``, as one UDF instance and with
``GROUP BY IPROC()``, timed as the user sees it, then checked: every ID scored exactly once."""

from __future__ import annotations

import time
from dataclasses import dataclass

from benchmarks.scoring_stack import FEATURES, SCHEMA, ScoringSetup
from exasol_sagemaker_extension.autopilot.prediction import (
    DEFAULT_MAX_REQUESTS_IN_FLIGHT,
    DEFAULT_MAX_ROWS_PER_REQUEST,
)

MODES = ("single", "group_by_iproc")
DEFAULT_SETTING = (DEFAULT_MAX_ROWS_PER_REQUEST, DEFAULT_MAX_REQUESTS_IN_FLIGHT)  # the model connection's defaults


@dataclass(frozen=True)
class SqlRun:
    endpoint: str
    rows_per_request: int
    in_flight: int
    mode: str
    rows: int
    seconds: float
    rows_out: int
    distinct_keys: int
    missing_keys: int

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds

    @property
    def complete(self) -> bool:
        return self.rows_out == self.rows == self.distinct_keys and self.missing_keys == 0


def score(setup: ScoringSetup, endpoint: str, table: str, mode: str, rows_per_request: int, in_flight: int) -> SqlRun:
    """One statement; the model connection of ``endpoint`` gets the client settings first, as a user sets them."""
    setup.set_client_settings(endpoint, rows_per_request, in_flight)
    arguments = ", ".join(f'"{name}"' for name in ("ID", *FEATURES))
    group = " GROUP BY IPROC()" if mode == "group_by_iproc" else ""
    target = f"OUT_{table}_{mode}".upper()
    console = setup.console
    started = time.monotonic()
    console.execute(f'CREATE OR REPLACE TABLE "{SCHEMA}"."{target}" AS SELECT "{SCHEMA}"."{endpoint}"({arguments}) '
                    f'FROM "{SCHEMA}"."{table}"{group}', show=False)
    seconds = time.monotonic() - started
    rows_out, distinct = console.rows(f'SELECT COUNT(*), COUNT(DISTINCT "ROW_KEY") FROM "{SCHEMA}"."{target}"',
                                      show=False)[0]
    missing = console.rows(f'SELECT COUNT(*) FROM "{SCHEMA}"."{table}" T WHERE NOT EXISTS '
                           f'(SELECT 1 FROM "{SCHEMA}"."{target}" O WHERE O."ROW_KEY" = T."ID")', show=False)[0][0]
    console.execute(f'DROP TABLE "{SCHEMA}"."{target}"', show=False)
    return SqlRun(endpoint, rows_per_request, in_flight, mode, setup.count(table), seconds, int(rows_out), int(distinct), int(missing))
