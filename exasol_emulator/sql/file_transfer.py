"""EXPORT … INTO CSV AT … / IMPORT INTO … FROM CSV AT …: resolve the source or target in DuckDB and the
connection in the catalog, and hand the file work to ``exasol_emulator.s3_csv``.

pyexasol's own HTTP transport (``export_to_*``/``import_from_*``) makes Exasol connect back to the client over
a tunnel; the emulator does not implement that and says so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from exasol_emulator.catalog.relations import relations
from exasol_emulator.sql.errors import EmulatorLimitation, SqlError, object_not_found, unsupported_construct
from exasol_emulator.sql.lexer import quote_identifier
from exasol_emulator.sql.recogniser import FileTransfer
from exasol_emulator.sql.results import QueryResult, Result, RowCountResult, udf_value

if TYPE_CHECKING:
    from exasol_emulator.sql.session import Session

_UNSUPPORTED_OPTIONS = ("TRIM", "LTRIM", "RTRIM", "BOOLEAN", "ROW SIZE")
_OVERWRITE_OPTIONS = ("REPLACE", "TRUNCATE")  # S3 objects are always written whole, so both hold by nature


def http_transport_rejected() -> EmulatorLimitation:
    """E-EMU-3: pyexasol's HTTP transport (export_to_pandas, import_from_file …) needs a tunnel back."""
    return EmulatorLimitation(
        "E-EMU-3",
        "pyexasol's HTTP transport (EXPORT/IMPORT AT 'http://…', export_to_*/import_from_*)",
        "fetch with execute()/fetchall() and insert with executemany(), or EXPORT/IMPORT via S3",
    )


def run_file_transfer(session: Session, statement: FileTransfer) -> Result:
    from exasol_emulator import s3_csv

    connection = _connection(session, statement, s3_csv)
    options = _csv_options(statement, s3_csv)
    endpoint = session.database.aws_endpoint_url
    try:
        if statement.direction == "EXPORT":
            source = _export_source(session, statement)
            written = s3_csv.export_csv(
                [(name, t.column_type()) for name, t in source.columns],
                [tuple(udf_value(v, t) for v, (_, t) in zip(row, source.columns)) for row in source.rows],
                connection, statement.files, options, endpoint,
                s3_csv.ValueStyle.from_parameters(session.parameters),
            )
            return RowCountResult(written)
        schema, table, columns = _import_target(session, statement)
        rows = s3_csv.import_csv(connection, statement.files, options, [t.column_type() for _, t in columns], endpoint)
    except s3_csv.CsvTransferError as error:
        raise SqlError(error.sql_code, error.text) from None
    return _insert(session, schema, table, columns, rows)


def _connection(session: Session, statement: FileTransfer, s3_csv):  # noqa: ANN001, ANN202 (module handle)
    if statement.connection_name is not None:
        stored = session.database.store.connection(statement.connection_name)
        if stored is None:
            raise object_not_found("connection", statement.connection_name)
        address, user, password = stored.address, stored.user, stored.password
    else:
        address, user, password = statement.address, statement.user, statement.password
    if address.lower().startswith(("http://", "https://", "ftp://", "sftp://")) and ".amazonaws.com" not in address.lower():
        raise http_transport_rejected()
    return s3_csv.S3Connection(address, user, password)


def _csv_options(statement: FileTransfer, s3_csv):  # noqa: ANN001, ANN202 (module handle)
    options = statement.options
    for name in _UNSUPPORTED_OPTIONS:
        if name in options:
            raise unsupported_construct(f"the {name} option of {statement.direction}")
    if statement.direction == "IMPORT" and any(name in options for name in _OVERWRITE_OPTIONS + ("WITH COLUMN NAMES",)):
        raise SqlError("42000", "REPLACE, TRUNCATE and WITH COLUMN NAMES are EXPORT options")
    if statement.direction == "EXPORT" and "SKIP" in options:
        raise SqlError("42000", "SKIP is an IMPORT option")
    try:
        return s3_csv.CsvOptions(
            encoding=str(options.get("ENCODING", "UTF8")), null=str(options.get("NULL", "")),
            row_separator=str(options.get("ROW SEPARATOR", "LF")),
            column_separator=str(options.get("COLUMN SEPARATOR", ",")),
            column_delimiter=str(options.get("COLUMN DELIMITER", '"')),
            delimit=s3_csv.Delimit(str(options.get("DELIMIT", "AUTO")).upper()),
            with_column_names=bool(options.get("WITH COLUMN NAMES", False)),
            skip=int(options.get("SKIP", 0)),
        )
    except s3_csv.CsvTransferError as error:
        raise SqlError(error.sql_code, error.text) from None
    except ValueError as error:
        raise SqlError("42000", f"invalid {statement.direction} option: {error}") from None


def _export_source(session: Session, statement: FileTransfer) -> QueryResult:
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


def _import_target(session: Session, statement: FileTransfer):  # noqa: ANN202
    schema = statement.table.schema or session.current_schema
    if schema is None:
        raise SqlError("42000", f"no schema specified or opened for {statement.table.name}")
    found = relations(session.cursor, session.database.store, schema, statement.table.name)
    if not found or found[0].kind != "TABLE":
        raise object_not_found("table", f"{schema}.{statement.table.name}")
    by_name = {c.name: c.exa_type for c in found[0].columns}
    names = statement.columns or list(by_name)
    missing = [n for n in names if n not in by_name]
    if missing:
        raise object_not_found("column", ", ".join(missing))
    return schema, statement.table.name, [(n, by_name[n]) for n in names]


def _insert(session: Session, schema: str, table: str, columns, rows: list[tuple]) -> Result:  # noqa: ANN001
    staging = f"__IMPORT_{session.id}_{session.statement_id}"
    session.load_temp_table(staging, columns, rows)
    try:
        names = ", ".join(quote_identifier(n) for n, _ in columns)
        session.cursor.execute(
            f"INSERT INTO {quote_identifier(schema)}.{quote_identifier(table)} ({names}) "
            f"SELECT * FROM temp.main.{quote_identifier(staging)}"
        )
    finally:
        session.cursor.execute(f"DROP TABLE IF EXISTS temp.main.{quote_identifier(staging)}")
    return RowCountResult(len(rows))

