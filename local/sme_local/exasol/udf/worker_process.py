"""The parent's handle on one UDF worker process (one Exasol VM).

A worker is a fresh interpreter started with ``subprocess`` (fork+exec, never a bare fork of the threaded
server): ``<host python> <flags> -c <bootstrap> <vm dir> <fd>``. The bootstrap loads ``local/sme_local/exasol/udf/vm``
by file path under a private name, so the worker's ``sys.path`` holds only what the language provides. The
process gets exactly the environment it is given, cwd ``/tmp``, stdin closed, stdout and stderr into a private
temporary file whose tail is reported if the process dies unexpectedly. One socket carries the protocol.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Callable

from .languages import LanguageRuntime
from .model import UdfError
from .vm import protocol

VM_DIR = Path(__file__).resolve().parent / "vm"
_BOOTSTRAP = (
    "import sys, importlib.util as u\n"
    "s = u.spec_from_file_location('_exaemu_udf_vm', sys.argv[1] + '/__init__.py', "
    "submodule_search_locations=[sys.argv[1]])\n"
    "m = u.module_from_spec(s); sys.modules['_exaemu_udf_vm'] = m; s.loader.exec_module(m)\n"
    "from _exaemu_udf_vm.main import main\n"
    "main(int(sys.argv[2]))\n"
)
_LOG_TAIL_CHARS = 2000
_EXIT_GRACE_SECONDS = 5.0

Services = Callable[[str, str], tuple[str, Any]]


class WorkerProcess:
    def __init__(self, runtime: LanguageRuntime, env: dict[str, str], init: dict[str, Any], services: Services,
                 deadline: float, label: str) -> None:
        self._services = services
        self._deadline = deadline
        self._label = label
        self._log = tempfile.TemporaryFile()
        parent_end, child_end = socket.socketpair()
        try:
            self._process = subprocess.Popen(
                [sys.executable, *runtime.interpreter_flags, "-c", _BOOTSTRAP, str(VM_DIR), str(child_end.fileno())],
                env=env, cwd="/tmp", stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                pass_fds=(child_end.fileno(),),
            )
        except OSError as error:
            parent_end.close()
            self._log.close()
            raise UdfError(f"E-EMU-UDF-8: cannot start a UDF worker process for {label}: {error}. Mitigation: check "
                           "that the emulator's Python interpreter is still installed and the machine has free "
                           "processes and memory.") from None
        finally:
            child_end.close()
        self._channel = protocol.Channel(Connection(parent_end.detach()))
        self._ended = False  # the worker said FINISHED or FAILED and is exiting on its own
        self._channel.send((protocol.INIT, init))

    @property
    def pid(self) -> int:
        return self._process.pid

    def exchange(self, message: tuple | None, expected: str, on_rows: Callable[[list], None] | None = None,
                 input_rows: Callable[[int, int], tuple] | None = None) -> tuple:
        """Send ``message`` (if any), answer the worker's questions and its requests for more input rows (with
        ``input_rows(start, stop)``), pass emitted rows on, and return the worker's reply tagged ``expected``. A
        failure in the UDF raises UdfError with the text the worker built."""
        try:
            if message is not None:
                self._channel.send(message)
            while True:
                reply = self._receive()
                tag = reply[0]
                if tag == protocol.ROWS and on_rows is not None:
                    on_rows(reply[1])
                elif tag == protocol.INPUT_WANTED and input_rows is not None:
                    self._channel.send((protocol.INPUT, input_rows(reply[1], reply[2])))
                elif tag == protocol.ASK:
                    status, payload = self._services(reply[1], reply[2])
                    self._channel.send((protocol.ANSWER, status, payload))
                elif tag == protocol.FAILED:
                    self._ended = True
                    raise self._failure(reply[1], reply[2])
                elif tag == expected:
                    self._ended = tag == protocol.FINISHED
                    return reply
                else:
                    raise UdfError(f"F-EMU-UDF-11: UDF worker of {self._label} sent {tag!r} where {expected!r} was "
                                   "due (emulator bug).")
        except (EOFError, OSError):
            raise self._died() from None

    def _receive(self) -> tuple:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0 or not self._channel.poll(remaining):
            self.kill()
            raise UdfError(f"E-EMU-UDF-9: UDF {self._label} did not finish within the emulator's UDF time limit. "
                           "Mitigation: reduce the input, or raise the executor's timeout_seconds.", "R0001")
        return self._channel.recv()

    def _failure(self, text: str, kind: str) -> UdfError:
        if kind == "setup":
            # The worker's text names the failing step, its cause and the mitigation for that cause.
            return UdfError(f"E-EMU-UDF-7: cannot provide /buckets to UDF {self._label}: {text}.")
        return UdfError(text)

    def _died(self) -> UdfError:
        self.kill()
        self._log.seek(0, 2)
        self._log.seek(max(0, self._log.tell() - _LOG_TAIL_CHARS))
        tail = self._log.read().decode("utf-8", "replace").strip()
        return UdfError(f"E-EMU-UDF-8: the UDF worker process of {self._label} ended unexpectedly (exit code "
                        f"{self._process.returncode}). Output: {tail or '<none>'}. Mitigation: check the script for "
                        "os._exit(), crashes in native packages or running out of memory.")

    def kill(self) -> None:
        """Stop the process at once (used on errors, timeouts and executor shutdown)."""
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait(timeout=_EXIT_GRACE_SECONDS)

    def close(self) -> None:
        """Let a worker that ended its conversation exit (briefly), kill any other, release the resources."""
        if self._ended:
            try:
                self._process.wait(timeout=_EXIT_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                pass
        self.kill()
        self._channel.close()
        self._log.close()
