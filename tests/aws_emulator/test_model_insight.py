"""Model insight through boto3 and the extension's AWS layer against the AWS emulator: stopping a running job,
the best candidate's explainability report, and endpoint metrics in CloudWatch."""

from __future__ import annotations

import time

import boto3
import pandas as pd
import pytest

from aws_flow import DATA, create_job, upload_csv_parts, wait_for_job
from exasol_sagemaker_extension.autopilot.job_stopping import stop_job
from exasol_sagemaker_extension.errors import SmeError

pytestmark = pytest.mark.slow
BUCKET = "insight-bucket"


@pytest.fixture(scope="module")
def bucket(emulator):
    emulator.create_bucket(BUCKET)
    return BUCKET


@pytest.fixture
def session(emulator, monkeypatch):
    """A session as the extension's UDFs open it: no endpoint_url, boto3 reads AWS_ENDPOINT_URL."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", emulator.endpoint_url)
    return boto3.Session(aws_access_key_id=emulator.access_key_id,
                         aws_secret_access_key=emulator.secret_access_key, region_name=emulator.region)


@pytest.fixture(scope="module")
def churn_uri(s3, bucket):
    churn = pd.read_csv(DATA / "churn.csv").drop(columns=["Phone"])
    return upload_csv_parts(s3, bucket, "churn/training-data", churn, 1, gzipped=False)


def _await_training(sagemaker, name: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sagemaker.describe_auto_ml_job_v2(AutoMLJobName=name)["AutoMLJobSecondaryStatus"] in (
                "TrainingModels", "ModelTuning"):
            return
        time.sleep(0.1)
    raise AssertionError(f"job {name} did not start training within {timeout} s")


def test_a_stopped_job_ends_mid_search_and_keeps_its_best_candidate_so_far(sagemaker, session, churn_uri, s3):
    create_job(sagemaker, "stop-me", churn_uri, f"s3://{BUCKET}/churn/output", "Churn?",
               CompletionCriteria={"MaxAutoMLJobRuntimeInSeconds": 3600})
    _await_training(sagemaker, "stop-me")
    time.sleep(2.0)  # some trials finish; the emulator's cap (8 s) would let the search run on
    asked = time.monotonic()
    status = stop_job(session, "stop-me")
    assert (status.status, status.secondary_status) == ("Stopping", "Stopping")

    job, statuses = wait_for_job(sagemaker, "stop-me", timeout=30)
    stopped_after = time.monotonic() - asked
    assert (job["AutoMLJobStatus"], job["AutoMLJobSecondaryStatus"]) == ("Stopped", "Stopped")
    assert statuses[0] == "Stopping"
    search_seconds = (job["EndTime"] - job["CreationTime"]).total_seconds()
    assert search_seconds < 7.5 and stopped_after < 5, (search_seconds, stopped_after)
    best = job["BestCandidate"]  # AWS keeps the models trained before the stop
    assert best["CandidateStatus"] == "Completed" and best["FinalAutoMLJobObjectiveMetric"]["MetricName"] == "F1"
    for container in best["InferenceContainers"]:
        key = container["ModelDataUrl"].removeprefix(f"s3://{BUCKET}/")
        assert s3.head_object(Bucket=BUCKET, Key=key)["ContentLength"] > 0
    listed = sagemaker.list_candidates_for_auto_ml_job(AutoMLJobName="stop-me")["Candidates"]
    assert best["CandidateName"] in [c["CandidateName"] for c in listed]

    with pytest.raises(SmeError) as caught:
        stop_job(session, "stop-me")
    assert caught.value.code == "E-SME-175" and "Stopped" in caught.value.message
    with pytest.raises(sagemaker.exceptions.ClientError) as refused:  # AWS itself refuses too
        sagemaker.stop_auto_ml_job(AutoMLJobName="stop-me")
    assert refused.value.response["Error"]["Code"] == "ValidationException"


def test_stopping_an_unknown_job_names_it(session):
    with pytest.raises(SmeError) as caught:
        stop_job(session, "no-such-job")
    assert caught.value.code == "E-SME-123" and "no-such-job" in caught.value.message
