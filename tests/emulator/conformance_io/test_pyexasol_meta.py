"""pyexasol's ``conn.meta`` helpers as common tools use them: getSchemas/getTables (no-SQL metadata commands of
protocol v2+) and the snapshot-hinted SQL on SYS tables; unsupported metadata commands fail with E-EMU-1.
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


def test_get_tables_answers_like_patterns_types_and_remarks(objects) -> None:
    schema = objects.current_schema()
    statement = objects.meta.execute_meta_nosql("getTables", {"schema": schema, "table": "DOC%", "tableTypes": None})
    rows = statement.fetchall()
    assert [(r["TABLE_TYPE"], r["TABLE_NAME"]) for r in rows] == [
        ("TABLE", "DOCS"), ("TABLE", "DOC_ARCHIVE"), ("VIEW", "DOC_VIEW")]
    assert {r["TABLE_CAT"] for r in rows} == {"EXA_DB"}
    assert rows[0]["REMARKS"] == "the documents"
    assert list(rows[0]) == ["TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE", "REMARKS", "TYPE_CAT",
                             "TYPE_SCHEM", "TYPE_NAME", "SELF_REFERENCING_COL_NAME", "REF_GENERATION"]
    exact = objects.meta.execute_meta_nosql("getTables", {"schema": schema, "table": "DOC\\_VIEW"})
    assert [r["TABLE_NAME"] for r in exact.fetchall()] == ["DOC_VIEW"]
    system = objects.meta.execute_meta_nosql("getTables", {"table": "EXA_ALL_COLUMNS",
                                                           "tableTypes": ["SYSTEM TABLE"]})
    assert [(r["TABLE_SCHEM"], r["TABLE_NAME"]) for r in system.fetchall()] == [("SYS", "EXA_ALL_COLUMNS")]


def test_get_schemas_lists_by_pattern(objects) -> None:
    schema = objects.current_schema()
    rows = objects.meta.execute_meta_nosql("getSchemas", {"schema": schema[:-1] + "%"}).fetchall()
    assert {"TABLE_SCHEM": schema, "TABLE_CATALOG": "EXA_DB"} in rows
    assert objects.meta.execute_meta_nosql("getSchemas", {"schema": schema, "catalog": "OTHER"}).rowcount() == 0


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
        objects.meta.list_sql_keywords()
    assert raised.value.code == "0A000"
    assert "E-EMU-1" in raised.value.message and "getKeywords" in raised.value.message
    with pytest.raises(pyexasol.ExaRequestError, match="E-EMU-1: metadata command 'getColumns'"):
        objects.meta.execute_meta_nosql("getColumns", {"schema": objects.current_schema()})
    with pytest.raises(pyexasol.ExaRequestError, match="unknown table types"):
        objects.meta.execute_meta_nosql("getTables", {"tableTypes": ["NO SUCH TYPE"]})
