"""The stack a scoring benchmark runs on: the local emulators, a churn model trained once and deployed, and a
scoring table copied up to each size (one job: set up and size the data; the measuring is elsewhere)."""

from __future__ import annotations

import os
from decimal import Decimal
from dataclasses import dataclass

os.environ.setdefault("EXASOL_TELEMETRY_DISABLE", "1")

import pyexasol  # noqa: E402

from exasol_sagemaker_extension.autopilot.exasol_csv import EncodedRows, FeatureColumn, encode_rows  # noqa: E402
from exasol_sagemaker_extension.autopilot.sql_type import DECIMAL, parse_sql_type  # noqa: E402
from sme_local.churn_tutorial import KEY, TARGET, ChurnTutorial, TutorialSettings  # noqa: E402
from sme_local.datasets import CHURN, find_data_dir  # noqa: E402
from sme_local.extension_calls import ExtensionCalls  # noqa: E402
from sme_local.sql_console import SqlConsole  # noqa: E402
from sme_local.stack import StackDescription  # noqa: E402

SCHEMA = "BENCH"
ENDPOINT = "bench-ep"
FEATURES = tuple(c.name for c in CHURN.columns if c.name not in (KEY, TARGET))


def quiet(*_: object) -> None:
    """The tutorial's step-by-step output would drown the numbers."""


@dataclass
class ScoringSetup:
    """A connected console with the extension installed and ``ENDPOINT`` deployed from the tutorial's model."""

    description: StackDescription
    connection: pyexasol.ExaConnection
    console: SqlConsole
    calls: ExtensionCalls

    @classmethod
    def create(cls, description: StackDescription, max_candidates: int) -> "ScoringSetup":
        settings = TutorialSettings(data_dir=find_data_dir(), schema=SCHEMA, job_timeout_seconds=240,
                                    max_candidates=max_candidates)
        job = ChurnTutorial(description, settings, quiet).run().job_name
        connection = pyexasol.connect(dsn=description.dsn, user=description.db_user,
                                      password=description.db_password)
        console = SqlConsole(connection, quiet, secrets=[description.aws_secret_access_key])
        calls = ExtensionCalls(console, "SME", settings.connection_name)
        calls.deploy(job, ENDPOINT, SCHEMA)
        return cls(description, connection, console, calls)

    def fill(self, rows: int) -> str:
        """``BIG_<rows>``: the held-back customers copied (doubling) and cut to ``rows``, with a unique ``ID``
        so that lost or duplicated rows show in the key check."""
        table = f"BIG_{rows}"
        self.console.execute(f'CREATE OR REPLACE TABLE "{SCHEMA}"."DOUBLING" AS SELECT * FROM "{SCHEMA}"."CHURN_TEST"',
                             show=False)
        while self.count("DOUBLING") < rows:
            self.console.execute(f'INSERT INTO "{SCHEMA}"."DOUBLING" SELECT * FROM "{SCHEMA}"."DOUBLING"', show=False)
        columns = ", ".join(f'"{name}"' for name in FEATURES)
        self.console.execute(
            f'CREATE OR REPLACE TABLE "{SCHEMA}"."{table}" AS SELECT ROW_NUMBER() OVER () AS "ID", {columns} '
            f'FROM (SELECT * FROM "{SCHEMA}"."DOUBLING" LIMIT {rows})', show=False)
        self.console.execute(f'DROP TABLE "{SCHEMA}"."DOUBLING"', show=False)
        return table

    def encoded(self, table: str) -> EncodedRows:
        """The table's features encoded by the product's encoder, as the prediction UDF sends them."""
        columns = ", ".join(f'"{name}"' for name in FEATURES)
        rows = self.connection.execute(f'SELECT {columns} FROM "{SCHEMA}"."{table}" ORDER BY "ID"').fetchall()
        types = {c.name: c.sql_type for c in CHURN.columns}
        columns = []
        for index, name in enumerate(FEATURES):
            sql_type = parse_sql_type(types[name])
            values = [row[index] for row in rows]
            if sql_type.kind == DECIMAL:  # pyexasol fetches DECIMAL as text; the UDF gets decimal.Decimal
                values = [None if value is None else Decimal(value) for value in values]
            columns.append(FeatureColumn(name, sql_type, values))
        return encode_rows(columns)

    def count(self, table: str) -> int:
        return int(self.console.rows(f'SELECT COUNT(*) FROM "{SCHEMA}"."{table}"', show=False)[0][0])

    def close(self) -> None:
        self.calls.delete(ENDPOINT)
        self.connection.close()
