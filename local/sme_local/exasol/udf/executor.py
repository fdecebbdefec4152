"""Runs one Python UDF call of a query: resolves columns and language, starts the VMs, collects typed rows.

Every call gets fresh worker processes (Exasol starts VMs per query too). SET scripts spread their groups over
up to ``workers`` VMs, each taking the next unprocessed group until none is left; SCALAR scripts run in one VM.
If any VM fails, the others are killed and the first failure is raised.
"""

from __future__ import annotations

import os
import queue
import secrets
import threading
import time
from pathlib import Path
from typing import Any, Callable, Sequence

from .column_arrays import ColumnBatch
from .languages import LanguageRuntime, resolve_language
from .model import ConnectionLookupError, UdfColumn, UdfError, UdfScript, UdfSession
from .vm import protocol
from .vm.columns import OBJECT, Batch, decode_rows, encode_rows, kind_of_sql_type
from .vm.sql_types import parse_column_list, parse_sql_type
from .worker_process import WorkerProcess


class UdfExecutor:
    """See the package docstring for the contract. Thread-safe: the core may run several calls at once."""

    def __init__(self, bucketfs_root: Path | None, env: dict[str, str], workers: int | None = None,
                 timeout_seconds: float = 3600.0, chunk_rows: int = 10_000) -> None:
        # Workers run with another working directory, so a relative root would name nothing there.
        self._bucketfs_root = bucketfs_root.absolute() if bucketfs_root is not None else None
        self._env = dict(env)
        self._workers = max(1, workers or os.cpu_count() or 1)
        self._timeout_seconds = timeout_seconds
        self._chunk_rows = chunk_rows
        self._live: set[WorkerProcess] = set()
        self._lock = threading.Lock()
        self._closed = False

    def run(self, script: UdfScript, input_columns: Sequence[UdfColumn], groups: Sequence[Sequence[tuple]],
            emits: Sequence[UdfColumn] | None, session: UdfSession) -> tuple[list[UdfColumn], list[list[tuple]]]:
        """Call the script on ``groups`` of row tuples and return (output columns, output rows per group, in
        group order). ``run_batches`` is the same call for column batches, without a Python step per value.

        For SCALAR scripts all groups go through one VM and each group's output is what its rows produced, in
        row order (RETURNS: one 1-tuple per input row).
        """
        runtime, inputs = self._prepare(script, input_columns, session)
        kinds = [_wire_kind(column) for column in inputs]
        outputs, results = self._run(script, runtime, inputs, emits, session, [len(rows) for rows in groups],
                                     lambda index, start, stop: encode_rows(kinds, groups[index][start:stop]))
        return outputs, [[row for batch in batches for row in decode_rows(batch)] for batches in results]

    def run_batches(self, script: UdfScript, input_columns: Sequence[UdfColumn], groups: Sequence[ColumnBatch],
                    emits: Sequence[UdfColumn] | None,
                    session: UdfSession) -> tuple[list[UdfColumn], list[ColumnBatch]]:
        """``run`` for column batches: one input batch per group (its columns of the kinds the input types map
        to, or ``object``), one output batch per group (empty when the group emitted nothing)."""
        runtime, inputs = self._prepare(script, input_columns, session)
        expected = [_wire_kind(column) for column in inputs]
        for batch in groups:
            actual = [column.kind for column in batch.columns]
            if len(actual) != len(expected) or any(a not in (e, OBJECT) for a, e in zip(actual, expected)):
                raise UdfError(f"F-EMU-UDF-11: input batch of {_label(script)} has columns {actual}, expected "
                               f"{expected} (emulator bug).")
        outputs, results = self._run(script, runtime, inputs, emits, session, [b.row_count for b in groups],
                                     lambda index, start, stop: groups[index].rows(start, stop).wire())
        kinds = [_wire_kind(column) for column in outputs]
        return outputs, [ColumnBatch.concat([ColumnBatch.from_wire(batch) for batch in batches], kinds)
                         for batches in results]

    def _prepare(self, script: UdfScript, input_columns: Sequence[UdfColumn],
                 session: UdfSession) -> tuple[LanguageRuntime, list[UdfColumn]]:
        runtime = resolve_language(script.language_alias, session.script_languages, self._bucketfs_root)
        return runtime, _effective_inputs(script, input_columns)

    def _run(self, script: UdfScript, runtime: LanguageRuntime, inputs: list[UdfColumn],
             emits: Sequence[UdfColumn] | None, session: UdfSession, group_sizes: list[int],
             payload: Callable[[int, int, int], Batch]) -> tuple[list[UdfColumn], list[list[Batch]]]:
        """Run the non-empty groups (``payload(group, start, stop)`` encodes rows of one when its VM wants them);
        per group the output batches its VM sent."""
        outputs = self._effective_outputs(script, inputs, emits, session, runtime)
        results: list[list[Batch]] = [[] for _ in group_sizes]
        work = [index for index, size in enumerate(group_sizes) if size]
        if not work:
            return outputs, results
        vm_count = 1 if script.input_type == "SCALAR" else min(self._workers, len(work))
        deadline = time.monotonic() + self._timeout_seconds

        def start(vm_index: int) -> WorkerProcess:
            init = self._vm_init(runtime, script, inputs, outputs, session, vm_index)
            return self._start_worker(runtime, init, session, deadline, script)

        _ParallelCall(start, self._stop_worker, _GroupInput(payload, group_sizes, self._chunk_rows), work,
                      results).execute(vm_count)
        return outputs, results

    def default_output_columns(self, script: UdfScript, input_columns: Sequence[UdfColumn],
                               session: UdfSession) -> list[UdfColumn]:
        """The columns of an ``EMITS (...)`` script called without an EMITS clause, from its
        ``default_output_columns()`` (run in a VM of its own, with ``exa.meta.input_columns`` filled)."""
        runtime, inputs = self._prepare(script, input_columns, session)
        return self._default_output_columns(script, inputs, session, runtime)

    def close(self) -> None:
        """Kill every worker still running; later calls fail."""
        with self._lock:
            self._closed = True
            live = list(self._live)
        for worker in live:
            worker.kill()

    def _effective_outputs(self, script: UdfScript, inputs: list[UdfColumn], emits: Sequence[UdfColumn] | None,
                           session: UdfSession, runtime: LanguageRuntime) -> list[UdfColumn]:
        if script.outputs is not None:
            if emits is not None:
                raise UdfError(f"E-EMU-UDF-10: {_label(script)} declares its output columns; an EMITS clause is "
                               "only allowed for EMITS (...) scripts. Mitigation: remove the EMITS clause.", "42000")
            return list(script.outputs)
        if emits is not None:
            for column in emits:
                _checked_type(column, script)
            return list(emits)
        return self._default_output_columns(script, inputs, session, runtime)

    def _default_output_columns(self, script: UdfScript, inputs: list[UdfColumn], session: UdfSession,
                                runtime: LanguageRuntime) -> list[UdfColumn]:
        deadline = time.monotonic() + self._timeout_seconds
        init = self._vm_init(runtime, script, inputs, [], session, 0)
        worker = self._start_worker(runtime, init, session, deadline, script)
        try:
            worker.exchange(None, protocol.READY)
            answer = worker.exchange((protocol.DEFAULT_OUTPUT_COLUMNS,), protocol.COLUMNS)[1]
            worker.exchange((protocol.FINISH,), protocol.FINISHED)
        finally:
            self._stop_worker(worker)
        try:
            return [UdfColumn(name, sql_type.text) for name, sql_type in parse_column_list(answer)]
        except ValueError as error:
            raise UdfError(f"E-EMU-UDF-10: default_output_columns() of {_label(script)} returned {answer!r}, which "
                           f"is not a column list: {error}. Mitigation: return e.g. 'A DOUBLE, B VARCHAR(100)'.",
                           "42000") from None

    def _start_worker(self, runtime: LanguageRuntime, init: dict[str, Any], session: UdfSession, deadline: float,
                     script: UdfScript) -> WorkerProcess:
        with self._lock:
            if self._closed:
                raise UdfError("E-EMU-UDF-8: the UDF executor is shut down. Mitigation: restart the emulator.")
        worker = WorkerProcess(runtime, self._env, init, _services(session, script), deadline, _label(script))
        with self._lock:
            self._live.add(worker)
            closed = self._closed
        if closed:
            worker.kill()
        return worker

    def _stop_worker(self, worker: WorkerProcess) -> None:
        with self._lock:
            self._live.discard(worker)
        worker.close()

    def _vm_init(self, runtime: LanguageRuntime, script: UdfScript, inputs: list[UdfColumn],
                 outputs: list[UdfColumn], session: UdfSession, vm_index: int) -> dict[str, Any]:
        """Everything a VM needs, as plain data (the worker cannot import the emulator's classes)."""
        meta = {
            "database_name": session.database_name,
            "database_version": session.database_version,
            "script_name": script.name,
            "script_schema": script.schema,
            "current_user": session.current_user,
            "current_schema": session.current_schema or "",
            "session_id": str(session.session_id),
            "statement_id": session.statement_id,
            "node_count": session.node_count,
            "node_id": vm_index % session.node_count,  # VM i runs on node i mod N, as Exasol spreads VMs
            "memory_limit": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"),
            "vm_id": str(secrets.randbits(56) * 256 + vm_index % 256),
            "input_columns": [(column.name, column.sql_type) for column in inputs],
            "input_type": script.input_type,
            "output_columns": [(column.name, column.sql_type) for column in outputs],
            "output_type": script.output_type,
        }
        return {
            "mount_root": str(self._bucketfs_root) if self._bucketfs_root is not None else None,
            "env": self._env,
            "package_dirs": [self._udf_path(directory) for directory in runtime.package_dirs],
            "meta": meta,
            "code": script.code,
            "chunk_rows": self._chunk_rows,
        }

    def _udf_path(self, directory: Path) -> str:
        """The path by which the worker sees a container directory: under /buckets, as in Exasol (so module
        ``__file__`` names /buckets/...), once the worker has mounted the BucketFS root there."""
        if self._bucketfs_root is None:
            return str(directory)
        return "/buckets/" + directory.relative_to(self._bucketfs_root).as_posix()


class _GroupInput:
    """The rows of the groups as the VMs read them: a group's first window goes with it, the others on request
    (``vm.input_group``), so no worker ever holds a whole large group."""

    def __init__(self, payload: Callable[[int, int, int], Batch], sizes: list[int], window_rows: int) -> None:
        self._payload = payload
        self._sizes = sizes
        self._window_rows = window_rows

    def message(self, index: int) -> tuple:
        size = self._sizes[index]
        return (protocol.GROUP, size, self._payload(index, 0, min(size, self._window_rows)))

    def rows(self, index: int) -> Callable[[int, int], Batch]:
        size = self._sizes[index]

        def window(start: int, stop: int) -> Batch:
            if not 0 <= start < stop <= size:
                raise UdfError(f"F-EMU-UDF-11: UDF worker asked for input rows {start}:{stop} of a group of {size} "
                               "(emulator bug).")
            return self._payload(index, start, stop)

        return window


class _ParallelCall:
    """One run() of a script: ``vm_count`` VMs, each taking the next unprocessed group until none is left."""

    def __init__(self, start: Callable[[int], WorkerProcess], stop: Callable[[WorkerProcess], None],
                 payload: _GroupInput, work: list[int], results: list[list[Batch]]) -> None:
        self._start = start
        self._stop = stop
        self._payload = payload
        self._results = results
        self._pending: queue.SimpleQueue[int] = queue.SimpleQueue()
        for index in work:
            self._pending.put(index)
        self._failure: UdfError | None = None
        self._failed = threading.Event()
        self._workers: list[WorkerProcess] = []
        self._lock = threading.Lock()

    def execute(self, vm_count: int) -> None:
        threads = [threading.Thread(target=self._drive, args=(index,), daemon=True) for index in range(vm_count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if self._failure is not None:
            raise self._failure

    def _drive(self, vm_index: int) -> None:
        worker = None
        try:
            worker = self._start(vm_index)
            with self._lock:
                self._workers.append(worker)
            if self._failed.is_set():
                return
            worker.exchange(None, protocol.READY)
            while not self._failed.is_set():
                try:
                    index = self._pending.get_nowait()
                except queue.Empty:
                    break
                batches: list[Batch] = []
                worker.exchange(self._payload.message(index), protocol.GROUP_DONE, batches.append,
                                self._payload.rows(index))
                self._results[index] = batches
            if not self._failed.is_set():
                worker.exchange((protocol.FINISH,), protocol.FINISHED)
        except UdfError as error:
            self._fail(error)
        except Exception as error:  # an emulator bug must still end the query, not hang it
            self._fail(UdfError(f"F-EMU-UDF-11: internal error of the UDF executor: {type(error).__name__}: "
                                f"{error}"))
        finally:
            if worker is not None:
                self._stop(worker)

    def _fail(self, error: UdfError) -> None:
        with self._lock:
            if self._failure is None:
                self._failure = error
            self._failed.set()
            others = list(self._workers)
        for worker in others:
            worker.kill()


def _effective_inputs(script: UdfScript, input_columns: Sequence[UdfColumn]) -> list[UdfColumn]:
    if script.parameters is None:
        columns = list(input_columns)
    elif len(input_columns) != len(script.parameters):
        raise UdfError(f"E-EMU-UDF-10: {_label(script)} takes {len(script.parameters)} arguments, "
                       f"{len(input_columns)} given. Mitigation: call it with the declared parameters.", "42000")
    else:
        columns = list(script.parameters)
    for column in columns:
        _checked_type(column, script)
    return columns


def _wire_kind(column: UdfColumn) -> str:
    """The batch kind of a column's values (its type was checked by ``_checked_type``)."""
    sql_type = parse_sql_type(column.sql_type)
    return kind_of_sql_type(sql_type.kind, sql_type.scale, sql_type.precision)


def _checked_type(column: UdfColumn, script: UdfScript) -> None:
    try:
        parse_sql_type(column.sql_type)
    except ValueError as error:
        raise UdfError(f"E-EMU-UDF-10: column {column.name} of {_label(script)}: {error}. Mitigation: use DECIMAL, "
                       "DOUBLE, BOOLEAN, CHAR, VARCHAR, DATE or TIMESTAMP columns.", "0A000") from None


def _label(script: UdfScript) -> str:
    return f"{script.schema}.{script.name}"


def _services(session: UdfSession, script: UdfScript) -> Callable[[str, str], tuple[str, Any]]:
    """Answer a VM's questions from the session: connections and imported scripts."""

    def answer(kind: str, name: str) -> tuple[str, Any]:
        if kind == "connection":
            try:
                connection = session.connections(name)
            except ConnectionLookupError as error:
                return "error", str(error)
            if connection is None:
                return "error", f"connection {name} does not exist"
            return "ok", {"type": connection.type, "address": connection.address, "user": connection.user,
                          "password": connection.password}
        if kind == "script":
            code = session.scripts(name)
            if code is None:
                return "error", f"script {name} not found"
            return "ok", code
        return "error", f"unknown request {kind!r} from {_label(script)}"

    return answer
