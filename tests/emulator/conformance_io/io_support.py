"""Values and helpers shared by the conformance_io tests and their fixtures (a module with a unique name, so
that test files can import it; ``conftest`` is not importable by name when several test directories have one).
"""

from __future__ import annotations

from dataclasses import dataclass

import boto3
import requests

REGION = "eu-west-1"
# While IAM is not enforced, moto accepts any key pair; these are what the non-IAM tests sign with.
OPEN_KEY_ID, OPEN_SECRET = "AKIAOPENACCESS000001", "open-secret-never-in-messages"
HTTP_TIMEOUT = 10


@dataclass(frozen=True)
class Bucket:
    """A bucket of the moto server and a client to read it back with."""

    name: str
    region: str
    client: object

    @property
    def https_address(self) -> str:
        return f"https://{self.name}.s3.{self.region}.amazonaws.com"

    def read(self, key: str) -> bytes:
        return self.client.get_object(Bucket=self.name, Key=key)["Body"].read()


@dataclass(frozen=True)
class IamIdentities:
    """A user allowed everything on S3, its key pair, and temporary credentials of a role it assumed."""

    key_id: str
    secret: str
    temporary_key_id: str
    temporary_secret: str
    session_token: str
    reader: object  # an S3 client signed with the user's key, usable while IAM is enforced


def s3_client(moto_url: str, key_id: str, secret: str, token: str | None = None):  # noqa: ANN201 (boto3 client)
    return boto3.client("s3", endpoint_url=moto_url, region_name=REGION, aws_access_key_id=key_id,
                        aws_secret_access_key=secret, aws_session_token=token)


def set_auth_threshold(moto_url: str, count: str) -> str:
    """moto's server-mode switch: IAM is enforced after ``count`` unauthenticated requests ("inf" = never).
    Returns the previous setting, to restore it."""
    response = requests.post(f"{moto_url}/moto-api/reset-auth", data=count.encode(), timeout=HTTP_TIMEOUT)
    response.raise_for_status()
    return response.json()["PREVIOUS_INITIAL_NO_AUTH_ACTION_COUNT"]
