"""pyexasol's ``conn.meta`` helpers as common tools use them: the no-SQL metadata commands of protocol v2+ with
the result columns websocket-api ``docs/commands/get*V2.md`` define, and the snapshot-hinted SQL on SYS tables;
unsupported metadata commands fail with E-EMU-1.
"""

from __future__ import annotations

import pyexasol
import pytest


@pytest.fixture()
def objects(db: pyexasol.ExaConnection) -> pyexasol.ExaConnection:
    db.execute("CREATE TABLE docs (id DECIMAL(9,0), text VARCHAR(20))")
    db.execute("CREATE TABLE doc_archive (id DECIMAL(9,0))")
    db.execute("CREATE VIEW doc_view AS SELECT id FROM docs")
    db.execute("COMMENT ON TABLE docs IS 'the documents'")
    return db


def test_schema_exists(objects, connect) -> None:
    schema = objects.current_schema()
    assert objects.meta.schema_exists(schema)
    assert objects.meta.schema_exists(schema.lower())  # pyexasol upper-cases the name
    assert not objects.meta.schema_exists(schema + "_MISSING")
    assert not connect(protocol_version=2).meta.schema_exists(schema + "_MISSING")


def test_table_and_view_exist_in_the_open_schema_or_a_named_one(objects, connect) -> None:
    schema = objects.current_schema()
    assert objects.meta.table_exists("docs")
    assert objects.meta.table_exists((schema, "DOCS"))
    assert not objects.meta.table_exists("doc_view")  # a view is not a table
    assert objects.meta.view_exists("doc_view")
    assert not objects.meta.view_exists("docs")
    assert not objects.meta.table_exists("nothing_here")
    other = connect()  # no schema open: the name is looked up with schema "" and matches nothing
    assert not other.meta.table_exists("docs")
    assert other.meta.table_exists((schema, "docs"))


def test_get_tables_answers_like_patterns_types_and_comments(objects) -> None:
    schema = objects.current_schema()
    statement = objects.meta.execute_meta_nosql("getTables", {"schema": schema, "table": "DOC%", "tableTypes": None})
    rows = statement.fetchall()
    assert [(r["TABLE_TYPE"], r["NAME"]) for r in rows] == [
        ("TABLE", "DOCS"), ("TABLE", "DOC_ARCHIVE"), ("VIEW", "DOC_VIEW")]
    assert rows[0]["COMMENT"] == "the documents"
    assert list(rows[0]) == ["SCHEMA", "NAME", "OWNER", "TABLE_TYPE", "IS_VIRTUAL", "HAS_DISTRIBUTION_KEY",
                             "HAS_PARTITION_KEY", "COMMENT"]  # websocket-api getTablesV2.md
    exact = objects.meta.execute_meta_nosql("getTables", {"schema": schema, "table": "DOC\\_VIEW"})
    assert [r["NAME"] for r in exact.fetchall()] == ["DOC_VIEW"]
    system = objects.meta.execute_meta_nosql("getTables", {"table": "EXA_ALL_COLUMNS",
                                                           "tableTypes": ["SYSTEM TABLE"]})
    assert [(r["SCHEMA"], r["NAME"]) for r in system.fetchall()] == [("SYS", "EXA_ALL_COLUMNS")]


def test_get_schemas_lists_user_and_system_schemas(objects) -> None:
    schema = objects.current_schema()
    rows = objects.meta.execute_meta_nosql("getSchemas", {"schema": schema[:-1] + "%"}).fetchall()
    assert {"NAME": schema, "OWNER": "SYS", "IS_VIRTUAL": False, "COMMENT": None} in rows
    names = [r["NAME"] for r in objects.meta.execute_meta_nosql("getSchemas").fetchall()]
    assert {"SYS", "EXA_STATISTICS", schema} <= set(names) and names == sorted(names)
    assert objects.meta.execute_meta_nosql("getSchemas", {"schema": ""}).rowcount() == 0


def test_get_columns_describes_table_view_and_system_columns(objects) -> None:
    schema = objects.current_schema()
    rows = objects.meta.execute_meta_nosql("getColumns", {"schema": schema, "table": "DOC%"}).fetchall()
    assert [(r["TABLE"], r["NAME"], r["TYPE"], r["ORDINAL_POSITION"]) for r in rows] == [
        ("DOCS", "ID", "DECIMAL(9,0)", 1), ("DOCS", "TEXT", "VARCHAR(20) UTF8", 2),
        ("DOC_ARCHIVE", "ID", "DECIMAL(9,0)", 1), ("DOC_VIEW", "ID", "DECIMAL(9,0)", 1)]
    assert list(rows[0]) == ["SCHEMA", "TABLE", "NAME", "TABLE_TYPE", "TYPE", "TYPE_ID", "MAXSIZE", "NUM_PREC",
                             "NUM_SCALE", "ORDINAL_POSITION", "IS_VIRTUAL", "IS_NULLABLE", "IS_DISTRIBUTION_KEY",
                             "PARTITION_KEY_ORDINAL_POSITION", "DEFAULT", "IS_IDENTITY", "OWNER", "COMMENT"]
    assert (rows[0]["NUM_PREC"], rows[0]["NUM_SCALE"], rows[0]["IS_NULLABLE"], rows[3]["IS_NULLABLE"]) == (9, 0, True, None)
    only_text = objects.meta.execute_meta_nosql("getColumns", {"schema": schema, "table": "DOCS", "column": "T%"})
    assert [r["NAME"] for r in only_text.fetchall()] == ["TEXT"]
    system = objects.meta.execute_meta_nosql("getColumns", {"table": "EXA_SQL_KEYWORDS",
                                                            "tableTypes": ["SYSTEM TABLE"]}).fetchall()
    assert [(r["SCHEMA"], r["NAME"], r["TYPE"]) for r in system] == [
        ("SYS", "KEYWORD", "VARCHAR(128) UTF8"), ("SYS", "RESERVED", "BOOLEAN")]


def test_keywords_types_and_small_metadata_commands(objects) -> None:
    keywords = objects.meta.execute_meta_nosql("getKeywords").fetchall()
    assert list(keywords[0]) == ["KEYWORD", "RESERVED"]
    words = [r["KEYWORD"] for r in keywords]
    assert words == sorted(words) and {"SELECT", "TABLE", "EMITS", "CURRENT_SESSION"} <= set(words)
    assert "CURRENT_CLUSTER" not in words  # reserved only from Exasol 8; the default release is 7.1.0
    assert objects.meta.list_sql_keywords() == words
    assert [r["TABLE_TYPE"] for r in objects.meta.execute_meta_nosql("getTableTypes").fetchall()] == [
        "SYSTEM TABLE", "TABLE", "VIEW"]
    types = {r["NAME"]: r for r in objects.meta.execute_meta_nosql("getTypeInfo").fetchall()}
    assert (types["DECIMAL"]["TYPE_ID"], types["DECIMAL"]["PRECISION"], types["VARCHAR"]["PRECISION"]) == (3, 36, 2000000)
    assert [r["NAME"] for r in objects.meta.execute_meta_nosql("getUsers").fetchall()] == ["SYS"]
    assert objects.meta.execute_meta_nosql("getFunctions").rowcount() == 0


def test_sql_based_meta_helpers(objects) -> None:
    schema = objects.current_schema()
    assert [r["SCHEMA_NAME"] for r in objects.meta.list_schemas(schema)] == [schema]
    assert [r["TABLE_NAME"] for r in objects.meta.list_tables(schema)] == ["DOCS", "DOC_ARCHIVE"]
    assert [r["VIEW_NAME"] for r in objects.meta.list_views(schema)] == ["DOC_VIEW"]
    columns = objects.meta.list_columns(schema, "DOCS")
    assert [(c["COLUMN_NAME"], c["COLUMN_TYPE"]) for c in columns] == [
        ("ID", "DECIMAL(9,0)"), ("TEXT", "VARCHAR(20) UTF8")]


def test_unsupported_metadata_commands_say_so(objects) -> None:
    with pytest.raises(pyexasol.ExaRequestError) as raised:
        objects.meta.execute_meta_nosql("getRoles")
    assert raised.value.code == "0A000"
    assert "E-EMU-1: metadata command 'getRoles'" in raised.value.message and "getColumns" in raised.value.message
    with pytest.raises(pyexasol.ExaRequestError, match="unknown table types"):
        objects.meta.execute_meta_nosql("getTables", {"tableTypes": ["NO SUCH TYPE"]})
