"""EXPORT … INTO CSV AT … / IMPORT INTO … FROM CSV AT …: resolve the source or target in DuckDB, each AT group's
destination, and hand the bytes to S3 (``sme_local.exasol.s3_csv``) or to a pyexasol HTTP-transport tunnel
(``sme_local.exasol.http_transport``); both use the same CSV codec.

An AT group is a tunnel when its address is ``http[s]://<ip>:<port>`` and that address names an open tunnel
of this database (pyexasol's ``export_to_*``/``import_from_*``, callbacks and parallel transport write exactly
that); an S3 address (or CONNECTION) goes to S3; anything else fails with E-EMU-3. EXPORT splits the rows
over all FILEs of all groups in order, contiguously; IMPORT reads them in order. An optional CSV column list
(``FILE '…' (1, 3..5)``) picks the exported source columns or the imported CSV fields by number.
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from sme_local.exasol.catalog.relations import relations
from sme_local.exasol.sql.errors import EmulatorLimitation, SqlError, object_not_found, unsupported_construct
from sme_local.exasol.sql.lexer import quote_identifier
from sme_local.exasol.sql.recogniser import FileLocation, FileTransfer
from sme_local.exasol.sql.results import QueryResult, Result, RowCountResult, udf_value

if TYPE_CHECKING:
    from sme_local.exasol.http_transport.exchange import Endpoint
    from sme_local.exasol.sql.context import TransferSession

_UNSUPPORTED_OPTIONS = ("BOOLEAN", "ROW SIZE")
_OVERWRITE_OPTIONS = ("REPLACE", "TRUNCATE")  # S3 objects are always written whole, so both hold by nature
_TRIM_OPTIONS = ("TRIM", "LTRIM", "RTRIM")
_ABORT_POLL_SECONDS = 0.1


def unsupported_destination(address: str) -> EmulatorLimitation:
    """E-EMU-3: an EXPORT/IMPORT address that is neither S3 nor an open pyexasol HTTP-transport tunnel (plain
    web and ftp servers; a tunnel the client closed already or that belongs to another database looks alike)."""
    return EmulatorLimitation(
        "E-EMU-3",
        f"EXPORT/IMPORT at {address!r}, which is neither S3 nor an open pyexasol HTTP transport tunnel of this "
        "database (plain http/ftp servers)",
        "use S3, or pyexasol's export_to_*/import_from_* against this emulator",
    )


@dataclass(frozen=True)
class _S3Group:
    connection: object  # s3_csv.S3Connection
    files: list[str]


@dataclass(frozen=True)
class _TunnelGroup:
    endpoint: Endpoint
    file_name: str
    tunnel: object  # socket.socket

    @property
    def files(self) -> list[str]:
        return [self.file_name]


def run_file_transfer(session: TransferSession, statement: FileTransfer) -> Result:
    from sme_local.exasol import s3_csv

    options = _csv_options(statement, s3_csv)
    # system privilege IMPORT/EXPORT for every such statement (changelog 5179, Exasol 6.1)
    session.privileges.require_system(statement.direction, statement.direction)
    groups: list[_S3Group | _TunnelGroup] = []
    try:
        for location in statement.locations:
            groups.append(_group(session, location, s3_csv))
            s3_csv.check_files(groups[-1].files)
        if statement.direction == "EXPORT":
            return RowCountResult(_export(session, statement, groups, options, s3_csv))
        schema, table, columns = _import_target(session, statement)
        rows = _import(session, statement, groups, options, [t.column_type() for _, t in columns], s3_csv)
    except s3_csv.CsvTransferError as error:
        if session.stop_requested.is_set():
            raise session.stopped_error() from None
        raise SqlError(error.sql_code, error.text) from None
    finally:
        for group in groups:
            if isinstance(group, _TunnelGroup):
                group.tunnel.close()  # unused after an earlier failure: pyexasol then sees the statement end
    return _insert(session, schema, table, columns, rows)


def _export(session: TransferSession, statement: FileTransfer, groups: list, options, s3_csv) -> int:  # noqa: ANN001
    source = _export_source(session, statement)
    positions = _selected_positions(len(source.columns), statement.csv_columns)
    rows = _export_rows(source, positions)
    named_types = [(source.columns[i][0], source.columns[i][1].column_type()) for i in positions]
    types = [s3_csv.parse_column_type(text) for _, text in named_types]
    chunks = iter(s3_csv.split_contiguously(rows, sum(len(group.files) for group in groups)))
    endpoint = session.database.aws_endpoint_url
    style = s3_csv.ValueStyle.from_parameters(session.parameters)
    for group in groups:
        share = [row for _ in group.files for row in next(chunks)]
        if isinstance(group, _S3Group):
            s3_csv.export_csv(named_types, share, group.connection, group.files, options, endpoint, style,
                              session.database.nodes)
            continue
        from sme_local.exasol.http_transport.exchange import TunnelExchange

        url = group.endpoint.url(group.file_name)
        data = s3_csv.render_file([name for name, _ in named_types], share, types, options, group.file_name, url,
                                     style)
        exchange = TunnelExchange(group.tunnel, group.endpoint, group.file_name)
        with _aborted_by(session.stop_requested, exchange):
            exchange.put(data)
    return len(rows)


def _import(session: TransferSession, statement: FileTransfer, groups: list, options, column_types: list[str],  # noqa: ANN001
            s3_csv) -> list[tuple]:  # noqa: ANN001
    csv_columns = statement.csv_columns
    if csv_columns is not None and len(csv_columns) != len(column_types):
        raise SqlError("42000", f"the CSV column list names {len(csv_columns)} columns for "
                                f"{len(column_types)} target columns")
    types = [s3_csv.parse_column_type(text) for text in column_types]
    endpoint = session.database.aws_endpoint_url
    rows: list[tuple] = []
    for group in groups:
        if isinstance(group, _S3Group):
            rows.extend(s3_csv.import_csv(group.connection, group.files, options, column_types, endpoint,
                                          csv_columns))
            continue
        from sme_local.exasol.http_transport.exchange import TunnelExchange

        exchange = TunnelExchange(group.tunnel, group.endpoint, group.file_name)
        with _aborted_by(session.stop_requested, exchange):
            data = exchange.get()
        rows.extend(s3_csv.parse_file(data, types, options, group.file_name, group.endpoint.url(group.file_name),
                                      csv_columns))
    return rows


@contextlib.contextmanager
def _aborted_by(stop: threading.Event, exchange) -> Iterator[None]:  # noqa: ANN001 (TunnelExchange)
    """abortQuery or the query timeout closes the tunnel, which ends a blocking transfer at once."""
    done = threading.Event()

    def watch() -> None:
        while not done.wait(_ABORT_POLL_SECONDS):
            if stop.is_set():
                exchange.abort()
                return

    watcher = threading.Thread(target=watch, name="exasol-transfer-abort", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


def _group(session: TransferSession, location: FileLocation, s3_csv):  # noqa: ANN001, ANN202 (module handle)
    if location.connection_name is not None:
        stored = session.database.store.connection(location.connection_name)
        if stored is None:
            raise object_not_found("connection", location.connection_name)
        session.privileges.require_connection_use(location.connection_name)
        address, user, password = stored.address, stored.user, stored.password
    else:
        address, user, password = location.address, location.user, location.password
    lowered = address.lower()
    if lowered.startswith(("http://", "https://")) and ".amazonaws.com" not in lowered:
        return _tunnel_group(session, address, location)
    if lowered.startswith(("ftp://", "ftps://", "sftp://")):
        raise unsupported_destination(address)
    return _S3Group(s3_csv.S3Connection(address, user, password), location.files)


def _tunnel_group(session: TransferSession, address: str, location: FileLocation) -> _TunnelGroup:
    from sme_local.exasol.http_transport.exchange import parse_endpoint

    endpoint = parse_endpoint(address, location.public_key)
    if endpoint is None:
        raise unsupported_destination(address)
    if len(location.files) != 1:
        raise SqlError("42000", f"a pyexasol HTTP-transport address serves exactly one FILE, got "
                                f"{len(location.files)} for {address}")
    tunnel = session.database.tunnels.take(endpoint.host_port)
    if tunnel is None:
        raise unsupported_destination(address)
    return _TunnelGroup(endpoint, location.files[0], tunnel)


def _csv_options(statement: FileTransfer, s3_csv):  # noqa: ANN001, ANN202 (module handle)
    options = statement.options
    for name in _UNSUPPORTED_OPTIONS:
        if name in options:
            raise unsupported_construct(f"the {name} option of {statement.direction}")
    if statement.direction == "IMPORT" and any(name in options for name in _OVERWRITE_OPTIONS + ("WITH COLUMN NAMES",)):
        raise SqlError("42000", "REPLACE, TRUNCATE and WITH COLUMN NAMES are EXPORT options")
    if statement.direction == "EXPORT" and any(name in options for name in ("SKIP",) + _TRIM_OPTIONS):
        raise SqlError("42000", "SKIP, TRIM, LTRIM and RTRIM are IMPORT options")
    trims = [name for name in _TRIM_OPTIONS if name in options]
    if len(trims) > 1:
        raise SqlError("42000", f"only one of TRIM, LTRIM and RTRIM may be given, got {', '.join(trims)}")
    try:
        return s3_csv.CsvOptions(
            encoding=str(options.get("ENCODING", "UTF8")), null=str(options.get("NULL", "")),
            row_separator=str(options.get("ROW SEPARATOR", "LF")),
            column_separator=str(options.get("COLUMN SEPARATOR", ",")),
            column_delimiter=str(options.get("COLUMN DELIMITER", '"')),
            delimit=s3_csv.Delimit(str(options.get("DELIMIT", "AUTO")).upper()),
            with_column_names=bool(options.get("WITH COLUMN NAMES", False)),
            skip=int(options.get("SKIP", 0)),
            trim=trims[0] if trims else "",
        )
    except s3_csv.CsvTransferError as error:
        raise SqlError(error.sql_code, error.text) from None
    except ValueError as error:
        raise SqlError("42000", f"invalid {statement.direction} option: {error}") from None


def _export_source(session: TransferSession, statement: FileTransfer) -> QueryResult:
    if statement.query_sql is not None:
        result = session.execute(statement.query_sql)
    else:
        table = statement.table
        columns = ", ".join(quote_identifier(c) for c in statement.columns) if statement.columns else "*"
        qualified = ".".join(quote_identifier(part) for part in (table.schema, table.name) if part)
        result = session.execute(f"SELECT {columns} FROM {qualified}")
    if not isinstance(result, QueryResult):
        raise SqlError("42000", "EXPORT needs a query or a table")
    return result


def _export_rows(source: QueryResult, positions: list[int]) -> list[tuple]:
    """The source rows cut to ``positions``, integral DECIMALs as ``int`` (``udf_value``). Only those columns
    are converted, and rows are copied only when needed: a 1,000,000-row export must not pay a Python call
    per value."""
    integral = [i for i in positions if source.columns[i][1].is_integral]
    if positions == list(range(len(source.columns))) and not integral:
        return source.rows
    types = {i: source.columns[i][1] for i in integral}
    return [tuple(udf_value(row[i], types[i]) if i in types else row[i] for i in positions) for row in source.rows]


def _selected_positions(count: int, numbers: list[int] | None) -> list[int]:
    """0-based positions of the source columns an EXPORT's CSV column list names (1-based, in its order), or
    of all ``count`` columns."""
    if numbers is None:
        return list(range(count))
    if max(numbers) > count:
        raise SqlError("42000", f"the CSV column list names column {max(numbers)}, but the source has "
                                f"{count} columns")
    return [number - 1 for number in numbers]


def _import_target(session: TransferSession, statement: FileTransfer):  # noqa: ANN202
    schema = statement.table.schema or session.current_schema
    if schema is None:
        raise SqlError("42000", f"no schema specified or opened for {statement.table.name}")
    found = relations(session.cursor, session.database.store, schema, statement.table.name)
    if not found or found[0].kind != "TABLE":
        raise object_not_found("object", statement.table.name)  # Exasol names it as written
    session.privileges.require_table_privilege("INSERT", schema, statement.table.name)
    by_name = {c.name: c.exa_type for c in found[0].columns}
    names = statement.columns or list(by_name)
    missing = [n for n in names if n not in by_name]
    if missing:
        raise object_not_found("column", ", ".join(missing))
    return schema, statement.table.name, [(n, by_name[n]) for n in names]


def _insert(session: TransferSession, schema: str, table: str, columns, rows: list[tuple]) -> Result:  # noqa: ANN001
    staging = f"__IMPORT_{session.id}_{session.statement_id}"
    session.engine.load_temp_table(staging, columns, rows)
    try:
        names = ", ".join(quote_identifier(n) for n, _ in columns)
        session.cursor.execute(
            f"INSERT INTO {quote_identifier(schema)}.{quote_identifier(table)} ({names}) "
            f"SELECT * FROM temp.main.{quote_identifier(staging)}"
        )
    finally:
        session.cursor.execute(f"DROP TABLE IF EXISTS temp.main.{quote_identifier(staging)}")
    return RowCountResult(len(rows))
