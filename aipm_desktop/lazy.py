"""Names a package exports but loads only on first use (PEP 562).

The overview is drawn at start-up and needs only a few things of each area; a package
that imported all its modules up front would make every start pay for them. Two forms:

* :func:`lazy_exports`: a package lists such names with the submodule that defines
  them, ``__getattr__ = lazy_exports(__name__, {"preview_import": "imports", ...})``,
  and imports them under ``if TYPE_CHECKING:`` for the type checker (the service
  packages);
* :func:`attach_stub`: the package's names are listed once, as the ``from .x import y``
  lines of its ``__init__.pyi`` stub, which the type checker reads and this reads too
  (Scientific Python's SPEC 1 layout; the entity models).
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any


def lazy_exports(package: str, names: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``package.<names[name]>`` on first access
    of ``name`` and keeps the value in the package."""
    table = dict(names)
    clashes = sorted(set(table) & set(table.values()))
    if clashes:  # importing the submodule would set the package attribute to the module
        raise ValueError(f"{package}: lazy names may not be submodule names: {clashes}")

    def __getattr__(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        vars(importlib.import_module(package))[name] = value
        return value

    return __getattr__


def stub_names(stub: Path) -> dict[str, str]:
    """``{name: submodule}`` for every ``from .submodule import name`` line of ``stub``
    (``*`` imports are left to the package, which imports those modules itself)."""
    names: dict[str, str] = {}
    for node in ast.parse(stub.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
            for alias in node.names:
                if alias.name != "*":
                    names[alias.asname or alias.name] = node.module
    return names


def attach_stub(package: str, init_file: str) -> tuple[Callable[[str], Any], Callable[[], None]]:
    """For ``package``, whose lazy names are those its ``__init__.pyi`` (beside
    ``init_file``) imports from its submodules: the module ``__getattr__``, and a
    ``load_all()`` that imports every one of those submodules."""
    names = stub_names(Path(init_file).with_suffix(".pyi"))
    modules = sorted(set(names.values()))

    def load_all() -> None:
        for module in modules:
            importlib.import_module(f"{package}.{module}")

    return lazy_exports(package, names), load_all
