"""Batch transform on moto: the model and job requests, the bounded wait, and the conversion of ``.out`` records
into the prediction UDF's values (moto stores transform jobs but runs nothing, so the tests write the output the
way SageMaker does: input record, then the answer fields)."""

import gzip

import pytest
from moto import mock_aws
from moto.core import DEFAULT_ACCOUNT_ID
from moto.sagemaker.models import sagemaker_backends

from aws_fixtures import REGION, candidate, complete_job, create_job, moto_session
from exasol_sagemaker_extension.autopilot.batch_transform import (
    TransformSpec,
    convert_output,
    remove_artifacts,
    start_transform,
    wait_for_transform,
)
from exasol_sagemaker_extension.errors import SmeError

RUN = "s3://my-bucket/sme/churn-job/churn-job-bt-1/"


@pytest.fixture
def session():
    with mock_aws():
        session = moto_session()
        session.client("s3").create_bucket(Bucket="my-bucket", CreateBucketConfiguration={
            "LocationConstraint": REGION})
        create_job(session)
        complete_job("churn-job", candidate("churn-best"))
        yield session


def started(session, key_count=1):
    return start_transform(session, TransformSpec("churn-job", "churn-job-bt-1", RUN, key_count, "ml.m5.large", 1, 6,
                                                  2, extension_schema="SME"))


def put(session, key, text, gzipped=False):
    body = gzip.compress(text.encode()) if gzipped else text.encode()
    session.client("s3").put_object(Bucket="my-bucket", Key="sme/churn-job/churn-job-bt-1/" + key, Body=body)


def test_the_job_hides_the_keys_from_the_model_and_joins_the_input_back(session):
    answer = started(session, key_count=2)
    assert (answer.model_name, answer.candidate_name, answer.problem_type) == \
        ("churn-job-bt-1", "churn-best", "BinaryClassification")
    client = session.client("sagemaker")
    job = client.describe_transform_job(TransformJobName="churn-job-bt-1")
    assert job["DataProcessing"] == {"InputFilter": "$[2:]", "JoinSource": "Input", "OutputFilter": "$"}
    assert job["TransformInput"]["DataSource"]["S3DataSource"]["S3Uri"] == RUN + "batch-input/"
    assert job["TransformOutput"] == {"S3OutputPath": RUN + "batch-output/", "Accept": "text/csv",
                                      "AssembleWith": "Line"}
    model = client.describe_model(ModelName="churn-job-bt-1")
    assert model["Containers"][0]["Environment"]["SAGEMAKER_INFERENCE_OUTPUT"] == "predicted_label,probability"
    tags = {t["Key"]: t["Value"] for t in client.list_tags(ResourceArn=job["TransformJobArn"])["Tags"]}
    assert tags["exasol-sme:job"] == "churn-job" and tags["exasol-sme:schema"] == "SME"


def test_answers_become_the_prediction_udfs_values_after_the_untouched_input_fields(session):
    started(session)
    put(session, "batch-input/part-1.csv.gz", "k1,3,\"a,b\"\nk2,4,c\n", gzipped=True)
    put(session, "batch-output/part-1.csv.gz.out", "k1,3,\"a,b\",yes,0.75\nk2,4,c,0,0.125\n")
    description = wait_for_transform(session, "churn-job-bt-1", 0)
    converted = convert_output(session, description, "churn-job", "BOOLEAN", 1, 2)
    assert (converted.rows_in, converted.rows_out, converted.problem_type) == (2, 2, "BinaryClassification")
    body = session.client("s3").get_object(Bucket="my-bucket", Key=converted.files[0])["Body"].read().decode()
    assert body == 'k1,3,"a,b",0.75,1\nk2,4,c,0.125,0\n'


def test_a_label_the_target_type_cannot_hold_is_the_udfs_error(session):
    started(session)
    put(session, "batch-input/part-1.csv.gz", "k1,3,a\n", gzipped=True)
    put(session, "batch-output/part-1.csv.gz.out", "k1,3,a,maybe,0.5\n")
    with pytest.raises(SmeError, match="E-SME-158"):
        convert_output(session, wait_for_transform(session, "churn-job-bt-1", 0), "churn-job", "BOOLEAN", 1, 2)


def test_a_record_without_answer_fields_is_refused(session):
    started(session)
    put(session, "batch-output/part-1.csv.gz.out", "k1,3,a\n")
    with pytest.raises(SmeError, match="E-SME-191: Row 1 of the rows 1..1 sent to transform job"):
        convert_output(session, wait_for_transform(session, "churn-job-bt-1", 0), "churn-job", "BOOLEAN", 1, 2)


def test_a_failed_job_raises_awss_reason_and_a_running_one_returns_after_the_timeout(session):
    started(session)
    job = sagemaker_backends[DEFAULT_ACCOUNT_ID][REGION].transform_jobs["churn-job-bt-1"]
    job.transform_job_status = "InProgress"
    now = [0.0]
    seen = []

    def sleep(seconds):
        now[0] += seconds

    running = wait_for_transform(session, "churn-job-bt-1", 10, seen.append, sleep, lambda: now[0])
    assert running["TransformJobStatus"] == "InProgress" and now[0] == 10 and len(seen) == 5  # at 0, 1, 3, 7, 10 s
    job.transform_job_status, job.failure_reason = "Failed", "ClientError: bad record"
    with pytest.raises(SmeError, match="E-SME-190: The transform job churn-job-bt-1 ended Failed: ClientError: bad"):
        wait_for_transform(session, "churn-job-bt-1", 10)


def test_cleanup_removes_the_model_and_every_file_of_the_run_only(session):
    started(session)
    put(session, "batch-input/part-1.csv.gz", "x", gzipped=True)
    put(session, "predictions/part-1.csv", "x")
    session.client("s3").put_object(Bucket="my-bucket", Key="sme/churn-job/other/file", Body=b"x")
    assert remove_artifacts(session, "churn-job-bt-1") == 2
    keys = [o["Key"] for o in session.client("s3").list_objects_v2(Bucket="my-bucket")["Contents"]]
    assert keys == ["sme/churn-job/other/file"]
    assert session.client("sagemaker").list_models()["Models"] == []


@pytest.mark.parametrize(("problem_type", "target_type", "answer", "expected"), [
    ("Regression", "DECIMAL(9,2)", "12.345", "k1,3,a,12.35"),
    ("MulticlassClassification", "VARCHAR(5) UTF8", "b,0.7,\"[0.3, 0.7]\",\"['a', 'b']\"",
     'k1,3,a,0.7,"{""a"": 0.3, ""b"": 0.7}",b'),
])
def test_regression_and_multiclass_answers_get_the_udfs_columns_and_casts(session, problem_type, target_type, answer,
                                                                         expected):
    create_job(session, "other-job", problem_type)
    complete_job("other-job", candidate("other-best"))
    started(session)
    put(session, "batch-input/part-1.csv.gz", "k1,3,a\n", gzipped=True)
    put(session, "batch-output/part-1.csv.gz.out", f"k1,3,a,{answer}\n")
    converted = convert_output(session, wait_for_transform(session, "churn-job-bt-1", 0), "other-job", target_type,
                               1, 2)
    body = session.client("s3").get_object(Bucket="my-bucket", Key=converted.files[0])["Body"].read().decode()
    assert body == expected + "\n" and converted.problem_type == problem_type
