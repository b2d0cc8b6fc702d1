"""Fixtures of the command-line tests: a private copy of the sample workspace, and the
``aipm`` command run in-process."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from aipm_desktop.cli import app
from aipm_desktop.services.workspace import new_workspace


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample workspace, built once per test session (copy it before writing)."""
    path = tmp_path_factory.mktemp("cli-demo") / "demo.aipm"
    new_workspace(path, demo=True).close()
    return path


@pytest.fixture
def demo_file(demo_template: Path, tmp_path: Path) -> Path:
    """A copy of the sample workspace of this test's own."""
    copy = tmp_path / "demo.aipm"
    copy.write_bytes(demo_template.read_bytes())
    return copy


@pytest.fixture
def aipm() -> Callable[..., Result]:
    """``aipm(*args)``: run the ``aipm`` command with ``args`` (any objects, as text)."""

    def invoke(*args: Any) -> Result:
        return CliRunner().invoke(app, [str(a) for a in args], prog_name="aipm")

    return invoke


@pytest.fixture
def sha256() -> Callable[[Path], str]:
    """The SHA-256 of a file (to show a command left it unchanged)."""
    return lambda path: hashlib.sha256(path.read_bytes()).hexdigest()
