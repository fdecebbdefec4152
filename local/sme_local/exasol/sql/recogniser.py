"""Recognise the Exasol-only statements (scripts, connections, schemas, parameters, EXPORT/IMPORT …).

Everything recognised here is executed by the emulator itself; everything else goes to sqlglot. The result of
``recognise`` is one of the statement dataclasses below, or ``None`` for "plain SQL".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sme_local.exasol.catalog.store import ScriptParameter
from sme_local.exasol.sql.errors import syntax_error, unsupported_construct, unsupported_statement
from sme_local.exasol.sql.lexer import END, NUMBER, QUOTED, STRING, SYMBOL, WORD, Token, identifier, tokenize


@dataclass
class QualifiedName:
    schema: str | None
    name: str


@dataclass
class CreateScript:
    replace: bool
    language: str
    input_type: str | None
    name: QualifiedName
    parameters: list[ScriptParameter]
    dynamic_input: bool
    result_type: str
    emits: list[ScriptParameter]
    dynamic_output: bool
    body: str
    text: str


@dataclass
class ExecuteScript:
    name: QualifiedName
    arguments_sql: str
    with_output: bool


@dataclass
class DropScript:
    if_exists: bool
    name: QualifiedName


@dataclass
class CreateConnection:
    replace: bool
    alter: bool
    name: str
    address: str
    user: str | None
    password: str | None


@dataclass
class DropConnection:
    if_exists: bool
    name: str


@dataclass
class Grant:
    """GRANT or REVOKE of system privileges or roles (``kind`` SYSTEM), object privileges (OBJECT, ``on_kind``
    SCHEMA or None for a table/view/script named in ``objects``), connections (CONNECTION) or ACCESS on a
    connection (ACCESS, optionally ``for_kind`` SCRIPT|SCHEMA ``for_name``)."""

    revoke: bool
    kind: str
    privileges: list[str]
    objects: list[QualifiedName]
    grantees: list[str]
    on_kind: str | None = None
    for_kind: str | None = None
    for_name: QualifiedName | None = None
    with_admin: bool = False


@dataclass
class CreateUser:
    name: str
    password: str


@dataclass
class DropUser:
    if_exists: bool
    name: str
    cascade: bool


@dataclass
class ChangeSchemaOwner:
    schema: str
    owner: str


@dataclass
class SetParameter:
    scope: str
    name: str
    value: str


@dataclass
class OpenSchema:
    name: str | None


@dataclass
class CreateSchema:
    if_not_exists: bool
    name: str


@dataclass
class DropSchema:
    if_exists: bool
    name: str
    cascade: bool


@dataclass
class Transaction:
    action: str


@dataclass
class FlushStatistics:
    """``FLUSH STATISTICS [TASKS]``: Exasol writes its collected statistics to EXA_STATISTICS now (pyexasol's
    suite sends the TASKS form to real Exasol)."""


@dataclass
class Kill:
    """``KILL SESSION {id | CURRENT_SESSION}`` or ``KILL STATEMENT [stmt_id] IN SESSION id [WITH MESSAGE '…']``
    (docs.exasol.com sql/kill.htm); ``session_id`` None is CURRENT_SESSION."""

    session_id: int | None
    statement_only: bool


@dataclass
class CommentOn:
    kind: str
    path: tuple[str, ...]
    text: str | None


@dataclass
class FileLocation:
    """One ``AT <connection | 'address' [PUBLIC KEY '…'] [USER … IDENTIFIED BY …]> FILE '…' …`` group."""

    connection_name: str | None
    address: str | None
    public_key: str | None
    user: str | None
    password: str | None
    files: list[str]


@dataclass
class FileTransfer:
    """EXPORT … INTO CSV / IMPORT INTO … FROM CSV, with the SQL part kept as text for sqlglot.

    ``locations`` are the AT groups in order (pyexasol's parallel transport writes one per tunnel);
    ``csv_columns`` the 1-based CSV column numbers of the ``(1, 3..5)`` list after FILE, None without one.
    """

    direction: str
    table: QualifiedName | None
    columns: list[str]
    query_sql: str | None
    locations: list[FileLocation]
    csv_columns: list[int] | None = None
    options: dict[str, str | bool] = field(default_factory=dict)


Statement = (
    CreateScript | ExecuteScript | DropScript | CreateConnection | DropConnection | Grant | SetParameter
    | OpenSchema | CreateSchema | DropSchema | Transaction | CommentOn | FileTransfer | FlushStatistics | Kill
    | CreateUser | DropUser | ChangeSchemaOwner
)


class _Cursor:
    """Walks a token list; every ``expect`` failure is an Exasol syntax error naming what was expected."""

    def __init__(self, sql: str, tokens: list[Token]) -> None:
        self.sql = sql
        self.tokens = tokens
        self.index = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def peek(self, offset: int = 1) -> Token:
        return self.tokens[min(self.index + offset, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.current
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return token

    def accept(self, *words: str) -> bool:
        if self.current.is_word(*words):
            self.advance()
            return True
        return False

    def accept_sequence(self, *words: str) -> bool:
        if all(self.peek(i).is_word(word) for i, word in enumerate(words)):
            for _ in words:
                self.advance()
            return True
        return False

    def accept_symbol(self, symbol: str) -> bool:
        if self.current.is_symbol(symbol):
            self.advance()
            return True
        return False

    def expect(self, *words: str) -> None:
        if not self.accept(*words):
            raise syntax_error(f"expected {' or '.join(words)} but found {self.current.text or 'end of statement'!r}")

    def expect_symbol(self, symbol: str) -> None:
        if not self.accept_symbol(symbol):
            raise syntax_error(f"expected {symbol!r} but found {self.current.text or 'end of statement'!r}")

    def name(self) -> str:
        return identifier(self.advance())

    def qualified(self) -> QualifiedName:
        first = self.name()
        if self.accept_symbol("."):
            return QualifiedName(first, self.name())
        return QualifiedName(None, first)

    def string(self) -> str:
        token = self.advance()
        if token.kind != STRING:
            raise syntax_error(f"string literal expected, found {token.text!r}")
        return token.text

    def end(self) -> None:
        if self.current.kind != END:
            raise syntax_error(f"unexpected {self.current.text!r}")

    def balanced_until(self, *stops: str) -> tuple[int, int]:
        """Source span of tokens up to (not including) a top-level stop symbol/word."""
        start, depth = self.current.start, 0
        end = start
        while self.current.kind != END:
            token = self.current
            if depth == 0 and ((token.kind == SYMBOL and token.text in stops) or token.is_word(*stops)):
                break
            depth += {"(": 1, ")": -1}.get(token.text, 0) if token.kind == SYMBOL else 0
            end = token.end
            self.advance()
        return start, end


def recognise(sql: str) -> Statement | None:
    """Classify ``sql``; ``None`` means it is ordinary SQL for the sqlglot path."""
    head = tokenize(sql, stop_after_word="AS")
    first = head[0]
    if first.kind != WORD:
        return None
    keyword = first.upper
    cursor = _Cursor(sql, head)
    if keyword == "CREATE":
        return _create(sql, cursor)
    if keyword in ("EXECUTE", "DROP", "ALTER", "GRANT", "REVOKE", "OPEN", "CLOSE", "COMMIT", "ROLLBACK",
                   "COMMENT", "EXPORT", "IMPORT", "FLUSH", "KILL"):
        cursor = _Cursor(sql, tokenize(sql))
        return _HANDLERS[keyword](cursor)
    return None


def _create(sql: str, cursor: _Cursor) -> Statement | None:
    cursor.expect("CREATE")
    replace = cursor.accept_sequence("OR", "REPLACE")
    words = []
    while cursor.current.kind == WORD and len(words) < 4:
        words.append(cursor.current.upper)
        if cursor.current.is_word("SCRIPT", "CONNECTION", "SCHEMA", "TABLE", "VIEW", "FUNCTION", "USER", "ROLE"):
            break
        cursor.advance()
    if "SCRIPT" in words:
        return _create_script(sql, cursor, replace, words[:-1])
    full = _Cursor(sql, tokenize(sql))
    full.expect("CREATE")
    replace = full.accept_sequence("OR", "REPLACE")
    if full.accept("CONNECTION"):
        return _connection_definition(full, replace=replace, alter=False)
    if full.accept("SCHEMA"):
        if_not_exists = full.accept_sequence("IF", "NOT", "EXISTS")
        name = full.name()
        full.end()
        return CreateSchema(if_not_exists, name)
    if full.accept("USER"):
        name = full.name()
        full.expect("IDENTIFIED")
        full.expect("BY")
        password = _password(full.advance())
        full.end()
        return CreateUser(name, password)
    if full.current.is_word("FUNCTION", "ROLE", "ADAPTER", "VIRTUAL", "REMOTE", "CONSUMER", "PRIORITY"):
        raise unsupported_statement(f"CREATE {full.current.upper}")
    return None


def _create_script(sql: str, cursor: _Cursor, replace: bool, modifiers: list[str]) -> CreateScript:
    kinds = [m for m in modifiers if m in ("SCALAR", "SET")]
    input_type = kinds[0] if len(kinds) == 1 else None
    modifiers = [m for m in modifiers if m not in ("SCALAR", "SET")]
    if "ADAPTER" in modifiers:
        raise unsupported_statement("CREATE ADAPTER SCRIPT")
    if len(modifiers) > 1:
        raise syntax_error(f"unexpected {' '.join(modifiers)} before SCRIPT")
    language = modifiers[0] if modifiers else "LUA"
    cursor.expect("SCRIPT")
    name = cursor.qualified()
    parameters, dynamic_input = _script_parameters(cursor, udf=input_type is not None)
    result_type, emits, dynamic_output = _script_result(cursor, udf=input_type is not None)
    if not cursor.current.is_word("AS"):
        raise syntax_error(f"expected AS but found {cursor.current.text or 'end of statement'!r}")
    body = _script_body(sql[cursor.current.end :])
    if input_type is None and language != "LUA":
        raise syntax_error(f"scripting scripts are written in Lua; {language} needs SCALAR or SET")
    if input_type is not None and language == "LUA":
        raise unsupported_statement("CREATE LUA SCALAR/SET SCRIPT (Lua UDFs)")
    return CreateScript(
        replace, language, input_type, name, parameters, dynamic_input, result_type, emits, dynamic_output,
        body, sql,
    )


def _script_parameters(cursor: _Cursor, udf: bool) -> tuple[list[ScriptParameter], bool]:
    if not cursor.accept_symbol("("):
        if udf:
            raise syntax_error("a UDF needs a parameter list, e.g. (x DOUBLE) or (...)")
        return [], False
    if cursor.current.is_symbol(".") or cursor.current.text == "...":
        _expect_ellipsis(cursor)
        cursor.expect_symbol(")")
        return [], True
    parameters: list[ScriptParameter] = []
    if cursor.accept_symbol(")"):
        return parameters, False
    while True:
        is_array = not udf and cursor.accept("ARRAY")
        parameter_name = _parameter_name(cursor.advance())
        sql_type = None
        if udf:
            start, end = cursor.balanced_until(",", ")")
            sql_type = cursor.sql[start:end].strip()
            if not sql_type:
                raise syntax_error(f"parameter {parameter_name} needs a data type")
        parameters.append(ScriptParameter(parameter_name, sql_type, is_array))
        if cursor.accept_symbol(")"):
            return parameters, False
        cursor.expect_symbol(",")


def _parameter_name(token: Token) -> str:
    """Script parameters keep their case: they become Lua globals and UDF context attributes as written."""
    if token.kind not in (WORD, QUOTED):
        raise syntax_error(f"parameter name expected, found {token.text!r}")
    return token.text


def _expect_ellipsis(cursor: _Cursor) -> None:
    for _ in range(3):
        cursor.expect_symbol(".")


def _script_result(cursor: _Cursor, udf: bool) -> tuple[str, list[ScriptParameter], bool]:
    if not udf:
        if cursor.accept("RETURNS"):
            if cursor.accept("TABLE"):
                return "TABLE", [], False
            cursor.expect("ROWCOUNT")
        return "ROWCOUNT", [], False
    if cursor.accept("RETURNS"):
        start, end = cursor.balanced_until("AS")
        return "RETURNS", [ScriptParameter("", cursor.sql[start:end].strip())], False
    cursor.expect("EMITS")
    cursor.expect_symbol("(")
    if cursor.current.is_symbol("."):
        _expect_ellipsis(cursor)
        cursor.expect_symbol(")")
        return "EMITS", [], True
    columns = []
    while True:
        column_name = _parameter_name(cursor.advance())
        start, end = cursor.balanced_until(",", ")")
        columns.append(ScriptParameter(column_name, cursor.sql[start:end].strip()))
        if cursor.accept_symbol(")"):
            return "EMITS", columns, False
        cursor.expect_symbol(",")


def _script_body(after_as: str) -> str:
    """The script source after ``AS``: the rest of the line is dropped if blank, a final ``/`` line removed."""
    first_newline = after_as.find("\n")
    if first_newline >= 0 and not after_as[:first_newline].strip():
        after_as = after_as[first_newline + 1 :]
    lines = after_as.rstrip().split("\n")
    if lines and lines[-1].strip() == "/":
        lines.pop()
    return "\n".join(lines).rstrip() + "\n"


def _connection_definition(cursor: _Cursor, replace: bool, alter: bool) -> CreateConnection:
    name = cursor.name()
    cursor.expect("TO")
    address = cursor.string()
    user = password = None
    if cursor.accept("USER"):
        user = cursor.string()
    if cursor.accept_sequence("IDENTIFIED", "BY"):
        password = cursor.string()
    cursor.end()
    return CreateConnection(replace, alter, name, address, user, password)


def _execute(cursor: _Cursor) -> ExecuteScript:
    cursor.expect("EXECUTE")
    cursor.expect("SCRIPT")
    name = cursor.qualified()
    arguments = ""
    if cursor.accept_symbol("("):
        start, end = cursor.balanced_until(")")
        arguments = cursor.sql[start:end]
        cursor.expect_symbol(")")
    with_output = cursor.accept_sequence("WITH", "OUTPUT")
    cursor.end()
    return ExecuteScript(name, arguments, with_output)


def _drop(cursor: _Cursor) -> Statement | None:
    cursor.expect("DROP")
    if cursor.accept("SCRIPT"):
        if_exists = cursor.accept_sequence("IF", "EXISTS")
        name = cursor.qualified()
        cursor.end()
        return DropScript(if_exists, name)
    if cursor.accept("CONNECTION"):
        if_exists = cursor.accept_sequence("IF", "EXISTS")
        name = cursor.name()
        cursor.end()
        return DropConnection(if_exists, name)
    if cursor.accept("SCHEMA"):
        if_exists = cursor.accept_sequence("IF", "EXISTS")
        name = cursor.name()
        cascade = cursor.accept("CASCADE")
        if not cascade:
            cursor.accept("RESTRICT")
        cursor.end()
        return DropSchema(if_exists, name, cascade)
    if cursor.accept("USER"):
        if_exists = cursor.accept_sequence("IF", "EXISTS")
        name = cursor.name()
        cascade = cursor.accept("CASCADE")
        cursor.end()
        return DropUser(if_exists, name, cascade)
    if cursor.current.is_word("ADAPTER", "ROLE", "FUNCTION", "VIRTUAL", "CONSUMER"):
        raise unsupported_statement(f"DROP {cursor.current.upper}")
    return None


def _alter(cursor: _Cursor) -> Statement | None:
    cursor.expect("ALTER")
    if cursor.accept("SESSION", "SYSTEM"):
        scope = cursor.tokens[cursor.index - 1].upper
        cursor.expect("SET")
        name = cursor.name()
        cursor.expect_symbol("=")
        token = cursor.advance()
        if token.kind not in (STRING, NUMBER, WORD):
            raise syntax_error(f"parameter value expected, found {token.text!r}")
        cursor.end()
        return SetParameter(scope, name, token.text)
    if cursor.accept("CONNECTION"):
        return _connection_definition(cursor, replace=False, alter=True)
    if cursor.current.is_word("SCHEMA") and cursor.peek(2).is_word("CHANGE") and cursor.peek(3).is_word("OWNER"):
        cursor.advance()
        schema = cursor.name()
        cursor.advance()
        cursor.advance()
        owner = cursor.name()
        cursor.end()
        return ChangeSchemaOwner(schema, owner)
    if cursor.current.is_word("USER", "ROLE", "SCHEMA", "VIRTUAL", "CONSUMER"):
        raise unsupported_statement(f"ALTER {cursor.current.upper}")
    return None


def _password(token: Token) -> str:
    """``IDENTIFIED BY "pw"`` (Exasol's form, an identifier: kept exactly); a string literal is taken as written."""
    return token.text if token.kind == STRING else identifier(token)


# Object kinds that may follow ON in an object grant (the optional word before the object's name).
_GRANT_OBJECT_WORDS = ("TABLE", "VIEW", "SCRIPT", "FUNCTION")


def _grant(cursor: _Cursor) -> Grant:
    """GRANT/REVOKE in the four forms of docs.exasol.com sql/grant.htm and sql/revoke.htm."""
    revoke = cursor.advance().upper == "REVOKE"
    privileges = _privilege_list(cursor)
    objects: list[QualifiedName] = []
    kind, on_kind, for_kind, for_name = "SYSTEM", None, None, None
    if privileges == ["CONNECTION"] and not cursor.current.is_word("ON"):
        kind = "CONNECTION"
        objects = _name_list(cursor)
    elif cursor.accept("ON"):
        if privileges == ["ACCESS"]:
            kind = "ACCESS"
            cursor.accept("CONNECTION")
            objects = [QualifiedName(None, cursor.name())]
            if cursor.accept("FOR"):
                if not cursor.current.is_word("SCRIPT", "SCHEMA"):
                    raise syntax_error("expected SCRIPT or SCHEMA after FOR")
                for_kind = cursor.advance().upper
                for_name = cursor.qualified()
        else:
            kind = "OBJECT"
            if cursor.accept("SCHEMA"):
                on_kind = "SCHEMA"
            elif cursor.current.is_word(*_GRANT_OBJECT_WORDS) and cursor.peek().kind in (WORD, QUOTED):
                cursor.advance()
            objects = [cursor.qualified()]
            privileges = ["ALL"] if privileges in (["ALL"], ["ALL PRIVILEGES"]) else privileges
    if not cursor.accept("FROM" if revoke else "TO"):
        raise syntax_error(f"GRANT/REVOKE needs {'FROM' if revoke else 'TO'}, found {cursor.current.text!r}")
    grantees = [cursor.name()]
    while cursor.accept_symbol(","):
        grantees.append(cursor.name())
    with_admin = cursor.accept_sequence("WITH", "ADMIN", "OPTION")
    cursor.accept_sequence("CASCADE", "CONSTRAINTS")
    cursor.end()
    return Grant(revoke, kind, privileges, objects, grantees, on_kind, for_kind, for_name, with_admin)


def _privilege_list(cursor: _Cursor) -> list[str]:
    """``CREATE SESSION, SELECT ANY TABLE`` → ['CREATE SESSION', 'SELECT ANY TABLE'] (words upper-cased)."""
    privileges, words = [], []
    while cursor.current.kind != END and not cursor.current.is_word("ON", "TO", "FROM"):
        if cursor.accept_symbol(","):
            privileges.append(" ".join(words))
            words = []
            continue
        if privileges == [] and words == [] and cursor.current.is_word("CONNECTION"):
            cursor.advance()
            return ["CONNECTION"]
        token = cursor.advance()
        if token.kind not in (WORD, QUOTED):
            raise syntax_error(f"privilege name expected, found {token.text!r}")
        words.append(identifier(token))
    if not words:
        raise syntax_error("GRANT/REVOKE needs a privilege, role or CONNECTION")
    return privileges + [" ".join(words)]


def _name_list(cursor: _Cursor) -> list[QualifiedName]:
    names = [QualifiedName(None, cursor.name())]
    while cursor.accept_symbol(","):
        names.append(QualifiedName(None, cursor.name()))
    return names


def _open(cursor: _Cursor) -> OpenSchema:
    cursor.expect("OPEN")
    cursor.expect("SCHEMA")
    name = cursor.name()
    cursor.end()
    return OpenSchema(name)


def _close(cursor: _Cursor) -> OpenSchema:
    cursor.expect("CLOSE")
    cursor.expect("SCHEMA")
    cursor.end()
    return OpenSchema(None)


def _transaction(cursor: _Cursor) -> Transaction:
    action = cursor.advance().upper
    cursor.accept("WORK")
    cursor.end()
    return Transaction(action)


def _flush(cursor: _Cursor) -> FlushStatistics:
    cursor.expect("FLUSH")
    cursor.expect("STATISTICS")
    cursor.accept("TASKS")
    cursor.end()
    return FlushStatistics()


def _kill(cursor: _Cursor) -> Kill:
    cursor.expect("KILL")
    statement_only = cursor.accept("STATEMENT")
    if statement_only:
        if cursor.current.kind == NUMBER:
            cursor.advance()  # one statement id: the emulator runs one statement per session at a time
        cursor.expect("IN")
    cursor.expect("SESSION")
    session_id = None if cursor.accept("CURRENT_SESSION") else _session_number(cursor)
    if statement_only and cursor.accept_sequence("WITH", "MESSAGE"):
        cursor.string()
    cursor.end()
    return Kill(session_id, statement_only)


def _session_number(cursor: _Cursor) -> int:
    token = cursor.advance()
    if token.kind != NUMBER or not token.text.isdigit():
        raise syntax_error(f"session id expected, found {token.text!r}")
    return int(token.text)


def _comment(cursor: _Cursor) -> CommentOn:
    cursor.expect("COMMENT")
    cursor.expect("ON")
    kind = "TABLE"
    if cursor.current.is_word("TABLE", "VIEW", "SCHEMA", "COLUMN", "SCRIPT", "CONNECTION", "FUNCTION", "USER", "ROLE"):
        kind = cursor.advance().upper
    if kind in ("FUNCTION", "USER", "ROLE"):
        raise unsupported_statement(f"COMMENT ON {kind}")
    path = [cursor.name()]
    while cursor.accept_symbol("."):
        path.append(cursor.name())
    cursor.expect("IS")
    text = None if cursor.accept("NULL") else cursor.string()
    if cursor.current.is_symbol("("):
        raise unsupported_statement("COMMENT ON TABLE … (column IS …) list")
    cursor.end()
    return CommentOn(kind, tuple(path), text)


def _file_transfer(cursor: _Cursor) -> FileTransfer:
    direction = cursor.advance().upper
    table, columns, query_sql = None, [], None
    if direction == "EXPORT":
        if cursor.accept_symbol("("):
            start, end = cursor.balanced_until(")")
            query_sql = cursor.sql[start:end]
            cursor.expect_symbol(")")
        else:
            table, columns = _table_and_columns(cursor)
        cursor.expect("INTO")
    else:
        cursor.expect("INTO")
        table, columns = _table_and_columns(cursor)
        cursor.expect("FROM")
    file_format = cursor.advance()
    if not file_format.is_word("CSV"):
        raise unsupported_statement(f"{direction} with file format {file_format.text} (only CSV)")
    locations, csv_columns = [], None
    while cursor.accept("AT"):
        location, listed = _file_location(cursor)
        locations.append(location)
        csv_columns = _one_column_list(csv_columns, listed)
    if not locations:
        raise syntax_error(f"expected AT but found {cursor.current.text or 'end of statement'!r}")
    options = _transfer_options(cursor)
    return FileTransfer(direction, table, columns, query_sql, locations, csv_columns, options)


def _file_location(cursor: _Cursor) -> tuple[FileLocation, list[int] | None]:
    connection_name = address = public_key = user = password = None
    if cursor.current.kind == STRING:
        address = cursor.string()
        if cursor.accept_sequence("PUBLIC", "KEY"):
            public_key = cursor.string()
        if cursor.accept("USER"):
            user = cursor.string()
        if cursor.accept_sequence("IDENTIFIED", "BY"):
            password = cursor.string()
    else:
        connection_name = cursor.name()
    files, csv_columns = [], None
    while cursor.accept("FILE"):
        files.append(cursor.string())
        if cursor.current.is_symbol("("):
            csv_columns = _one_column_list(csv_columns, _csv_columns(cursor))
    if not files:
        raise syntax_error("at least one FILE '…' is required")
    return FileLocation(connection_name, address, public_key, user, password, files), csv_columns


def _one_column_list(known: list[int] | None, listed: list[int] | None) -> list[int] | None:
    """The emulator applies one CSV column list to every file; pyexasol repeats the same one after each FILE."""
    if known is not None and listed is not None and known != listed:
        raise unsupported_construct("different CSV column lists after the FILE clauses of one statement")
    return listed if listed is not None else known


def _csv_columns(cursor: _Cursor) -> list[int]:
    """``(1, 3..5)``: column numbers and ranges; per-column options (FORMAT, SIZE …) are not implemented."""
    cursor.expect_symbol("(")
    numbers: list[int] = []
    while True:
        token = cursor.advance()
        first, dots, last = token.text.partition("..")
        if token.kind != NUMBER or not first.isdigit() or (dots and not last.isdigit()):
            raise syntax_error(f"column number or range expected in the CSV column list, found {token.text!r}")
        if int(first) < 1 or (dots and int(last) < int(first)):
            raise syntax_error(f"invalid CSV column number or range {token.text!r}")
        numbers.extend(range(int(first), int(last) + 1) if dots else [int(first)])
        if cursor.current.kind == WORD:
            raise unsupported_construct(f"the {cursor.current.upper} option in the CSV column list of EXPORT/IMPORT")
        if cursor.accept_symbol(")"):
            return numbers
        cursor.expect_symbol(",")


def _table_and_columns(cursor: _Cursor) -> tuple[QualifiedName, list[str]]:
    table = cursor.qualified()
    columns = []
    if cursor.accept_symbol("("):
        columns.append(cursor.name())
        while cursor.accept_symbol(","):
            columns.append(cursor.name())
        cursor.expect_symbol(")")
    return table, columns


_FLAG_OPTIONS = {("WITH", "COLUMN", "NAMES"): "WITH COLUMN NAMES", ("REPLACE",): "REPLACE", ("TRUNCATE",): "TRUNCATE",
                 ("TRIM",): "TRIM", ("LTRIM",): "LTRIM", ("RTRIM",): "RTRIM"}
_VALUE_OPTIONS = (("ENCODING",), ("NULL",), ("ROW", "SEPARATOR"), ("COLUMN", "SEPARATOR"), ("COLUMN", "DELIMITER"),
                  ("DELIMIT",), ("SKIP",), ("BOOLEAN",), ("ROW", "SIZE"))


def _transfer_options(cursor: _Cursor) -> dict[str, str | bool]:
    options: dict[str, str | bool] = {}
    while cursor.current.kind != END:
        for words, key in _FLAG_OPTIONS.items():
            if cursor.accept_sequence(*words):
                options[key] = True
                break
        else:
            for words in _VALUE_OPTIONS:
                if cursor.accept_sequence(*words):
                    cursor.expect_symbol("=")
                    token = cursor.advance()
                    if token.kind not in (STRING, NUMBER, WORD):
                        raise syntax_error(f"value expected after {' '.join(words)}")
                    options[" ".join(words)] = token.text
                    break
            else:
                raise unsupported_statement(f"EXPORT/IMPORT option starting at {cursor.current.text!r}")
    return options


_HANDLERS = {
    "EXECUTE": _execute, "DROP": _drop, "ALTER": _alter, "GRANT": _grant, "REVOKE": _grant, "OPEN": _open,
    "CLOSE": _close, "COMMIT": _transaction, "ROLLBACK": _transaction, "COMMENT": _comment,
    "EXPORT": _file_transfer, "IMPORT": _file_transfer, "FLUSH": _flush, "KILL": _kill,
}

__all__ = ["recognise", "Statement", "QualifiedName", "QUOTED", "WORD"]
