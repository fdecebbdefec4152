"""Python UDF call shapes through pyexasol that the core suite does not cover: SCALAR EMITS, SET RETURNS,
``(...) EMITS (...)`` answered by ``default_output_columns()``, dynamic input, ``%env`` lines, UDF errors, and
calls inside INSERT … SELECT and inside a subquery grouped by IPROC() (the prediction UDF's call shape).
"""

from __future__ import annotations

import pyexasol
import pytest


@pytest.fixture()
def docs(db: pyexasol.ExaConnection) -> pyexasol.ExaConnection:
    db.execute("CREATE TABLE docs (id DECIMAL(9,0), grp VARCHAR(5), text VARCHAR(50), amount DECIMAL(10,2))")
    db.execute("INSERT INTO docs VALUES (1, 'a', 'red green', 1.50), (2, 'a', NULL, 2.25), "
               "(3, 'b', 'blue', -4.00), (4, 'b', 'cyan magenta yellow', 0.10)")
    return db


def test_scalar_emits_many_rows_per_input_row(docs) -> None:
    docs.execute(
        "CREATE OR REPLACE PYTHON3 SCALAR SCRIPT split_words(id DECIMAL(9,0), text VARCHAR(50)) "
        "EMITS (DOC_ID DECIMAL(9,0), WORD VARCHAR(50)) AS\n"
        "def run(ctx):\n"
        "    for word in (ctx.text or '').split():\n"
        "        ctx.emit(ctx.id, word)\n/"
    )
    statement = docs.execute("SELECT split_words(id, text) FROM docs ORDER BY 1, 2")
    assert statement.fetchall() == [(1, "green"), (1, "red"), (3, "blue"), (4, "cyan"), (4, "magenta"),
                                    (4, "yellow")]
    assert statement.columns() == {
        "DOC_ID": {"type": "DECIMAL", "precision": 9, "scale": 0},
        "WORD": {"type": "VARCHAR", "size": 50, "characterSet": "UTF8"},
    }


def test_set_returns_one_value_per_group_and_for_all_rows(docs) -> None:
    docs.execute(
        "CREATE OR REPLACE PYTHON3 SET SCRIPT spread(amount DECIMAL(10,2)) RETURNS DECIMAL(10,2) AS\n"
        "def run(ctx):\n"
        "    values = []\n"
        "    while True:\n"
        "        values.append(ctx.amount)\n"
        "        if not ctx.next():\n"
        "            break\n"
        "    return max(values) - min(values)\n/"
    )
    grouped = docs.execute("SELECT grp, spread(amount) AS width FROM docs GROUP BY grp ORDER BY grp")
    assert grouped.fetchall() == [("a", "0.75"), ("b", "4.1")]
    assert grouped.columns()["WIDTH"] == {"type": "DECIMAL", "precision": 10, "scale": 2}
    assert docs.execute("SELECT spread(amount) FROM docs").fetchall() == [("6.25",)]


DEFAULT_OUTPUT_UDF = (
    "CREATE OR REPLACE PYTHON3 SET SCRIPT echo_counted(...) EMITS (...) AS\n"
    "def default_output_columns():\n"
    "    copies = [f'\"{column.name}_COPY\" {column.sql_type}' for column in exa.meta.input_columns]\n"
    "    return ', '.join(copies + ['ROWS_SEEN DECIMAL(18,0)'])\n"
    "def run(ctx):\n"
    "    rows = []\n"
    "    while True:\n"
    "        rows.append(tuple(ctx[i] for i in range(exa.meta.input_column_count)))\n"
    "        if not ctx.next():\n"
    "            break\n"
    "    for row in rows:\n"
    "        ctx.emit(*row, len(rows))\n/"
)


def test_emits_without_call_site_columns_asks_default_output_columns(docs) -> None:
    docs.execute(DEFAULT_OUTPUT_UDF)
    statement = docs.execute("SELECT echo_counted(id, text, amount) FROM docs WHERE grp = 'b' ORDER BY 1")
    assert statement.fetchall() == [(3, "blue", "-4", 2), (4, "cyan magenta yellow", "0.1", 2)]
    assert statement.columns() == {
        "ID_COPY": {"type": "DECIMAL", "precision": 9, "scale": 0},
        "TEXT_COPY": {"type": "VARCHAR", "size": 50, "characterSet": "UTF8"},
        "AMOUNT_COPY": {"type": "DECIMAL", "precision": 10, "scale": 2},
        "ROWS_SEEN": {"type": "DECIMAL", "precision": 18, "scale": 0},
    }
    narrow = docs.execute("SELECT echo_counted(grp) FROM docs")
    assert list(narrow.columns()) == ["GRP_COPY", "ROWS_SEEN"]
    assert sorted(narrow.fetchall()) == [("a", 4), ("a", 4), ("b", 4), ("b", 4)]


def test_call_site_emits_overrides_default_output_columns(docs) -> None:
    docs.execute(DEFAULT_OUTPUT_UDF)
    statement = docs.execute("SELECT echo_counted(id) EMITS (K DECIMAL(18,0), N DOUBLE) FROM docs ORDER BY 1")
    assert statement.fetchall() == [(1, 4.0), (2, 4.0), (3, 4.0), (4, 4.0)]
    assert statement.columns()["N"] == {"type": "DOUBLE"}


def test_dynamic_input_scalar_sees_any_number_of_arguments(docs) -> None:
    docs.execute(
        "CREATE OR REPLACE PYTHON3 SCALAR SCRIPT describe_args(...) RETURNS VARCHAR(200) AS\n"
        "def run(ctx):\n"
        "    names = [f'{c.name}:{c.sql_type}' for c in exa.meta.input_columns]\n"
        "    values = [repr(ctx[i]) for i in range(exa.meta.input_column_count)]\n"
        "    return ' '.join(names) + ' = ' + ', '.join(values)\n/"
    )
    assert docs.execute("SELECT describe_args(id) FROM docs WHERE id = 1").fetchval() == "ID:DECIMAL(9,0) = 1"
    assert docs.execute("SELECT describe_args(grp, amount, text) FROM docs WHERE id = 2").fetchval() == (
        "GRP:VARCHAR(5) UTF8 AMOUNT:DECIMAL(10,2) TEXT:VARCHAR(50) UTF8 = 'a', Decimal('2.25'), None"
    )


def test_env_lines_set_the_udf_environment(db) -> None:
    db.execute(
        "CREATE OR REPLACE PYTHON3 SCALAR SCRIPT env_probe(name VARCHAR(20)) RETURNS VARCHAR(100) AS\n"
        "%env GREETING=hello world;\n"
        "%env ANSWER=42;\n"
        "import os\n"
        "def run(ctx):\n"
        "    return os.environ.get(ctx.name, '<unset>')\n/"
    )
    rows = db.execute("SELECT env_probe(v) FROM (VALUES ('GREETING'), ('ANSWER'), ('HOME_OF_NOBODY')) t(v) "
                      "ORDER BY 1").fetchall()
    assert rows == [("42",), ("<unset>",), ("hello world",)]


def test_udf_error_text_reaches_the_client_verbatim(docs) -> None:
    message = 'E-SME-299: row 2 is bad: "quoted", ünïcode € and 100% (see the mitigation)'
    docs.execute(
        "CREATE OR REPLACE PYTHON3 SCALAR SCRIPT fail_on_two(id DECIMAL(9,0)) RETURNS DECIMAL(9,0) AS\n"
        "class ProductError(Exception):\n    pass\n"
        "def run(ctx):\n"
        "    if ctx.id == 2:\n"
        f"        raise ProductError({message!r})\n"
        "    return ctx.id\n/"
    )
    with pytest.raises(pyexasol.ExaQueryError) as raised:
        docs.execute("SELECT fail_on_two(id) FROM docs")
    assert message in raised.value.message
    assert "ProductError" in raised.value.message
    assert raised.value.code == "22002"


def test_udf_calls_inside_insert_select(docs) -> None:
    docs.execute(
        "CREATE OR REPLACE PYTHON3 SCALAR SCRIPT shout(text VARCHAR(50)) RETURNS VARCHAR(60) AS\n"
        "def run(ctx):\n    return None if ctx.text is None else ctx.text.upper() + '!'\n/"
    )
    docs.execute(
        "CREATE OR REPLACE PYTHON3 SCALAR SCRIPT letters(text VARCHAR(50)) EMITS (LETTER VARCHAR(1)) AS\n"
        "def run(ctx):\n    for letter in sorted(set((ctx.text or '').replace(' ', ''))):\n"
        "        ctx.emit(letter)\n/"
    )
    docs.execute("CREATE TABLE shouted (id DECIMAL(9,0), loud VARCHAR(60))")
    docs.execute("CREATE TABLE alphabet (letter VARCHAR(1))")
    assert docs.execute("INSERT INTO shouted SELECT id, shout(text) FROM docs WHERE id <= 2").rowcount() == 2
    assert docs.execute("INSERT INTO alphabet SELECT letters(text) FROM docs WHERE id = 3").rowcount() == 4
    assert docs.execute("SELECT * FROM shouted ORDER BY id").fetchall() == [(1, "RED GREEN!"), (2, None)]
    assert docs.execute("SELECT letter FROM alphabet ORDER BY 1").fetchall() == [("b",), ("e",), ("l",), ("u",)]


def test_set_udf_in_a_subquery_grouped_by_iproc(docs) -> None:
    schema = docs.current_schema()
    docs.execute(
        f'CREATE OR REPLACE PYTHON3 SET SCRIPT "{schema}"."Row_Echo"(key DECIMAL(9,0), amount DECIMAL(10,2)) '
        "EMITS (ROW_KEY DECIMAL(9,0), DOUBLED DECIMAL(12,2), PARTITION_SIZE DECIMAL(9,0)) AS\n"
        "def run(ctx):\n"
        "    rows = []\n"
        "    while True:\n"
        "        rows.append((ctx.key, ctx.amount * 2))\n"
        "        if not ctx.next():\n"
        "            break\n"
        "    for key, doubled in rows:\n"
        "        ctx.emit(key, doubled, len(rows))\n/"
    )
    rows = docs.execute(
        f'SELECT row_key, doubled, partition_size FROM (SELECT "{schema}"."Row_Echo"(id, amount) FROM docs '
        "GROUP BY IPROC()) WHERE doubled > 0 ORDER BY row_key"
    ).fetchall()
    assert rows == [(1, "3", 4), (2, "4.5", 4), (4, "0.2", 4)]
    total = docs.execute(
        f'SELECT COUNT(*), SUM(doubled) FROM (SELECT "{schema}"."Row_Echo"(id, amount) FROM docs GROUP BY IPROC())'
    ).fetchone()
    assert total == (4, "-0.3")
