"""Fixtures of the command-line tests: the ``aipm`` command run in-process, and a file's
digest (the sample workspace is ``sample_template`` / ``sample_path`` of tests/conftest.py)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from aipm_desktop.cli import app


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
