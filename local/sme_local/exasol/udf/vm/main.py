"""Entry point of a UDF worker process: one Exasol Python VM.

Lifecycle, as in Exasol: the script body is executed once (with ``exa`` and the wrapper's ``sys``, ``decimal``,
``datetime`` and ``traceback`` already in its globals), then ``run(ctx)`` per group (SET) or per row (SCALAR),
then ``cleanup()`` once if the script defines it. Run-loop rules follow ``__pythonvm_wrapped_run``:
SET+RETURNS emits ``run``'s result once per group, SET+EMITS calls ``run`` once per group, SCALAR calls ``run``
per row (emitting its result for RETURNS); SCALAR forbids ``ctx.next/reset`` and RETURNS forbids ``ctx.emit``.
"""

from __future__ import annotations

import builtins
import datetime
import decimal
import os
import re
import sys
import traceback
from multiprocessing.connection import Connection
from typing import Any

from . import protocol
from .columns import Batch
from .context import Emitter, UdfContext, disallowed
from .errors import udf_exception, vm_error
from .exa import Exa, ExaMeta
from .input_group import InputGroup
from .isolation import IsolationError, add_package_dirs, mount_buckets, replace_environment
from .sql_types import parse_sql_type
from .values import ColumnStore

_ENV_OPTION = re.compile(r"^\s*%env\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*;?\s*$")


class VmFailure(Exception):
    """A failure with the complete text the database would report."""


def split_script_options(code: str) -> tuple[dict[str, str], str]:
    """Take the ``%env NAME=value;`` lines from the top of the script (before any other non-blank line).

    They become blank lines, so line numbers in tracebacks still match the script as written.
    """
    lines = code.split("\n")
    variables = {}
    for index, line in enumerate(lines):
        match = _ENV_OPTION.match(line)
        if match:
            variables[match.group(1)] = match.group(2)
            lines[index] = ""
        elif line.strip():
            break
    return variables, "\n".join(lines)


class ScriptVm:
    def __init__(self, init: dict[str, Any], channel: protocol.Channel) -> None:
        self._channel = channel
        self._init = init
        self._env_options, self._code = split_script_options(init["code"])
        self._meta = ExaMeta(init["meta"], self._code)
        self._input_names = [name for name, _ in init["meta"]["input_columns"]]
        self._is_set = init["meta"]["input_type"] == "SET"
        self._returns = init["meta"]["output_type"] == "RETURNS"
        stores = [ColumnStore(name, parse_sql_type(text)) for name, text in init["meta"]["output_columns"]]
        self._emitter = Emitter(stores, lambda batch: channel.send((protocol.ROWS, batch)), init["chunk_rows"])
        self._globals: dict[str, Any] = {}

    def _ask(self, kind: str, name: str) -> tuple[str, Any]:
        self._channel.send((protocol.ASK, kind, name))
        tag, status, payload = self._channel.recv()
        assert tag == protocol.ANSWER, tag
        return status, payload

    def start(self) -> None:
        os.environ.update(self._env_options)
        try:
            compiled = compile(self._code, self._meta.script_name, "exec")
        except SyntaxError as error:
            raise VmFailure(vm_error("compile", error)) from None
        exa = Exa(self._meta, self._ask)
        self._globals = {"__builtins__": builtins, "exa": exa, "sys": sys, "decimal": decimal,
                         "datetime": datetime, "traceback": traceback}
        try:
            exec(compiled, self._globals)
        except BaseException:
            error = udf_exception("F-UDF-CL-SL-PYTHON-1122", "Exception while parsing UDF")
            raise VmFailure(vm_error("parse", error)) from None

    def _input(self, start: int, stop: int) -> Batch:
        self._channel.send((protocol.INPUT_WANTED, start, stop))
        tag, batch = self._channel.recv()
        assert tag == protocol.INPUT, tag
        return batch

    def run_group(self, row_count: int, first: Batch) -> None:
        group = InputGroup(row_count, first, self._input, self._init["chunk_rows"])
        if not group.row_count:
            return
        run = self._globals.get("run")
        if run is None:
            raise VmFailure(vm_error("run", RuntimeError("F-UDF-CL-SL-PYTHON-1110: function 'run' is not defined")))
        ctx = UdfContext(self._input_names, group, self._is_set, self._emitter)
        emit = ctx.emit
        if self._returns:
            ctx.emit = disallowed
        if not self._is_set:
            ctx.next = ctx.reset = disallowed
        try:
            if self._is_set:
                result = run(ctx)
                if self._returns:
                    emit(result)
            else:
                while True:
                    result = run(ctx)
                    if self._returns:
                        emit(result)
                    if not UdfContext.next(ctx):
                        break
        except BaseException:
            raise VmFailure(vm_error("run", udf_exception("F-UDF-CL-SL-PYTHON-1114", "Exception during run"))) \
                from None
        self._emitter.flush()

    def default_output_columns(self) -> str:
        function = self._globals.get("default_output_columns")
        if function is None:
            raise VmFailure(
                "E-EMU-UDF-6: the script has dynamic output columns (EMITS (...)) but the query has no EMITS clause "
                "and the script defines no default_output_columns(). Mitigation: add EMITS (<columns>) to the call "
                "or define default_output_columns() in the script.")
        try:
            answer = function()
        except BaseException:
            error = udf_exception("F-UDF-CL-SL-PYTHON-1118", "Exception during singleCall default_output_columns")
            raise VmFailure(vm_error("single_call", error)) from None
        if not isinstance(answer, str):
            raise VmFailure(vm_error("single_call", TypeError(
                f"default_output_columns() must return a string, got {type(answer).__name__}")))
        return answer

    def cleanup(self) -> None:
        function = self._globals.get("cleanup")
        if function is None:
            return
        try:
            function()
        except BaseException:
            error = udf_exception("F-UDF-CL-SL-PYTHON-1109", "Exception during cleanup")
            raise VmFailure(vm_error("cleanup", error)) from None


def _prepare_process(init: dict[str, Any]) -> None:
    if init["mount_root"] is not None:
        mount_buckets(init["mount_root"])
    replace_environment(init["env"])
    add_package_dirs(init["package_dirs"])
    sys.argv = [""]


def main(fd: int) -> None:
    channel = protocol.Channel(Connection(fd))
    tag, init = channel.recv()
    assert tag == protocol.INIT, tag
    try:
        _prepare_process(init)
    except IsolationError as error:
        channel.send((protocol.FAILED, str(error), "setup"))
        return
    vm = ScriptVm(init, channel)
    try:
        vm.start()
        channel.send((protocol.READY,))
        while True:
            message = channel.recv()
            if message[0] == protocol.GROUP:
                vm.run_group(message[1], message[2])
                channel.send((protocol.GROUP_DONE,))
            elif message[0] == protocol.DEFAULT_OUTPUT_COLUMNS:
                channel.send((protocol.COLUMNS, vm.default_output_columns()))
            elif message[0] == protocol.FINISH:
                vm.cleanup()
                channel.send((protocol.FINISHED,))
                return
    except VmFailure as failure:
        channel.send((protocol.FAILED, str(failure), "user"))
