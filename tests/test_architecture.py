"""The layers of design.md: imports point downward only, Textual only in tracker/tui."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tracker"

# What each layer may import from the project (besides itself and the leaf tracker.i18n).
ALLOWED = {
    "domain": set(),
    "store": {"domain"},
    "services": {"domain", "store"},
    "stats": {"domain", "store", "services"},
    "reports": {"domain", "store", "services", "stats"},
    "tui": {"domain", "services", "stats", "reports"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_layer_imports_point_downward(layer: str) -> None:
    for path in _modules(layer):
        for name in _imports(path):
            parts = name.split(".")
            if parts[0] != "tracker" or len(parts) < 2 or parts[1] in (layer, "i18n"):
                continue
            assert parts[1] in ALLOWED[layer], f"{path.relative_to(PACKAGE)} imports {name}"


def test_textual_only_in_the_tui() -> None:
    for path in PACKAGE.rglob("*.py"):
        if "tui" in path.relative_to(PACKAGE).parts:
            continue
        for name in _imports(path):
            assert name.split(".")[0] != "textual", f"{path.relative_to(PACKAGE)} imports {name}"


def test_i18n_is_a_leaf() -> None:
    assert not {n for n in _imports(PACKAGE / "i18n.py") if n.startswith("tracker")}


def test_tui_never_touches_the_store() -> None:
    for path in _modules("tui"):
        assert not {n for n in _imports(path) if n.startswith("tracker.store")}, path


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle in ``graph`` (module -> modules it imports), or None."""
    done: set[str] = set()

    def visit(module: str, path: list[str]) -> list[str] | None:
        if module in path:
            return [*path[path.index(module) :], module]
        if module in done:
            return None
        for target in sorted(graph.get(module, ())):
            found = visit(target, [*path, module])
            if found:
                return found
        done.add(module)
        return None

    for module in sorted(graph):
        found = visit(module, [])
        if found:
            return found
    return None


def test_domain_modules_import_each_other_without_a_cycle() -> None:
    """Every import counts, also those inside functions or under TYPE_CHECKING: a cycle hidden
    in a function is still a cycle (the shared error types live in tracker.domain.errors)."""
    modules = {path.stem: path for path in _modules("domain") if path.stem != "__init__"}
    graph = {
        name: {
            imported.split(".")[2]
            for imported in _imports(path)
            if imported.startswith("tracker.domain.") and imported.split(".")[2] in modules
        }
        for name, path in modules.items()
    }
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def _sqlalchemy_table_calls(tree: ast.AST) -> list[ast.Call]:
    """Calls of SQLAlchemy's ``Table``: by an imported name or as ``sa.Table``."""
    names = {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy")
        for alias in node.names
        if alias.name == "Table"
    }
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id in names)
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "Table")
        )
    ]


def test_tables_are_defined_once_as_sqlmodel_classes() -> None:
    """No SQLAlchemy ``Table(...)`` outside the migrations: the SQLModel classes of
    tracker.store.schema are the single definition of every table."""
    for path in PACKAGE.rglob("*.py"):
        if "migrations" in path.relative_to(PACKAGE).parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert not _sqlalchemy_table_calls(tree), f"{path.relative_to(PACKAGE)} calls Table()"
