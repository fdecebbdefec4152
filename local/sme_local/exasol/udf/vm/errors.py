"""Exasol-shaped UDF error texts.

Exasol wraps a failing UDF in layers of codes: the Python wrapper builds
``<code>: <what>: <ExceptionType>: <message>.`` plus a backtrace of the user's frames (the wrapper's own frames
are left out), the C++ VM prefixes the codes of the call that failed, and the UDF library adds ``VM error:
F-UDF-CL-LIB-1127:``. The user's exception message therefore passes through verbatim, which is what the
product relies on for its E-SME codes. The layer codes come from the client sources (``pythoncontainer.cc``,
``exascript_python_preset_core.py``); the ``VM error: F-UDF-CL-LIB-1127`` head is as seen in Exasol messages.
"""

from __future__ import annotations

import os
import sys
import traceback

_OWN_DIR = os.path.dirname(os.path.abspath(__file__))

# What the C++ layers put in front of a failure, per VM phase.
PHASE_PREFIXES = {
    "compile": "F-UDF-CL-SL-PYTHON-1000: F-UDF-CL-SL-PYTHON-1005: ",
    "parse": "F-UDF-CL-SL-PYTHON-1000: F-UDF-CL-SL-PYTHON-1017: ",
    "run": "F-UDF-CL-SL-PYTHON-1002: F-UDF-CL-SL-PYTHON-1026: ",
    "single_call": "F-UDF-CL-SL-PYTHON-1004: ",
    "cleanup": "F-UDF-CL-SL-PYTHON-1001: F-UDF-CL-SL-PYTHON-1023: ",
}
VM_ERROR_HEAD = "VM error: F-UDF-CL-LIB-1127: "


class ExaUDFError(Exception):
    """The exception type Exasol's wrapper raises around a user error."""


def udf_exception(code: str, what: str) -> ExaUDFError:
    """Describe the exception being handled, Exasol style (call inside ``except``)."""
    exc_type, exc_value, exc_traceback = sys.exc_info()
    frames = [
        f"{frame.filename}:{frame.lineno} {frame.name}"
        for frame in traceback.extract_tb(exc_traceback)
        if not os.path.abspath(frame.filename).startswith(_OWN_DIR + os.sep)
    ]
    backtrace = " \n" + " \n".join(frames)
    return ExaUDFError(f"{code}: {what}: {exc_type.__name__}: {exc_value}.{backtrace}")


def vm_error(phase: str, error: BaseException) -> str:
    """The complete text the database reports for ``error`` raised in ``phase`` (type name, then message)."""
    return f"{VM_ERROR_HEAD}{PHASE_PREFIXES[phase]}{type(error).__name__}: {error}"
