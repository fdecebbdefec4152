"""EXA_DBA_SESSIONS, EXA_USER_SESSIONS and EXA_ALL_SESSIONS: the open sessions of this emulator.

Columns as Exasol 7.1/8 document them (docs.exasol.com sql_references/system_tables/metadata/exa_dba_sessions.htm,
exa_all_sessions.htm). CLIENT, DRIVER, OS_USER and OS_NAME are what the client sent at login (pyexasol sends
``clientName clientVersion``, ``driverName``, ``clientOsUsername``, ``clientOs``); HOST is the peer address.
The one user is SYS, so the DBA and USER tables agree; EXA_ALL_SESSIONS leaves out what Exasol keeps for the
privileged ones (EFFECTIVE_USER, HOST, OS_USER, OS_NAME, SCOPE_SCHEMA, SQL_TEXT). Memory, NICE and resource
columns have no meaning in the emulator and are NULL.
"""

from __future__ import annotations

from sme_local.exasol.catalog.system_context import ADMIN_USER, ID, NAME, NUMBER, TEXT, SystemContext, SystemTable
from sme_local.exasol.catalog.types import BOOLEAN, TIMESTAMP, decimal, varchar

_SHORT = varchar(40)
_FULL_COLUMNS = [
    ("SESSION_ID", ID), ("USER_NAME", NAME), ("EFFECTIVE_USER", NAME), ("STATUS", _SHORT),
    ("COMMAND_NAME", _SHORT), ("STMT_ID", NUMBER), ("DURATION", varchar(20)), ("QUERY_TIMEOUT", NUMBER),
    ("ACTIVITY", NAME), ("TEMP_DB_RAM", decimal(10, 1)), ("PERSISTENT_DB_RAM", decimal(10, 1)),
    ("LOGIN_TIME", TIMESTAMP), ("CLIENT", varchar(2000)), ("DRIVER", varchar(2000)), ("ENCRYPTED", BOOLEAN),
    ("HOST", varchar(2000)), ("OS_USER", varchar(2000)), ("OS_NAME", varchar(2000)), ("SCOPE_SCHEMA", NAME),
    ("CONSUMER_GROUP", NAME), ("NICE", BOOLEAN), ("RESOURCES", NUMBER), ("SQL_TEXT", TEXT),
]
_PRIVILEGED = ("EFFECTIVE_USER", "HOST", "OS_USER", "OS_NAME", "SCOPE_SCHEMA", "SQL_TEXT")


def sessions_table(context: SystemContext) -> SystemTable:
    rows = []
    for session in sorted(context.sessions, key=lambda s: s.session_id):
        login = session.login
        rows.append((
            session.session_id, ADMIN_USER, ADMIN_USER, session.status, session.command_name,
            session.statement_id, None, session.query_timeout, None, None, None, login.login_time, login.client,
            login.driver, login.encrypted, login.host, login.os_user, login.os_name, session.scope_schema, None,
            None, None, session.sql_text,
        ))
    return SystemTable(list(_FULL_COLUMNS), rows)


def all_sessions_table(context: SystemContext) -> SystemTable:
    full = sessions_table(context)
    keep = [index for index, (name, _) in enumerate(full.columns) if name not in _PRIVILEGED]
    return SystemTable([full.columns[i] for i in keep], [tuple(row[i] for i in keep) for row in full.rows])
