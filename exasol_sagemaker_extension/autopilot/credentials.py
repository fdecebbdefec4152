"""Turn the fields of an Exasol CONNECTION into a ``boto3.Session``.

The old extension copied the key pair into process-wide environment variables, which leaks credentials between
UDF calls and cannot carry a session token. Here every credential travels only inside the returned session:
``os.environ`` is never read or written for credentials. boto3's own ``AWS_ENDPOINT_URL`` support still applies
because no ``endpoint_url`` is ever passed, which is how the local AWS stand-in is reached.

Two password formats are understood (see doc/developer_guide.md):
  * legacy: USER = access key id, PASSWORD = secret access key, optionally followed by ``;key=value`` options
    that Exasol's EXPORT understands (``sse_type=…``) and that are ignored here;
  * Exasol's S3 key format: USER empty, PASSWORD ``S3_ACCESS_KEY=…;S3_SECRET_KEY=…[;S3_SESSION_TOKEN=…]`` —
    the only way to hand over temporary credentials (MFA, SSO, an assumed role).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import boto3

from exasol_sagemaker_extension.autopilot.control_plane_client import control_plane_client
from exasol_sagemaker_extension.autopilot.aws_errors import aws_call
from exasol_sagemaker_extension.errors import SmeError

_KEY_VALUE_NAMES = ("S3_ACCESS_KEY", "S3_SECRET_KEY", "S3_SESSION_TOKEN")
# Region names such as eu-central-1, us-gov-west-1, cn-north-1, us-isob-east-1.
_REGION_PATTERN = re.compile(r"^[a-z]{2}(-[a-z0-9]+)+-\d{1,2}$")
# Virtual-hosted S3 addresses: <bucket>.s3.<region>.amazonaws.com, legacy <bucket>.s3-<region>.amazonaws.com,
# or <bucket>.s3.amazonaws.com without a region. The bucket may itself contain dots.
_S3_HOST_PATTERN = re.compile(
    r"^(?P<bucket>.+?)\.s3(?:[.-](?P<region>[a-z]{2}(?:-[a-z0-9]+)+-\d{1,2}))?\.amazonaws\.com(?:\.cn)?$"
)
_ROLE_ARN_PATTERN = re.compile(r"^arn:aws[a-z\-]*:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-/]+$")
_EXTERNAL_ID_PATTERN = re.compile(r"^[\w+=,.@:/\-]{2,1224}$")


@dataclass(frozen=True)
class AssumeRole:
    """An optional STS AssumeRole step on top of the connection's credentials."""

    role_arn: str
    external_id: str | None = None
    session_name: str = "exasol-sagemaker-extension"


@dataclass(frozen=True)
class AwsCredentials:
    """A key pair (and optional session token) parsed from a connection; secrets are kept out of ``repr``."""

    access_key_id: str
    secret_access_key: str = field(repr=False)
    session_token: str | None = field(default=None, repr=False)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Everything that must be masked if it ever came near a message."""
        return tuple(s for s in (self.secret_access_key, self.session_token) if s)


@dataclass(frozen=True)
class S3Address:
    """The bucket (and region, when the address names one) of a connection address."""

    bucket: str
    region: str | None


def parse_s3_address(address: str) -> S3Address | None:
    """Read bucket and region from ``https://<bucket>.s3[.-<region>].amazonaws.com[/…]`` or ``s3://<bucket>``.

    Returns None for addresses of any other shape, so that callers with an explicit region still work with
    connections that point elsewhere.
    """
    parts = urlsplit(address.strip())
    if parts.scheme == "s3" and parts.netloc:
        return S3Address(bucket=parts.netloc, region=None)
    if parts.scheme in ("http", "https") and parts.hostname:
        match = _S3_HOST_PATTERN.match(parts.hostname)
        if match:
            return S3Address(bucket=match.group("bucket"), region=match.group("region"))
    return None


def resolve_region(explicit_region: str | None, address: str) -> str:
    """The explicit region wins; otherwise the one named in the address; otherwise an error."""
    region = (explicit_region or "").strip()
    if not region:
        parsed = parse_s3_address(address or "")
        region = parsed.region if parsed and parsed.region else ""
    if not region:
        raise SmeError(
            "E-SME-102",
            f"No AWS region given and none found in the connection address {address!r}.",
            [
                "Pass the region explicitly (JSON key aws_region), e.g. 'eu-central-1'.",
                "Or point the connection at a regional bucket address: "
                "https://<bucket>.s3.<region>.amazonaws.com.",
            ],
        )
    if not _REGION_PATTERN.match(region):
        raise SmeError(
            "E-SME-103",
            f"{region!r} is not an AWS region name.",
            ["Use a region code such as 'eu-central-1' or 'us-east-1'."],
        )
    return region


def parse_credentials(user: str | None, password: str | None) -> AwsCredentials:
    """Parse USER/PASSWORD of a connection in either of the two supported formats."""
    password = password or ""
    if _is_key_value_form(password):
        return _parse_key_value_form(password)
    access_key_id = (user or "").strip()
    secret = password.split(";", 1)[0].strip()
    if not access_key_id or not secret:
        raise SmeError(
            "E-SME-100",
            "The AWS connection holds no access key: USER is empty and the password is not in the form "
            "S3_ACCESS_KEY=…;S3_SECRET_KEY=….",
            [
                "CREATE OR REPLACE CONNECTION <name> TO 'https://<bucket>.s3.<region>.amazonaws.com' "
                "USER '<access key id>' IDENTIFIED BY '<secret access key>'.",
                "For temporary credentials: USER '' IDENTIFIED BY "
                "'S3_ACCESS_KEY=<id>;S3_SECRET_KEY=<secret>;S3_SESSION_TOKEN=<token>'.",
            ],
            secrets=[password],
        )
    return AwsCredentials(access_key_id=access_key_id, secret_access_key=secret)


def _is_key_value_form(password: str) -> bool:
    first_key = password.split(";", 1)[0].partition("=")[0].strip().upper()
    return first_key in _KEY_VALUE_NAMES


def _parse_key_value_form(password: str) -> AwsCredentials:
    values: dict[str, str] = {}
    for item in password.split(";"):
        key, _, value = item.partition("=")
        if key.strip().upper() in _KEY_VALUE_NAMES:
            values[key.strip().upper()] = value.strip()
    missing = [name for name in _KEY_VALUE_NAMES[:2] if not values.get(name)]
    if missing:
        raise SmeError(
            "E-SME-101",
            f"The AWS connection's password lacks {' and '.join(missing)}.",
            [
                "Set the password to 'S3_ACCESS_KEY=<id>;S3_SECRET_KEY=<secret>' and append "
                "';S3_SESSION_TOKEN=<token>' for temporary credentials.",
            ],
            secrets=[password, *values.values()],
        )
    return AwsCredentials(
        access_key_id=values["S3_ACCESS_KEY"],
        secret_access_key=values["S3_SECRET_KEY"],
        session_token=values.get("S3_SESSION_TOKEN") or None,
    )


def aws_session(
    address: str,
    user: str | None,
    password: str | None,
    region: str | None,
    assume_role: AssumeRole | None = None,
) -> boto3.Session:
    """A session for the connection's credentials in the resolved region, optionally as an assumed role."""
    resolved_region = resolve_region(region, address)
    credentials = parse_credentials(user, password)
    session = boto3.Session(
        aws_access_key_id=credentials.access_key_id,
        aws_secret_access_key=credentials.secret_access_key,
        aws_session_token=credentials.session_token,
        region_name=resolved_region,
    )
    if assume_role is None:
        return session
    return _assumed_role_session(session, assume_role, credentials.secrets)


def _assumed_role_session(base: boto3.Session, role: AssumeRole, secrets: tuple[str, ...]) -> boto3.Session:
    """Exchange the base credentials for the role's temporary ones (STS AssumeRole) in the same region."""
    _validate_assume_role(role)
    request: dict[str, str] = {"RoleArn": role.role_arn, "RoleSessionName": role.session_name}
    if role.external_id:
        request["ExternalId"] = role.external_id
    with aws_call("assume the role", role.role_arn, secrets=secrets):
        granted = control_plane_client(base, "sts").assume_role(**request)["Credentials"]
    return boto3.Session(
        aws_access_key_id=granted["AccessKeyId"],
        aws_secret_access_key=granted["SecretAccessKey"],
        aws_session_token=granted["SessionToken"],
        region_name=base.region_name,
    )


def _validate_assume_role(role: AssumeRole) -> None:
    if not _ROLE_ARN_PATTERN.match(role.role_arn or ""):
        raise SmeError(
            "E-SME-104",
            f"{role.role_arn!r} is not an IAM role ARN.",
            ["Give aws_assume_role_arn as arn:aws:iam::<12-digit account>:role/<role name>."],
        )
    if role.external_id is not None and not _EXTERNAL_ID_PATTERN.match(role.external_id):
        raise SmeError(
            "E-SME-104",
            "The external id for the role assumption must be 2-1224 characters of letters, digits and +=,.@:/-.",
            ["Use the external id exactly as the role's trust policy states it."],
        )


def session_secrets(session: boto3.Session) -> tuple[str, ...]:
    """The secret parts of a session's credentials, for masking in any message built near an AWS call."""
    credentials = session.get_credentials()
    if credentials is None:
        return ()
    frozen = credentials.get_frozen_credentials()
    return tuple(s for s in (frozen.secret_key, frozen.token) if s)
