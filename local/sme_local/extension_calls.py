"""The SQL a user types to work with the extension: the AWS connection and one call per script, plus a bounded
wait for training. The demo and the end-to-end tests go through here, so both exercise exactly the documented
statements (doc/user_guide.md), and nothing else."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from exasol_sagemaker_extension.errors import SmeError
from sme_local.datasets import quote
from sme_local.sql_console import SqlConsole, sql_string
from sme_local.stack import StackDescription

TERMINAL_FAILURES = ("Failed", "Stopped")
POLL_INTERVAL_SECONDS = 2.0


def aws_connection_address(description: StackDescription) -> str:
    """The bucket address in the form the extension and Exasol's EXPORT both read, with the region in it."""
    return f"https://{description.s3_bucket}.s3.{description.aws_region}.amazonaws.com"


def create_aws_connection(console: SqlConsole, name: str, description: StackDescription) -> None:
    console.execute(f"CREATE OR REPLACE CONNECTION {quote(name)} TO {sql_string(aws_connection_address(description))}"
                    f" USER {sql_string(description.aws_access_key_id)}"
                    f" IDENTIFIED BY {sql_string(description.aws_secret_access_key)}")


def _argument(value: str | int | None) -> str:
    if value is None:
        return "NULL"
    return str(value) if isinstance(value, int) else sql_string(value)


@dataclass
class ExtensionCalls:
    """The scripts installed in ``schema``, called with the AWS connection ``connection_name`` (region from
    its address). ``clock`` and ``sleep`` bound and pace polling."""

    console: SqlConsole
    schema: str
    connection_name: str
    clock: Callable[[], float] = field(default=time.monotonic)
    sleep: Callable[[float], None] = field(default=time.sleep)

    def _script(self, name: str, *arguments: str | int | None, show: bool = True) -> list[dict[str, Any]]:
        call = f"EXECUTE SCRIPT {quote(self.schema)}.{quote(name)}({', '.join(map(_argument, arguments))})"
        return self.console.records(call, show)

    def train(self, request: dict[str, Any]) -> dict[str, Any]:
        """Start a job; ``request`` is the train JSON (the connection name is added). Returns the result row."""
        document = {**request, "aws_credentials_connection_name": self.connection_name}
        return self._script("SME_TRAIN_WITH_SAGEMAKER_AUTOPILOT", json.dumps(document, indent=1))[0]

    def poll(self, job_name: str, show: bool = True) -> dict[str, Any]:
        return self._script("SME_POLL_SAGEMAKER_AUTOPILOT_JOB_STATUS", job_name, self.connection_name, None,
                            show=show)[0]

    def stop(self, job_name: str) -> dict[str, Any]:
        return self._script("SME_STOP_SAGEMAKER_AUTOPILOT_JOB", job_name, self.connection_name, None)[0]

    def explain(self, job_name: str, show: bool = True) -> list[dict[str, Any]]:
        return self._script("SME_EXPLAIN_SAGEMAKER_AUTOPILOT_JOB", job_name, self.connection_name, None, show=show)

    def wait_for_job(self, job_name: str, timeout_seconds: float) -> dict[str, Any]:
        """Poll until the job is Completed and return the last status row. The statement is shown once, then a
        progress line per poll. E-SME-506 if the job fails or stops, E-SME-507 after ``timeout_seconds``."""
        started = self.clock()
        status = self.poll(job_name)
        while True:
            elapsed = self.clock() - started
            self.console.note(f"job {job_name}: {status['JOB_STATUS']} / {status['JOB_SECONDARY_STATUS']} "
                              f"after {elapsed:.0f} s")
            if status["JOB_STATUS"] == "Completed":
                return status
            if status["JOB_STATUS"] in TERMINAL_FAILURES:
                raise SmeError("E-SME-506", f"The AutoML job {job_name} ended with status {status['JOB_STATUS']}: "
                               f"{status['FAILURE_REASON']}", [
                                   "Fix the cause named in the failure reason (data, target column, problem "
                                   "type) and train again under a new job name."])
            if elapsed >= timeout_seconds:
                raise SmeError("E-SME-507", f"The AutoML job {job_name} did not complete within "
                               f"{timeout_seconds:.0f} s (last status {status['JOB_STATUS']}).", [
                                   "Poll it later with SME_POLL_SAGEMAKER_AUTOPILOT_JOB_STATUS, or give a smaller "
                                   "max_runtime_for_automl_job_in_seconds."])
            self.sleep(POLL_INTERVAL_SECONDS)
            status = self.poll(job_name, show=False)

    def candidates(self, job_name: str) -> list[dict[str, Any]]:
        return self._script("SME_LIST_SAGEMAKER_AUTOPILOT_CANDIDATES", job_name, self.connection_name, None)

    def deploy(self, job_name: str, endpoint_name: str, udf_schema: str, instance_type: str = "ml.m5.large",
               instance_count: int = 1) -> dict[str, Any]:
        return self._script("SME_DEPLOY_SAGEMAKER_AUTOPILOT_ENDPOINT", job_name, endpoint_name, udf_schema,
                            instance_type, instance_count, self.connection_name, None)[0]

    def create_endpoint_udf(self, request: dict[str, Any]) -> dict[str, Any]:
        """SME_CREATE_ENDPOINT_UDF for an endpoint made outside the extension (the connection name is added)."""
        document = {**request, "aws_credentials_connection_name": self.connection_name}
        return self._script("SME_CREATE_ENDPOINT_UDF", json.dumps(document, indent=1))[0]

    def endpoint_metrics(self, endpoint_name: str, start_time: str | None = None,
                         end_time: str | None = None) -> list[dict[str, Any]]:
        return self._script("SME_SHOW_SAGEMAKER_AUTOPILOT_ENDPOINT_METRICS", endpoint_name, start_time, end_time,
                            self.connection_name, None)

    def delete(self, endpoint_name: str) -> list[dict[str, Any]]:
        return self._script("SME_DELETE_SAGEMAKER_AUTOPILOT_ENDPOINT", endpoint_name, self.connection_name, None)

    def reconcile(self, action: str = "list") -> list[dict[str, Any]]:
        """The extension's SageMaker resources next to the metadata; ``delete_orphans`` removes the orphans."""
        return self._script("SME_RECONCILE_SAGEMAKER_RESOURCES", self.connection_name, None, action)

    def evaluate(self, request: dict[str, Any]) -> list[dict[str, Any]]:
        """SME_EVALUATE_PREDICTIONS with the evaluation JSON ``request``; returns its metric rows."""
        return self._script("SME_EVALUATE_PREDICTIONS", json.dumps(request, indent=1))

    def batch_score(self, request: dict[str, Any], poll: bool = False) -> dict[str, Any]:
        """Batch scoring (``poll``: its companion) with the request JSON; returns the result row."""
        name = "SME_POLL_BATCH_SCORE_WITH_SAGEMAKER_AUTOPILOT" if poll else "SME_BATCH_SCORE_WITH_SAGEMAKER_AUTOPILOT"
        return self._script(name, json.dumps(request))[0]
