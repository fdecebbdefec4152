"""Login, transports, compression, attributes and sessions, as pyexasol sees them."""

from __future__ import annotations

import ssl
import threading

import pyexasol
import pytest
from sme_local.exasol.release import DEFAULT_VERSION


def test_login_with_tls_fingerprint_dsn(connect, emulator):
    connection = connect()
    assert connection.execute("SELECT CURRENT_USER").fetchval() == "SYS"
    assert emulator.tls_fingerprint in emulator.dsn and len(emulator.tls_fingerprint) == 64


def test_wrong_password_is_an_auth_error(emulator):
    with pytest.raises(pyexasol.ExaAuthError, match="authentication failed"):
        pyexasol.connect(dsn=emulator.dsn, user="sys", password="wrong")


def test_unknown_user_is_an_auth_error(emulator):
    with pytest.raises(pyexasol.ExaAuthError):
        pyexasol.connect(dsn=emulator.dsn, user="someone", password="exasol")


def test_wrong_fingerprint_is_refused(emulator):
    with pytest.raises(pyexasol.ExaConnectionFailedError, match="fingerprint"):
        pyexasol.connect(dsn=f"{emulator.host}/{'AB' * 32}:{emulator.port}", user="sys", password="exasol")


def test_tls_without_fingerprint_needs_cert_none(emulator):
    connection = pyexasol.connect(dsn=emulator.plain_dsn, user="sys", password="exasol",
                                  websocket_sslopt={"cert_reqs": ssl.CERT_NONE})
    assert connection.execute("SELECT 1").fetchval() == 1
    connection.close()


def test_plain_websocket(connect, emulator):
    connection = connect(dsn=emulator.plain_dsn, encryption=False)
    assert connection.execute("SELECT 42").fetchval() == 42


@pytest.mark.parametrize("encryption", [True, False])
def test_compression(connect, emulator, encryption):
    dsn = emulator.dsn if encryption else emulator.plain_dsn
    connection = connect(dsn=dsn, encryption=encryption, compression=True)
    rows = connection.execute("SELECT * FROM VALUES BETWEEN 1 AND 3000 t(i) ORDER BY i").fetchall()
    assert [r[0] for r in rows] == list(range(1, 3001))
    assert connection.attr["compressionEnabled"] is True


def test_login_info_and_version(connect):
    connection = connect()
    assert connection.login_info["protocolVersion"] == 3
    assert str(connection.exasol_db_version) == DEFAULT_VERSION  # the oldest release the extension supports
    assert str(connection.execute("SELECT CURRENT_SESSION").fetchval()) == connection.session_id()


def test_open_schema_sets_the_current_schema_attribute(db):
    schema = db.current_schema()
    assert schema.startswith("T_")
    db.execute("CLOSE SCHEMA")
    assert db.current_schema() == ""
    db.open_schema(schema)
    assert db.current_schema() == schema
    assert db.execute("SELECT CURRENT_SCHEMA").fetchval() == schema


def test_schema_given_at_login(connect, db):
    schema = db.current_schema()
    db.execute("CREATE TABLE x (a INT)")
    other = connect(schema=schema)
    assert other.current_schema() == schema
    assert other.execute("SELECT COUNT(*) FROM x").fetchval() == 0


def test_login_with_unknown_schema_fails(emulator):
    with pytest.raises(pyexasol.ExaError, match="NOPE"):
        pyexasol.connect(dsn=emulator.dsn, user="sys", password="exasol", schema="NOPE")


def test_autocommit_off_and_rollback(connect, db):
    schema = db.current_schema()
    db.execute("CREATE TABLE t (a INT)")
    db.set_autocommit(False)
    assert db.attr["autocommit"] is False
    db.execute("INSERT INTO t VALUES (1)")
    observer = connect(schema=schema)
    assert observer.execute("SELECT COUNT(*) FROM t").fetchval() == 0
    db.rollback()
    assert db.execute("SELECT COUNT(*) FROM t").fetchval() == 0
    db.execute("INSERT INTO t VALUES (2)")
    db.commit()
    assert observer.execute("SELECT COUNT(*) FROM t").fetchval() == 1


def test_get_nodes(connect):
    nodes = connect().get_nodes()
    assert len(nodes) == 1 and nodes[0]["port"] > 0


def test_concurrent_sessions(connect, db):
    schema = db.current_schema()
    db.execute("CREATE TABLE c (worker INT, i INT)")
    connections = [connect(schema=schema) for _ in range(4)]
    errors = []

    def work(index: int, connection: pyexasol.ExaConnection) -> None:
        try:
            for i in range(20):
                connection.execute(f"INSERT INTO c VALUES ({index}, {i})")
                assert connection.execute(f"SELECT COUNT(*) FROM c WHERE worker = {index}").fetchval() == i + 1
        except Exception as error:  # collected and asserted in the main thread
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n, c)) for n, c in enumerate(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert db.execute("SELECT COUNT(*) FROM c").fetchval() == 80
    assert len({c.session_id() for c in connections}) == 4


def test_query_timeout(connect):
    connection = connect(query_timeout=1)
    with pytest.raises(pyexasol.ExaQueryTimeoutError):
        connection.execute("SELECT COUNT(*) FROM range(100000000) a, range(100000) b")


def test_abort_query(connect):
    connection = connect()
    timer = threading.Timer(0.5, connection.abort_query)
    timer.start()
    with pytest.raises(pyexasol.ExaQueryAbortError):
        connection.execute("SELECT COUNT(*) FROM range(100000000) a, range(100000) b")
    timer.join()
    assert connection.execute("SELECT 1").fetchval() == 1
