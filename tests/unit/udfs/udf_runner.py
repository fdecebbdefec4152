"""Run a control-plane UDF through exasol-udf-mock-python exactly as Exasol would: the two-line adapter script
of the developer guide, one JSON argument, the documented output columns, and the named CONNECTION."""

from __future__ import annotations

import json
from typing import Any, Callable

from exasol_udf_mock_python.column import Column
from exasol_udf_mock_python.connection import Connection
from exasol_udf_mock_python.group import Group
from exasol_udf_mock_python.mock_exa_environment import MockExaEnvironment
from exasol_udf_mock_python.mock_meta_data import MockMetaData
from exasol_udf_mock_python.udf_mock_executor import UDFMockExecutor

from aws_fixtures import ADDRESS, SECRET

CONNECTION = "AWS_CONN"
LONG_TEXT = Column("RESULT", str, "VARCHAR(2000000)")
STATUS_COLUMNS = [
    Column("JOB_STATUS", str, "VARCHAR(32)"),
    Column("SECONDARY_STATUS", str, "VARCHAR(64)"),
    Column("FAILURE_REASON", str, "VARCHAR(2000000)"),
    Column("BEST_CANDIDATE_NAME", str, "VARCHAR(256)"),
    Column("OBJECTIVE_METRIC_NAME", str, "VARCHAR(32)"),
    Column("OBJECTIVE_METRIC_VALUE", float, "DOUBLE"),
    Column("PROBLEM_TYPE", str, "VARCHAR(32)"),
]
CANDIDATE_COLUMNS = [
    Column("CANDIDATE_RANK", int, "DECIMAL(9,0)"),
    Column("CANDIDATE_NAME", str, "VARCHAR(256)"),
    Column("CANDIDATE_STATUS", str, "VARCHAR(32)"),
    Column("OBJECTIVE_METRIC_NAME", str, "VARCHAR(32)"),
    Column("OBJECTIVE_METRIC_VALUE", float, "DOUBLE"),
    Column("IS_BEST", bool, "BOOLEAN"),
]
DELETION_COLUMNS = [
    Column("RESOURCE_TYPE", str, "VARCHAR(32)"),
    Column("RESOURCE_NAME", str, "VARCHAR(256)"),
    Column("OUTCOME", str, "VARCHAR(32)"),
]


def training_script():
    from exasol_sagemaker_extension.udfs.training import TrainingUdf
    run = TrainingUdf(exa).run  # noqa: F821 - exa is the UDF global


def job_status_script():
    from exasol_sagemaker_extension.udfs.job_status import JobStatusUdf
    run = JobStatusUdf(exa).run  # noqa: F821


def candidates_script():
    from exasol_sagemaker_extension.udfs.candidates import CandidatesUdf
    run = CandidatesUdf(exa).run  # noqa: F821


def deployment_script():
    from exasol_sagemaker_extension.udfs.deployment import DeploymentUdf
    run = DeploymentUdf(exa).run  # noqa: F821


def deletion_script():
    from exasol_sagemaker_extension.udfs.deletion import EndpointDeletionUdf
    run = EndpointDeletionUdf(exa).run  # noqa: F821


def description_script():
    from exasol_sagemaker_extension.udfs.endpoint_description import EndpointDescriptionUdf
    run = EndpointDescriptionUdf(exa).run  # noqa: F821


def stop_script():
    from exasol_sagemaker_extension.udfs.job_stopping import JobStoppingUdf
    run = JobStoppingUdf(exa).run  # noqa: F821


def explanation_script():
    from exasol_sagemaker_extension.udfs.explanation import ExplanationUdf
    run = ExplanationUdf(exa).run  # noqa: F821


def metrics_script():
    from exasol_sagemaker_extension.udfs.endpoint_metrics import EndpointMetricsUdf
    run = EndpointMetricsUdf(exa).run  # noqa: F821


def aws_connection(user: str = "AKIAEXAMPLE", password: str = SECRET) -> dict[str, Connection]:
    return {CONNECTION: Connection(address=ADDRESS, user=user, password=password)}


def run_udf(
    script: Callable[[], None],
    request: dict[str, Any],
    output_columns: list[Column],
    returns: bool = False,
    connections: dict[str, Connection] | None = None,
    environment: type[MockExaEnvironment] = MockExaEnvironment,
) -> list[tuple]:
    meta = MockMetaData(
        script_code_wrapper_function=script,
        input_type="SCALAR",
        input_columns=[Column("request_json", str, "VARCHAR(2000000)")],
        output_type="RETURNS" if returns else "EMITS",
        output_columns=output_columns,
    )
    exa = environment(meta, connections=aws_connection() if connections is None else connections)
    document = {"aws_credentials_connection_name": CONNECTION, "aws_region": None, **request}
    result = UDFMockExecutor().run([Group([(json.dumps(document),)])], exa)
    return result[0].rows
