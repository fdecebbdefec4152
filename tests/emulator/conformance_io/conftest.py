"""One emulator whose EXPORT/IMPORT and UDFs talk to a moto S3 server on loopback, reached only through pyexasol.

The moto server runs in a thread of this process (``ThreadedMotoServer``); the emulator gets its address as
``aws_endpoint_url``, exactly as ``sme-local`` wires the two stand-ins. Every test gets its own bucket, so no
test can see another test's objects. IAM checks are off unless a test asks for ``enforced_iam``: then moto
verifies request signatures and permissions, so a wrong secret or session token really fails.
"""

from __future__ import annotations

import itertools
import json
import os
from collections.abc import Iterator

import boto3
import pytest
from moto.server import ThreadedMotoServer

from sme_local.exasol.api import Emulator
from io_support import (OPEN_KEY_ID, OPEN_SECRET, REGION, Bucket, IamIdentities, s3_client,
                        set_auth_threshold)

os.environ["EXASOL_TELEMETRY_DISABLE"] = "1"

_bucket_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture(scope="session")
def emulator(tmp_path_factory: pytest.TempPathFactory, moto_url: str) -> Iterator[Emulator]:
    with Emulator(tmp_path_factory.mktemp("exasol_io"), port=0, bucketfs_port=0, aws_endpoint_url=moto_url,
                  udf_workers=2) as running:
        yield running


@pytest.fixture()
def bucket(moto_url: str) -> Bucket:
    name = f"conformance-io-{os.getpid()}-{next(_bucket_numbers)}"
    client = s3_client(moto_url, OPEN_KEY_ID, OPEN_SECRET)
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
    return Bucket(name, REGION, client)


_ALLOW_S3 = json.dumps({"Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})


@pytest.fixture()
def enforced_iam(moto_url: str, bucket: Bucket) -> Iterator[IamIdentities]:
    """Identities created with IAM off, then moto's IAM enforcement switched on until the test ends."""
    setup = {"endpoint_url": moto_url, "region_name": REGION, "aws_access_key_id": OPEN_KEY_ID,
             "aws_secret_access_key": OPEN_SECRET}
    iam = boto3.client("iam", **setup)
    suffix = bucket.name.rsplit("-", 1)[-1]
    user = f"exporter-{suffix}"
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="s3", PolicyDocument=_ALLOW_S3)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]})
    role = iam.create_role(RoleName=f"exporter-role-{suffix}", AssumeRolePolicyDocument=trust)["Role"]
    iam.put_role_policy(RoleName=role["RoleName"], PolicyName="s3", PolicyDocument=_ALLOW_S3)
    sts = boto3.client("sts", **{**setup, "aws_access_key_id": key["AccessKeyId"],
                                 "aws_secret_access_key": key["SecretAccessKey"]})
    temporary = sts.assume_role(RoleArn=role["Arn"], RoleSessionName="conformance")["Credentials"]
    previous = set_auth_threshold(moto_url, "0")
    try:
        yield IamIdentities(key["AccessKeyId"], key["SecretAccessKey"], temporary["AccessKeyId"],
                            temporary["SecretAccessKey"], temporary["SessionToken"],
                            s3_client(moto_url, key["AccessKeyId"], key["SecretAccessKey"]))
    finally:
        set_auth_threshold(moto_url, previous)
