"""Fixtures shared by the service tests of one area (the others are in tests/conftest.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="module")
def internal_ws(sample_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A copy of the demo workspace with internal texts internal_ws where a client-safe report
    must leave them out (see office_reports.seed_internal); one per test module."""
    from aipm_desktop.store import open_workspace

    from .office_reports import seed_internal

    path = tmp_path_factory.mktemp("internal_ws") / "demo.aipm"
    shutil.copy(sample_template, path)
    ws = open_workspace(path)
    seed_internal(ws)
    yield ws
    ws.close()
