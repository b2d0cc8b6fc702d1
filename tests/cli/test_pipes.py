"""Output piped into a reader that stops early (``| head``) ends quietly, like any Unix tool."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import insert

from aipm_desktop.models import Risk
from aipm_desktop.services.workspace import new_workspace

ROOT = Path(__file__).resolve().parents[2]


def test_a_closed_pipe_ends_quietly_with_status_zero(tmp_path: Path) -> None:
    path = tmp_path / "w.aipm"
    ws = new_workspace(path)
    with ws.write() as session:
        session.connection().execute(
            insert(Risk.__table__),  # type: ignore[attr-defined]
            [
                {"title": f"Risk {i:05d}", "version": 1, "likelihood": 3, "impact": 3}
                for i in range(5000)
            ],
        )
    ws.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AIPM_HOME": str(tmp_path / "home")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "aipm_desktop.cli", "risks", "list", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # like `head -1`
    err = proc.stderr.read().decode()
    proc.wait(timeout=60)
    assert first.strip(), err
    assert proc.returncode == 0
    assert err == ""
    assert not (tmp_path / "home").exists() or not list((tmp_path / "home").rglob("*.log"))
