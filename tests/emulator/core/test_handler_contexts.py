"""Each statement handler's protocol in sql/context.py lists exactly what the handler uses of its session and
database (no member it never touches, none it touches undeclared), and the real Session and Database provide
every member, so a handler's signature is a true account of what it can reach."""

from __future__ import annotations

import ast
import inspect
import typing
from pathlib import Path
from types import ModuleType

import pytest

from sme_local.exasol.database import Database
from sme_local.exasol.sql import context, file_transfer, script_execution, statements, translation, udf_calls

HANDLERS = [  # module, its session protocol, its database protocol
    (statements, context.StatementSession, context.StatementDatabase),
    (udf_calls, context.UdfCallSession, context.UdfDatabase),
    (file_transfer, context.TransferSession, context.TransferDatabase),
    (script_execution, context.ScriptSession, context.ScriptDatabase),
    (translation, context.TranslatingSession, context.TranslationDatabase),
]


def members(protocol: type) -> set[str]:
    """The attributes and methods a protocol declares, its bases' included."""
    names: set[str] = set()
    for cls in protocol.__mro__:
        if cls in (typing.Protocol, typing.Generic, object):
            continue
        names |= {name for name in vars(cls).get("__annotations__", {}) if not name.startswith("_")}
        names |= {name for name, value in vars(cls).items() if not name.startswith("_") and callable(value)}
    return names


def _is_session(node: ast.expr) -> bool:
    """``session`` (a handler function's parameter) or ``self.session`` (a handler class's collaborator)."""
    if isinstance(node, ast.Name):
        return node.id == "session"
    return isinstance(node, ast.Attribute) and node.attr == "session" and isinstance(node.value, ast.Name) \
        and node.value.id == "self"


def used(module: ModuleType) -> tuple[set[str], set[str]]:
    """(session members, database members) the module's code reads, sets or calls."""
    tree = ast.parse(Path(inspect.getfile(module)).read_text(encoding="utf-8"))
    on_session, on_database = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _is_session(node.value):
            on_session.add(node.attr)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute) \
                and node.value.attr == "database" and _is_session(node.value.value):
            on_database.add(node.attr)
    return on_session, on_database


@pytest.mark.parametrize(("module", "session_protocol", "database_protocol"), HANDLERS,
                         ids=[module.__name__.rpartition(".")[2] for module, _, _ in HANDLERS])
def test_a_handlers_protocols_name_exactly_what_it_uses(module, session_protocol, database_protocol) -> None:
    on_session, on_database = used(module)
    assert on_session == members(session_protocol)
    assert on_database == members(database_protocol)


def test_the_session_and_the_database_provide_every_member_of_every_protocol(tmp_path: Path) -> None:
    database = Database(tmp_path, udf_workers=1)
    try:
        session = database.open_session()
        for _, session_protocol, database_protocol in HANDLERS:
            assert {name for name in members(session_protocol) if not hasattr(session, name)} == set()
            assert {name for name in members(database_protocol) if not hasattr(session.database, name)} == set()
        assert {name for name in members(context.DatabaseServices) if not hasattr(database, name)} == set()
        assert {name for name in members(context.TransactionControl) if not hasattr(session.transaction, name)} \
            == set()
        assert {name for name in members(context.UdfSubstitution) if not hasattr(session.udf_calls, name)} == set()
    finally:
        database.close()
