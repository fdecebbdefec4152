"""The emulator's own catalog: everything Exasol knows about objects that DuckDB cannot hold.

DuckDB is the source of truth for which schemas, tables, views and columns exist. This store adds what DuckDB
loses or does not have at all: the Exasol type of every column, view texts, comments, scripts, connections and
system parameters. It is one JSON file next to the DuckDB file, rewritten atomically on every change, so a
restart keeps scripts and connections exactly like tables. The file is created with mode 0600 because it
holds connection and user passwords, which nothing else ever shows. Users, schema owners and grants live here
too; what they allow is decided in ``sme_local.exasol.sql.privileges``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

DEFAULT_SCRIPT_LANGUAGES = "R=builtin_r JAVA=builtin_java PYTHON3=builtin_python3"
# System parameters a fresh database reports; SNAPSHOT_MODE's default is 'SYSTEM TABLES' since Exasol 7.1
# (changelog 10248, see local/sme_local/exasol/README.md).
DEFAULT_PARAMETERS = {"SCRIPT_LANGUAGES": DEFAULT_SCRIPT_LANGUAGES, "SNAPSHOT_MODE": "SYSTEM TABLES"}
Record = TypeVar("Record")


@dataclass
class ScriptParameter:
    """One declared input of a script. ``sql_type`` is None for Lua scripting parameters."""

    name: str
    sql_type: str | None = None
    is_array: bool = False


@dataclass
class Script:
    """A stored script as ``CREATE … SCRIPT`` defined it.

    ``script_type`` is SCRIPTING (Lua, run by EXECUTE SCRIPT) or UDF; ``input_type`` SCALAR|SET for UDFs;
    ``result_type`` RETURNS|EMITS for UDFs, TABLE|ROWCOUNT for scripting. ``dynamic_input`` / ``dynamic_output``
    mark the ``(...)`` forms; ``emits`` holds the declared output columns (one entry for RETURNS).
    """

    schema: str
    name: str
    language: str
    script_type: str
    input_type: str | None
    result_type: str
    parameters: list[ScriptParameter]
    dynamic_input: bool
    emits: list[ScriptParameter]
    dynamic_output: bool
    body: str
    text: str
    object_id: int = 0
    comment: str | None = None
    created: str = ""


@dataclass
class Connection:
    """A CONNECTION object. The password never leaves the emulator except to UDFs and EXPORT/IMPORT."""

    name: str
    address: str
    user: str | None
    password: str | None
    created: str
    comment: str | None = None


@dataclass
class User:
    """A user created with CREATE USER (the admin user of the emulator is not stored: it is always there)."""

    name: str
    password: str
    created: str


@dataclass(frozen=True)
class Grant:
    """One GRANT. ``privilege`` is a system privilege (``CREATE TABLE``), an object privilege (``SELECT``), the
    role ``DBA``, ``CONNECTION`` (use in IMPORT/EXPORT) or ``ACCESS`` (read from a script).

    ``on_kind`` is None for system privileges and roles, ``SCHEMA`` or ``OBJECT`` (table, view, script) for object
    privileges, ``CONNECTION`` for the two connection privileges. ``for_kind`` restricts ACCESS to one script
    (``SCRIPT``) or the scripts of one schema (``SCHEMA``). ``with_admin`` lets the grantee pass it on.
    """

    grantee: str
    privilege: str
    on_kind: str | None = None
    on_schema: str | None = None
    on_name: str | None = None
    for_kind: str | None = None
    for_schema: str | None = None
    for_name: str | None = None
    with_admin: bool = False


@dataclass
class CatalogState:
    column_types: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)
    view_texts: dict[str, dict[str, str]] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    scripts: dict[str, dict[str, Script]] = field(default_factory=dict)
    connections: dict[str, Connection] = field(default_factory=dict)
    parameters: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PARAMETERS))
    next_object_id: int = 1000
    users: dict[str, User] = field(default_factory=dict)
    schema_owners: dict[str, str] = field(default_factory=dict)
    grants: list[Grant] = field(default_factory=list)


def utc_now_text() -> str:
    return datetime.now(timezone.utc).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


class CatalogStore:
    """Thread-safe access to the catalog state with write-through persistence."""

    FILE_NAME = "catalog.json"

    def __init__(self, data_dir: Path) -> None:
        self._path = data_dir / self.FILE_NAME
        self._lock = threading.RLock()
        self._state = self._load()

    # -- persistence -------------------------------------------------------------------------------------
    def _load(self) -> CatalogState:
        if not self._path.exists():
            return CatalogState()
        raw = json.loads(self._path.read_text(encoding="utf-8"))
        state = CatalogState(
            column_types=raw["column_types"],
            view_texts=raw["view_texts"],
            comments=raw["comments"],
            connections={k: Connection(**v) for k, v in raw["connections"].items()},
            parameters=raw["parameters"],
            next_object_id=raw["next_object_id"],
            # catalogs written before users existed have none of these
            users={k: User(**v) for k, v in raw.get("users", {}).items()},
            schema_owners=raw.get("schema_owners", {}),
            grants=[Grant(**g) for g in raw.get("grants", [])],
        )
        for schema, scripts in raw["scripts"].items():
            state.scripts[schema] = {name: _script_from_json(s) for name, s in scripts.items()}
        return state

    def _save(self) -> None:
        raw: dict[str, Any] = {
            "column_types": self._state.column_types,
            "view_texts": self._state.view_texts,
            "comments": self._state.comments,
            "scripts": {
                schema: {name: dataclasses.asdict(s) for name, s in scripts.items()}
                for schema, scripts in self._state.scripts.items()
            },
            "connections": {k: dataclasses.asdict(v) for k, v in self._state.connections.items()},
            "parameters": self._state.parameters,
            "next_object_id": self._state.next_object_id,
            "users": {k: dataclasses.asdict(v) for k, v in self._state.users.items()},
            "schema_owners": self._state.schema_owners,
            "grants": [dataclasses.asdict(g) for g in self._state.grants],
        }
        temporary = self._path.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(raw, handle)
        os.replace(temporary, self._path)

    def new_object_id(self) -> int:
        with self._lock:
            self._state.next_object_id += 1
            self._save()
            return self._state.next_object_id

    # -- column types and views ----------------------------------------------------------------------------
    def column_types(self, schema: str, table: str) -> dict[str, str]:
        with self._lock:
            return dict(self._state.column_types.get(schema, {}).get(table, {}))

    def set_column_types(self, schema: str, table: str, types: dict[str, str]) -> None:
        with self._lock:
            self._state.column_types.setdefault(schema, {})[table] = dict(types)
            self._save()

    def add_column_type(self, schema: str, table: str, column: str, sql_type: str) -> None:
        with self._lock:
            self._state.column_types.setdefault(schema, {}).setdefault(table, {})[column] = sql_type
            self._save()

    def view_text(self, schema: str, view: str) -> str | None:
        with self._lock:
            return self._state.view_texts.get(schema, {}).get(view)

    def set_view_text(self, schema: str, view: str, text: str) -> None:
        with self._lock:
            self._state.view_texts.setdefault(schema, {})[view] = text
            self._save()

    def forget_relation(self, schema: str, name: str) -> None:
        """Drop everything known about a table or view (after DROP, or before it is created anew)."""
        with self._lock:
            self._state.column_types.get(schema, {}).pop(name, None)
            self._state.view_texts.get(schema, {}).pop(name, None)
            for key in [k for k in self._state.comments if k == f"{schema}.{name}" or k.startswith(f"{schema}.{name}.")]:
                del self._state.comments[key]
            self._save()

    def forget_schema(self, schema: str) -> None:
        with self._lock:
            self._state.column_types.pop(schema, None)
            self._state.view_texts.pop(schema, None)
            self._state.scripts.pop(schema, None)
            self._state.schema_owners.pop(schema, None)
            self._state.grants = [g for g in self._state.grants if schema not in (g.on_schema, g.for_schema)]
            for key in [k for k in self._state.comments if k == schema or k.startswith(f"{schema}.")]:
                del self._state.comments[key]
            self._save()

    # -- comments ------------------------------------------------------------------------------------------
    def comment(self, *path: str) -> str | None:
        with self._lock:
            return self._state.comments.get(".".join(path))

    def set_comment(self, path: tuple[str, ...], text: str | None) -> None:
        with self._lock:
            key = ".".join(path)
            if text is None:
                self._state.comments.pop(key, None)
            else:
                self._state.comments[key] = text
            self._save()

    # -- scripts -------------------------------------------------------------------------------------------
    def script(self, schema: str, name: str) -> Script | None:
        with self._lock:
            return self._state.scripts.get(schema, {}).get(name)

    def scripts(self) -> list[Script]:
        with self._lock:
            return [s for scripts in self._state.scripts.values() for s in scripts.values()]

    def put_script(self, script: Script) -> None:
        with self._lock:
            self._state.scripts.setdefault(script.schema, {})[script.name] = script
            self._save()

    def drop_script(self, schema: str, name: str) -> bool:
        with self._lock:
            removed = self._state.scripts.get(schema, {}).pop(name, None) is not None
            self._save()
            return removed

    # -- connections ---------------------------------------------------------------------------------------
    def connection(self, name: str) -> Connection | None:
        return self._named(self._state.connections, name)

    def connections(self) -> list[Connection]:
        return self._all(self._state.connections)

    def put_connection(self, connection: Connection) -> None:
        self._put(self._state.connections, connection.name, connection)

    def drop_connection(self, name: str) -> bool:
        return self._drop(self._state.connections, name)

    # -- users, owners and grants -------------------------------------------------------------------------
    def user(self, name: str) -> User | None:
        return self._named(self._state.users, name)

    def users(self) -> list[User]:
        return self._all(self._state.users)

    def put_user(self, user: User) -> None:
        self._put(self._state.users, user.name, user)

    def drop_user(self, name: str) -> bool:
        """Forget the user and every grant to it."""
        with self._lock:
            self._state.grants = [g for g in self._state.grants if g.grantee != name]
            return self._drop(self._state.users, name)

    def schema_owner(self, schema: str) -> str | None:
        """The user who owns the schema; None for schemas created before users existed (the admin's)."""
        with self._lock:
            return self._state.schema_owners.get(schema)

    def schema_owners(self) -> dict[str, str]:
        with self._lock:
            return dict(self._state.schema_owners)

    def set_schema_owner(self, schema: str, owner: str) -> None:
        with self._lock:
            self._state.schema_owners[schema] = owner
            self._save()

    def grants(self) -> list[Grant]:
        with self._lock:
            return list(self._state.grants)

    def add_grant(self, grant: Grant) -> None:
        """Record a grant; granting the same privilege again only ever adds the ADMIN OPTION."""
        with self._lock:
            same = [g for g in self._state.grants if dataclasses.replace(g, with_admin=False)
                    == dataclasses.replace(grant, with_admin=False)]
            if same and (same[0].with_admin or not grant.with_admin):
                return
            self._state.grants = [g for g in self._state.grants if g not in same] + [grant]
            self._save()

    def revoke(self, grant: Grant) -> bool:
        """Remove a grant (with or without ADMIN OPTION); False if it was never given."""
        with self._lock:
            plain = dataclasses.replace(grant, with_admin=False)
            kept = [g for g in self._state.grants if dataclasses.replace(g, with_admin=False) != plain]
            removed = len(kept) != len(self._state.grants)
            self._state.grants = kept
            self._save()
            return removed

    def forget_connection_grants(self, name: str) -> None:
        with self._lock:
            self._state.grants = [g for g in self._state.grants if not (g.on_kind == "CONNECTION" and g.on_name == name)]
            self._save()

    def forget_object_grants(self, schema: str, name: str) -> None:
        """Grants on a dropped table, view or script (and ACCESS restricted to a dropped script) go with it."""
        with self._lock:
            self._state.grants = [
                g for g in self._state.grants
                if not ((g.on_kind == "OBJECT" and (g.on_schema, g.on_name) == (schema, name))
                        or (g.for_kind == "SCRIPT" and (g.for_schema, g.for_name) == (schema, name)))
            ]
            self._save()

    # -- system parameters ---------------------------------------------------------------------------------
    def parameter(self, name: str) -> str | None:
        with self._lock:
            return self._state.parameters.get(name)

    def parameters(self) -> dict[str, str]:
        """System values; defaults added later than a stored catalog still appear for it."""
        with self._lock:
            return {**DEFAULT_PARAMETERS, **self._state.parameters}

    def set_parameter(self, name: str, value: str) -> None:
        with self._lock:
            self._state.parameters[name] = value
            self._save()

    # -- objects kept by name (connections, users) ------------------------------------------------------
    def _named(self, records: dict[str, Record], name: str) -> Record | None:
        with self._lock:
            return records.get(name)

    def _all(self, records: dict[str, Record]) -> list[Record]:
        with self._lock:
            return list(records.values())

    def _put(self, records: dict[str, Record], name: str, record: Record) -> None:
        with self._lock:
            records[name] = record
            self._save()

    def _drop(self, records: dict[str, Record], name: str) -> bool:
        """Remove the named record (saving the whole state either way); False if there was none."""
        with self._lock:
            removed = records.pop(name, None) is not None
            self._save()
            return removed


def _script_from_json(raw: dict[str, Any]) -> Script:
    raw = dict(raw)
    raw["parameters"] = [ScriptParameter(**p) for p in raw["parameters"]]
    raw["emits"] = [ScriptParameter(**p) for p in raw["emits"]]
    return Script(**raw)
