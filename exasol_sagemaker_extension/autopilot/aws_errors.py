"""Translate botocore failures into ``SmeError`` with a code a user can look up and a mitigation.

A raw ``ClientError`` surfaces in SQL as a Python traceback naming an AWS operation; users cannot tell whether
the key, the permissions, the name or the quota is at fault. The mapping below answers exactly that. AWS's own
message is kept only where it names the problem (validation, not found); for credential failures it is
dropped, because signature errors echo the canonical request, which may carry the session token.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Callable, Iterator, Sequence, TypeVar

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionClosedError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
    ConnectTimeoutError,
)

from exasol_sagemaker_extension.errors import SmeError

T = TypeVar("T")

CREDENTIAL_ERROR_CODES = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "ExpiredToken",
        "ExpiredTokenException",
        "SignatureDoesNotMatch",
        "InvalidAccessKeyId",
        "InvalidToken",
        "IncompleteSignature",
        "AuthFailure",
    }
)
ACCESS_DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException"})
THROTTLING_CODES = frozenset(
    {"ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded", "SlowDown"}
)
NOT_FOUND_CODES = frozenset({"ResourceNotFound", "ResourceNotFoundException", "NoSuchEntity"})
_NOT_FOUND_PHRASE = "could not find"


def error_code(error: ClientError) -> str:
    """The AWS error code of a ClientError ("" if AWS sent none)."""
    return str(error.response.get("Error", {}).get("Code", ""))


def is_not_found(error: ClientError) -> bool:
    """SageMaker reports missing models/configs/endpoints as ValidationException "Could not find …"."""
    if error_code(error) in NOT_FOUND_CODES:
        return True
    return error_code(error) == "ValidationException" and _NOT_FOUND_PHRASE in _aws_message(error).lower()


def _aws_message(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Message", ""))


def translate(error: ClientError | BotoCoreError, action: str, resource: str, secrets: Sequence[str] = ()) -> SmeError:
    """The SmeError for a failed AWS call; ``action`` reads like "create the AutoML job"."""
    if isinstance(error, ClientError):
        return _translate_client_error(error, action, resource, secrets)
    if isinstance(error, NoCredentialsError):
        return SmeError(
            "E-SME-120",
            f"AWS rejected the credentials while trying to {action} {resource}: no credentials were supplied.",
            ["Give the AWS connection an access key (see the CREATE CONNECTION examples in the user guide)."],
            secrets=secrets,
        )
    if isinstance(error, (EndpointConnectionError, ConnectTimeoutError, ReadTimeoutError, ConnectionClosedError)):
        return SmeError(
            "E-SME-127",
            f"Could not reach AWS to {action} {resource}: {type(error).__name__}.",
            [
                "Check that the database can reach the AWS endpoints of the region (firewall, proxy, DNS).",
                "Check that the region is right; an unknown region has no endpoint.",
            ],
            secrets=secrets,
        )
    return SmeError(
        "E-SME-128",
        f"The AWS client failed to {action} {resource}: {type(error).__name__}.",
        ["Retry; if it persists, report it together with this message."],
        secrets=secrets,
    )


def _translate_client_error(error: ClientError, action: str, resource: str, secrets: Sequence[str]) -> SmeError:
    code = error_code(error)
    where = f"{action} {resource}"
    if code in CREDENTIAL_ERROR_CODES:
        return SmeError(
            "E-SME-120",
            f"AWS rejected the credentials while trying to {where} ({code}): the access key is unknown, "
            "the secret does not match, or the session token has expired.",
            [
                "Check the access key id and secret in the AWS connection (ALTER CONNECTION …).",
                "Temporary credentials expire: refresh S3_SESSION_TOKEN (and key pair) in the connection.",
            ],
            secrets=secrets,
        )
    if code in ACCESS_DENIED_CODES:
        return SmeError(
            "E-SME-121",
            f"AWS denied permission to {where} ({code}).",
            [
                "Grant the IAM user or role of the connection the SageMaker/STS/S3 actions the user guide lists.",
                "When assuming a role, check its trust policy and external id.",
            ],
            secrets=secrets,
        )
    if code in ("ResourceInUse", "ResourceInUseException"):
        return SmeError(
            "E-SME-122",
            f"Cannot {where}: a resource with that name already exists.",
            ["Choose another name; AWS keeps AutoML job names forever, even after the job ended."],
            secrets=secrets,
        )
    if is_not_found(error):
        return SmeError(
            "E-SME-123",
            f"Cannot {where}: it does not exist in this account and region.",
            ["Check the name and the region (aws_region) — names are case-sensitive and per region."],
            secrets=secrets,
        )
    if code in THROTTLING_CODES:
        return SmeError(
            "E-SME-124",
            f"AWS throttled the request to {where} ({code}), even after retries.",
            ["Wait a minute and retry; poll less often or run fewer parallel calls."],
            secrets=secrets,
        )
    if code in ("ResourceLimitExceeded", "LimitExceededException"):
        return SmeError(
            "E-SME-126",
            f"An AWS service quota stops the request to {where}: {_aws_message(error)}",
            ["Delete unused endpoints or jobs, or request a quota increase in the AWS Service Quotas console."],
            secrets=secrets,
        )
    if code == "ValidationException":
        return SmeError(
            "E-SME-125",
            f"AWS rejected the request to {where}: {_aws_message(error)}",
            ["Correct the parameter AWS names in the message and retry."],
            secrets=secrets,
        )
    return SmeError(
        "E-SME-128",
        f"AWS failed to {where} ({code or 'unknown error'}): {_aws_message(error)}",
        ["Retry; if it persists, check the AWS service health and report this message."],
        secrets=secrets,
    )


@contextmanager
def aws_call(action: str, resource: str, secrets: Sequence[str] = ()) -> Iterator[None]:
    """Run one AWS call and re-raise any botocore failure as the matching SmeError."""
    try:
        yield
    except (ClientError, BotoCoreError) as error:
        raise translate(error, action, resource, secrets) from None


def unless_missing(call: Callable[[], T], action: str, resource: str, secrets: Sequence[str] = ()) -> T | None:
    """Run ``call``; None if AWS says the resource does not exist, other failures translated.

    Describe-or-create and idempotent deletes need "not there" as an answer, not as an error.
    """
    try:
        return call()
    except ClientError as error:
        if is_not_found(error):
            return None
        raise translate(error, action, resource, secrets) from None
    except BotoCoreError as error:
        raise translate(error, action, resource, secrets) from None
