"""One client connection speaking Exasol's WebSocket API (protocol v1–v3) as pyexasol uses it.

Login: the client asks for the server's RSA public key (PKCS#1 PEM, which every pyexasol version can load),
sends the password RSA-encrypted and base64-encoded, and may ask for zlib compression of every later message.
Requests then arrive one at a time; they run on a worker thread so that ``abortQuery`` (which has no answer)
can interrupt a running statement. Every error answer carries an Exasol sqlCode and ends in
`` (Session: <id>)`` as Exasol's do.
"""

from __future__ import annotations

import base64
import hmac
import json
import logging
import queue
import threading
import zlib
from typing import Any, Callable

from cryptography.hazmat.primitives.asymmetric import padding, rsa

from sme_local.exasol.catalog.system_context import LoginInfo
from sme_local.exasol.catalog.types import ExaType
from sme_local.exasol.database import Database
from sme_local.exasol.server import metadata_commands
from sme_local.exasol.server.heartbeat import Heartbeat
from sme_local.exasol.server.results_wire import ResultSets, result_header
from sme_local.exasol.server.websocket import OP_BINARY, WebSocket, WebSocketClosed
from sme_local.exasol.sql.errors import AUTHENTICATION_FAILED, SYNTAX_OR_UNKNOWN_OBJECT, SqlError
from sme_local.exasol.sql.results import QueryResult
from sme_local.exasol.sql.privileges import Privileges
from sme_local.exasol.sql.session import Session

LOG = logging.getLogger(__name__)
MAX_PROTOCOL_VERSION = 3
DATABASE_NAME = "EXAEMU"
INTERNAL_ERROR = "F-EMU-1"
DEFAULT_FEEDBACK_INTERVAL = 1  # seconds; Exasol's default for the feedbackInterval attribute
STOP = object()


class LoginFailed(Exception):
    pass


class ClientConnection:
    def __init__(self, websocket: WebSocket, database: Database, user: str, password: str,
                 key: rsa.RSAPrivateKey, public_key_pem: str) -> None:
        self._ws = websocket
        self._database = database
        self._user = user.upper()
        self._password = password
        self._key = key
        self._public_key_pem = public_key_pem
        self._compressed = False
        self._session: Session | None = None
        self._results = ResultSets(database.release.timestamp_precision)
        self._prepared: dict[int, tuple[str, list[ExaType]]] = {}
        self._next_handle = 1
        self._requests: queue.Queue[Any] = queue.Queue()
        self._closing = False
        self._feedback_interval = DEFAULT_FEEDBACK_INTERVAL
        self._heartbeat = Heartbeat(self._ws.send_pong, lambda: self._feedback_interval)

    # -- lifecycle -------------------------------------------------------------------------------------------
    def serve(self) -> None:
        try:
            self._login()
        except (LoginFailed, WebSocketClosed, ValueError):
            self._ws.close()
            return
        worker = threading.Thread(target=self._work, name=f"exasol-session-{self._session.id}", daemon=True)
        worker.start()
        self._heartbeat.start()
        try:
            while not self._closing:
                request = self._receive()
                if request.get("command") == "abortQuery":
                    self._session.interrupt()
                    continue
                self._requests.put(request)
                if request.get("command") == "disconnect":
                    break
        except (WebSocketClosed, OSError, ValueError):
            pass
        finally:
            self._requests.put(STOP)
            worker.join(timeout=30)
            self._heartbeat.stop()
            self._results.close_all()
            self._database.close_session(self._session)
            self._ws.close()

    def _work(self) -> None:
        while True:
            request = self._requests.get()
            if request is STOP:
                return
            with self._heartbeat.busy():
                response = self._answer(request)
            try:
                self._send(response)
            except OSError:
                return
            if request.get("command") == "disconnect":
                self._closing = True
                return

    # -- framing ---------------------------------------------------------------------------------------------
    def _receive(self) -> dict:
        opcode, payload = self._ws.receive()
        if self._compressed:
            if opcode != OP_BINARY:
                raise ValueError("compressed sessions send binary messages")
            payload = zlib.decompress(payload)
        message = json.loads(payload)
        if not isinstance(message, dict):
            raise ValueError("request is not a JSON object")
        return message

    def _send(self, response: dict) -> None:
        payload = json.dumps(response, default=str, separators=(",", ":")).encode()
        if self._compressed:
            self._ws.send(zlib.compress(payload, 1), binary=True)
        else:
            self._ws.send(payload)

    # -- login -----------------------------------------------------------------------------------------------
    def _login(self) -> None:
        hello = self._receive()
        if hello.get("command") == "loginToken":
            self._send(_error(AUTHENTICATION_FAILED, "token login (OpenID) is not supported by the Exasol emulator; "
                                                     "log in with user and password"))
            raise LoginFailed()
        if hello.get("command") != "login":
            self._send(_error(SYNTAX_OR_UNKNOWN_OBJECT, "expected the login command"))
            raise LoginFailed()
        version = min(int(hello.get("protocolVersion", 1)), MAX_PROTOCOL_VERSION)
        numbers = self._key.public_key().public_numbers()
        self._send({"status": "ok", "responseData": {
            "publicKeyPem": self._public_key_pem,
            "publicKeyModulus": format(numbers.n, "X"), "publicKeyExponent": format(numbers.e, "X"),
        }})
        credentials = self._receive()
        user = self._authenticated(credentials)
        if user is None:
            self._send(_error(AUTHENTICATION_FAILED, "Connection exception - authentication failed."))
            raise LoginFailed()
        if not Privileges(self._database.store, user, self._database.admin_user).has_system("CREATE SESSION"):
            self._send(_error(AUTHENTICATION_FAILED, "Connection exception - insufficient privileges: CREATE SESSION."))
            raise LoginFailed()
        session = self._database.open_session(user)
        session.login = self._login_info(credentials)
        session.on_kill = self._ws.shutdown
        self._session = session
        try:
            self._apply_attributes(credentials.get("attributes") or {})
        except SqlError as error:
            self._send(_error(error.sql_code, error.text, session.id))
            raise LoginFailed() from None
        self._send({"status": "ok", "responseData": {
            "sessionId": session.id, "protocolVersion": version, "releaseVersion": self._database.release.version,
            "databaseName": DATABASE_NAME, "productName": "EXASolution", "maxDataMessageSize": 67108864,
            "maxIdentifierLength": 128, "maxVarcharLength": 2000000, "identifierQuoteString": '"',
            "timeZone": "UTC", "timeZoneBehavior": "INVALID SHIFT AMBIGUOUS ST",
        }})
        self._compressed = bool(credentials.get("useCompression"))

    def _login_info(self, credentials: dict) -> LoginInfo:
        """What EXA_DBA_SESSIONS shows of the client: the login request's self-description and the connection."""
        def text(key: str) -> str | None:
            value = credentials.get(key)
            return str(value) if value not in (None, "") else None

        client = " ".join(part for part in (text("clientName"), text("clientVersion")) if part) or None
        return LoginInfo(client=client, driver=text("driverName"), os_user=text("clientOsUsername"),
                         os_name=text("clientOs"), host=self._ws.peer_host, encrypted=self._ws.encrypted)

    def _authenticated(self, credentials: dict) -> str | None:
        """The user name the credentials log in as: the admin's, or a user created with CREATE USER."""
        try:
            encrypted = base64.b64decode(str(credentials.get("password", "")))
            password = self._key.decrypt(encrypted, padding.PKCS1v15()).decode()
        except (ValueError, TypeError):
            return None
        name = str(credentials.get("username", ""))
        if name.upper() == self._user:
            return self._user if password == self._password else None
        for candidate in (name, name.upper()):  # a quoted, mixed-case name first, then the usual upper case
            user = self._database.store.user(candidate)
            if user is not None:
                return user.name if hmac.compare_digest(user.password.encode(), password.encode()) else None
        return None

    # -- commands --------------------------------------------------------------------------------------------
    def _answer(self, request: dict) -> dict:
        command = request.get("command")
        handler: Callable[[dict], dict] | None = getattr(self, "_command_" + str(command), None)
        if handler is None and command in metadata_commands.COMMANDS:
            handler = self._metadata_command(metadata_commands.COMMANDS[command])
        if handler is None and isinstance(command, str) and command.startswith("get"):
            limitation = metadata_commands.unsupported_metadata_command(command)
            return _error(limitation.sql_code, limitation.text, self._session.id)
        if handler is None:
            return _error(SYNTAX_OR_UNKNOWN_OBJECT, f"unknown or unsupported command {command!r}", self._session.id)
        before = self._attributes()
        try:
            response = handler(request)
            after = self._attributes()
            if after != before and "attributes" not in response:
                response["attributes"] = after
            return response
        except SqlError as error:
            return _error(error.sql_code, error.text, self._session.id)
        except Exception as error:  # a bug in the emulator must not kill the connection
            LOG.exception("internal error while answering %s", command)
            return _error("00000", f"{INTERNAL_ERROR}: internal emulator error {type(error).__name__}: {error}",
                          self._session.id)

    def _command_execute(self, request: dict) -> dict:
        result = self._session.execute(_sql_text(request))
        return _ok({"numResults": 1, "results": [self._results.describe(result)]})

    def _command_executeBatch(self, request: dict) -> dict:
        texts = request.get("sqlTexts") or []
        results = [self._results.describe(self._session.execute(str(text))) for text in texts]
        return _ok({"numResults": len(results), "results": results})

    def _command_fetch(self, request: dict) -> dict:
        try:
            data = self._results.fetch(int(request["resultSetHandle"]), int(request.get("startPosition", 0)),
                                       int(request.get("numBytes", 0)))
        except KeyError:
            raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"result set handle {request.get('resultSetHandle')} not found") from None
        return _ok(data)

    def _command_closeResultSet(self, request: dict) -> dict:
        self._results.close([int(h) for h in request.get("resultSetHandles", [])])
        return {"status": "ok"}

    def _command_createPreparedStatement(self, request: dict) -> dict:
        sql = _sql_text(request)
        columns, placeholders = self._session.prepare(sql)
        parameter_types = self._session.parameter_types(sql, placeholders) if placeholders else []
        handle = self._next_handle
        self._next_handle += 1
        self._prepared[handle] = (sql, parameter_types)
        if columns is None:
            first = {"resultType": "rowCount", "rowCount": 0}
        else:
            header = result_header(QueryResult(columns, []), self._database.release.timestamp_precision)
            header["numRowsInMessage"] = 0
            first = {"resultType": "resultSet", "resultSet": header}
        data: dict[str, Any] = {"statementHandle": handle, "numResults": 1, "results": [first]}
        if parameter_types:
            data["parameterData"] = {
                "numColumns": len(parameter_types),
                "columns": [{"name": "", "dataType": t.data_type(self._database.release.timestamp_precision)}
                            for t in parameter_types],
            }
        return _ok(data)

    def _command_executePreparedStatement(self, request: dict) -> dict:
        handle = int(request.get("statementHandle", -1))
        if handle not in self._prepared:
            raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"prepared statement handle {handle} not found")
        sql, parameter_types = self._prepared[handle]
        columns = request.get("data") or []
        if len(columns) != len(parameter_types):
            # Exasol's wording (spelling included), as pyexasol's prepared_statement_test pins it
            raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, "the number of column metadata objects is not the same as "
                                                     f"the number of data colums (expected {len(parameter_types)}, "
                                                     f"got {len(columns)})")
        row_count = len(columns[0]) if columns else (0 if parameter_types else 1)
        if any(len(column) != row_count for column in columns):
            raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, "prepared statement parameter columns differ in length")
        result = self._session.execute_many(sql, columns, row_count)
        return _ok({"numResults": 1, "results": [self._results.describe(result)]})

    def _command_closePreparedStatement(self, request: dict) -> dict:
        self._prepared.pop(int(request.get("statementHandle", -1)), None)
        return {"status": "ok"}

    def _command_getAttributes(self, request: dict) -> dict:
        return {"status": "ok", "attributes": self._attributes()}

    def _command_setAttributes(self, request: dict) -> dict:
        self._apply_attributes(request.get("attributes") or {})
        return {"status": "ok", "attributes": self._attributes()}

    def _command_getHosts(self, request: dict) -> dict:
        return _ok({"numNodes": 1, "nodes": [str(request.get("hostIp") or "127.0.0.1")]})

    def _metadata_command(self, answer: Callable[[Session, dict], QueryResult]) -> Callable[[dict], dict]:
        """A no-SQL metadata command: its result set travels like a query's (handle beyond 1000 rows)."""
        def handler(request: dict) -> dict:
            return _ok({"numResults": 1, "results": [self._results.describe(answer(self._session, request))]})
        return handler

    def _command_disconnect(self, request: dict) -> dict:
        return {"status": "ok"}

    # -- attributes ------------------------------------------------------------------------------------------
    def _attributes(self) -> dict:
        session = self._session
        return {
            "autocommit": session.transaction.autocommit, "compressionEnabled": self._compressed,
            "currentSchema": session.current_schema or "", "dateFormat": "YYYY-MM-DD", "dateLanguage": "ENG",
            "datetimeFormat": "YYYY-MM-DD HH24:MI:SS.FF6", "defaultLikeEscapeCharacter": "\\",
            "feedbackInterval": self._feedback_interval, "numericCharacters": ".,",
            "openTransaction": session.transaction.in_transaction, "queryTimeout": session.query_timeout,
            "snapshotTransactionsEnabled": session.parameters.get("SNAPSHOT_MODE") == "SYSTEM TABLES",
            "timestampUtcEnabled": False, "timezone": "UTC", "timeZoneBehavior": "INVALID SHIFT AMBIGUOUS ST",
        }

    def _apply_attributes(self, attributes: dict) -> None:
        session = self._session
        for name, value in attributes.items():
            if name == "autocommit":
                session.transaction.set_autocommit(bool(value))
            elif name == "currentSchema":
                if value:
                    session.require_schema(str(value))
                session.current_schema = str(value) or None
            elif name == "queryTimeout":
                session.query_timeout = int(value)
            elif name == "snapshotTransactionsEnabled":
                session.parameters["SNAPSHOT_MODE"] = "SYSTEM TABLES" if value else "OFF"
            elif name == "feedbackInterval":
                self._feedback_interval = _feedback_interval(value)
            elif name == "resultSetMaxRows":
                if value:
                    raise SqlError("0A000", "E-EMU-2: attribute resultSetMaxRows is not supported by the Exasol "
                                            "emulator. Mitigation: use LIMIT in the query")
            else:
                raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"attribute {name} cannot be set")


def _feedback_interval(value: object) -> int:
    """Whole seconds ≥ 1 (the API documents "number" of seconds; a heartbeat every 0 s would be a busy loop)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 1 or value != int(value):
        raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, f"attribute feedbackInterval must be a whole number of seconds "
                                                 f"≥ 1, got {value!r}")
    return int(value)


def _sql_text(request: dict) -> str:
    text = request.get("sqlText")
    if not isinstance(text, str):
        raise SqlError(SYNTAX_OR_UNKNOWN_OBJECT, "sqlText missing")
    return text


def _ok(response_data: dict) -> dict:
    return {"status": "ok", "responseData": response_data}


def _error(sql_code: str, text: str, session_id: int | None = None) -> dict:
    suffix = f" (Session: {session_id})" if session_id is not None else ""
    return {"status": "error", "exception": {"sqlCode": sql_code, "text": text + suffix}}
