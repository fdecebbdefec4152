"""The stack a scoring benchmark runs on: the local emulators, the extension, a churn model trained once and
deployed (unless only the latency stub is measured), and a scoring table copied up to each size (one job: set up and size the data; the measuring is elsewhere)."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from dataclasses import dataclass

os.environ.setdefault("EXASOL_TELEMETRY_DISABLE", "1")

import pyexasol  # noqa: E402

from exasol_sagemaker_extension.autopilot.exasol_csv import EncodedRows, FeatureColumn, encode_rows  # noqa: E402
from exasol_sagemaker_extension.autopilot.sql_type import DECIMAL, parse_sql_type  # noqa: E402
from sme_local.churn_tutorial import KEY, TARGET, ChurnTutorial, TutorialSettings  # noqa: E402
from sme_local.datasets import CHURN, find_data_dir, read_frame  # noqa: E402
from sme_local.extension import activate_host_python, run_sme_deploy  # noqa: E402
from sme_local.extension_calls import ExtensionCalls, create_aws_connection  # noqa: E402
from sme_local.loading import import_frame  # noqa: E402
from sme_local.sql_console import SqlConsole, sql_string  # noqa: E402
from sme_local.stack import StackDescription  # noqa: E402

SCHEMA = "BENCH"
ENDPOINT = "bench-ep"
FEATURES = tuple(c.name for c in CHURN.columns if c.name not in (KEY, TARGET))


def quiet(*_: object) -> None:
    """The tutorial's step-by-step output would drown the numbers."""


@dataclass
class ScoringSetup:
    """A connected console with the extension installed and the churn features in ``CHURN_TEST``; with a trained
    model also ``ENDPOINT`` deployed from the tutorial's job (``trained``)."""

    description: StackDescription
    connection: pyexasol.ExaConnection
    console: SqlConsole
    calls: ExtensionCalls
    trained: bool

    @classmethod
    def create(cls, description: StackDescription, max_candidates: int | None) -> "ScoringSetup":
        """``max_candidates`` None: no training (only endpoints deployed later, such as the latency stub)."""
        settings = TutorialSettings(data_dir=find_data_dir(), schema=SCHEMA, job_timeout_seconds=240,
                                    max_candidates=max_candidates or 1)
        job = ChurnTutorial(description, settings, quiet).run().job_name if max_candidates else None
        if job is None:
            with _connect(description) as installing:
                activate_host_python(SqlConsole(installing, quiet))  # ALTER SYSTEM: for sessions opened later
            run_sme_deploy(description, settings.extension_schema, quiet)
        connection = _connect(description)
        console = SqlConsole(connection, quiet, secrets=[description.aws_secret_access_key])
        calls = ExtensionCalls(console, "SME", settings.connection_name)
        if job is None:
            _load(description, console, settings)
        else:
            calls.deploy(job, ENDPOINT, SCHEMA)
        return cls(description, connection, console, calls, job is not None)

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

    def set_client_settings(self, endpoint: str, rows_per_request: int | None, in_flight: int | None) -> None:
        """What a user does to change a deployed endpoint's batching (doc/user_guide.md, "Scoring in parallel on a
        cluster"): read the model connection's JSON from EXA_DBA_CONNECTIONS, set ``max_rows_per_request`` and
        ``max_requests_in_flight`` (None: the defaults), and write it back with CREATE OR REPLACE CONNECTION."""
        name = f"SME_SAGEMAKER_AUTOPILOT_ENDPOINT_CONNECTION_{endpoint.upper()}"
        text = self.console.rows(f"SELECT CONNECTION_STRING FROM EXA_DBA_CONNECTIONS WHERE CONNECTION_NAME = "
                                 f"{sql_string(name)}", show=False)[0][0]
        address = json.loads(text) | {"max_rows_per_request": rows_per_request, "max_requests_in_flight": in_flight}
        self.console.execute(f'CREATE OR REPLACE CONNECTION "{name}" TO {sql_string(json.dumps(address))}', show=False)

    def count(self, table: str) -> int:
        return int(self.console.rows(f'SELECT COUNT(*) FROM "{SCHEMA}"."{table}"', show=False)[0][0])

    def close(self, *endpoints: str) -> None:
        """Deletes ``endpoints`` (and ``ENDPOINT`` if it was deployed) as a user does, then disconnects."""
        for endpoint in ((ENDPOINT,) if self.trained else ()) + endpoints:
            self.calls.delete(endpoint)
        self.connection.close()


def _connect(description: StackDescription) -> pyexasol.ExaConnection:
    return pyexasol.connect(dsn=description.dsn, user=description.db_user, password=description.db_password)


def _load(description: StackDescription, console: SqlConsole, settings: TutorialSettings) -> None:
    """Without the tutorial: the schema, the AWS connection and every churn row in CHURN_TEST."""
    console.execute(f'CREATE SCHEMA IF NOT EXISTS "{SCHEMA}"', show=False)
    create_aws_connection(console, settings.connection_name, description)
    import_frame(console, CHURN, read_frame(settings.data_dir / CHURN.file_name, CHURN), SCHEMA, "CHURN_TEST")
