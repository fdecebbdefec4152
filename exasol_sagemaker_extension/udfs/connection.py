"""Open the AWS session of a UDF call from the Exasol CONNECTION the user named.

Every UDF of the extension starts here, so the two ways ``exa.get_connection`` fails — the connection does not
exist, or the calling user may not use it in this script — become one clear error each instead of a bare
exception from the UDF runtime.
"""

from __future__ import annotations

from typing import Any

import boto3

from exasol_sagemaker_extension.autopilot.credentials import AssumeRole, aws_session
from exasol_sagemaker_extension.errors import SmeError

# Exasol words it "insufficient privileges for using connection X in script Y".
_PRIVILEGE_MARKER = "privilege"


def is_privilege_error(error: Exception) -> bool:
    """True when ``exa.get_connection`` failed because the user may not use the connection (not: it is missing)."""
    return _PRIVILEGE_MARKER in str(error).lower()


def session_from_exa(
    exa: Any,
    connection_name: str,
    region: str | None,
    assume_role_arn: str | None = None,
    external_id: str | None = None,
) -> boto3.Session:
    """The boto3 session for ``connection_name`` (optionally assuming a role), as seen by this UDF."""
    connection = _get_connection(exa, connection_name)
    assume_role = AssumeRole(role_arn=assume_role_arn, external_id=external_id or None) if assume_role_arn else None
    return aws_session(connection.address, connection.user, connection.password, region, assume_role)


def _get_connection(exa: Any, connection_name: str) -> Any:
    if not connection_name or not str(connection_name).strip():
        raise SmeError(
            "E-SME-200",
            "No AWS credentials connection was named.",
            ["Pass aws_credentials_connection_name with the name of a CONNECTION that holds the AWS key."],
        )
    try:
        return exa.get_connection(connection_name)
    except Exception as error:  # the UDF runtimes raise different types; the text tells the cause
        if is_privilege_error(error):
            raise SmeError(
                "E-SME-201",
                f"The current user may not use the connection {connection_name!r} in this UDF.",
                [f"GRANT ACCESS ON CONNECTION {connection_name} TO <user or role>;"],
            ) from None
        raise SmeError(
            "E-SME-200",
            f"The AWS credentials connection {connection_name!r} does not exist.",
            [
                f"CREATE CONNECTION {connection_name} TO 'https://<bucket>.s3.<region>.amazonaws.com' "
                "USER '<access key id>' IDENTIFIED BY '<secret access key>';",
                f"Then GRANT CONNECTION {connection_name} and GRANT ACCESS ON CONNECTION {connection_name} "
                "to the users of the extension.",
                "Connection names are upper-case unless created quoted.",
            ],
        ) from None
