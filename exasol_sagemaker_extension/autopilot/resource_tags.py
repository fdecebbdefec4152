"""The tags that mark every SageMaker resource the extension creates (job, model, config, endpoint, transform).

SageMaker bills for endpoints by the hour whether or not anyone remembers them. The tags say which extension,
which Exasol schema (the extension's installation) and which job a resource belongs to, so that reconciliation
can list what exists in AWS next to what the metadata tables say, even after metadata rows were lost.

AWS allows only letters, digits, spaces and ``_ . : / = + - @`` in tag values, while a quoted Exasol identifier
may hold any character. Other characters are written as ``=XXXX`` (their code point in hex, four or six digits
after ``=`` and ``==`` respectively), and ``=`` itself as ``=003D``, so the encoding is reversible and two
schemas never share a tag value (up to AWS's 256 characters; only names of mostly non-ASCII symbols get longer,
and are cut there).
"""

from __future__ import annotations

import re
from typing import Mapping

from exasol_sagemaker_extension.declarations.tags import KEY_PREFIX, MAX_VALUE_LENGTH

EXTENSION_KEY = KEY_PREFIX + "extension"
EXTENSION_VALUE = "exasol-sagemaker-extension"
SCHEMA_KEY = KEY_PREFIX + "schema"
JOB_KEY = KEY_PREFIX + "job"
_PLAIN = re.compile(r"[\w .:/+\-@]", re.UNICODE)


def encode_tag_value(text: str) -> str:
    """``text`` in the characters AWS allows in a tag value, reversibly (see the module docstring)."""
    parts = []
    for character in text:
        if _PLAIN.fullmatch(character):
            parts.append(character)
        elif ord(character) <= 0xFFFF:
            parts.append(f"={ord(character):04X}")
        else:
            parts.append(f"=={ord(character):06X}")
    return "".join(parts)[:MAX_VALUE_LENGTH]


def extension_tags(schema: str, job_name: str | None) -> list[dict[str, str]]:
    """The extension's tags for a resource of ``job_name`` (None for resources of no job) in ``schema``."""
    tags = [{"Key": EXTENSION_KEY, "Value": EXTENSION_VALUE}, {"Key": SCHEMA_KEY, "Value": encode_tag_value(schema)}]
    if job_name:
        tags.append({"Key": JOB_KEY, "Value": job_name})
    return tags


def is_extension_resource(tags: Mapping[str, str], schema: str) -> bool:
    """Whether a resource with ``tags`` (as a key → value map) was created by the extension in ``schema``."""
    return tags.get(EXTENSION_KEY) == EXTENSION_VALUE and tags.get(SCHEMA_KEY) == encode_tag_value(schema)
