"""AWS naming rules for the resources the extension creates, checked before any AWS call.

The old extension rejected ``-`` (which AWS allows) and failed on long names only after the export had run;
checking AWS's own patterns up front gives the user the rule instead of an AWS ValidationException.
Model and endpoint-config names are derived from the endpoint name so that deploy and delete find the same
resources again without storing them anywhere; the derivation must stay within AWS's 63-character limit, so
long endpoint names are shortened with a hash that keeps distinct endpoints apart.
"""

from __future__ import annotations

import hashlib
import re

from exasol_sagemaker_extension.errors import SmeError

JOB_NAME_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$")
ENDPOINT_NAME_PATTERN = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
MAX_RESOURCE_NAME_LENGTH = 63
MAX_CANDIDATE_NAME_LENGTH = 64
_HASH_LENGTH = 8


def validate_job_name(name: str | None) -> str:
    """The job name, if AWS would accept it for an AutoML job."""
    if not isinstance(name, str) or not JOB_NAME_PATTERN.match(name):
        raise SmeError(
            "E-SME-110",
            f"{name!r} is not a valid AutoML job name.",
            ["Use 1-32 letters, digits and hyphens, starting and ending with a letter or digit."],
        )
    return name


def validate_endpoint_name(name: str | None) -> str:
    """The endpoint name, if AWS would accept it for an endpoint."""
    if not isinstance(name, str) or not ENDPOINT_NAME_PATTERN.match(name):
        raise SmeError(
            "E-SME-111",
            f"{name!r} is not a valid endpoint name.",
            ["Use 1-63 letters, digits and hyphens, starting and ending with a letter or digit."],
        )
    return name


def validate_candidate_name(name: str | None) -> str:
    """A candidate name as AWS reports them (1-64 characters); anything else cannot name a candidate."""
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_CANDIDATE_NAME_LENGTH:
        raise SmeError(
            "E-SME-112",
            f"{name!r} is not a valid candidate name.",
            ["Take the name from the candidate list of the job (CANDIDATE_NAME), or omit it to use the best one."],
        )
    return name


def model_name_for(endpoint_name: str) -> str:
    """The SageMaker model name the extension uses for ``endpoint_name`` (deterministic)."""
    return _derived_name(endpoint_name, "model")


def endpoint_config_name_for(endpoint_name: str) -> str:
    """The endpoint-config name the extension uses for ``endpoint_name`` (deterministic)."""
    return _derived_name(endpoint_name, "config")


def _derived_name(endpoint_name: str, suffix: str) -> str:
    validate_endpoint_name(endpoint_name)
    plain = f"{endpoint_name}-{suffix}"
    if len(plain) <= MAX_RESOURCE_NAME_LENGTH:
        return plain
    digest = hashlib.sha256(endpoint_name.encode("utf-8")).hexdigest()[:_HASH_LENGTH]
    keep = MAX_RESOURCE_NAME_LENGTH - len(suffix) - _HASH_LENGTH - 2
    return f"{endpoint_name[:keep].rstrip('-')}-{digest}-{suffix}"
