"""What a SYS table is built from (``SystemContext``) and what it is (``SystemTable``): shared by the modules that
each build one family of system tables, so none of them imports another.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

import duckdb

from sme_local.exasol.catalog.store import CatalogStore
from sme_local.exasol.catalog.types import ExaType, decimal, varchar
from sme_local.exasol.release import ExasolRelease, release

ADMIN_USER = "SYS"
NAME = varchar(128)
TEXT = varchar(2_000_000)
COMMENT = varchar(2000)
ID = decimal(20, 0)
NUMBER = decimal(18, 0)


@dataclass(frozen=True)
class SystemTable:
    columns: list[tuple[str, ExaType]]
    rows: list[tuple]


@dataclass(frozen=True)
class LoginInfo:
    """What a client said about itself at login (WebSocket API ``login`` fields), shown in EXA_*_SESSIONS."""

    client: str | None = None  # clientName and clientVersion, joined by a blank
    driver: str | None = None
    os_user: str | None = None
    os_name: str | None = None
    host: str | None = None
    encrypted: bool = False
    login_time: datetime = field(default_factory=lambda: datetime.now(timezone.utc).replace(tzinfo=None))


@dataclass(frozen=True)
class SessionSnapshot:
    """One open session as EXA_DBA_SESSIONS lists it."""

    session_id: int
    status: str
    command_name: str | None
    statement_id: int
    query_timeout: int
    scope_schema: str | None
    sql_text: str | None
    login: LoginInfo


@dataclass(frozen=True)
class SystemContext:
    cursor: duckdb.DuckDBPyConnection
    store: CatalogStore
    session_parameters: dict[str, str]
    release: ExasolRelease = field(default_factory=release)
    sessions: tuple[SessionSnapshot, ...] = ()
    current_session_id: int | None = None
    admin_user: str = ADMIN_USER
    user: str = ADMIN_USER
    # what the session's user holds: EXA_SESSION_PRIVS, and which objects EXA_ALL_*/EXA_USER_* list ("to which
    # the current user has access"); EXA_DBA_* list everything
    session_privileges: frozenset[str] = frozenset()
    visible: Callable[[str, str], bool] = lambda schema, name: True

    def owner(self, schema: str) -> str:
        """Objects belong to their schema's owner; schemas without one recorded are the admin's."""
        return self.store.schema_owner(schema) or self.admin_user
