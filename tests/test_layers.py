"""The core (models, store, services) and the command line never import Qt or the GUI.

Read from the source with :mod:`ast`, so a lazy import inside a function counts too: the
CLI must produce every export on a machine without a display.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "aipm_desktop"
CORE = ("models", "store", "services", "cli")


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every import in ``path``."""
    module_parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    package = module_parts[:-1]  # for __init__.py too: its package is its folder
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return found


@pytest.mark.parametrize("layer", CORE)
def test_the_core_and_the_cli_never_import_qt_or_the_gui(layer):
    offending = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}"
        for path in sorted((PACKAGE / layer).rglob("*.py"))
        for line, name in _imports(path)
        if name.split(".")[0] == "PySide6" or name.startswith("aipm_desktop.ui")
    ]
    assert offending == []


def test_relative_imports_inside_functions_resolve_to_their_modules():
    """The checker itself: cli/docs.py imports the PDF engine lazily, relative to cli/."""
    path = PACKAGE / "cli" / "docs.py"
    names = [name for _line, name in _imports(path)]
    assert "aipm_desktop.services.documents_pdf" in names


#: What would let a module tell SQLite from PostgreSQL (only the store may).
BACK_END_MODULES = ("sqlite3", "psycopg", "aipm_desktop.store.engine", "aipm_desktop.store.remote")
BACK_END_WORDS = ("dialect.name", "on_server", "is_server(")


@pytest.mark.parametrize("layer", ("services", "ui"))
def test_services_and_the_gui_never_branch_on_the_back_end(layer):
    offending = []
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        where = path.relative_to(PACKAGE.parent)
        offending += [
            f"{where}:{line} imports {name}"
            for line, name in _imports(path)
            if name.split(".")[0] in ("sqlite3", "psycopg") or name in BACK_END_MODULES
        ]
        text = path.read_text(encoding="utf-8")
        offending += [f"{where} uses {word}" for word in BACK_END_WORDS if word in text]
    assert offending == []
