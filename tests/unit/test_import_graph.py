"""No import cycles in any package: the modules of each package must form a layered graph.

Every ``import`` counts as an edge, including those under ``if TYPE_CHECKING:`` and inside functions: a cycle
hidden behind either is still two modules that cannot be understood, tested or moved one without the other.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = {  # top-level package -> the directory that holds it
    "exasol_sagemaker_extension": ROOT,
    "sme_local": ROOT / "local",
    "language_container": ROOT,
}


def module_files() -> dict[str, Path]:
    """Every module of the checked packages by dotted name (a package is its ``__init__``)."""
    modules = {}
    for package, base in PACKAGES.items():
        for path in sorted((base / package).rglob("*.py")):
            parts = list(path.relative_to(base).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = path
    return modules


def imported_names(module: str, path: Path, modules: set[str] | frozenset[str] = frozenset()) -> set[str]:
    """The dotted names a module imports, relative imports resolved. ``from a import b`` yields a.b if that is one
    of ``modules``, else a (b is then a name defined in a): importing a submodule is no dependency on the package's
    own code."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                names.add(submodule if submodule in modules else source)
    return names


def import_graph() -> dict[str, set[str]]:
    """Module -> the checked modules it imports. Importing ``a.b.c`` also runs the packages a and a.b, but those
    edges are Python's doing, not a design dependency, so only the named module counts."""
    modules = module_files()
    graph = {}
    for module, path in modules.items():
        targets = {name for name in imported_names(module, path, set(modules)) if name in modules}
        graph[module] = targets - {module}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def describe(component: list[str], graph: dict[str, set[str]]) -> str:
    """A component with its internal edges, so the message shows where to cut."""
    members = set(component)
    edges = [f"  {source} -> {target}" for source in component for target in sorted(graph[source] & members)]
    return "\n".join([", ".join(component), *edges])


def test_cycle_finder_reports_a_cycle_and_ignores_a_chain() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_relative_imports_resolve_to_the_package(tmp_path: Path) -> None:
    module = tmp_path / "mod.py"
    module.write_text("from . import sibling\nfrom ..other import thing\nimport x.y\n", encoding="utf-8")
    names = imported_names("pkg.sub.mod", module, {"pkg.sub.sibling"})
    assert names == {"pkg.sub.sibling", "pkg.other", "x.y"}


def test_type_checking_and_function_local_imports_count(tmp_path: Path) -> None:
    module = tmp_path / "mod.py"
    module.write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n"
                      "def f():\n    import pkg.b\n", encoding="utf-8")
    assert {"pkg.a", "pkg.b"} <= imported_names("pkg.mod", module, {"pkg.a"})


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_no_import_cycle(package: str) -> None:
    graph = import_graph()
    assert any(module == package or module.startswith(package + ".") for module in graph)
    found = [c for c in cycles(graph) if c[0] == package or c[0].startswith(package + ".")]
    assert not found, "import cycles (every module of a component imports another):\n" + "\n\n".join(
        describe(component, graph) for component in found)


def private_uses(module: str, path: Path, modules: set[str]) -> list[str]:
    """Names starting with one underscore that ``module`` takes from another checked module: imported by name
    (``from a import _x``) or read off an imported module (``import a.b as m`` … ``m._x``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    aliases: dict[str, str] = {}  # local name -> the checked module it is bound to
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and alias.name in modules:
                    aliases[alias.asname] = alias.name
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = ".".join(parts[: len(parts) - node.level + 1]) if node.level else ""
            source = ".".join(part for part in (base, node.module or "") if part)
            for alias in node.names:
                if f"{source}.{alias.name}" in modules:
                    aliases[alias.asname or alias.name] = f"{source}.{alias.name}"
                elif source in modules and source != module and _is_private(alias.name):
                    found.append(f"{module}: from {source} import {alias.name}")
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                and aliases[node.value.id] != module and _is_private(node.attr)):
            found.append(f"{module}: {aliases[node.value.id]}.{node.attr}")
    return found


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_private_uses_are_found(tmp_path: Path) -> None:
    module = tmp_path / "mod.py"
    module.write_text("from pkg.a import _x, y\nfrom pkg import b\nimport pkg.c as c\nb._f()\nc._g\nb.h\n",
                      encoding="utf-8")
    assert sorted(private_uses("pkg.mod", module, {"pkg.a", "pkg.b", "pkg.c"})) == [
        "pkg.mod: from pkg.a import _x", "pkg.mod: pkg.b._f", "pkg.mod: pkg.c._g"]


@pytest.mark.parametrize("package", sorted(PACKAGES))
def test_no_module_uses_another_modules_private_names(package: str) -> None:
    modules = module_files()
    found = [use for module, path in modules.items()
             if module == package or module.startswith(package + ".")
             for use in private_uses(module, path, set(modules))]
    assert not found, "private names used across modules:\n" + "\n".join(found)
