"""The ``exa`` object, get_dataframe, %env and the worker environment, through real worker processes."""

from __future__ import annotations

import json
import os
import sys

import pytest

from sme_local.exasol.udf import ConnectionLookupError, UdfConnection, UdfError
from udf_test_support import SESSION_ID, col, run, script, session


def test_exa_meta_has_every_field_with_exasol_types():
    udf = script("""
        import json
        def describe(c):
            return [c.name, c.type.__name__, c.sql_type, c.precision, c.scale, c.length]
        def run(ctx):
            m = exa.meta
            fields = {k: getattr(m, k) for k in ("database_name", "database_version", "script_name", "script_schema",
                      "current_user", "scope_user", "current_schema", "script_language", "session_id",
                      "statement_id", "node_count", "node_id", "memory_limit", "vm_id", "input_column_count",
                      "input_type", "output_column_count", "output_type")}
            fields["script_code"] = m.script_code.lstrip().startswith("import json")
            fields["input_columns"] = [describe(c) for c in m.input_columns]
            fields["output_columns"] = [describe(c) for c in m.output_columns]
            return json.dumps(fields)
        """, input_type="SCALAR", output_type="RETURNS", outputs=(col("R", "VARCHAR(2000) UTF8"),),
        parameters=(col("a", "DECIMAL(9,0)"), col("b", "DECIMAL(20,4)"), col("c", "DOUBLE"), col("d", "VARCHAR(30) UTF8"),
                    col("e", "BOOLEAN"), col("f", "DATE"), col("g", "TIMESTAMP(3)")))
    _, rows = run(udf, [[(1, None, None, None, None, None, None)]])
    meta = json.loads(rows[0][0][0])
    version = sys.version_info
    assert {k: v for k, v in meta.items() if k not in ("memory_limit", "vm_id", "input_columns", "output_columns")} == {
        "database_name": "EXAEMU", "database_version": "8.34.0", "script_name": "MY_UDF", "script_schema": "S",
        "current_user": "SYS", "scope_user": "SYS", "current_schema": "S",
        "script_language": f"Python {version.major}.{version.minor}.{version.micro}",
        "session_id": str(SESSION_ID), "statement_id": 7, "node_count": 1, "node_id": 0, "input_column_count": 7,
        "input_type": "SCALAR", "output_column_count": 1, "output_type": "RETURN", "script_code": True}
    assert isinstance(meta["memory_limit"], int) and meta["memory_limit"] > 0
    assert isinstance(meta["vm_id"], str) and meta["vm_id"].isdigit()
    assert meta["input_columns"] == [
        ["a", "int", "DECIMAL(9,0)", 9, 0, None], ["b", "Decimal", "DECIMAL(20,4)", 20, 4, None],
        ["c", "float", "DOUBLE", None, None, None], ["d", "str", "VARCHAR(30) UTF8", None, None, 30],
        ["e", "bool", "BOOLEAN", None, None, None], ["f", "date", "DATE", None, None, None],
        ["g", "datetime", "TIMESTAMP(3)", None, None, None]]
    assert meta["output_columns"] == [["R", "str", "VARCHAR(2000) UTF8", None, None, 2000]]


def test_set_emits_meta_output_type_and_wrapper_globals():
    udf = script("""
        def run(ctx):
            ctx.emit(f"{exa.meta.output_type} {exa.meta.input_type} {decimal.Decimal('1.5')} {datetime.date(2024, 1, 2)}")
        """, outputs=(col("T", "VARCHAR(100) UTF8"),))
    assert run(udf, [[(1,)]])[1] == [[("EMIT SET 1.5 2024-01-02",)]]


def test_get_connection_returns_fields_and_reports_missing_or_forbidden():
    udf = script("""
        def run(ctx):
            c = exa.get_connection("AWS_CONN")
            ctx.emit(f"{c.type}|{c.address}|{c.user}|{c.password}")
            ctx.emit(str(c))
            for name in ("NOPE", "SECRET_CONN"):
                try:
                    exa.get_connection(name)
                except ImportError as error:
                    ctx.emit(str(error))
        """, outputs=(col("T", "VARCHAR(300) UTF8"),))

    def connections(name):
        if name == "SECRET_CONN":
            raise ConnectionLookupError("insufficient privileges for using connection SECRET_CONN in script MY_UDF")
        return {"AWS_CONN": UdfConnection("https://b.s3.amazonaws.com", "AKIA", "pw")}.get(name)

    udf_session = session()
    udf_session = type(udf_session)(**{**udf_session.__dict__, "connections": connections})
    _, rows = run(udf, [[(1,)]], udf_session=udf_session)
    assert [row[0] for row in rows[0]] == [
        "password|https://b.s3.amazonaws.com|AKIA|pw",
        '{"type":"password","address":"https://b.s3.amazonaws.com","user":"AKIA","password":<omitted!>}',
        "F-UDF-CL-SL-PYTHON-1121: get_connection for connection name NOPE failed: connection NOPE does not exist",
        "F-UDF-CL-SL-PYTHON-1121: get_connection for connection name SECRET_CONN failed: insufficient privileges "
        "for using connection SECRET_CONN in script MY_UDF",
    ]


def test_import_script_runs_code_as_module_with_exa_and_caches_it():
    library = "counter = 0\ndef tag():\n    global counter\n    counter += 1\n    return exa.meta.script_name + str(counter)\n"
    udf = script("""
        lib = exa.import_script("S.LIB")
        again = exa.import_script("S.LIB")
        def run(ctx):
            ctx.emit(f"{lib.tag()} {again.tag()} {lib is again} {lib.__name__}")
            try:
                exa.import_script("S.MISSING")
            except ImportError as error:
                ctx.emit(str(error))
        """, outputs=(col("T", "VARCHAR(200) UTF8"),))
    _, rows = run(udf, [[(1,)]], udf_session=session(scripts={"S.LIB": library}))
    assert [row[0] for row in rows[0]] == [
        "MY_UDF1 MY_UDF2 True S.LIB",
        "F-UDF-CL-SL-PYTHON-1119: Importing module S.MISSING failed: script S.MISSING not found",
    ]


def test_env_lines_set_variables_and_keep_line_numbers():
    udf = script("""\
        %env GREETING=hello world;
        %env EMPTY=
        import os
        def run(ctx):
            ctx.emit(os.environ["GREETING"] + "|" + os.environ["EMPTY"] + "|" + exa.meta.script_code.split("\\n")[2])
            raise KeyError("line 6")
        """, outputs=(col("T", "VARCHAR(100) UTF8"),))
    with pytest.raises(UdfError, match="MY_UDF:6 run"):
        run(udf, [[(1,)]])
    good = script(udf.code.replace('raise KeyError("line 6")', "pass"), outputs=(col("T", "VARCHAR(100) UTF8"),))
    assert run(good, [[(1,)]])[1] == [[("hello world||import os",)]]


def test_worker_environment_is_exactly_env(monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "parent-secret")
    udf = script("""
        import json, os
        def run(ctx):
            ctx.emit(json.dumps(dict(os.environ), sort_keys=True))
        """, outputs=(col("T", "VARCHAR(2000) UTF8"),))
    env = {"AWS_ENDPOINT_URL": "http://127.0.0.1:5000"}
    _, rows = run(udf, [[(1,)]], env=env)
    assert json.loads(rows[0][0][0]) == env
    assert "AWS_SECRET_ACCESS_KEY" in os.environ


GET_DATAFRAME = """
    def run(ctx):
        out = []
        first = ctx.get_dataframe()
        out.append(f"{list(first.columns)}:{first.values.tolist()}:{ctx.a}")
        rest = ctx.get_dataframe(num_rows="all", start_col=1)
        out.append(f"{list(rest.columns)}:{rest.values.tolist()}")
        out.append(repr(ctx.get_dataframe(num_rows=5)))
        try:
            ctx.get_dataframe()
        except RuntimeError as error:
            out.append(str(error))
        ctx.reset()
        out.append(str(ctx.get_dataframe(num_rows=2).shape) + str(ctx.a))
        for args in ((0, 0), ("x", 0), (1, -1), (1, 3)):
            try:
                ctx.get_dataframe(*args)
            except RuntimeError as error:
                out.append(str(error))
        return "\\n".join(out)
    """


def test_get_dataframe_follows_exasol_semantics():
    udf = script(GET_DATAFRAME, parameters=(col("a", "DECIMAL(18,0)"), col("b", "VARCHAR(5) UTF8")),
                 output_type="RETURNS", outputs=(col("R", "VARCHAR(2000) UTF8"),))
    _, rows = run(udf, [[(1, "x"), (2, "y"), (3, "z")]])
    assert rows[0][0][0].split("\n") == [
        "['a', 'b']:[[1, 'x']]:2",
        "['b']:[['y'], ['z']]",
        "None",
        "E-UDF-CL-SL-PYTHON-1106: Iteration finished",
        "(2, 2)3",
        "E-UDF-CL-SL-PYTHON-1103: get_dataframe() parameter 'num_rows' must be 'all' or an integer > 0",
        "E-UDF-CL-SL-PYTHON-1103: get_dataframe() parameter 'num_rows' must be 'all' or an integer > 0",
        "E-UDF-CL-SL-PYTHON-1104: get_dataframe() parameter 'start_col' must be an integer >= 0",
        "E-UDF-CL-SL-PYTHON-1105: get_dataframe() parameter 'start_col' is 3, but there are only 2 input columns",
    ]


def test_emit_dataframe_in_a_worker_and_its_shape_checks():
    udf = script("""
        import pandas as pd
        def run(ctx):
            frame = ctx.get_dataframe(num_rows="all")
            frame["d"] = frame["a"] * 1.5
            ctx.emit(frame)
        """, parameters=(col("a", "DECIMAL(18,0)"), col("b", "VARCHAR(5) UTF8")),
        outputs=(col("A", "DECIMAL(18,0)"), col("B", "VARCHAR(5) UTF8"), col("D", "DOUBLE")))
    assert run(udf, [[(1, "x"), (2, None)]])[1] == [[(1, "x", 1.5), (2, None, 3.0)]]
    for body, code in (("ctx.emit(pd.DataFrame({'a': []}))", "1087: emit DataFrame is empty"),
                       ("ctx.emit(pd.DataFrame({'a': [1]}))", r"1088: emit\(\) takes exactly 3 arguments \(1 given\)")):
        bad = script(f"import pandas as pd\ndef run(ctx):\n    {body}\n", outputs=udf.outputs, parameters=udf.parameters)
        with pytest.raises(UdfError, match=code):
            run(bad, [[(1, "x")]])
