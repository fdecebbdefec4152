"""The ``exa`` global of a Python UDF: ``exa.meta``, ``exa.get_connection``, ``exa.import_script``.

Field names, value types and error texts follow Exasol's ``exascript_python_preset_core.py``. Connections and
imported scripts are fetched from the parent process on demand (``ask``), so a connection's password only ever
travels to a VM that asks for it, and a later ``CREATE OR REPLACE CONNECTION`` is seen by the next lookup.
"""

from __future__ import annotations

import sys
import types
from typing import Any, Callable

from .errors import udf_exception
from .sql_types import SqlType, parse_sql_type


class ExaColumn:
    """One entry of ``exa.meta.input_columns`` / ``output_columns``."""

    def __init__(self, name: str, sql_type_text: str) -> None:
        parsed = parse_sql_type(sql_type_text)
        self.name = name
        self.type = parsed.python_type
        self.sql_type = sql_type_text
        self.precision, self.scale, self.length = _column_numbers(parsed)

    def __repr__(self) -> str:
        return f"ExaColumn({self.name!r}, {self.sql_type!r})"


def _column_numbers(parsed: SqlType) -> tuple[int | None, int | None, int | None]:
    """(precision, scale, length) exactly as the client fills them per value class."""
    if parsed.kind == "DECIMAL":
        return parsed.precision, parsed.scale, None
    if parsed.kind in ("VARCHAR", "CHAR"):
        return None, None, parsed.length
    return None, None, None


class ExaMeta:
    """``exa.meta``; built from the plain dict the parent sends (see ``meta_fields`` in the executor)."""

    def __init__(self, fields: dict[str, Any], script_code: str) -> None:
        self.database_name = fields["database_name"]
        self.database_version = fields["database_version"]
        self.script_name = fields["script_name"]
        self.script_schema = fields["script_schema"]
        self.current_user = fields["current_user"]
        self.scope_user = fields["current_user"]
        self.current_schema = fields["current_schema"]
        self.script_code = script_code
        version = sys.version_info
        self.script_language = f"Python {version.major}.{version.minor}.{version.micro}"
        self.session_id = fields["session_id"]
        self.statement_id = fields["statement_id"]
        self.node_count = fields["node_count"]
        self.node_id = fields["node_id"]
        self.memory_limit = fields["memory_limit"]
        self.vm_id = fields["vm_id"]
        self.input_columns = [ExaColumn(name, sql_type) for name, sql_type in fields["input_columns"]]
        self.input_column_count = len(self.input_columns)
        self.input_type = fields["input_type"]
        self.output_columns = [ExaColumn(name, sql_type) for name, sql_type in fields["output_columns"]]
        self.output_column_count = len(self.output_columns)
        self.output_type = "RETURN" if fields["output_type"] == "RETURNS" else "EMIT"


class ConnectionInformation:
    """What ``exa.get_connection`` returns; ``str()`` omits the password like Exasol's."""

    def __init__(self, type: str, address: str, user: str, password: str) -> None:
        self.type = type
        self.address = address
        self.user = user
        self.password = password

    def __str__(self) -> str:
        return (f'{{"type":"{self.type}","address":"{self.address}","user":"{self.user}",'
                '"password":<omitted!>}')


class Exa:
    def __init__(self, meta: ExaMeta, ask: Callable[[str, str], tuple[str, Any]]) -> None:
        self.meta = meta
        self._ask = ask
        self._modules: dict[str, types.ModuleType] = {}

    def get_connection(self, name: Any) -> ConnectionInformation:
        status, answer = self._ask("connection", str(name))
        if status != "ok":
            raise ImportError(f"F-UDF-CL-SL-PYTHON-1121: get_connection for connection name {name} failed: {answer}")
        return ConnectionInformation(answer["type"], answer["address"], answer["user"], answer["password"])

    def import_script(self, script: Any) -> types.ModuleType:
        """Run another script's code as a module with ``exa`` injected; the same code yields the same module."""
        name = str(script)
        status, answer = self._ask("script", name)
        if status != "ok":
            raise ImportError(f"F-UDF-CL-SL-PYTHON-1119: Importing module {name} failed: {answer}")
        if answer in self._modules:
            return self._modules[answer]
        module = types.ModuleType(name)
        module.__file__ = f"<{name}>"
        module.__dict__["exa"] = self
        self._modules[answer] = module
        try:
            exec(compile(answer, name, "exec"), module.__dict__)
        except BaseException:
            raise udf_exception("F-UDF-CL-SL-PYTHON-1120", f"Importing module {name} failed") from None
        return module
