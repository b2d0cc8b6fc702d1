"""Permission problems are one clear line naming the path and the missing permission.

(The tests run as root in CI, where modes do not stop anything, so the refusals the
operating system would give an ordinary user are simulated at the system call.)
"""

from __future__ import annotations

import os
from pathlib import Path

from typer.testing import CliRunner

from aipm_desktop.cli import app


def _one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    return lines[0]


def test_new_in_an_unwritable_folder(tmp_path: Path, monkeypatch) -> None:
    real_touch = Path.touch

    def refuse(self: Path, *args, **kwargs):
        if self.parent == tmp_path:
            raise PermissionError(13, "Permission denied")
        return real_touch(self, *args, **kwargs)

    monkeypatch.setattr(Path, "touch", refuse)
    result = CliRunner().invoke(app, ["new", str(tmp_path / "w.aipm")])
    assert result.exit_code == 1
    line = _one_line(result.stderr)
    assert str(tmp_path / "w.aipm") in line and "folder must be writable" in line


def test_an_export_into_an_unwritable_folder(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "w.aipm"
    assert CliRunner().invoke(app, ["new", str(path), "--demo"]).exit_code == 0
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access

    def deny(target, mode, *args, **kwargs):
        if Path(target) == locked and mode & os.W_OK:
            return False
        return real_access(target, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", deny)
    for args in (
        ["docs", "export", str(path), "1", "--format", "html", "--out", str(locked / "d.html")],
        ["export", str(path), "--out", str(locked / "dump.json")],
        ["risks", "export", str(path), "--out", str(locked / "r.csv")],
    ):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1, result.stdout
        line = _one_line(result.stderr)
        assert "permission denied" in line and str(locked) in line
    assert list(locked.iterdir()) == []


def test_a_folder_without_access(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "w.aipm"
    assert CliRunner().invoke(app, ["new", str(path)]).exit_code == 0
    real_stat = Path.stat

    def refuse(self: Path, *args, **kwargs):
        if self == path:
            raise PermissionError(13, "Permission denied")
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", refuse)
    result = CliRunner().invoke(app, ["info", str(path)])
    assert result.exit_code == 1
    line = _one_line(result.stderr)
    assert "permission denied" in line and str(tmp_path) in line
