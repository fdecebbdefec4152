"""Batch scoring without an endpoint: a SageMaker transform job over the rows Exasol exported for one run.

One run lives under one S3 prefix (``s3://<bucket>/<run>/``): ``batch-input/`` holds the exported rows (row keys
first, then the features in training order, no header), ``batch-output/`` the transform job's ``<input>.out``
files, ``predictions/`` the rows as the target table takes them. The transform job gets:
  * ``InputFilter $[K:]`` so the K key columns never reach the model, ``JoinSource Input`` so every output record
    carries its input record (keys and features) followed by the model's answer: no row can be matched to the
    wrong prediction, and no join on a row number is needed;
  * the candidate's containers with the same ``SAGEMAKER_INFERENCE_OUTPUT`` as an endpoint deployment, so the
    answer fields, and therefore PREDICTIONS / PROBABILITY / PROBABILITIES, are exactly those of the prediction
    UDF, cast by the same code (``inference_response``, ``prediction_types``, ``exasol_csv``).
The model and the transform job are named after the run, tagged like every resource of the extension, and the
run's location is read back from the transform job, so the companion poll script needs only the job's name.
"""

from __future__ import annotations

import csv
import gzip
import io
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import boto3

from exasol_sagemaker_extension.autopilot.aws_errors import aws_call, unless_missing
from exasol_sagemaker_extension.autopilot.control_plane_client import control_plane_client
from exasol_sagemaker_extension.autopilot.credentials import session_secrets
from exasol_sagemaker_extension.autopilot.endpoints import candidate_containers, choose_candidate, require_completed
from exasol_sagemaker_extension.autopilot.exasol_csv import FeatureColumn, encode_column
from exasol_sagemaker_extension.autopilot.inference_output import with_inference_output
from exasol_sagemaker_extension.autopilot.inference_response import RowRange, normalise_problem_type, parse_records
from exasol_sagemaker_extension.autopilot.response_layout import (
    BINARY_CLASSIFICATION,
    MULTICLASS_CLASSIFICATION,
    REGRESSION,
    autopilot_layout,
)
from exasol_sagemaker_extension.autopilot.job_status import describe_job_raw, resolved_problem_type
from exasol_sagemaker_extension.autopilot.names import validate_candidate_name, validate_job_name
from exasol_sagemaker_extension.autopilot.polling import poll
from exasol_sagemaker_extension.autopilot.prediction_types import cast_predictions
from exasol_sagemaker_extension.autopilot.resource_tags import extension_tags
from exasol_sagemaker_extension.autopilot.sql_type import SqlType, parse_sql_type
from exasol_sagemaker_extension.declarations.endpoint_compute import TRANSFORM_INSTANCE_COUNT_RANGE
from exasol_sagemaker_extension.errors import SmeError

INPUT_FOLDER = "batch-input/"
OUTPUT_FOLDER = "batch-output/"
PREDICTIONS_FOLDER = "predictions/"
DEFAULT_TIMEOUT_SECONDS = 3600.0
COMPLETED = "Completed"
_RUNNING = ("InProgress", "Stopping")
_DOUBLE = parse_sql_type("DOUBLE")
_PROBABILITIES = parse_sql_type("VARCHAR(2000000) UTF8")


@dataclass(frozen=True)
class TransformSpec:
    """What the batch scoring script asks for; ``run_uri`` is the run's prefix ``s3://<bucket>/<run>/``."""

    job_name: str
    transform_job_name: str
    run_uri: str
    key_count: int
    instance_type: str
    instance_count: int
    max_payload_in_mb: int
    max_concurrent_transforms: int
    candidate_name: str | None = None
    extension_schema: str | None = None


@dataclass(frozen=True)
class Started:
    transform_job_name: str
    model_name: str
    candidate_name: str
    problem_type: str


@dataclass(frozen=True)
class Converted:
    """The rows the transform read and wrote, and the predictions files (keys in the run's bucket) to IMPORT."""

    rows_in: int
    rows_out: int
    files: tuple[str, ...]
    problem_type: str


def start_transform(session: boto3.Session, spec: TransformSpec) -> Started:
    """Create the model of the chosen candidate and the transform job over ``<run>/batch-input/``."""
    validate_job_name(spec.job_name)
    if spec.candidate_name is not None:
        validate_candidate_name(spec.candidate_name)
    validate_instance_count(spec.instance_count)
    secrets = session_secrets(session)
    client = control_plane_client(session)
    job = describe_job_raw(session, spec.job_name)
    require_completed(job)
    problem_type = normalise_problem_type(resolved_problem_type(job))
    candidate = choose_candidate(session, job, spec.candidate_name)
    containers, _ = with_inference_output(candidate_containers(candidate), problem_type)
    tags = {"Tags": extension_tags(spec.extension_schema, spec.job_name)} if spec.extension_schema else {}
    model_name = spec.transform_job_name
    with aws_call("create the model", model_name, secrets=secrets):
        client.create_model(ModelName=model_name, ExecutionRoleArn=job["RoleArn"], Containers=containers, **tags)
    run = spec.run_uri.rstrip("/") + "/"
    try:
        with aws_call("create the transform job", spec.transform_job_name, secrets=secrets):
            client.create_transform_job(
                TransformJobName=spec.transform_job_name,
                ModelName=model_name,
                MaxConcurrentTransforms=spec.max_concurrent_transforms,
                MaxPayloadInMB=spec.max_payload_in_mb,
                BatchStrategy="MultiRecord",
                TransformInput={
                    "DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": run + INPUT_FOLDER}},
                    "ContentType": "text/csv", "CompressionType": "Gzip", "SplitType": "Line",
                },
                TransformOutput={"S3OutputPath": run + OUTPUT_FOLDER, "Accept": "text/csv", "AssembleWith": "Line"},
                TransformResources={"InstanceType": spec.instance_type, "InstanceCount": spec.instance_count},
                DataProcessing={"InputFilter": f"$[{spec.key_count}:]" if spec.key_count else "$",
                                "JoinSource": "Input", "OutputFilter": "$"},
                **tags,
            )
    except SmeError:
        unless_missing(lambda: client.delete_model(ModelName=model_name), "delete the model", model_name, secrets)
        raise
    return Started(spec.transform_job_name, model_name, candidate["CandidateName"], problem_type)


def validate_instance_count(count: int) -> None:
    """The batch scoring script's range check again (E-SME-5), so that a request that skipped it never reaches
    AWS, which would only enforce the minimum."""
    low, high = TRANSFORM_INSTANCE_COUNT_RANGE
    if isinstance(count, bool) or not isinstance(count, int) or not low <= count <= high:
        raise SmeError("E-SME-5", f'The value of "instance_count" must be between {low} and {high}.',
                       ["Choose a value in the allowed range."])


def wait_for_transform(
    session: boto3.Session,
    transform_job_name: str,
    timeout_seconds: float,
    on_progress: Callable[[str], None] = lambda status: None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """The job's description once it is Completed, or while still running when ``timeout_seconds`` have passed
    (0: look once); a Failed or Stopped job raises E-SME-190 with AWS's reason."""
    secrets = session_secrets(session)
    client = control_plane_client(session)

    def describe() -> dict[str, Any]:
        with aws_call("describe the transform job", transform_job_name, secrets=secrets):
            return client.describe_transform_job(TransformJobName=transform_job_name)

    def completed(description: dict[str, Any]) -> bool:
        status = description["TransformJobStatus"]
        if status != COMPLETED and status not in _RUNNING:
            raise SmeError(
                "E-SME-190",
                f"The transform job {transform_job_name} ended {status}: "
                f"{description.get('FailureReason') or 'AWS gave no reason'}.",
                ["Fix the cause AWS names (e.g. the instance type or quota, the data, the payload size) and score "
                 "again; nothing was written to the target table."],
            )
        return status == COMPLETED

    return poll(describe, "TransformJobStatus", completed, timeout_seconds, on_progress, sleep, clock)[0]


def run_uri_of(description: dict[str, Any]) -> str:
    """The run's prefix, read back from the transform job's input (E-SME-192 for jobs made otherwise)."""
    uri = description["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"]
    if not uri.startswith("s3://") or not uri.endswith("/" + INPUT_FOLDER):
        raise SmeError(
            "E-SME-192",
            f"The transform job {description['TransformJobName']} was not started by batch scoring (its input is "
            f"{uri}).",
            ["Poll only transform jobs named in the result of SME_BATCH_SCORE_WITH_SAGEMAKER_AUTOPILOT."],
        )
    return uri[: -len(INPUT_FOLDER)]


def convert_output(
    session: boto3.Session, description: dict[str, Any], job_name: str, target_sql_type: str, key_count: int,
    feature_count: int,
) -> Converted:
    """Turn each ``.out`` file into a predictions file of the target's columns and count the rows both ways."""
    s3 = session.client("s3")
    secrets = session_secrets(session)
    bucket, run = _split(run_uri_of(description))
    problem_type = normalise_problem_type(resolved_problem_type(describe_job_raw(session, job_name)))
    target_type = parse_sql_type(target_sql_type)
    name = description["TransformJobName"]
    rows_in = sum(_line_count(gzip.decompress(_get(s3, bucket, key, secrets)))
                  for key in _keys(s3, bucket, run + INPUT_FOLDER, secrets))
    files, rows_out = [], 0
    for index, key in enumerate(sorted(_keys(s3, bucket, run + OUTPUT_FOLDER, secrets)), start=1):
        lines = _converted_lines(_get(s3, bucket, key, secrets), problem_type, target_type,
                                 key_count + feature_count, RowRange(name, rows_out + 1, rows_out, "transform job"))
        target_key = f"{run}{PREDICTIONS_FOLDER}part-{index}.csv"
        with aws_call("write the predictions", f"s3://{bucket}/{target_key}", secrets=secrets):
            s3.put_object(Bucket=bucket, Key=target_key, Body="".join(line + "\n" for line in lines).encode())
        files.append(target_key)
        rows_out += len(lines)
    return Converted(rows_in, rows_out, tuple(files), problem_type)


def remove_artifacts(session: boto3.Session, transform_job_name: str) -> int:
    """Delete the run's model and every S3 object of the run; returns the number of objects deleted."""
    secrets = session_secrets(session)
    client = control_plane_client(session)
    description = unless_missing(lambda: client.describe_transform_job(TransformJobName=transform_job_name),
                                 "describe the transform job", transform_job_name, secrets)
    unless_missing(lambda: client.delete_model(ModelName=transform_job_name), "delete the model",
                   transform_job_name, secrets)
    if description is None:
        return 0
    bucket, run = _split(run_uri_of(description))
    s3 = session.client("s3")
    keys = list(_keys(s3, bucket, run, secrets))
    for start in range(0, len(keys), 1000):  # DeleteObjects takes at most 1000 keys
        with aws_call("delete the run's files", f"s3://{bucket}/{run}", secrets=secrets):
            s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys[start:start + 1000]],
                                                     "Quiet": True})
    return len(keys)


def _converted_lines(body: bytes, problem_type: str, target_type: SqlType, passthrough: int,
                     rows: RowRange) -> list[str]:
    """Keys and features as exported, then PROBABILITY, PROBABILITIES and PREDICTIONS as the prediction UDF
    emits them, each field in Exasol CSV."""
    records = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    count = len(records)
    rows = RowRange(rows.endpoint_name, rows.first, rows.first + count - 1, rows.sent_to)
    short = [i for i, record in enumerate(records) if len(record) <= passthrough]
    if short:
        raise SmeError(
            "E-SME-191",
            f"Row {rows.first + short[0]} of the {rows} came back without a prediction "
            f"({len(records[short[0]])} fields for {passthrough} input columns).",
            ["Check that the transform job ran the model of this job with JoinSource Input; score again."],
        )
    answers = [record[passthrough:] for record in records]
    if problem_type == REGRESSION:
        answers = [[",".join(answer)] for answer in answers]
    predictions = parse_records(answers, autopilot_layout(problem_type), rows)
    columns = [_render_fields(record[:passthrough]) for record in records]
    output: list[list[str]] = []
    if problem_type in (BINARY_CLASSIFICATION, MULTICLASS_CLASSIFICATION):
        output.append(encode_column(FeatureColumn("PROBABILITY", _DOUBLE, predictions.probability)))
    if problem_type == MULTICLASS_CLASSIFICATION:
        output.append(encode_column(FeatureColumn("PROBABILITIES", _PROBABILITIES, predictions.probabilities)))
    cast = cast_predictions(predictions.labels, target_type, rows.first)
    output.append(encode_column(FeatureColumn("PREDICTIONS", target_type, cast), rows.first))
    return [",".join(fields) for fields in zip(columns, *output)]


def _render_fields(fields: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(fields)
    return buffer.getvalue()


def _line_count(data: bytes) -> int:
    return sum(1 for line in data.splitlines() if line.strip())


def _split(uri: str) -> tuple[str, str]:
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return bucket, key


def _keys(s3: Any, bucket: str, prefix: str, secrets: tuple[str, ...]) -> Iterator[str]:
    with aws_call("list the run's files", f"s3://{bucket}/{prefix}", secrets=secrets):
        pages = list(s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix))
    for page in pages:
        for item in page.get("Contents", []):
            if not item["Key"].endswith("/"):
                yield item["Key"]


def _get(s3: Any, bucket: str, key: str, secrets: tuple[str, ...]) -> bytes:
    with aws_call("read", f"s3://{bucket}/{key}", secrets=secrets):
        return s3.get_object(Bucket=bucket, Key=key)["Body"].read()
