"""A stopped and restarted AWS emulator with the same data directory keeps its state (S3, IAM, SageMaker)."""

import os
import signal
import time

import pandas as pd
import pytest

from sme_local.aws.emulator import AwsEmulator
from aws_flow import DATA, create_job, csv_body, deploy, upload_csv_parts, wait_for_job


def test_s3_objects_roles_and_models_survive_a_restart(tmp_path):
    with AwsEmulator(data_dir=tmp_path) as first:
        first.create_bucket("kept")
        first.client("s3").put_object(Bucket="kept", Key="a/b.csv", Body=b"x,y\n1,2\n")
        role = first.client("iam").create_role(RoleName="Kept", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        first.client("sagemaker").create_model(
            ModelName="kept-model", ExecutionRoleArn=role,
            PrimaryContainer={"Image": "img", "ModelDataUrl": "s3://kept/a/b.csv"})

    with AwsEmulator(data_dir=tmp_path) as second:
        assert second.client("s3").get_object(Bucket="kept", Key="a/b.csv")["Body"].read() == b"x,y\n1,2\n"
        assert second.client("iam").get_role(RoleName="Kept")["Role"]["Arn"] == role
        model = second.client("sagemaker").describe_model(ModelName="kept-model")
        assert model["PrimaryContainer"]["ModelDataUrl"] == "s3://kept/a/b.csv"
    assert stat_mode(tmp_path / "aws-state.pickle") == 0o600


def test_state_survives_an_abrupt_kill_after_the_periodic_snapshot(tmp_path):
    first = AwsEmulator(data_dir=tmp_path).start()
    try:
        first.create_bucket("abrupt")
        first.client("s3").put_object(Bucket="abrupt", Key="k", Body=b"v")
        snapshot = tmp_path / "aws-state.pickle"
        before = snapshot.stat().st_mtime if snapshot.exists() else 0
        _wait_for(lambda: snapshot.exists() and snapshot.stat().st_mtime > before, 30)
        os.kill(first.pid, signal.SIGKILL)
    finally:
        first.stop()
    with AwsEmulator(data_dir=tmp_path) as second:
        assert second.client("s3").get_object(Bucket="abrupt", Key="k")["Body"].read() == b"v"


def stat_mode(path):
    return os.stat(path).st_mode & 0o777


def _wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition did not hold in time"
        time.sleep(0.5)


def test_a_deployed_endpoint_serves_invoke_endpoint_again_after_a_restart(tmp_path):
    """The snapshot keeps the endpoint and its model files; the restarted emulator loads them again and scores
    as before, also when the client first tries to create the bucket again (as ``sme-local up`` does)."""
    churn = pd.read_csv(DATA / "churn.csv").drop(columns=["Phone"]).sample(600, random_state=5)
    features = csv_body(churn.drop(columns=["Churn?"]).head(20))
    settings = {"data_dir": tmp_path, "max_training_seconds": 10, "endpoint_startup_seconds": 0.3}
    with AwsEmulator(**settings) as first:
        first.create_bucket("restart")
        uri = upload_csv_parts(first.client("s3"), "restart", "in", churn, 1, gzipped=True)
        create_job(first.client("sagemaker"), "restart-job", uri, "s3://restart/out", "Churn?",
                   CompletionCriteria={"MaxCandidates": 3})
        job, _ = wait_for_job(first.client("sagemaker"), "restart-job")
        assert job["AutoMLJobStatus"] == "Completed", job.get("FailureReason")
        assert deploy(first.client("sagemaker"), "restart-ep",
                      job["BestCandidate"]["InferenceContainers"])["EndpointStatus"] == "InService"
        before = first.client("sagemaker-runtime").invoke_endpoint(
            EndpointName="restart-ep", ContentType="text/csv", Body=features)["Body"].read()

    with AwsEmulator(**{**settings, "endpoint_startup_seconds": 2}) as second:
        s3 = second.client("s3")
        with pytest.raises(s3.exceptions.BucketAlreadyOwnedByYou):  # it must not replace the restored bucket
            second.create_bucket("restart")
        sagemaker = second.client("sagemaker")
        _wait_for(lambda: sagemaker.describe_endpoint(EndpointName="restart-ep")["EndpointStatus"] != "Creating", 30)
        endpoint = sagemaker.describe_endpoint(EndpointName="restart-ep")
        assert endpoint["EndpointStatus"] == "InService", endpoint.get("FailureReason")
        after = second.client("sagemaker-runtime").invoke_endpoint(
            EndpointName="restart-ep", ContentType="text/csv", Body=features)["Body"].read()
    assert after == before
