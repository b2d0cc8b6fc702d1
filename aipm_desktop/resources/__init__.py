"""Built-in resources shipped inside the package: reference data, templates, icons, styles.

Reference data lives in ``data/<name>.json`` (KPI catalog, scoring models, deliverable
kinds, interview scorecard and exercises, risk taxonomies, launch checklist). Everything is
read through :mod:`importlib.resources`, so it works from a source checkout, an installed
wheel or a zip. Standard library only; no Qt.
"""

from __future__ import annotations

import json
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import PurePosixPath
from typing import Any

__all__ = ["load_json", "read_text"]


def _resource(relpath: str) -> Traversable:
    """The resource at ``relpath`` (``/``-separated, relative to this package).

    Raises ``ValueError`` for empty, absolute or parent-escaping paths.
    """
    path = PurePosixPath(relpath)
    if not relpath or path.is_absolute() or ".." in path.parts:
        raise ValueError(f"Invalid resource path: {relpath!r}")
    resource = files(__name__)
    for part in path.parts:
        resource = resource.joinpath(part)
    return resource


def read_text(relpath: str) -> str:
    """Return the UTF-8 text of the resource at ``relpath``, e.g. ``"templates/ai_prd.md"``.

    Raises ``FileNotFoundError`` if no such resource is shipped, and ``ValueError`` if the
    path is absolute or contains ``..``.
    """
    return _resource(relpath).read_text(encoding="utf-8")


def load_json(name: str) -> Any:
    """Parse and return the reference data file ``data/<name>.json``.

    ``name`` is the bare file stem, e.g. ``"kpi_catalog"``. A fresh object is returned on
    every call, so callers may modify it freely.

    Raises ``FileNotFoundError`` for an unknown name and ``ValueError`` for a name that is
    not a plain file stem.
    """
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"Invalid reference data name: {name!r}")
    return json.loads(read_text(f"data/{name}.json"))
