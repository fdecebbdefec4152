"""Batch transform jobs through boto3: a trained model scores S3 input into ``<input>.out`` files, as on AWS.

The oracle for every prediction is the same model behind a real-time endpoint (InvokeEndpoint), so the tests
check that a transform job runs the model, not only that it writes files.
"""

from __future__ import annotations

import csv
import io
import time
from typing import Any

import pandas as pd
import pytest

from aws_flow import DATA, ROLE, create_job, csv_body, deploy, upload_csv_parts, wait_for_job

pytestmark = pytest.mark.slow
BUCKET = "transform-bucket"
TRANSFORM_INPUT = f"s3://{BUCKET}/scoring/input/"


@pytest.fixture(scope="module")
def model(emulator, sagemaker, s3) -> dict[str, Any]:
    """A binary churn model (ensembling: one container), its held-out rows with an ID column, and an endpoint."""
    emulator.create_bucket(BUCKET)
    churn = pd.read_csv(DATA / "churn.csv").drop(columns=["Phone"])
    held_out = churn.sample(300, random_state=7)
    uri = upload_csv_parts(s3, BUCKET, "train/data", churn.drop(held_out.index), 1, gzipped=False)
    create_job(sagemaker, "churn-tr", uri, f"s3://{BUCKET}/train/output", "Churn?", Mode="ENSEMBLING",
               CompletionCriteria={"MaxCandidates": 3})
    job, _ = wait_for_job(sagemaker, "churn-tr")
    assert job["AutoMLJobStatus"] == "Completed", job.get("FailureReason")
    containers = job["BestCandidate"]["InferenceContainers"]
    for container in containers:
        container["Environment"]["SAGEMAKER_INFERENCE_OUTPUT"] = "predicted_label,probability"
    sagemaker.create_model(ModelName="churn-batch", Containers=containers, ExecutionRoleArn=ROLE)
    assert deploy(sagemaker, "churn-online", containers)["EndpointStatus"] == "InService"
    features = held_out.drop(columns=["Churn?"]).reset_index(drop=True)
    with_ids = features.copy()
    with_ids.insert(0, "ID", range(1000, 1000 + len(features)))
    # two input files without a header, as Exasol's EXPORT writes them when asked to
    half = len(with_ids) // 2
    s3.put_object(Bucket=BUCKET, Key="scoring/input/part-1.csv", Body=csv_body(with_ids.iloc[:half]))
    s3.put_object(Bucket=BUCKET, Key="scoring/input/part-2.csv", Body=csv_body(with_ids.iloc[half:]))
    return {"features": features, "containers": containers}


def start(sagemaker: Any, name: str, model_name: str = "churn-batch", **extra: Any) -> None:
    processing = extra.pop("DataProcessing", {"InputFilter": "$[1:]", "JoinSource": "Input",
                                              "OutputFilter": "$[0,-2,-1]"})
    sagemaker.create_transform_job(
        TransformJobName=name, ModelName=model_name,
        TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": TRANSFORM_INPUT}},
                        "ContentType": "text/csv", "SplitType": "Line"},
        TransformOutput={"S3OutputPath": f"s3://{BUCKET}/scoring/{name}/", "Accept": "text/csv",
                         "AssembleWith": "Line"},
        TransformResources={"InstanceType": "ml.m5.large", "InstanceCount": 1},
        DataProcessing=processing, **extra)


def wait(sagemaker: Any, name: str, timeout: float = 60) -> tuple[dict[str, Any], list[str]]:
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = sagemaker.describe_transform_job(TransformJobName=name)
        if not seen or seen[-1] != job["TransformJobStatus"]:
            seen.append(job["TransformJobStatus"])
        if job["TransformJobStatus"] not in ("InProgress", "Stopping"):
            return job, seen
        time.sleep(0.05)
    raise AssertionError(f"transform job {name} still running after {timeout} s")


def rows_of(s3: Any, key: str) -> list[list[str]]:
    body = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read().decode()
    return list(csv.reader(io.StringIO(body)))


def test_the_model_scores_every_input_file_and_the_id_is_joined_back_but_never_sent(sagemaker, runtime, s3, model):
    start(sagemaker, "score-joined", MaxPayloadInMB=1, BatchStrategy="MultiRecord", MaxConcurrentTransforms=2,
          Tags=[{"Key": "exasol-sme:job", "Value": "churn-tr"}])
    job, seen = wait(sagemaker, "score-joined")
    assert job["TransformJobStatus"] == "Completed", job.get("FailureReason")
    # A fast machine may finish before the first describe: only the statuses seen, not that one was InProgress.
    assert set(seen) <= {"InProgress", "Completed"} and "TransformEndTime" in job
    assert job["DataProcessing"]["JoinSource"] == "Input"
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="scoring/score-joined/")["Contents"])
    assert keys == ["scoring/score-joined/part-1.csv.out", "scoring/score-joined/part-2.csv.out"]
    rows = rows_of(s3, keys[0]) + rows_of(s3, keys[1])
    online = list(csv.reader(io.StringIO(runtime.invoke_endpoint(
        EndpointName="churn-online", ContentType="text/csv", Body=csv_body(model["features"]))["Body"].read().decode())))
    assert [row[0] for row in rows] == [str(i) for i in range(1000, 1000 + len(model["features"]))]
    assert [row[1:] for row in rows] == online  # the model saw the features only: the same answers as online
    tags = sagemaker.list_tags(ResourceArn=job["TransformJobArn"])["Tags"]
    assert {"Key": "exasol-sme:job", "Value": "churn-tr"} in tags


def test_without_join_the_output_is_the_model_answer_one_line_per_record(sagemaker, s3, model):
    start(sagemaker, "score-plain", BatchStrategy="SingleRecord", DataProcessing={"InputFilter": "$[1:]"})
    job, _ = wait(sagemaker, "score-plain")
    assert job["TransformJobStatus"] == "Completed", job.get("FailureReason")
    rows = rows_of(s3, "scoring/score-plain/part-1.csv.out")
    assert len(rows) == len(model["features"]) // 2 and all(len(row) == 2 for row in rows)
    assert {row[0] for row in rows} <= {"True.", "False."}


def test_the_model_sees_the_id_without_an_input_filter_and_the_job_fails_with_the_models_reason(sagemaker, model):
    start(sagemaker, "score-unfiltered", DataProcessing={"JoinSource": "Input"})
    job, _ = wait(sagemaker, "score-unfiltered")
    assert job["TransformJobStatus"] == "Failed"
    assert job["FailureReason"].startswith("ClientError: The model answered 400")


def test_a_record_larger_than_the_payload_limit_fails_the_job(sagemaker, s3, model):
    s3.put_object(Bucket=BUCKET, Key="big/input/part-1.csv", Body=b"1," + b"x" * (1024 * 1024 + 10) + b"\n")
    sagemaker.create_transform_job(
        TransformJobName="score-oversize", ModelName="churn-batch", MaxPayloadInMB=1,
        TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix",
                                                        "S3Uri": f"s3://{BUCKET}/big/input/"}},
                        "ContentType": "text/csv", "SplitType": "Line"},
        TransformOutput={"S3OutputPath": f"s3://{BUCKET}/big/output/"},
        TransformResources={"InstanceType": "ml.m5.large", "InstanceCount": 1})
    job, _ = wait(sagemaker, "score-oversize")
    assert job["TransformJobStatus"] == "Failed"
    assert "more than MaxPayloadInMB (1 MB)" in job["FailureReason"]


def test_a_model_whose_files_are_gone_fails_the_job_with_awss_download_reason(sagemaker, model):
    broken = [dict(c, ModelDataUrl=f"s3://{BUCKET}/nowhere/model.tar.gz") for c in model["containers"]]
    sagemaker.create_model(ModelName="churn-broken", Containers=broken, ExecutionRoleArn=ROLE)
    start(sagemaker, "score-broken", model_name="churn-broken")
    job, _ = wait(sagemaker, "score-broken")
    assert job["TransformJobStatus"] == "Failed"
    assert "Failed to download model data" in job["FailureReason"]


def test_requests_aws_refuses_up_front(sagemaker, model):
    with pytest.raises(sagemaker.exceptions.ClientError, match="Could not find model"):
        start(sagemaker, "score-nomodel", model_name="no-such-model")
    with pytest.raises(sagemaker.exceptions.ClientError, match="must not exceed 100 MB"):
        start(sagemaker, "score-toomuch", MaxPayloadInMB=50, MaxConcurrentTransforms=3)
    with pytest.raises(sagemaker.exceptions.ClientError, match="already exists"):
        start(sagemaker, "score-joined")
