"""--exasol-version: the emulated release decides what scripts and clients see (lua-cjson, version numbers)."""

from __future__ import annotations

import pyexasol
import pytest

from sme_local.exasol.api import Emulator
from sme_local.exasol.release import DEFAULT_VERSION, VERSIONS

SCRIPT = """CREATE OR REPLACE LUA SCRIPT probe() AS
local cjson = require('cjson')
output(cjson._VERSION) output(tostring(cjson.array_mt ~= nil)) output(exa.meta.database_version)
output(exa.meta.script_language)
/"""


def probe(emulator: Emulator) -> tuple[str, list[str]]:
    connection = pyexasol.connect(dsn=emulator.dsn, user="sys", password="exasol")
    try:
        connection.execute("CREATE SCHEMA IF NOT EXISTS VERSION_PROBE")
        connection.execute(SCRIPT)
        lines = [row[0] for row in connection.execute("EXECUTE SCRIPT probe() WITH OUTPUT").fetchall()]
        return connection.login_info["releaseVersion"], lines
    finally:
        connection.close()


def test_the_default_is_the_oldest_supported_release_with_lua_cjson_2_1_0(emulator):
    assert DEFAULT_VERSION == VERSIONS[0] == "7.1.0"
    assert probe(emulator) == ("7.1.0", ["2.1.0", "false", "7.1.0", "Lua 5.4.0"])


def test_exasol_8_34_has_lua_cjson_2_1_0_10(tmp_path):
    with Emulator(tmp_path, port=0, bucketfs_port=None, exasol_version="8.34.0") as emulator:
        assert probe(emulator) == ("8.34.0", ["2.1.0.10", "true", "8.34.0", "Lua 5.4.7"])


def test_an_unknown_version_is_refused():
    with pytest.raises(ValueError, match="unknown Exasol version '8.0'"):
        Emulator("/nonexistent", exasol_version="8.0")


@pytest.mark.parametrize("version,column_type,size,precision", [
    ("7.1.0", "TIMESTAMP", 8, None), ("8.34.0", "TIMESTAMP(3)", 16, 3)])
def test_timestamps_are_reported_as_the_release_does(tmp_path, version, column_type, size, precision):
    """Exasol 7 shows TIMESTAMP, 8 bytes, no precision; Exasol 8 TIMESTAMP(3), 16 bytes, COLUMN_NUM_PREC 3."""
    with Emulator(tmp_path, port=0, bucketfs_port=None, exasol_version=version) as emulator:
        connection = pyexasol.connect(dsn=emulator.dsn, user="sys", password="exasol")
        connection.execute("CREATE SCHEMA TS_PROBE")
        connection.execute("CREATE TABLE t (ts TIMESTAMP)")
        assert connection.execute("SELECT column_type, column_num_prec FROM EXA_ALL_COLUMNS "
                                  "WHERE column_table = 'T'").fetchone() == (column_type, precision)
        assert connection.meta.sql_columns("SELECT ts FROM t")["TS"]["size"] == size
        described = connection.meta.execute_meta_nosql("getColumns", {"schema": "TS_PROBE", "table": "T"})
        assert described.fetchone()["TYPE"] == column_type
        connection.close()
