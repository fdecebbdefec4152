"""The values the emulator core hands to the UDF executor, and the error it gets back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Literal

from sme_local.exasol.release import DEFAULT_VERSION


@dataclass(frozen=True)
class UdfColumn:
    """A column and its Exasol ``COLUMN_TYPE`` string, e.g. ``DECIMAL(18,0)`` or ``VARCHAR(100) UTF8``."""

    name: str
    sql_type: str


@dataclass(frozen=True)
class UdfScript:
    """A stored Python script as CREATE SCRIPT declared it.

    ``parameters`` None means dynamic input ``(...)``; ``outputs`` holds the one RETURNS column or the EMITS
    columns, None meaning ``EMITS (...)``. ``code`` is the Python text after ``AS`` without the final ``/`` line.
    """

    schema: str
    name: str
    language_alias: str
    input_type: Literal["SCALAR", "SET"]
    parameters: tuple[UdfColumn, ...] | None
    output_type: Literal["RETURNS", "EMITS"]
    outputs: tuple[UdfColumn, ...] | None
    code: str


@dataclass(frozen=True)
class UdfConnection:
    """What ``exa.get_connection`` returns to the UDF (Exasol only has the ``password`` kind)."""

    address: str
    user: str
    password: str
    type: str = "password"


class ConnectionLookupError(Exception):
    """Raised by ``UdfSession.connections`` when a connection exists but may not be used (e.g. no grant);
    the text becomes the ``get_connection`` failure reason, e.g. ``insufficient privileges for using
    connection X in script Y``."""


@dataclass(frozen=True)
class UdfSession:
    """The calling session as the UDF sees it.

    ``connections(name)`` -> UdfConnection, None when it does not exist, or raises ConnectionLookupError.
    ``scripts(name)`` -> Python code of the script ``exa.import_script(name)`` names (the core resolves
    ``SCHEMA.SCRIPT`` / ``SCRIPT`` against the current schema and its case rules), None when there is none.
    ``script_languages`` is the session's SCRIPT_LANGUAGES value, used to find the script's language.
    """

    session_id: int
    statement_id: int
    current_user: str
    current_schema: str | None
    script_languages: str
    connections: Callable[[str], UdfConnection | None]
    scripts: Callable[[str], str | None]
    database_version: str = DEFAULT_VERSION
    database_name: str = "EXAEMU"
    node_count: int = 1


class UdfError(Exception):
    """A failed UDF call. ``text`` is what Exasol would report, without the `` (Session: N)`` suffix that the
    core appends to every error; ``sql_code`` is the SQLSTATE to send with it."""

    def __init__(self, text: str, sql_code: str = "22002") -> None:
        super().__init__(text)
        self.text = text
        self.sql_code = sql_code
