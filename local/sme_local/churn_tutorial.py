"""The tutorial (tutorial/README.md) as code: predict customer churn from SQL, end to end.

Every step is the SQL a user would type, shown before it runs. The same steps run against the local stack and
against a real Exasol + AWS, because everything that differs is in the ``StackDescription`` (addresses,
credentials, the SageMaker role); only installing the extension differs (``install_locally``: map the language
alias to the host's Python and run ``sme-deploy --no-deploy-slc``; a real installation deploys the language
container with ``sme-deploy`` beforehand).

Data: churn.csv with SQL-friendly column names (see ``datasets.CHURN``), the target ``CHURN`` as BOOLEAN.
``PHONE`` identifies a customer: it is not a feature but the row key that scoring passes through. About 20% of
the rows are held back for evaluation, chosen by a hash of ``PHONE`` (``HASH_MD5(PHONE) < '33'``: 51 of 256
two-digit hex prefixes), so the split is the same on every run and every database.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyexasol

from exasol_sagemaker_extension.errors import SmeError
from sme_local.datasets import CHURN, quote, read_frame
from sme_local.extension import activate_host_python, run_sme_deploy
from sme_local.extension_calls import ExtensionCalls, create_aws_connection
from sme_local.loading import import_frame
from sme_local.sql_console import Echo, SqlConsole
from sme_local.stack import StackDescription

KEY = "PHONE"
TARGET = "CHURN"
TOP_FEATURES = 5
HOLDOUT_CONDITION = f"HASH_MD5({quote(KEY)}) < '33'"


@dataclass(frozen=True)
class TutorialSettings:
    """Names and budgets of one tutorial run. Local runs are capped by the AWS emulator's training limit."""

    data_dir: Path
    schema: str = "DEMO"
    extension_schema: str = "SME"
    connection_name: str = "AWS_CONN"
    s3_output_path: str = "sme-tutorial"
    max_candidates: int = 20
    max_runtime_for_automl_job_in_seconds: int = 3600
    job_timeout_seconds: float = 240.0
    instance_type: str = "ml.m5.large"
    install_locally: bool = True
    # False: use the existing connection connection_name as it is (e.g. one with a session token).
    create_connection: bool = True


@dataclass(frozen=True)
class TutorialResult:
    job_name: str
    endpoint_name: str
    train_rows: int
    test_rows: int
    metrics: dict[str, float | None]
    seconds: float
    top_features: tuple[tuple[str, float], ...] = ()  # the best candidate's most important features, best first


def _unique_suffix() -> str:
    """Job and endpoint names can never be reused in SageMaker, so each run gets its own."""
    return datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")


class ChurnTutorial:
    def __init__(self, description: StackDescription, settings: TutorialSettings, echo: Echo) -> None:
        self.description = description
        self.settings = settings
        self.echo = echo
        suffix = _unique_suffix()
        self.job_name = f"churn-{suffix}"
        self.endpoint_name = f"churn-{suffix}"

    def run(self) -> TutorialResult:
        started = time.monotonic()
        if self.settings.install_locally:
            self._step("Install the extension (local stack: the host's Python stands in for the container)")
            with self._connect() as connection:
                activate_host_python(SqlConsole(connection, self.echo))
            self.echo(run_sme_deploy(self.description, self.settings.extension_schema, self.echo))
        with self._connect() as connection:
            console = SqlConsole(connection, self.echo, secrets=[self.description.aws_secret_access_key])
            calls = ExtensionCalls(console, self.settings.extension_schema, self.settings.connection_name)
            train_rows, test_rows = self._prepare_data(console)
            self._train(calls)
            top_features = self._explain(calls)
            self._step("Deploy the best candidate to an endpoint; this creates the prediction UDF")
            deployed = calls.deploy(self.job_name, self.endpoint_name, self.settings.schema,
                                    self.settings.instance_type)
            console.note(f"endpoint {deployed['ENDPOINT_NAME']} is {deployed['ENDPOINT_STATUS']}, "
                         f"UDF {deployed['PREDICTION_UDF']}")
            self._step("Score the held-back customers, passing PHONE through as the row key")
            console.execute(f"CREATE OR REPLACE TABLE {self._table('CHURN_SCORES')} AS {self._scoring_query()}")
            self._show(console.records(f"SELECT * FROM {self._table('CHURN_SCORES')} ORDER BY \"ROW_KEY\" LIMIT 3"))
            metrics = self._evaluate(console, calls)
            self._step("Clean up: delete the endpoint (it costs money while it exists)")
            self._show(calls.delete(self.endpoint_name))
            self._show_scoring_fails(console)
        return TutorialResult(self.job_name, self.endpoint_name, train_rows, test_rows, metrics,
                              time.monotonic() - started, top_features)

    def _prepare_data(self, console: SqlConsole) -> tuple[int, int]:
        self._step("Create the schema and the AWS connection (its address is the S3 bucket)")
        console.execute(f"CREATE SCHEMA IF NOT EXISTS {quote(self.settings.schema)}")
        if self.settings.create_connection:
            create_aws_connection(console, self.settings.connection_name, self.description)
        self._step("Load churn.csv into DEMO.CHURN (pyexasol's import_from_pandas)")
        import_frame(console, CHURN, read_frame(self.settings.data_dir / CHURN.file_name, CHURN),
                     self.settings.schema, "CHURN")
        self._step("Hold back about 20% of the customers for evaluation, by a hash of PHONE")
        features = ", ".join(quote(c.name) for c in CHURN.columns if c.name != KEY)
        console.execute(f"CREATE OR REPLACE TABLE {self._table('CHURN_TRAIN')} AS SELECT {features} "
                        f"FROM {self._table('CHURN')} WHERE NOT ({HOLDOUT_CONDITION})")
        console.execute(f"CREATE OR REPLACE TABLE {self._table('CHURN_TEST')} AS SELECT * "
                        f"FROM {self._table('CHURN')} WHERE {HOLDOUT_CONDITION}")
        train_rows = self._count(console, "CHURN_TRAIN")
        test_rows = self._count(console, "CHURN_TEST")
        console.note(f"{train_rows} rows to train on, {test_rows} held back")
        return train_rows, test_rows

    def _train(self, calls: ExtensionCalls) -> None:
        self._step("Train with SageMaker Autopilot")
        started = calls.train({
            "job_name": self.job_name,
            "input_schema_name": self.settings.schema,
            "input_table_or_view_name": "CHURN_TRAIN",
            "s3_bucket_uri": f"s3://{self.description.s3_bucket}",
            "s3_output_path": self.settings.s3_output_path,
            "iam_sagemaker_role": self.description.iam_sagemaker_role,
            "target_attribute_name": TARGET,
            "problem_type": "BinaryClassification",
            "objective": "F1",
            "max_candidates": self.settings.max_candidates,
            "max_runtime_for_automl_job_in_seconds": self.settings.max_runtime_for_automl_job_in_seconds,
        })
        calls.console.note(f"started {started['JOB_NAME']}: {started['EXPORTED_ROWS']} rows exported to "
                           f"{started['INPUT_S3_URI']}")
        self._step("Poll until the job is Completed")
        status = calls.wait_for_job(self.job_name, self.settings.job_timeout_seconds)
        calls.console.note(f"best candidate {status['BEST_CANDIDATE_NAME']}: "
                           f"{status['OBJECTIVE_METRIC_NAME']} = {status['OBJECTIVE_METRIC_VALUE']}")
        self._step("List the candidates")
        self._show(calls.candidates(self.job_name))

    def _evaluate(self, console: SqlConsole, calls: ExtensionCalls) -> dict[str, float | None]:
        """The scores joined to the held-back truth by the row key, evaluated by the extension's script; returns
        the metrics of the whole table (the per-label rows of the positive label TRUE included, the confusion
        matrix left out, as it is shown with the rest)."""
        self._step("Evaluate in SQL: join the scores to the truth by PHONE, then let the extension compute the metrics")
        console.execute(f"CREATE OR REPLACE VIEW {self._table('CHURN_EVALUATION')} AS SELECT T.{quote(TARGET)}, "
                        f"S.\"PROBABILITY\", S.\"PREDICTIONS\" FROM {self._table('CHURN_SCORES')} S "
                        f"JOIN {self._table('CHURN_TEST')} T ON S.\"ROW_KEY\" = T.{quote(KEY)}")
        rows = calls.evaluate({
            "input_schema_name": self.settings.schema, "input_table_or_view_name": "CHURN_EVALUATION",
            "label_column": TARGET, "problem_type": "BinaryClassification", "store_in_history": True,
        })
        self._show(rows)
        return {row["METRIC"]: row["METRIC_VALUE"] for row in rows if row["PREDICTED_LABEL"] is None}

    def _explain(self, calls: ExtensionCalls) -> tuple[tuple[str, float], ...]:
        self._step("Explain the best candidate: its most important features (mean absolute SHAP values)")
        features = [row for row in calls.explain(self.job_name) if row["KIND"] == "FEATURE_IMPORTANCE"]
        top = tuple((row["NAME"], float(row["VALUE"])) for row in features[:TOP_FEATURES])
        for rank, (name, importance) in enumerate(top, start=1):
            calls.console.note(f"{rank}. {name}: {importance:.4f}")
        return top

    def _scoring_query(self) -> str:
        """The UDF call with the row key first, then the features in training order (no EMITS clause), one
        instance per node (GROUP BY IPROC())."""
        features = [c.name for c in CHURN.columns if c.name not in (KEY, TARGET)]
        arguments = ", ".join(quote(name) for name in [KEY, *features])
        return f"SELECT {self._table(self.endpoint_name)}({arguments}) FROM {self._table('CHURN_TEST')} GROUP BY IPROC()"

    def _show_scoring_fails(self, console: SqlConsole) -> None:
        self._step("Scoring after the deletion fails with a clear error (the UDF is kept on purpose)")
        try:
            console.execute(self._scoring_query())
        except pyexasol.ExaQueryError as error:
            console.note("failed as expected: " + _first_lines(error.message))
            return
        raise SmeError("E-SME-508", f"Scoring with the deleted endpoint {self.endpoint_name} did not fail.", [
            "Report this: after SME_DELETE_SAGEMAKER_AUTOPILOT_ENDPOINT the prediction UDF must refuse to run."])

    def _table(self, name: str) -> str:
        return f"{quote(self.settings.schema)}.{quote(name)}"

    def _count(self, console: SqlConsole, table: str) -> int:
        return int(console.rows(f"SELECT COUNT(*) FROM {self._table(table)}")[0][0])

    def _connect(self) -> pyexasol.ExaConnection:
        return pyexasol.connect(dsn=self.description.dsn, user=self.description.db_user,
                                password=self.description.db_password)

    def _step(self, title: str) -> None:
        self.echo("")
        self.echo(f"-- == {title}")

    def _show(self, records: list[dict[str, Any]]) -> None:
        for record in records:
            self.echo("--    " + ", ".join(f"{name}={value}" for name, value in record.items()))


def _first_lines(message: str, count: int = 2) -> str:
    return " / ".join(line.strip() for line in message.strip().splitlines()[:count])
