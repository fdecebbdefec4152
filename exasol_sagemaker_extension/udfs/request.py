"""Read the one JSON argument every control-plane UDF takes, with typed accessors and clear errors.

The Lua scripts build the document with ``cjson.encode``; JSON ``null``, an empty string and an absent key all
mean "not given".
A wrong type is reported with the key's name, so the user can fix the train/deploy JSON without reading code.
"""

from __future__ import annotations

import json
from typing import Any

import boto3

from exasol_sagemaker_extension.errors import SmeError
from exasol_sagemaker_extension.udfs.connection import session_from_exa


class UdfRequest:
    """The parsed request document of one UDF call."""

    def __init__(self, request_json: str | None) -> None:
        try:
            document = json.loads(request_json) if request_json else None
        except (TypeError, ValueError):
            document = None
        if not isinstance(document, dict):
            raise SmeError(
                "E-SME-202",
                "The UDF's argument is not a JSON object.",
                ["Call the UDF through the extension's scripts, which pass one JSON object as text."],
            )
        self._document = document

    def text(self, key: str, required: bool = False) -> str | None:
        return self._typed(key, (str,), "a string", required)

    def integer(self, key: str, required: bool = False) -> int | None:
        value = self._typed(key, (int, float), "a whole number", required)
        if isinstance(value, float):
            if not value.is_integer():
                raise _wrong_type(key, "a whole number", value)
            return int(value)
        return value

    def number(self, key: str) -> float | None:
        value = self._typed(key, (int, float), "a number", False)
        return float(value) if value is not None else None

    def mapping(self, key: str) -> dict[str, Any] | None:
        return self._typed(key, (dict,), "a JSON object", False)

    def texts(self, key: str) -> list[str]:
        """A list of strings; absent means empty."""
        items = self._document.get(key)
        if items is None:
            return []
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise _wrong_type(key, "a list of strings", items)
        return items

    def flag(self, key: str) -> bool:
        """A boolean; absent means false."""
        value = self._document.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise _wrong_type(key, "true or false", value)
        return value

    def aws_session(self, exa: Any) -> boto3.Session:
        """The session for the common keys aws_credentials_connection_name, aws_region and the role keys."""
        return session_from_exa(
            exa,
            self.text("aws_credentials_connection_name", required=True) or "",
            self.text("aws_region"),
            self.text("aws_assume_role_arn"),
            self.text("aws_assume_role_external_id"),
        )

    def _typed(self, key: str, types: tuple[type, ...], described: str, required: bool) -> Any:
        value = self._document.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise SmeError("E-SME-203", f"The request lacks {key}.", [f"Give {key} as {described}."])
            return None
        if isinstance(value, bool) or not isinstance(value, types):
            raise _wrong_type(key, described, value)
        return value


def _wrong_type(key: str, described: str, value: Any) -> SmeError:
    return SmeError("E-SME-204", f"{key} must be {described}, got {value!r}.", [f"Give {key} as {described}."])
