"""pyexasol's HTTP transport against the emulator: the tunnel, EXPORT/IMPORT over it, its options and failures."""

from __future__ import annotations

import decimal
import io
import threading
import time

import pandas
import polars
import pyarrow
import pyarrow.dataset
import pyarrow.parquet
import pyexasol
import pytest
from pyexasol.exceptions import ExaExportError, ExaImportError

TABLE = ("CREATE OR REPLACE TABLE t (id DECIMAL(18,0), name VARCHAR(40), score DOUBLE, born DATE, "
         "seen TIMESTAMP, ok BOOLEAN, amount DECIMAL(10,2))")
ROWS = [
    (1, "Ann", 1.5, "2020-01-31", "2020-01-31 10:00:00.123000", True, "1.25"),
    (2, 'Bo, "the" Second', None, "1999-12-31", "2001-02-03 04:05:06.000000", False, "-2.5"),
    (3, None, -3.0, None, None, None, None),
]


@pytest.fixture()
def filled(db):
    db.execute(TABLE)
    db.ext.insert_multi("T", ROWS)
    return db


def _rows(connection) -> list[tuple]:
    return connection.execute("SELECT * FROM t ORDER BY id").fetchall()


@pytest.mark.parametrize("encryption", [True, False], ids=["tls", "plain"])
@pytest.mark.parametrize("compression", [False, True], ids=["raw", "gzip"])
def test_pandas_round_trip_in_every_transport_mode(connect, emulator, encryption, compression):
    dsn = emulator.dsn if encryption else emulator.plain_dsn
    connection = connect(dsn=dsn, encryption=encryption, compression=compression)
    connection.execute("CREATE SCHEMA IF NOT EXISTS http_modes")
    connection.execute("OPEN SCHEMA http_modes")
    connection.execute(TABLE)
    frame = pandas.DataFrame(ROWS, columns=["ID", "NAME", "SCORE", "BORN", "SEEN", "OK", "AMOUNT"])
    connection.import_from_pandas(frame, "T")
    assert _rows(connection) == ROWS

    exported = connection.export_to_pandas("SELECT * FROM t ORDER BY id")
    assert list(exported.columns) == ["ID", "NAME", "SCORE", "BORN", "SEEN", "OK", "AMOUNT"]
    assert exported["NAME"].tolist()[:2] == ["Ann", 'Bo, "the" Second'] and pandas.isna(exported["NAME"][2])
    assert exported["SEEN"].tolist()[0] == "2020-01-31 10:00:00.123000"
    assert exported["AMOUNT"].tolist()[:2] == [1.25, -2.5]


def test_export_to_file_writes_exasols_csv(filled, tmp_path):
    target = tmp_path / "out.csv"
    filled.export_to_file(target, "SELECT * FROM t ORDER BY id")
    assert target.read_text() == (
        '1,Ann,1.5,2020-01-31,"2020-01-31 10:00:00.123000",1,1.25\n'
        '2,"Bo, ""the"" Second",,1999-12-31,"2001-02-03 04:05:06.000000",0,-2.5\n'
        "3,,-3.0,,,,\n"
    )


def test_import_from_file_and_back(filled, tmp_path):
    source = tmp_path / "in.csv"
    filled.export_to_file(source, "T")
    filled.execute("TRUNCATE TABLE t")
    with open(source, "rb") as handle:
        filled.import_from_file(handle, "T")
    assert _rows(filled) == ROWS


def test_export_to_list_and_import_from_iterable(filled):
    exported = filled.export_to_list("SELECT id, name FROM t ORDER BY id")
    assert exported == [["1", "Ann"], ["2", 'Bo, "the" Second'], ["3", ""]]
    filled.execute("CREATE TABLE pairs (a DECIMAL(18,0), b VARCHAR(10))")
    filled.import_from_iterable([(1, "x"), (2, None), (3, "z")], "PAIRS")
    assert filled.execute("SELECT * FROM pairs ORDER BY a").fetchall() == [(1, "x"), (2, None), (3, "z")]


def test_custom_callbacks(filled):
    def export_callback(pipe, dst, **kwargs):
        return pipe.read().decode().splitlines()

    lines = filled.export_to_callback(export_callback, None, "SELECT id FROM t ORDER BY id")
    assert lines == ["1", "2", "3"]

    def import_callback(pipe, src, **kwargs):
        for number in src:
            pipe.write(f"{number},n{number}\n".encode())

    filled.execute("CREATE TABLE numbers (a DECIMAL(18,0), b VARCHAR(10))")
    filled.import_from_callback(import_callback, range(1000), "NUMBERS")
    assert filled.execute("SELECT COUNT(*), SUM(a), MAX(b) FROM numbers").fetchone() == (1000, "499500", "n999")


def test_export_and_import_params(filled, tmp_path):
    target = tmp_path / "params.csv"
    filled.export_to_file(target, "T", export_params={
        "columns": ["NAME", "ID"], "column_separator": ";", "column_delimiter": "'", "null": "NULL",
        "row_separator": "CRLF", "with_column_names": True, "delimit": "ALWAYS", "encoding": "UTF8",
    })
    text = target.read_bytes().decode()
    assert text.startswith("'NAME';'ID'\r\n") and "'Ann';'1'\r\n" in text and "NULL;'3'\r\n" in text

    filled.execute("CREATE TABLE back (id DECIMAL(18,0), name VARCHAR(40))")
    with open(target, "rb") as handle:
        filled.import_from_file(handle, "BACK", import_params={
            "columns": ["NAME", "ID"], "column_separator": ";", "column_delimiter": "'", "null": "NULL",
            "row_separator": "CRLF", "skip": 1,
        })
    assert filled.execute("SELECT * FROM back ORDER BY id").fetchall() == [(r[0], r[1]) for r in ROWS]


def test_csv_column_lists_and_trim(filled, tmp_path):
    assert filled.export_to_list("T", export_params={"csv_cols": ["2", "1"]}) == [
        ["Ann", "1"], ['Bo, "the" Second', "2"], ["", "3"]]
    source = tmp_path / "wide.csv"
    source.write_text("x,  7  ,ignored, seven \ny,8,ignored,eight\n")
    filled.execute("CREATE TABLE picked (id DECIMAL(18,0), name VARCHAR(10))")
    with open(source, "rb") as handle:
        filled.import_from_file(handle, "PICKED", import_params={"csv_cols": ["2", "4"], "trim": "TRIM"})
    assert filled.execute("SELECT * FROM picked ORDER BY id").fetchall() == [(7, "seven"), (8, "eight")]


def test_polars_and_parquet(filled, tmp_path):
    frame = filled.export_to_polars("SELECT id, name FROM t ORDER BY id")
    assert isinstance(frame, polars.DataFrame) and frame["ID"].to_list() == [1, 2, 3]

    filled.execute("CREATE TABLE from_polars (id DECIMAL(18,0), name VARCHAR(40))")
    filled.import_from_polars(polars.DataFrame({"id": [5, 6], "name": ["p", None]}), "FROM_POLARS")
    assert filled.execute("SELECT * FROM from_polars ORDER BY id").fetchall() == [(5, "p"), (6, None)]

    directory = tmp_path / "parquet"
    filled.export_to_parquet(directory, "SELECT id, score FROM t ORDER BY id")
    table = pyarrow.dataset.dataset(directory, format="parquet").to_table()
    assert table.column("ID").to_pylist() == [1, 2, 3]

    single = tmp_path / "one.parquet"
    pyarrow.parquet.write_table(pyarrow.table({"id": [9, 10], "score": [0.5, None]}), single)
    filled.execute("CREATE TABLE from_parquet (id DECIMAL(18,0), score DOUBLE)")
    filled.import_from_parquet(single, "FROM_PARQUET")
    assert filled.execute("SELECT * FROM from_parquet ORDER BY id").fetchall() == [(9, 0.5), (10, None)]


def test_parallel_transport_with_two_tunnels(filled, connect, emulator):
    """pyexasol's export_parallel/import_parallel: one tunnel per worker, one AT … FILE group per tunnel."""
    filled.execute("CREATE TABLE many AS SELECT CAST(level AS DECIMAL(18,0)) AS n FROM "
                   "(SELECT ROW_NUMBER() OVER () AS level FROM t a, t b, t c, t d, t e)")
    wrappers = [pyexasol.http_transport(filled.ws_ipaddr, filled.ws_port, encryption=True) for _ in range(2)]
    results: dict[int, list[str]] = {}

    def read(index: int) -> None:
        results[index] = wrappers[index].export_to_callback(lambda pipe, dst: pipe.read().decode().split(), None)

    readers = [threading.Thread(target=read, args=(i,)) for i in range(2)]
    for reader in readers:
        reader.start()
    filled.export_parallel([w.exa_address for w in wrappers], "MANY")
    for reader in readers:
        reader.join(timeout=30)
    assert sorted(int(v) for part in results.values() for v in part) == list(range(1, 244))
    assert all(results[i] for i in range(2))  # both tunnels got rows

    plain = connect(dsn=emulator.plain_dsn, encryption=False, schema=filled.current_schema())
    plain.execute("CREATE TABLE many_back (n DECIMAL(18,0))")
    wrappers = [pyexasol.http_transport(plain.ws_ipaddr, plain.ws_port, encryption=False) for _ in range(2)]
    writers = [threading.Thread(target=w.import_from_callback,
                                args=(lambda pipe, src: pipe.write(src.encode()), f"{i}\n{i + 10}\n"))
               for i, w in enumerate(wrappers)]
    for writer in writers:
        writer.start()
    plain.import_parallel([w.exa_address for w in wrappers], "MANY_BACK")
    for writer in writers:
        writer.join(timeout=30)
    assert plain.execute("SELECT n FROM many_back ORDER BY n").fetchall() == [(0,), (1,), (10,), (11,)]


def test_failing_import_callback_loads_nothing(filled):
    filled.execute("CREATE TABLE partial (a DECIMAL(18,0))")

    def half_then_fail(pipe, src, **kwargs):
        pipe.write(b"1\n2\n3\n")
        raise ValueError("callback failed half way")

    with pytest.raises(ExaImportError):
        filled.import_from_callback(half_then_fail, None, "PARTIAL")
    assert filled.execute("SELECT COUNT(*) FROM partial").fetchval() == 0


def test_export_of_an_unknown_table_fails_in_sql(filled):
    with pytest.raises(ExaExportError) as raised:
        filled.export_to_list("DOES_NOT_EXIST")
    assert any(isinstance(error, pyexasol.ExaQueryError) for error in raised.value.exceptions)


def test_bad_value_names_row_and_column(filled, tmp_path):
    with pytest.raises(ExaImportError) as raised:
        filled.import_from_iterable([(1, "a", 1.0, "2020-02-30", None, None, None)], "T")
    message = str(raised.value)
    assert "ETL-3050" in message and "Column=4 Row=1" in message


def test_abort_query_stops_a_blocked_transfer(filled):
    """A callback that stalls keeps the IMPORT waiting; abortQuery ends it with Exasol's abort error."""
    stalled = threading.Event()

    def stall(pipe, src, **kwargs):
        pipe.write(b"1,a,1.0,,,,\n" * 30_000)  # more than the pipe holds: returns once the IMPORT is reading
        stalled.set()
        time.sleep(2.5)
        raise RuntimeError("stop the client side too")

    timer = threading.Thread(target=lambda: stalled.wait(10) and filled.abort_query())
    timer.start()
    started = time.monotonic()
    with pytest.raises(ExaImportError) as raised:
        filled.import_from_callback(stall, None, "T")
    timer.join()
    assert time.monotonic() - started < 10
    aborted = [e for e in raised.value.exceptions if isinstance(e, pyexasol.ExaQueryAbortError)]
    assert aborted and aborted[0].code == "R0003"
    assert filled.execute("SELECT COUNT(*) FROM t").fetchval() == 3  # nothing of the aborted IMPORT


def test_wrong_public_key_is_refused(filled):
    """The TLS handshake runs in pyexasol's transport thread; the pin is checked before any data is sent."""
    wrapper = pyexasol.http_transport(filled.ws_ipaddr, filled.ws_port, encryption=True)
    address, right = wrapper.exa_address.split("/", 1)
    wrong = "sha256//" + ("B" if right[0] == "A" else "A") + right[1:]
    with pytest.raises(pyexasol.ExaQueryError, match="does not match PUBLIC KEY"):
        filled.execute(f"EXPORT t INTO CSV AT 'https://{address}' PUBLIC KEY '{wrong}' FILE '000.csv'")


def _swallow(wrapper) -> None:
    try:
        wrapper.export_to_callback(lambda pipe, dst: pipe.read(), None)
    except Exception:  # the database refused the tunnel: pyexasol's side fails too, which is the point
        pass


def test_a_tunnel_serves_one_statement(filled, connect, emulator):
    plain = connect(dsn=emulator.plain_dsn, encryption=False, schema=filled.current_schema())
    wrapper = pyexasol.http_transport(plain.ws_ipaddr, plain.ws_port, encryption=False)
    reader = threading.Thread(target=lambda: _swallow(wrapper))
    reader.start()
    plain.export_parallel([wrapper.exa_address], "SELECT id FROM t")
    reader.join(timeout=10)
    with pytest.raises(pyexasol.ExaQueryError, match="E-EMU-3"):
        plain.execute(f"EXPORT t INTO CSV AT 'http://{wrapper.exa_address}' FILE '000.csv'")


def test_sql_export_import_keeps_exact_values(filled):
    filled.execute("CREATE TABLE exact (d DECIMAL(36,10), ts TIMESTAMP(3), dt DATE)")
    filled.execute("INSERT INTO exact VALUES (12345678901234567890.0123456789, '2021-05-06 07:08:09.123', "
                   "'0001-01-01')")
    buffer = io.BytesIO()
    filled.export_to_file(buffer, "EXACT")
    filled.execute("TRUNCATE TABLE exact")
    buffer.seek(0)
    filled.import_from_file(buffer, "EXACT")
    value, ts, dt = filled.execute("SELECT * FROM exact").fetchone()
    assert decimal.Decimal(value) == decimal.Decimal("12345678901234567890.0123456789")
    assert ts.startswith("2021-05-06 07:08:09.123") and dt.endswith("1-01-01")


def test_import_into_an_unknown_table_names_it_as_exasol_does(filled):
    with pytest.raises(ExaImportError) as raised:
        filled.import_from_iterable([(1,)], "NOPE")
    assert any("object NOPE not found" in getattr(e, "message", "") for e in raised.value.exceptions)
