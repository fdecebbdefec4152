"""Bundles a Lua entry script and every module it requires into one self-contained script body.

Exasol keeps a Lua script as a single text in the database and has no file system to load modules from, so each
module the entry needs (directly or through other modules) is placed into ``package.preload`` ahead of the entry
code; ``require`` then finds it there exactly as it would find a file. The result is stable: modules appear in
name order, whatever order they were discovered in, so the same sources always give the same text.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import TYPE_CHECKING

from exasol_sagemaker_extension.declarations import lua_module as declarations_module
from exasol_sagemaker_extension.installation.lua_requires import required_modules
from exasol_sagemaker_extension.errors import SmeError

if TYPE_CHECKING:  # importlib.resources.abc is 3.11+; only the annotation needs it
    from importlib.resources.abc import Traversable

# Modules the Exasol Lua runtime provides itself (documented script libraries); never bundled.
RUNTIME_MODULES = frozenset({"cjson", "lxp"})
_MODULE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Modules rendered from Python declarations at bundle time instead of read from lua/modules.
GENERATED_MODULES = {declarations_module.MODULE_NAME: declarations_module.render}
# Bounds the transitive search; far above any real module count, it only stops runaway inputs.
_MAX_MODULES = 500


def lua_sources_root() -> Traversable:
    """The shipped Lua sources (``exasol_sagemaker_extension/lua``), wherever the package is installed."""
    return resources.files("exasol_sagemaker_extension.lua")


def _normalise(source: str) -> str:
    """LF line ends and exactly one trailing newline, so bundles do not depend on the checkout's line endings."""
    return source.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n") + "\n"


def _read_module(modules_dir: Traversable, name: str, required_by: str) -> str:
    if not _MODULE_NAME.fullmatch(name):
        raise SmeError(
            "E-SME-302",
            f"{required_by} requires {name!r}, which is not a bundleable module name.",
            ["Module names are flat Lua identifiers (sme_<something>); reinstall the extension package."],
        )
    if name in GENERATED_MODULES:
        return _normalise(GENERATED_MODULES[name]())
    module_file = modules_dir.joinpath(f"{name}.lua")
    if not module_file.is_file():
        raise SmeError(
            "E-SME-302",
            f"{required_by} requires the Lua module {name!r}, but lua/modules/{name}.lua does not exist.",
            ["Reinstall the extension package; if you changed the Lua sources, add the missing module."],
        )
    return _normalise(module_file.read_text(encoding="utf-8"))


def collect_modules(entry_source: str, modules_dir: Traversable, entry_label: str) -> dict[str, str]:
    """Return {module name: source} for every module ``entry_source`` needs, transitively, sorted by name."""
    collected: dict[str, str] = {}
    pending = [(name, entry_label) for name in required_modules(entry_source)]
    while pending:
        name, required_by = pending.pop()
        if name in collected or name in RUNTIME_MODULES:
            continue
        if len(collected) >= _MAX_MODULES:
            raise SmeError(
                "E-SME-302",
                f"{entry_label} requires more than {_MAX_MODULES} Lua modules.",
                ["Reinstall the extension package; the Lua sources are damaged."],
            )
        source = _read_module(modules_dir, name, required_by)
        collected[name] = source
        pending.extend((dependency, f"module {name!r}") for dependency in required_modules(source))
    return dict(sorted(collected.items()))


def bundle(entry_source: str, modules_dir: Traversable, entry_label: str) -> str:
    """Return the script body: one ``package.preload`` function per required module, then the entry source."""
    parts = [
        f'package.preload["{name}"] = function(...)\n{source}end\n'
        for name, source in collect_modules(entry_source, modules_dir, entry_label).items()
    ]
    parts.append(_normalise(entry_source))
    body = "".join(parts)
    terminator_lines = [n for n, line in enumerate(body.split("\n"), 1) if line.strip() == "/"]
    if terminator_lines:
        raise SmeError(
            "E-SME-303",
            f"The bundled Lua text of {entry_label} has a line holding only '/' (line {terminator_lines[0]}),"
            " which SQL clients take as the end of the CREATE SCRIPT statement.",
            ["Reinstall the extension package; if you changed the Lua sources, write that line differently."],
        )
    return body
