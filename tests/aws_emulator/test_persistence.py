"""A stopped and restarted AWS emulator with the same data directory keeps its state (S3, IAM, SageMaker)."""

import os
import signal
import time

from aws_emulator.emulator import AwsEmulator


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
        assert time.monotonic() < deadline, "no snapshot was written"
        time.sleep(0.5)
