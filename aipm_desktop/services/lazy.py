"""Names a service package exports but loads only on first use (PEP 562).

The overview is drawn at start-up and needs only a few functions of each area; a package
that imported its spreadsheet importers or sensitivity code up front would make every
start pay for them. A package lists such names with the submodule that defines them::

    __getattr__ = lazy_exports(__name__, {"preview_import": "imports", ...})

and imports them under ``if TYPE_CHECKING:`` for the type checker.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
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
