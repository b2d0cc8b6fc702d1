"""Shared fixtures: offscreen Qt, a temporary AIPM_HOME and a fresh workspace per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(autouse=True)
def aipm_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own AIPM_HOME: settings, logs and data never leak between tests."""
    home = tmp_path_factory.mktemp("aipm_home")
    monkeypatch.setenv("AIPM_HOME", str(home))
    return home


@pytest.fixture
def ws(tmp_path: Path) -> Iterator:
    """A fresh workspace with the built-in reference data."""
    from aipm_desktop.services.workspace import new_workspace

    workspace = new_workspace(tmp_path / "test.aipm", name="Test workspace")
    yield workspace
    workspace.close()
