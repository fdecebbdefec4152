"""A group reaches its VM in windows of ``chunk_rows`` rows (``vm.input_group``): whatever way a UDF walks its
group — row by row, with reset(), by get_dataframe chunks larger or smaller than a window, mixed — it sees
exactly the group's rows, in order."""

from __future__ import annotations

import numpy

from sme_local.exasol.udf import ColumnArray, ColumnBatch, UdfExecutor

from udf_test_support import col, run, script, session

WALKS = """
def run(ctx):
    seen = [ctx.x]
    while ctx.next():
        seen.append(ctx.x)
    ctx.reset()
    again = [ctx[0]]
    frame = ctx.get_dataframe(num_rows=2)          # rows 0-1, then the cursor is on row 2
    chunks = [list(frame["x"])]
    while True:
        frame = ctx.get_dataframe(num_rows=5)      # larger than a window of 3
        if frame is None:
            break
        chunks.append(list(frame["x"]))
    for value in seen:
        ctx.emit("rows", value)
    for value in again:
        ctx.emit("reset", value)
    for chunk in chunks:
        for value in chunk:
            ctx.emit("frames", int(value))
    ctx.emit("size", ctx.size())
"""


def test_every_walk_over_a_windowed_group_sees_all_rows_in_order():
    udf = script(WALKS, outputs=(col("HOW", "VARCHAR(10)"), col("Y", "DECIMAL(18,0)")))
    groups = [[(value,) for value in range(10)], [(100,)], [(value,) for value in range(200, 207)]]
    executor = UdfExecutor(None, {}, workers=2, timeout_seconds=60, chunk_rows=3)
    _, outputs = run(udf, groups, executor=executor)
    for group, output in zip(groups, outputs):
        values = [row[0] for row in group]
        assert [y for how, y in output if how == "rows"] == values
        assert [y for how, y in output if how == "reset"] == values[:1]
        assert [y for how, y in output if how == "frames"] == values
        assert [y for how, y in output if how == "size"] == [len(values)]


def test_column_batches_reach_the_vm_window_by_window():
    udf = script("""
def run(ctx):
    while True:
        frame = ctx.get_dataframe(num_rows=2)
        if frame is None:
            break
        for value in frame["x"]:
            ctx.emit(None if value != value else int(value))
""")
    nulls = numpy.array([index % 4 == 3 for index in range(11)])
    data = numpy.where(nulls, 0, numpy.arange(11) * 10).astype(numpy.int64)
    batch = ColumnBatch(11, [ColumnArray("int64", data, nulls)])
    executor = UdfExecutor(None, {}, workers=1, timeout_seconds=60, chunk_rows=3)
    try:
        _, outputs = executor.run_batches(udf, list(udf.parameters), [batch], None, session())
    finally:
        executor.close()
    assert outputs[0].columns[0].values() == [None if index % 4 == 3 else index * 10 for index in range(11)]


HIGH_WATER = """
def run(ctx):
    while ctx.get_dataframe(num_rows=1000) is not None:
        pass
    with open("/proc/self/status") as status:
        ctx.emit(next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")))
"""


def peak_growth_kb(window_rows: int) -> int:
    """How much a VM's peak RSS grows from a one-row group to a group of 200,000 100-character strings."""
    udf = script(HIGH_WATER, parameters=(col("s", "VARCHAR(200) UTF8"),))
    text = numpy.array(["x" * 99 + str(index % 10) for index in range(200_000)], dtype=object)
    groups = [ColumnBatch(1, [ColumnArray("string", text[:1])]), ColumnBatch(len(text), [ColumnArray("string", text)])]
    executor = UdfExecutor(None, {}, workers=1, timeout_seconds=60, chunk_rows=window_rows)
    try:
        _, outputs = executor.run_batches(udf, list(udf.parameters), groups, None, session())
    finally:
        executor.close()
    small, large = (output.columns[0].values()[0] for output in outputs)
    return large - small


def test_a_vm_reading_in_chunks_holds_a_window_not_its_group():
    # ~30 MB of strings: measured +7.5 MB with windows of 10,000 rows, +53 MB with the group in one window
    assert peak_growth_kb(10_000) < 20_000
    assert peak_growth_kb(200_000) > 40_000  # the group in one window: the measurement does see the table
