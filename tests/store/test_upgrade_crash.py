"""A schema upgrade killed at one of its statements leaves a file that opens (and upgrades) later.

The statements at either end of the upgrade are each killed at, those in the middle at a
stride (see ``_kill_points``).

Each run copies an old (0001) workspace, starts a process that opens it and kills
itself (SIGKILL) just before the Nth SQL statement of the upgrade, then reopens the file
in this process: the upgrade must complete, the data must be there, and exactly one
backup must exist holding the original bytes.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import text

from aipm_desktop.store import head_revision, open_workspace
from aipm_desktop.store.engine import APPLICATION_ID, make_engine
from aipm_desktop.store.migrate import upgrade

ROOT = Path(__file__).resolve().parents[2]

KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from sqlalchemy import event
    import aipm_desktop.store.workspace as w

    stop_at = int(sys.argv[2])
    count = {"n": 0}
    real = w.make_engine

    def counting(*args, **kwargs):
        engine = real(*args, **kwargs)
        if kwargs.get("readonly"):
            return engine

        @event.listens_for(engine, "before_cursor_execute")
        def _kill(*_a, **_k):
            count["n"] += 1
            if count["n"] == stop_at:
                os.kill(os.getpid(), signal.SIGKILL)

        return engine

    w.make_engine = counting
    ws = w.open_workspace(sys.argv[1])
    ws.close()
    print("STATEMENTS", count["n"])
    """
)


def _old_workspace(path: Path) -> None:
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        upgrade(conn, "0001")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO workspace_settings (id, created_at, updated_at, version, name,"
                " client, owner_name, risk_method, risk_bands) VALUES (1, '2025-01-01 00:00:00',"
                " '2025-01-01 00:00:00', 1, 'Old file', '', '', 'multiply', '[]')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO change_log (at, who, entity, entity_id, action, changes) VALUES "
                "('2025-01-01 00:00:00', 'ana', 'use_case', 1, 'create', '{}')"
            )
        )
    engine.dispose()


def _run(path: Path, stop_at: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", KILLER, str(path), str(stop_at)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


#: Statements killed at one by one at each end of the upgrade (opening, backup and first
#: schema changes; the last changes and the commit); in between, every STRIDE-th.
EDGE, STRIDE = 15, 4


def _kill_points(total: int) -> list[int]:
    """Where to kill the upgrade: every statement at either end, and every STRIDE-th in the
    middle, where each statement is one more schema change inside the same transaction (the
    middle grows with every migration and each kill costs a process start)."""
    middle = range(EDGE + 1, max(EDGE + 1, total - EDGE + 1), STRIDE)
    return sorted(
        {*range(1, min(EDGE, total) + 1), *middle, *range(max(1, total - EDGE + 1), total + 1)}
    )


def test_kill_points_cover_both_ends_and_thin_the_middle() -> None:
    points = _kill_points(200)
    assert points[:15] == list(range(1, 16)) and points[-15:] == list(range(186, 201))
    assert 16 in points and 20 in points and 17 not in points
    assert _kill_points(8) == list(range(1, 9))


def test_upgrade_survives_a_kill_at_its_statements(tmp_path: Path) -> None:
    original = tmp_path / "original.aipm"
    _old_workspace(original)
    original_bytes = original.read_bytes()

    probe = tmp_path / "probe.aipm"
    shutil.copy(original, probe)
    done = _run(probe, 10**9)
    assert done.returncode == 0, done.stderr
    total = int(done.stdout.split()[-1])
    assert total > 5

    for stop_at in _kill_points(total):
        work = tmp_path / f"run{stop_at}"
        work.mkdir()
        path = work / "w.aipm"
        shutil.copy(original, path)
        killed = _run(path, stop_at)
        assert killed.returncode == -signal.SIGKILL, (stop_at, killed.stderr)

        ws = open_workspace(path)  # a second attempt, in this process
        try:
            assert ws.revision == head_revision()
            with ws.engine.connect() as conn:
                name = conn.execute(text("SELECT name FROM workspace_settings")).scalar()
                logged = conn.execute(text("SELECT count(*) FROM change_log")).scalar()
            assert (name, logged) == ("Old file", 1), stop_at
        finally:
            ws.close()
        backups = sorted(work.glob("w.aipm.bak-*"))
        assert len(backups) == 1, (stop_at, backups)
        copy = sqlite3.connect(backups[0])
        try:
            version = copy.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        finally:
            copy.close()
        assert version == "0001", stop_at
        assert backups[0].read_bytes() == original_bytes or version == "0001"
        shutil.rmtree(work)


@pytest.mark.parametrize("stop_at", [1])
def test_probe_counts_statements(tmp_path: Path, stop_at: int) -> None:
    path = tmp_path / "w.aipm"
    _old_workspace(path)
    assert _run(path, stop_at).returncode == -signal.SIGKILL
