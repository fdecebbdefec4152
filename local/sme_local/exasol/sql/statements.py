"""Handlers for the Exasol-only statements the recogniser found: schemas, scripts, connections, users, grants,
parameters, comments, transactions; EXECUTE SCRIPT and EXPORT/IMPORT go to the runners the session passes in
(``script_execution``, ``file_transfer``). Each handler asks the session's ``privileges`` first
(sql/privileges.py).

Facts (docs.exasol.com, sql/create_schema.htm): CREATE SCHEMA opens the new schema, and CREATE SCHEMA IF NOT
EXISTS opens it even when it already existed.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, Callable

from sme_local.exasol.catalog.relations import relations, schema_exists
from sme_local.exasol.catalog.store import Connection, Grant, Script, User, utc_now_text
from sme_local.exasol.catalog.types import parse_exa_type
from sme_local.exasol.sql import recogniser as r
from sme_local.exasol.sql.errors import (
    DATA_EXCEPTION, SYNTAX_OR_UNKNOWN_OBJECT, SqlError, object_not_found, unsupported_construct,
)
from sme_local.exasol.sql.lexer import quote_identifier
from sme_local.exasol.sql.privileges import OBJECT_PRIVILEGES, PUBLIC, ROLES, SYSTEM_PRIVILEGES
from sme_local.exasol.sql.results import Result, RowCountResult

if TYPE_CHECKING:
    from sme_local.exasol.sql.context import StatementSession

# Parameters that only change formatting or tuning are accepted with their default value only: silently
# accepting another value would pretend the emulator formats like Exasol would with it.
_FIXED_PARAMETERS = {
    "NLS_DATE_LANGUAGE": "ENG", "TIME_ZONE": "UTC",
    "TIME_ZONE_BEHAVIOR": "INVALID SHIFT AMBIGUOUS ST", "NLS_FIRST_DAY_OF_WEEK": "7",
    "DEFAULT_LIKE_ESCAPE_CHARACTER": "\\",
}
# Parameters with a closed set of values (ALTER SESSION/SYSTEM docs; SNAPSHOT_MODE: changelog 10248)
_ENUMERATED_PARAMETERS = {"SNAPSHOT_MODE": ("OFF", "SYSTEM TABLES")}
_FREE_PARAMETERS = ("SCRIPT_LANGUAGES", "QUERY_TIMEOUT", "PROFILE", "QUERY_CACHE", "SNAPSHOT_MODE", "IDLE_TIMEOUT",
                    "SQL_PREPROCESSOR_SCRIPT")


def _check_export_format(name: str, value: str) -> None:
    from sme_local.exasol import s3_csv

    if name == "NLS_NUMERIC_CHARACTERS":
        if value not in (".,", ",."):
            raise unsupported_construct("NLS_NUMERIC_CHARACTERS other than '.,' or ',.'")
        return
    try:
        s3_csv.parse_datetime_format(value)
    except ValueError as error:
        raise unsupported_construct(f"{name} with {error}") from None


class ExasolStatements:
    def __init__(self, session: StatementSession, run_script: Callable[[r.ExecuteScript], Result],
                 run_file_transfer: Callable[[r.FileTransfer], Result]) -> None:
        self.session = session
        self._run_script = run_script  # script_execution.execute_script in this session
        self._run_file_transfer = run_file_transfer  # file_transfer.run_file_transfer in this session

    @staticmethod
    def is_transaction_control(statement: r.Statement) -> bool:
        return isinstance(statement, r.Transaction)

    def run(self, statement: r.Statement) -> Result:
        """Run a recognised statement with its handler (``HANDLERS``)."""
        return HANDLERS[type(statement)](self, statement)

    # -- schemas -------------------------------------------------------------------------------------------
    def _create_schema(self, statement: r.CreateSchema) -> Result:
        exists = schema_exists(self.session.cursor, statement.name)
        if not (exists and statement.if_not_exists):
            self.session.privileges.require_system("CREATE SCHEMA", "creating schema")
        if exists and not statement.if_not_exists:
            raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"schema {statement.name} already exists")
        if not exists:
            self.session.cursor.execute(f"CREATE SCHEMA {quote_identifier(statement.name)}")
            self.session.database.store.set_schema_owner(statement.name, self.session.user)
        self.session.current_schema = statement.name
        return RowCountResult(0)

    def _drop_schema(self, statement: r.DropSchema) -> Result:
        store = self.session.database.store
        if not schema_exists(self.session.cursor, statement.name):
            if statement.if_exists:
                return RowCountResult(0)
            raise object_not_found("schema", statement.name)
        self.session.privileges.require_drop_schema(statement.name)
        if not statement.cascade and any(s.schema == statement.name for s in store.scripts()):
            raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"schema {statement.name} is not empty - use DROP SCHEMA CASCADE")
        self.session.cursor.execute(
            f"DROP SCHEMA {quote_identifier(statement.name)}{' CASCADE' if statement.cascade else ''}"
        )
        store.forget_schema(statement.name)
        return RowCountResult(0)

    def _open_schema(self, statement: r.OpenSchema) -> Result:
        if statement.name is not None:
            self.session.require_schema(statement.name)
        self.session.current_schema = statement.name
        return RowCountResult(0)

    # -- scripts -------------------------------------------------------------------------------------------
    def _create_script(self, statement: r.CreateScript) -> Result:
        schema = self._schema_of(statement.name)
        self.session.privileges.require_create("SCRIPT", schema)
        store = self.session.database.store
        existing = store.script(schema, statement.name.name)
        if existing is not None and not statement.replace:
            raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"script {schema}.{statement.name.name} already exists")
        for declared in statement.parameters + statement.emits:
            if declared.sql_type is not None:
                parse_exa_type(declared.sql_type)
        normalised = [
            type(p)(p.name, parse_exa_type(p.sql_type).column_type() if p.sql_type else None, p.is_array)
            for p in statement.parameters
        ]
        emits = [type(p)(p.name, parse_exa_type(p.sql_type).column_type()) for p in statement.emits]
        store.put_script(Script(
            schema=schema, name=statement.name.name, language=statement.language,
            script_type="SCRIPTING" if statement.input_type is None else "UDF",
            input_type=statement.input_type, result_type=statement.result_type, parameters=normalised,
            dynamic_input=statement.dynamic_input, emits=emits, dynamic_output=statement.dynamic_output,
            body=statement.body, text=statement.text,
            object_id=existing.object_id if existing else store.new_object_id(), created=utc_now_text(),
        ))
        return RowCountResult(0)

    def _drop_script(self, statement: r.DropScript) -> Result:
        schema = self._schema_of(statement.name)
        self.session.privileges.require_drop("SCRIPT", schema)
        store = self.session.database.store
        if not store.drop_script(schema, statement.name.name) and not statement.if_exists:
            raise object_not_found("script", f"{schema}.{statement.name.name}")
        store.forget_object_grants(schema, statement.name.name)
        return RowCountResult(0)

    def _execute_script(self, statement: r.ExecuteScript) -> Result:
        return self._run_script(statement)

    def _file_transfer(self, statement: r.FileTransfer) -> Result:
        return self._run_file_transfer(statement)

    # -- connections and grants ----------------------------------------------------------------------------
    def _create_connection(self, statement: r.CreateConnection) -> Result:
        store = self.session.database.store
        existing = store.connection(statement.name)
        if statement.alter and existing is None:
            raise object_not_found("connection", statement.name)
        if existing is not None and not (statement.replace or statement.alter):
            raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"connection {statement.name} already exists")
        self._check_connection_change(statement, existing)
        store.put_connection(Connection(
            statement.name, statement.address, statement.user, statement.password,
            existing.created if existing else utc_now_text(), existing.comment if existing else None,
        ))
        if existing is None:  # "The connection, including the ADMIN OPTION, is automatically granted to the creator"
            store.add_grant(Grant(self.session.user, "CONNECTION", "CONNECTION", on_name=statement.name,
                                  with_admin=True))
        return RowCountResult(0)

    def _check_connection_change(self, statement: r.CreateConnection, existing: Connection | None) -> None:
        privileges = self.session.privileges
        if existing is None:
            privileges.require_system("CREATE CONNECTION", "creating connection")
        elif not privileges.holds_connection(statement.name, with_admin=True):
            needed = "ALTER ANY CONNECTION" if statement.alter else "DROP ANY CONNECTION"
            privileges.require_system(needed, f"changing connection {statement.name}")

    def _drop_connection(self, statement: r.DropConnection) -> Result:
        store = self.session.database.store
        if store.connection(statement.name) is not None and not self.session.privileges.holds_connection(
                statement.name, with_admin=True):
            self.session.privileges.require_system("DROP ANY CONNECTION", f"dropping connection {statement.name}")
        if not store.drop_connection(statement.name) and not statement.if_exists:
            raise object_not_found("connection", statement.name)
        store.forget_connection_grants(statement.name)
        return RowCountResult(0)

    # -- users, owners and grants --------------------------------------------------------------------------
    def _create_user(self, statement: r.CreateUser) -> Result:
        self.session.privileges.require_system("CREATE USER", "creating user")
        store = self.session.database.store
        if self._user_exists(statement.name) or statement.name in ROLES:
            raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"user or role {statement.name} already exists")
        store.put_user(User(statement.name, statement.password, utc_now_text()))
        return RowCountResult(0)

    def _drop_user(self, statement: r.DropUser) -> Result:
        self.session.privileges.require_system("DROP USER", "dropping user")
        store = self.session.database.store
        if store.user(statement.name) is None:
            if statement.if_exists:
                return RowCountResult(0)
            if statement.name == self.session.database.admin_user:
                raise SqlError("42500", f"user {statement.name} cannot be dropped")
            raise object_not_found("user", statement.name)
        owned = sorted(s for s, owner in store.schema_owners().items() if owner == statement.name)
        if owned and not statement.cascade:
            raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"user {statement.name} owns schema {owned[0]} - use DROP USER "
                                                     "CASCADE")
        for schema in owned:
            self.session.cursor.execute(f"DROP SCHEMA {quote_identifier(schema)} CASCADE")
            store.forget_schema(schema)
        store.drop_user(statement.name)
        return RowCountResult(0)

    def _change_schema_owner(self, statement: r.ChangeSchemaOwner) -> Result:
        self.session.require_schema(statement.schema)
        self.session.privileges.require_system("ALTER ANY SCHEMA", "changing the owner of a schema")
        if not self._user_exists(statement.owner):
            raise object_not_found("user", statement.owner)
        self.session.database.store.set_schema_owner(statement.schema, statement.owner)
        return RowCountResult(0)

    def _user_exists(self, name: str) -> bool:
        return name == self.session.database.admin_user or self.session.database.store.user(name) is not None

    def _grant(self, statement: r.Grant) -> Result:
        store = self.session.database.store
        for grantee in statement.grantees:
            if grantee != PUBLIC and not self._user_exists(grantee):
                raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"user or role {grantee} not found")
        for template in self._grant_templates(statement):
            self.session.privileges.require_grant_right(template)
            for grantee in statement.grantees:
                grant = dataclasses.replace(template, grantee=grantee)
                if statement.revoke:
                    store.revoke(grant)
                else:
                    store.add_grant(grant)
        return RowCountResult(0)

    def _grant_templates(self, statement: r.Grant) -> list[Grant]:
        """The grants a GRANT/REVOKE names, for grantee "" (filled in per grantee), checked against the catalog."""
        store = self.session.database.store
        admin = statement.with_admin
        if statement.kind in ("CONNECTION", "ACCESS"):
            for name in statement.objects:
                if store.connection(name.name) is None:
                    raise object_not_found("connection", name.name)
            for_schema = for_name = None
            if statement.for_kind == "SCRIPT":
                for_schema = self._schema_of(statement.for_name)
                if store.script(for_schema, statement.for_name.name) is None:
                    raise object_not_found("script", f"{for_schema}.{statement.for_name.name}")
                for_name = statement.for_name.name
            elif statement.for_kind == "SCHEMA":
                for_name = statement.for_name.name
                self.session.require_schema(for_name)
            return [Grant("", statement.kind, "CONNECTION", on_name=n.name, for_kind=statement.for_kind,
                          for_schema=for_schema, for_name=for_name, with_admin=admin) for n in statement.objects]
        if statement.kind == "OBJECT":
            unknown = [p for p in statement.privileges if p not in OBJECT_PRIVILEGES]
            if unknown:
                raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"syntax error: unknown object privilege {unknown[0]}")
            target = statement.objects[0]
            if statement.on_kind == "SCHEMA":
                self.session.require_schema(target.name)
                return [Grant("", p, "SCHEMA", on_schema=target.name) for p in statement.privileges]
            schema = self._schema_of(target)
            if not relations(self.session.cursor, store, schema, target.name) and store.script(schema, target.name) is None:
                raise object_not_found("object", target.name)
            return [Grant("", p, "OBJECT", on_schema=schema, on_name=target.name) for p in statement.privileges]
        unknown = [p for p in statement.privileges if p not in SYSTEM_PRIVILEGES and p not in ROLES]
        if unknown:
            raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"system privilege or role {unknown[0]} not found")
        return [Grant("", p, with_admin=admin) for p in statement.privileges if p != PUBLIC]

    # -- parameters, comments, transactions ----------------------------------------------------------------
    def _set_parameter(self, statement: r.SetParameter) -> Result:
        name, value = statement.name, statement.value
        if name in _FIXED_PARAMETERS:
            if value.upper() != _FIXED_PARAMETERS[name].upper():
                raise unsupported_construct(f"{name} other than '{_FIXED_PARAMETERS[name]}'")
        elif name in ("NLS_DATE_FORMAT", "NLS_TIMESTAMP_FORMAT", "NLS_NUMERIC_CHARACTERS"):
            # Honoured by EXPORT, the only place the emulator formats with them (see the README).
            _check_export_format(name, value)
        elif name not in _FREE_PARAMETERS:
            raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"unknown parameter {name}")
        allowed = _ENUMERATED_PARAMETERS.get(name)
        if allowed is not None:
            if value.upper() not in allowed:
                raise SqlError(DATA_EXCEPTION, f"invalid value {value!r} for parameter {name}; allowed: "
                                               + ", ".join(f"'{choice}'" for choice in allowed))
            value = value.upper()
        if name == "SQL_PREPROCESSOR_SCRIPT" and value:
            raise unsupported_construct("SQL_PREPROCESSOR_SCRIPT")
        if name == "QUERY_TIMEOUT":
            if not value.isdigit():
                raise SqlError("22000", f"invalid value {value!r} for QUERY_TIMEOUT")
            if statement.scope == "SESSION":
                self.session.query_timeout = int(value)
        if statement.scope == "SYSTEM":
            self.session.database.store.set_parameter(name, value)
        else:
            self.session.parameters[name] = value
        return RowCountResult(0)

    def _comment_on(self, statement: r.CommentOn) -> Result:
        store, path = self.session.database.store, statement.path
        if statement.kind == "SCHEMA":
            self.session.require_schema(path[0])
            key = path
        elif statement.kind == "CONNECTION":
            connection = store.connection(path[0])
            if connection is None:
                raise object_not_found("connection", path[0])
            connection.comment = statement.text
            store.put_connection(connection)
            return RowCountResult(0)
        elif statement.kind == "SCRIPT":
            schema, name = self._split(path, 1)
            script = store.script(schema, name[0])
            if script is None:
                raise object_not_found("script", f"{schema}.{name[0]}")
            script.comment = statement.text
            store.put_script(script)
            return RowCountResult(0)
        else:
            column_parts = 1 if statement.kind == "COLUMN" else 0
            schema, rest = self._split(path, 1 + column_parts)
            found = relations(self.session.cursor, store, schema, rest[0])
            if not found or (column_parts and rest[1] not in {c.name for c in found[0].columns}):
                raise object_not_found("object", ".".join((schema, *rest)))
            key = (schema, *rest)
        store.set_comment(key, statement.text)
        return RowCountResult(0)

    def _transaction(self, statement: r.Transaction) -> Result:
        if statement.action == "COMMIT":
            self.session.transaction.commit()
        else:
            self.session.transaction.rollback()
        return RowCountResult(0)

    def _flush_statistics(self, statement: r.FlushStatistics) -> Result:
        """Nothing to flush: the emulator keeps no EXA_STATISTICS tables (see README, Deviations)."""
        return RowCountResult(0)

    def _kill(self, statement: r.Kill) -> Result:
        """KILL SESSION ends the session (its client's connection closes, an open transaction is rolled back);
        KILL STATEMENT … IN SESSION stops only the statement running there (it fails with R0003)."""
        session_id = self.session.id if statement.session_id is None else statement.session_id
        if not self.session.database.kill_session(session_id, statement.statement_only):
            raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"session {session_id} not found")
        return RowCountResult(0)

    # -- helpers -------------------------------------------------------------------------------------------
    def _schema_of(self, name: r.QualifiedName) -> str:
        schema = name.schema or self.session.current_schema
        if schema is None:
            raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"no schema specified or opened for {name.name}")
        self.session.require_schema(schema)
        return schema

    def _split(self, path: tuple[str, ...], tail: int) -> tuple[str, tuple[str, ...]]:
        """Split an object path into schema and the rest; the schema defaults to the open one."""
        if len(path) == tail + 1:
            return path[0], path[1:]
        if len(path) == tail and self.session.current_schema:
            return self.session.current_schema, path
        raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"no schema specified or opened for {'.'.join(path)}")


# The handler of each statement kind the recogniser returns (recogniser.Statement); tests/emulator/core checks
# that every kind has one.
HANDLERS: dict[type, Callable[[ExasolStatements, Any], Result]] = {
    r.CreateSchema: ExasolStatements._create_schema,
    r.DropSchema: ExasolStatements._drop_schema,
    r.OpenSchema: ExasolStatements._open_schema,
    r.CreateScript: ExasolStatements._create_script,
    r.DropScript: ExasolStatements._drop_script,
    r.ExecuteScript: ExasolStatements._execute_script,
    r.FileTransfer: ExasolStatements._file_transfer,
    r.CreateConnection: ExasolStatements._create_connection,
    r.DropConnection: ExasolStatements._drop_connection,
    r.CreateUser: ExasolStatements._create_user,
    r.DropUser: ExasolStatements._drop_user,
    r.ChangeSchemaOwner: ExasolStatements._change_schema_owner,
    r.Grant: ExasolStatements._grant,
    r.SetParameter: ExasolStatements._set_parameter,
    r.CommentOn: ExasolStatements._comment_on,
    r.Transaction: ExasolStatements._transaction,
    r.FlushStatistics: ExasolStatements._flush_statistics,
    r.Kill: ExasolStatements._kill,
}
