"""SME_AUTOPILOT_BATCH_TRANSFORM_UDF through exasol-udf-mock-python on moto: start, wait (once Completed it writes
the predictions files and counts rows), cleanup, and an unknown action."""

from __future__ import annotations

import gzip
import json

import pytest
from moto import mock_aws

from aws_fixtures import REGION, candidate, complete_job, create_job, moto_session
from udf_runner import LONG_TEXT, run_udf

RUN = "s3://my-bucket/sme/churn-job/churn-job-bt-1/"


def batch_transform_script():
    from exasol_sagemaker_extension.udfs.batch_transform import BatchTransformUdf
    run = BatchTransformUdf(exa).run  # noqa: F821


def call(**request):
    [(answer,)] = run_udf(batch_transform_script, {"transform_job_name": "churn-job-bt-1", **request}, [LONG_TEXT],
                          returns=True)
    return json.loads(answer)


@pytest.fixture(autouse=True)
def aws():
    with mock_aws():
        yield


def test_start_wait_and_cleanup_of_one_run():
    session = moto_session()
    create_job(session)
    complete_job("churn-job", candidate("churn-best"))
    s3 = session.client("s3")
    s3.create_bucket(Bucket="my-bucket", CreateBucketConfiguration={"LocationConstraint": REGION})
    started = call(action="start", job_name="churn-job", run_uri=RUN, key_count=1, instance_type="ml.m5.large",
                   instance_count=1, max_payload_in_mb=6, max_concurrent_transforms=1)
    assert started == {"transform_job_name": "churn-job-bt-1", "model_name": "churn-job-bt-1",
                       "candidate_name": "churn-best", "problem_type": "BinaryClassification"}
    prefix = "sme/churn-job/churn-job-bt-1/"
    s3.put_object(Bucket="my-bucket", Key=prefix + "batch-input/part-1.csv.gz", Body=gzip.compress(b"k,1\n"))
    s3.put_object(Bucket="my-bucket", Key=prefix + "batch-output/part-1.csv.gz.out", Body=b"k,1,True.,0.9\n")
    waited = call(action="wait", timeout_seconds=0, job_name="churn-job", target_sql_type="VARCHAR(6) UTF8",
                  key_count=1, feature_count=1)
    assert waited == {"status": "Completed", "rows_in": 1, "rows_out": 1,
                      "files": [prefix + "predictions/part-1.csv"], "problem_type": "BinaryClassification"}
    assert call(action="cleanup") == {"deleted_objects": 3}


def test_an_unknown_action_is_refused():
    with pytest.raises(Exception, match="E-SME-235"):
        call(action="export")
