"""Failure paths through boto3: jobs that must fail with a reason, and AWS's errors for bad calls."""

from __future__ import annotations

import gzip

import botocore.exceptions
import pandas as pd
import pytest

from aws_flow import DATA, create_job, upload_csv_parts, wait_for_job

BUCKET = "failure-bucket"


@pytest.fixture(scope="module")
def bucket(emulator, s3):
    emulator.create_bucket(BUCKET)
    return BUCKET


@pytest.fixture(scope="module")
def churn() -> pd.DataFrame:
    return pd.read_csv(DATA / "churn.csv").drop(columns=["Phone"])


def failed_job(sagemaker, name: str, input_uri: str, target: str = "Churn?") -> str:
    create_job(sagemaker, name, input_uri, f"s3://{BUCKET}/out/", target)
    job, statuses = wait_for_job(sagemaker, name, timeout=30)
    assert (job["AutoMLJobStatus"], job["AutoMLJobSecondaryStatus"]) == ("Failed", "Failed"), job
    assert "BestCandidate" not in job
    return job["FailureReason"]


def test_missing_target_column_fails_the_job(sagemaker, s3, bucket, churn):
    uri = upload_csv_parts(s3, bucket, "bad-target", churn.head(200), 2, gzipped=True)
    reason = failed_job(sagemaker, "bad-target", uri, target="churned")
    assert reason.startswith("ClientError: The target attribute 'churned' is not a column")


def test_too_few_rows_fail_the_job(sagemaker, s3, bucket, churn):
    uri = upload_csv_parts(s3, bucket, "few-rows", churn.head(30), 1, gzipped=False)
    assert "has 30 rows with a target value; at least 50 are needed" in failed_job(sagemaker, "few-rows", uri)


def test_empty_prefix_fails_the_job(sagemaker, bucket):
    reason = failed_job(sagemaker, "no-files", f"s3://{bucket}/nothing-here/")
    assert reason == f"ClientError: No data files were found under s3://{bucket}/nothing-here/."


def test_unreadable_gzip_fails_the_job(sagemaker, s3, bucket):
    packed = gzip.compress("".join(f"{i},{i * i}\n" for i in range(500)).encode())
    s3.put_object(Bucket=bucket, Key="broken/part-1.csv.gz", Body=packed[: len(packed) // 2])
    assert "cannot be decompressed" in failed_job(sagemaker, "broken-gzip", f"s3://{bucket}/broken/")


def test_files_with_different_headers_fail_the_job(sagemaker, s3, bucket, churn):
    s3.put_object(Bucket=bucket, Key="mixed/part-1.csv", Body=churn.head(60).to_csv(index=False).encode())
    s3.put_object(Bucket=bucket, Key="mixed/part-2.csv", Body=churn.head(60).iloc[:, 1:].to_csv(index=False).encode())
    assert "differs from the header" in failed_job(sagemaker, "mixed-headers", f"s3://{bucket}/mixed/")


def test_objective_that_does_not_fit_the_problem_type_is_rejected(sagemaker, bucket):
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        create_job(sagemaker, "bad-objective", f"s3://{bucket}/x/", f"s3://{bucket}/out/", "y",
                   ProblemType="Regression", AutoMLJobObjective={"MetricName": "F1"})
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert "not valid for problem type Regression" in caught.value.response["Error"]["Message"]


def test_candidates_of_an_unknown_job_are_not_found(sagemaker):
    with pytest.raises(botocore.exceptions.ClientError) as caught:
        sagemaker.list_candidates_for_auto_ml_job(AutoMLJobName="never-created")
    assert caught.value.response["Error"]["Code"] == "ResourceNotFound"


def test_unknown_endpoint_is_a_validation_error(runtime):
    with pytest.raises(runtime.exceptions.ValidationError) as caught:
        runtime.invoke_endpoint(EndpointName="no-such-endpoint", ContentType="text/csv", Body=b"1,2\n")
    assert caught.value.response["Error"]["Message"] == "Endpoint no-such-endpoint of account 123456789012 not found."


def test_payload_over_six_megabytes_is_rejected(runtime):
    with pytest.raises(runtime.exceptions.ValidationError) as caught:
        runtime.invoke_endpoint(EndpointName="any", ContentType="text/csv", Body=b"1" * (6 * 1024 * 1024 + 1))
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert caught.value.response["Error"]["Message"].endswith("has oversize body.")


def test_endpoint_without_model_data_fails(sagemaker, bucket):
    from aws_flow import deploy

    endpoint = deploy(sagemaker, "no-model-data", [{"Image": "x", "ModelDataUrl": f"s3://{bucket}/none/model.tar.gz"}])
    assert endpoint["EndpointStatus"] == "Failed"
    assert endpoint["FailureReason"].startswith(f"Failed to download model data(bucket: {bucket}, key: none/model")
