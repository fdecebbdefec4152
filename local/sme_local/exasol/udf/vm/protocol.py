"""Message tags between the executor (parent) and a UDF worker process.

Messages are tuples whose first item is a tag, pickled over one socket (``multiprocessing.connection``
framing) by ``Channel``. Payloads hold only builtins and stdlib values, because the worker cannot import the emulator's
classes: it runs on the host's stdlib plus the language's packages only. Rows travel as column batches
(``columns``): one buffer per fixed-width column instead of one pickled object per value.

parent -> worker: (INIT, dict) once; then (GROUP, row_count, first window) / (DEFAULT_OUTPUT_COLUMNS,) /
                  (FINISH,); (ANSWER, "ok" | "error", payload) only in reply to an ASK; (INPUT, batch) only in
                  reply to an INPUT_WANTED.
worker -> parent: (READY,) after the script body ran; per group (ROWS, batch)* and (INPUT_WANTED, start,
                  stop)* (rows start:stop of the group, a window of ``vm.input_group``) then (GROUP_DONE,);
                  (COLUMNS, text); (FINISHED,) after cleanup(); (ASK, "connection" | "script", name);
                  (FAILED, text, "user" | "setup") and the worker exits.
"""

from __future__ import annotations

import io
import pickle
from multiprocessing.connection import Connection
from typing import Any

INIT = "init"
GROUP = "group"
DEFAULT_OUTPUT_COLUMNS = "default_output_columns"
FINISH = "finish"
ANSWER = "answer"
INPUT = "input"

READY = "ready"
ROWS = "rows"
GROUP_DONE = "group_done"
COLUMNS = "columns"
FINISHED = "finished"
ASK = "ask"
FAILED = "failed"
INPUT_WANTED = "input_wanted"


class Channel:
    """One end of the worker's socket. Messages are pickled without the memo ("fast" mode): a batch holds
    millions of distinct strings, and memoising each costs ten times the pickling itself. That is safe because
    messages are trees of builtins built here, never self-referencing."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def send(self, message: tuple) -> None:
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.fast = True
        pickler.dump(message)
        self._connection.send_bytes(buffer.getbuffer())

    def recv(self) -> Any:
        return pickle.loads(self._connection.recv_bytes())

    def poll(self, timeout: float) -> bool:
        return self._connection.poll(timeout)

    def close(self) -> None:
        self._connection.close()
