"""From an Exasol CONNECTION (address, USER, IDENTIFIED BY) to a boto3 S3 client, as EXPORT/IMPORT use it.

Addresses (Exasol's S3 forms): ``https://<bucket>.s3.amazonaws.com``, ``https://<bucket>.s3.<region>.amazonaws.com``,
the legacy ``https://<bucket>.s3-<region>.amazonaws.com``, and ``s3://<bucket>``; a path after the host is a
key prefix for every FILE. Credentials: USER = access key id and IDENTIFIED BY = secret key, where anything
after a ``;`` in the secret is an Exasol option (``;sse_type=…``) and ignored; or USER '' and IDENTIFIED BY
``S3_ACCESS_KEY=…;S3_SECRET_KEY=…[;S3_SESSION_TOKEN=…]``; both empty = unsigned requests (public buckets).

The client is built from exactly these values: the process environment, ``~/.aws`` files and configured
endpoint URLs are ignored, so the emulator's own environment can never leak credentials or an endpoint into a
user's EXPORT. ``aws_endpoint_url`` (the emulator's configuration, e.g. a moto server) replaces AWS's endpoint
and switches to path-style addressing, which S3 stand-ins serve without wildcard DNS.
"""

from __future__ import annotations

import functools
import os
import re
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import boto3
import botocore
import botocore.session
from botocore.config import Config
from botocore.configprovider import BOTOCORE_DEFAUT_SESSION_VARIABLES

from sme_local.exasol.s3_csv.errors import SYNTAX_SQL_CODE, CsvTransferError

DEFAULT_REGION = "us-east-1"
_AWS_HOST = re.compile(r"^(?P<bucket>[a-z0-9][a-z0-9.\-]*?)\.s3(?:[.-](?P<region>[a-z]{2}(?:-[a-z]+)+-\d+))?"
                       r"\.amazonaws\.com(?:\.cn)?$")
_KEY_FORMAT_NAMES = ("S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_SESSION_TOKEN")
# Client creation from one shared session is not thread-safe in botocore; sharing saves ~0.2 s per statement.
_CLIENT_CREATION_LOCK = threading.Lock()


@dataclass(frozen=True)
class S3Connection:
    """The three parts of an Exasol CONNECTION object."""

    address: str
    user: str | None = None
    password: str | None = None

    def __repr__(self) -> str:  # the password stays out of logs and tracebacks
        return f"S3Connection(address={self.address!r}, user={self.user!r})"


@dataclass(frozen=True)
class S3Location:
    """Bucket, region (None if the address names none) and key prefix of a connection address."""

    bucket: str
    region: str | None
    key_prefix: str
    display: str  # scheme://host as written by the user, for messages

    def key(self, file_name: str) -> str:
        return self.key_prefix + file_name.lstrip("/")

    def url(self, file_name: str) -> str:
        return f"{self.display}/{self.key(file_name)}"


@dataclass(frozen=True)
class S3Credentials:
    access_key_id: str
    secret_access_key: str
    session_token: str | None = None

    def __repr__(self) -> str:
        return f"S3Credentials(access_key_id={self.access_key_id!r})"

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(secret for secret in (self.secret_access_key, self.session_token) if secret)


def parse_address(address: str) -> S3Location:
    parts = urlsplit(address.strip())
    host = (parts.hostname or "").lower()
    prefix = parts.path.strip("/")
    prefix = f"{prefix}/" if prefix else ""
    if parts.scheme == "s3" and host:
        return S3Location(host, None, prefix, f"s3://{host}")
    match = _AWS_HOST.match(host) if parts.scheme in ("http", "https") and parts.port is None else None
    if match is None:
        raise CsvTransferError(
            f"invalid S3 connection address {address!r}: expected https://<bucket>.s3[.<region>].amazonaws.com "
            "or s3://<bucket>",
            SYNTAX_SQL_CODE,
        )
    return S3Location(match["bucket"], match["region"], prefix, f"{parts.scheme}://{host}")


def parse_credentials(user: str | None, password: str | None) -> S3Credentials | None:
    """The credentials of a connection, or None for anonymous access. Never puts a secret into an error."""
    user, password = user or "", password or ""
    if user:
        secret = password.split(";", 1)[0]
        if not secret:
            raise CsvTransferError(f"the S3 connection for access key id {user!r} has no secret key "
                                   "(IDENTIFIED BY is empty)", SYNTAX_SQL_CODE)
        return S3Credentials(user, secret)
    if not password:
        return None
    values: dict[str, str] = {}
    for item in password.split(";"):
        name, separator, value = item.partition("=")
        if separator and name.strip().upper() in _KEY_FORMAT_NAMES:
            values[name.strip().upper()] = value.strip()
    if not values.get("S3_ACCESS_KEY") or not values.get("S3_SECRET_KEY"):
        raise CsvTransferError(
            "an S3 connection with an empty USER needs IDENTIFIED BY "
            "'S3_ACCESS_KEY=<id>;S3_SECRET_KEY=<secret>[;S3_SESSION_TOKEN=<token>]'",
            SYNTAX_SQL_CODE,
        )
    return S3Credentials(values["S3_ACCESS_KEY"], values["S3_SECRET_KEY"], values.get("S3_SESSION_TOKEN") or None)


def s3_client(location: S3Location, credentials: S3Credentials | None, aws_endpoint_url: str | None):
    """A boto3 S3 client for the location that reads nothing from the environment or ``~/.aws``."""
    config = Config(
        region_name=location.region or DEFAULT_REGION,
        signature_version=botocore.UNSIGNED if credentials is None else None,
        s3={"addressing_style": "path"} if aws_endpoint_url else {},
        retries={"max_attempts": 3, "mode": "standard"},
        connect_timeout=10,
        read_timeout=60,
        ignore_configured_endpoint_urls=True,
    )
    with _CLIENT_CREATION_LOCK:
        return _isolated_session().client(
            "s3",
            endpoint_url=aws_endpoint_url or None,
            aws_access_key_id=credentials.access_key_id if credentials else None,
            aws_secret_access_key=credentials.secret_access_key if credentials else None,
            aws_session_token=credentials.session_token if credentials else None,
            verify=True,
            config=config,
        )


@functools.lru_cache(maxsize=1)
def _isolated_session() -> boto3.Session:
    """A session whose settings come from no environment variable and no ``~/.aws`` file.

    It holds no credentials: every client gets the connection's credentials explicitly.
    """
    no_files = {"config_file", "credentials_file"}
    session_vars = {
        name: (None if name in no_files else config_name, None, os.devnull if name in no_files else default, cast)
        for name, (config_name, _env, default, cast) in BOTOCORE_DEFAUT_SESSION_VARIABLES.items()
    }
    return boto3.Session(botocore_session=botocore.session.Session(session_vars=session_vars))
