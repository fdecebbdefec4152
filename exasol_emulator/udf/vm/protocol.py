"""Message tags between the executor (parent) and a UDF worker process.

Messages are tuples whose first item is a tag, pickled over one socket (``multiprocessing.connection``
framing). Payloads hold only builtins, ``decimal.Decimal`` and ``datetime`` values, because the worker cannot
import the emulator's classes: it runs on the host's stdlib plus the language's packages only.

parent -> worker: (INIT, dict) once; then (GROUP, rows) / (DEFAULT_OUTPUT_COLUMNS,) / (FINISH,);
                  (ANSWER, "ok" | "error", payload) only in reply to an ASK.
worker -> parent: (READY,) after the script body ran; (ROWS, rows)* then (GROUP_DONE,) per group;
                  (COLUMNS, text); (FINISHED,) after cleanup(); (ASK, "connection" | "script", name);
                  (FAILED, text, "user" | "setup") and the worker exits.
"""

INIT = "init"
GROUP = "group"
DEFAULT_OUTPUT_COLUMNS = "default_output_columns"
FINISH = "finish"
ANSWER = "answer"

READY = "ready"
ROWS = "rows"
GROUP_DONE = "group_done"
COLUMNS = "columns"
FINISHED = "finished"
ASK = "ask"
FAILED = "failed"
