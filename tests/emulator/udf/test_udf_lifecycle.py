"""Run-loop semantics of the executor: lifecycle, SCALAR/SET x RETURNS/EMITS, ctx, dynamic columns, errors."""

from __future__ import annotations

import decimal

import pytest

from sme_local.exasol.udf import UdfError, UdfExecutor
from udf_test_support import SESSION_ID, col, run, script, session


def test_body_once_per_vm_run_per_group_cleanup_once(tmp_path):
    log = tmp_path / "log.txt"
    udf = script(f"""
        LOG = {str(log)!r}
        open(LOG, "a").write("body\\n")
        calls = 0
        def run(ctx):
            global calls
            calls += 1
            open(LOG, "a").write("run\\n")
            ctx.emit(calls)
        def cleanup():
            open(LOG, "a").write("cleanup\\n")
        """)
    executor = UdfExecutor(None, {}, workers=1)
    _, rows = run(udf, [[(1,)], [(2,)], [(3,)]], executor=executor)
    assert rows == [[(1,)], [(2,)], [(3,)]]
    assert log.read_text().split() == ["body", "run", "run", "run", "cleanup"]


def test_scalar_returns_one_value_per_row_in_order_and_none_is_null():
    udf = script("""
        def run(ctx):
            return None if ctx.x is None else ctx.x * 10
        """, input_type="SCALAR", output_type="RETURNS", outputs=(col("R", "DECIMAL(18,0)"),))
    columns, rows = run(udf, [[(1,), (None,), (3,)], [(4,)]])
    assert columns == [col("R", "DECIMAL(18,0)")]
    assert rows == [[(10,), (None,), (30,)], [(40,)]]


def test_scalar_emits_any_number_of_rows_per_input_row():
    udf = script("""
        def run(ctx):
            for i in range(ctx.x):
                ctx.emit(ctx.x, i)
        """, input_type="SCALAR", outputs=(col("X", "DECIMAL(18,0)"), col("I", "DECIMAL(18,0)")))
    _, rows = run(udf, [[(2,), (0,), (1,)]])
    assert rows == [[(2, 0), (2, 1), (1, 0)]]


def test_set_returns_one_value_per_group_and_walks_with_next_size_reset():
    udf = script("""
        def run(ctx):
            total = 0
            while True:
                total += ctx.x
                if not ctx.next():
                    break
            assert ctx.next() is False
            assert ctx.reset() is True
            return f"{ctx.size()}:{total}:{ctx.x}"
        """, output_type="RETURNS", outputs=(col("R", "VARCHAR(20) UTF8"),))
    _, rows = run(udf, [[(1,), (2,), (3,)], [(5,)]])
    assert rows == [[("3:6:1",)], [("1:5:5",)]]


def test_ctx_access_by_attribute_name_and_position_and_its_errors():
    udf = script("""
        def run(ctx):
            ctx.emit(f"{ctx.a}|{ctx['b']}|{ctx[0]}|{ctx[1]}")
            for probe in (lambda: ctx['nope'], lambda: ctx.nope):
                try:
                    probe()
                except RuntimeError as error:
                    ctx.emit(str(error))
            ctx.next()
            for probe in (lambda: ctx.a, lambda: ctx['a']):
                try:
                    probe()
                except RuntimeError as error:
                    ctx.emit(str(error))
        """, parameters=(col("a", "DECIMAL(18,0)"), col("b", "VARCHAR(10) UTF8")),
        outputs=(col("T", "VARCHAR(200) UTF8"),))
    _, rows = run(udf, [[(7, "seven")]])
    assert [row[0] for row in rows[0]] == [
        "7|seven|7|seven",
        "E-UDF-CL-SL-PYTHON-1082: Column with name 'nope' does not exist",
        "E-UDF-CL-SL-PYTHON-1085: Iterator has no object with name 'nope'",
        "E-UDF-CL-SL-PYTHON-1084: Iteration finished",
        "E-UDF-CL-SL-PYTHON-1081: Iteration finished",
    ]


def test_scalar_forbids_next_and_reset_and_returns_forbids_emit():
    scalar = script("""
        def run(ctx):
            out = []
            for call in (ctx.next, ctx.reset):
                try:
                    call()
                except RuntimeError as error:
                    out.append(str(error))
            return " / ".join(out)
        """, input_type="SCALAR", output_type="RETURNS", outputs=(col("R", "VARCHAR(300) UTF8"),))
    _, rows = run(scalar, [[(1,)]])
    message = "F-UDF-CL-SL-PYTHON-1107: next(), reset() and emit() functions are not allowed in scalar context"
    assert rows == [[(f"{message} / {message}",)]]
    returns = script("""
        def run(ctx):
            ctx.emit(1)
        """, output_type="RETURNS", outputs=(col("R", "DECIMAL(18,0)"),))
    with pytest.raises(UdfError, match="RuntimeError: F-UDF-CL-SL-PYTHON-1107"):
        run(returns, [[(1,)]])


def test_emit_argument_count_is_checked():
    two = script("def run(ctx):\n    ctx.emit(1)\n", outputs=(col("A", "DOUBLE"), col("B", "DOUBLE")))
    with pytest.raises(UdfError, match=r"E-UDF-CL-SL-PYTHON-1089: emit\(\) takes exactly 2 arguments \(1 given\)"):
        run(two, [[(1,)]])
    one = script("def run(ctx):\n    ctx.emit(1, 2)\n")
    with pytest.raises(UdfError, match=r"E-UDF-CL-SL-PYTHON-1090: emit\(\) takes exactly 1 argument \(2 given\)"):
        run(one, [[(1,)]])


def test_dynamic_input_is_positional_and_described_in_meta():
    udf = script("""
        def run(ctx):
            cols = exa.meta.input_columns
            ctx.emit(f"{ctx[0]}-{ctx[1]}-{len(cols)}-{cols[1].name}-{cols[1].sql_type}")
        """, parameters=None, outputs=(col("T", "VARCHAR(100) UTF8"),))
    inputs = [col("K", "DECIMAL(9,0)"), col("F", "VARCHAR(5) UTF8")]
    _, rows = run(udf, [[(1, "a")]], inputs=inputs)
    assert rows == [[("1-a-2-F-VARCHAR(5) UTF8",)]]


DYNAMIC_OUTPUT = """
    def default_output_columns():
        return ", ".join(f'"{c.name}_OUT" {c.sql_type}' for c in exa.meta.input_columns)
    def run(ctx):
        ctx.emit(*[ctx[i] for i in range(exa.meta.input_column_count)])
    """


def test_dynamic_output_from_default_output_columns_and_from_emits_clause():
    udf = script(DYNAMIC_OUTPUT, parameters=None, outputs=None)
    inputs = [col("A", "DECIMAL(9,0)"), col("B", "varchar(5)")]
    executor = UdfExecutor(None, {}, workers=1)
    try:
        assert executor.default_output_columns(udf, inputs, session()) == [
            col("A_OUT", "DECIMAL(9,0)"), col("B_OUT", "VARCHAR(5) UTF8")]
        columns, rows = executor.run(udf, inputs, [[(1, "x")]], None, session())
        assert columns == [col("A_OUT", "DECIMAL(9,0)"), col("B_OUT", "VARCHAR(5) UTF8")]
        assert rows == [[(1, "x")]]
        emits = [col("P", "DOUBLE"), col("Q", "VARCHAR(1) UTF8")]
        assert executor.run(udf, inputs, [[(2, "y")]], emits, session()) == (emits, [[(2.0, "y")]])
    finally:
        executor.close()


def test_dynamic_output_without_emits_or_default_output_columns_fails():
    udf = script("def run(ctx):\n    pass\n", parameters=None, outputs=None)
    with pytest.raises(UdfError, match="E-EMU-UDF-6"):
        run(udf, [[(1,)]], inputs=[col("A", "DOUBLE")])


def test_call_shape_errors():
    udf = script("def run(ctx):\n    pass\n")
    with pytest.raises(UdfError, match="takes 1 arguments, 2 given"):
        run(udf, [[(1, 2)]], inputs=[col("A", "DOUBLE"), col("B", "DOUBLE")])
    with pytest.raises(UdfError, match="EMITS clause is only allowed"):
        run(udf, [[(1,)]], emits=[col("A", "DOUBLE")])


def test_empty_groups_do_not_call_run():
    udf = script("def run(ctx):\n    raise ValueError('must not run')\n")
    assert run(udf, [[], []]) == ([col("Y", "DECIMAL(18,0)")], [[], []])


def test_user_exception_text_passes_verbatim_with_udf_name_and_layer_codes():
    udf = script("""
        def helper():
            raise ValueError("E-SME-201: bad request\\nMitigation: fix it")
        def run(ctx):
            helper()
        """)
    with pytest.raises(UdfError) as caught:
        run(udf, [[(1,)]])
    text = caught.value.text
    assert text.startswith("VM error: F-UDF-CL-LIB-1127: F-UDF-CL-SL-PYTHON-1002: F-UDF-CL-SL-PYTHON-1026: "
                           "ExaUDFError: F-UDF-CL-SL-PYTHON-1114: Exception during run: ValueError: "
                           "E-SME-201: bad request\nMitigation: fix it.")
    assert "MY_UDF:5 run" in text and "MY_UDF:3 helper" in text
    assert "vm/main.py" not in text
    assert caught.value.sql_code == "22002"
    assert str(SESSION_ID) not in text  # the core appends " (Session: N)"


def test_parse_compile_and_cleanup_failures_have_their_own_codes():
    with pytest.raises(UdfError, match="F-UDF-CL-SL-PYTHON-1000: F-UDF-CL-SL-PYTHON-1005: SyntaxError"):
        run(script("def run(ctx)\n    pass\n"), [[(1,)]])
    with pytest.raises(UdfError, match=r"F-UDF-CL-SL-PYTHON-1122: Exception while parsing UDF: KeyError: 'x'"):
        run(script("{}['x']\n"), [[(1,)]])
    with pytest.raises(UdfError, match="F-UDF-CL-SL-PYTHON-1109: Exception during cleanup: OSError: gone"):
        run(script("def run(ctx):\n    ctx.emit(1)\ndef cleanup():\n    raise OSError('gone')\n"), [[(1,)]])
    with pytest.raises(UdfError, match="F-UDF-CL-SL-PYTHON-1110: function 'run' is not defined"):
        run(script("x = 1\n"), [[(1,)]])


def test_values_arrive_with_exasol_python_types():
    udf = script("""
        def run(ctx):
            ctx.emit(" ".join(type(ctx[i]).__name__ for i in range(7)))
        """, parameters=(col("a", "DECIMAL(18,0)"), col("b", "DECIMAL(10,2)"), col("c", "DOUBLE"),
                         col("d", "BOOLEAN"), col("e", "VARCHAR(3) UTF8"), col("f", "DATE"), col("g", "TIMESTAMP(3)")),
        input_type="SCALAR", outputs=(col("T", "VARCHAR(200) UTF8"),))
    import datetime
    row = (1, decimal.Decimal("1.50"), 2.5, True, "abc", datetime.date(2024, 1, 2),
           datetime.datetime(2024, 1, 2, 3, 4, 5, 6000))
    _, rows = run(udf, [[row, (None,) * 7]])
    assert rows == [[("int Decimal float bool str date datetime",), ("NoneType " * 6 + "NoneType",)]]
