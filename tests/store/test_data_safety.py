"""Data safety in the store: in-use files, replaced files, busy files, damaged schemas,
read-only places, leftovers of killed runs."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from sqlmodel import select

from aipm_desktop.errors import (
    BusyError,
    CorruptWorkspaceError,
    WorkspaceError,
    WorkspaceGoneError,
)
from aipm_desktop.models import UseCase
from aipm_desktop.services import records
from aipm_desktop.store import check_workspace, create_workspace, engine, open_workspace
from aipm_desktop.store.files import InUseError

ROOT = Path(__file__).resolve().parents[2]


def _side_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(("-wal", "-shm")))


def test_replacing_a_file_open_here_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.aipm"
    ws = create_workspace(path)
    try:
        records.create(ws=ws, model=UseCase, data={"title": "Keep me"})
        with pytest.raises(InUseError, match="open in another window"):
            create_workspace(path, overwrite=True)
        # The open workspace still works and kept its data.
        records.create(ws=ws, model=UseCase, data={"title": "Still saving"})
        with ws.session() as session:
            assert len(session.exec(select(UseCase)).all()) == 2
    finally:
        ws.close()
    create_workspace(path, overwrite=True).close()  # closed: replacing is allowed


def test_replacing_a_file_another_process_has_open_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "w.aipm"
    create_workspace(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                """
                import sys, time
                from aipm_desktop.store import open_workspace
                ws = open_workspace(sys.argv[1])
                print("open", flush=True)
                time.sleep(30)
                """
            ),
            str(path),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(InUseError):
            create_workspace(path, overwrite=True)
    finally:
        holder.kill()
        holder.wait()
    create_workspace(path, overwrite=True).close()


def test_a_write_into_a_replaced_file_is_refused_not_lost(tmp_path: Path) -> None:
    path = tmp_path / "w.aipm"
    ws = create_workspace(path)
    other = create_workspace(tmp_path / "other.aipm")
    other.close()
    try:
        os.replace(tmp_path / "other.aipm", path)  # a tool that ignores the lock
        with pytest.raises(WorkspaceGoneError, match="replaced or removed"):
            records.create(ws=ws, model=UseCase, data={"title": "Into the void"})
    finally:
        ws.close()
    check = open_workspace(path)
    try:
        with check.session() as session:
            assert len(session.exec(select(UseCase)).all()) == 0
    finally:
        check.close()


def test_still_there_says_when_the_path_names_another_file_or_none(tmp_path: Path) -> None:
    path = tmp_path / "w.aipm"
    ws = create_workspace(path)
    other = create_workspace(tmp_path / "other.aipm")
    other.close()
    try:
        assert ws.still_there()
        os.replace(tmp_path / "other.aipm", path)
        assert not ws.still_there()
        path.unlink()
        assert not ws.still_there()
        with pytest.raises(WorkspaceGoneError):
            records.create(ws=ws, model=UseCase, data={"title": "Into the void"})
    finally:
        ws.close()


def test_reopening_a_replaced_file_shows_the_new_file(tmp_path: Path) -> None:
    path = tmp_path / "w.aipm"
    ws = create_workspace(path)
    other = create_workspace(tmp_path / "other.aipm")
    other.close()
    try:
        records.create(ws=ws, model=UseCase, data={"title": "Written here before"})
        os.replace(tmp_path / "other.aipm", path)
    finally:
        ws.close()
    check = open_workspace(path, readonly=True)
    try:
        with check.session() as session:
            assert session.exec(select(UseCase)).all() == []
    finally:
        check.close()
    # The old file's journal is kept aside, not thrown away.
    assert list(tmp_path.glob("w.aipm-wal.orphaned-*"))


def test_a_busy_file_gives_one_clear_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 100)
    path = tmp_path / "w.aipm"
    ws = create_workspace(path)
    blocker = sqlite3.connect(path, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        with pytest.raises(BusyError) as caught:
            records.create(ws=ws, model=UseCase, data={"title": "Waits"})
        assert time.monotonic() - started < 5
        message = str(caught.value)
        assert message == "w.aipm is busy: another window or command is writing to it; try again."
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
        ws.close()


def test_a_dropped_column_is_named_by_check_and_refused_on_open(tmp_path: Path) -> None:
    path = tmp_path / "w.aipm"
    create_workspace(path).close()
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE use_case DROP COLUMN owner")
    conn.execute("DROP TABLE incident")
    conn.commit()
    conn.close()
    problems = check_workspace(path)
    assert "schema: table use_case is missing column(s) owner" in problems
    assert "schema: table incident is missing" in problems
    before = path.read_bytes()
    with pytest.raises(CorruptWorkspaceError, match="use_case is missing column"):
        open_workspace(path)
    assert path.read_bytes() == before


def test_an_empty_schema_version_is_damage(tmp_path: Path) -> None:
    path = tmp_path / "w.aipm"
    create_workspace(path).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = ''")
    conn.commit()
    conn.close()
    with pytest.raises(CorruptWorkspaceError, match="damaged"):
        open_workspace(path)


def test_a_stale_temporary_file_is_cleaned_but_a_live_one_is_respected(tmp_path: Path) -> None:
    path = tmp_path / "w.aipm"
    stale = tmp_path / ".w.aipm.creating"
    stale.write_bytes(b"x" * 4096)  # what a killed import leaves
    create_workspace(path).close()
    assert not stale.exists()

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys, time\n"
            "fd = os.open(sys.argv[1], os.O_RDONLY)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "time.sleep(30)\n",
            str(stale),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    stale.write_bytes(b"y")
    try:
        # (the file was re-created before the holder opened it)
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(InUseError, match="creating"):
            create_workspace(path, overwrite=True)
        assert stale.exists()
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.skipif(
    os.name != "posix",
    reason="needs POSIX file modes and switching to an unprivileged user (Linux, macOS)",
)
def test_a_read_only_folder_opens_read_only_without_side_files(tmp_path: Path) -> None:
    base = Path(tempfile.mkdtemp(prefix="aipm-ro-"))  # /tmp: reachable by other users
    base.chmod(0o755)
    folder = base / "client"
    folder.mkdir()
    path = folder / "w.aipm"
    ws = create_workspace(path)
    records.create(ws=ws, model=UseCase, data={"title": "Readable"})
    ws.close()
    assert _side_files(folder) == []
    script = textwrap.dedent(
        """
        import os, sys
        from sqlmodel import select
        from aipm_desktop.models import UseCase
        from aipm_desktop.store import open_workspace
        if os.getuid() == 0:
            os.setgid(65534); os.setuid(65534)  # as an ordinary user: root ignores modes
        ws = open_workspace(sys.argv[1])
        with ws.session() as s:
            print(ws.readonly, len(s.exec(select(UseCase)).all()))
        ws.close()
        """
    )
    os.chmod(path, 0o444)
    os.chmod(folder, 0o555)
    try:
        done = subprocess.run(
            [sys.executable, "-c", script, str(path)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == ["True", "1"]
        assert _side_files(folder) == []
    finally:
        os.chmod(folder, 0o755)
        shutil.rmtree(base, ignore_errors=True)


def test_creating_in_a_missing_or_unwritable_folder_names_it(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="does not exist"):
        create_workspace(tmp_path / "nope" / "w.aipm")


def test_a_killed_import_leaves_nothing_that_survives_the_next_run(tmp_path: Path) -> None:
    """A real kill in the middle of `aipm import`: the next import clears its leftovers."""
    source = tmp_path / "source.aipm"
    ws = create_workspace(source)
    with ws.write() as session:
        from sqlalchemy import insert

        session.connection().execute(
            insert(UseCase.__table__),  # type: ignore[attr-defined]
            [{"title": f"Use case {i:05d}", "version": 1} for i in range(20000)],
        )
    ws.close()
    dump = tmp_path / "dump.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AIPM_HOME": str(tmp_path / "home")}
    subprocess.run(
        [sys.executable, "-m", "aipm_desktop.cli", "export", str(source), "--out", str(dump)],
        check=True,
        env=env,
        capture_output=True,
    )
    target = tmp_path / "client.aipm"
    leftover = tmp_path / ".client.aipm.creating"
    proc = subprocess.Popen(
        [sys.executable, "-m", "aipm_desktop.cli", "import", str(target), str(dump)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not leftover.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    proc.kill()
    proc.wait()
    assert not target.exists()  # never a half-made workspace under the real name
    assert leftover.exists()  # what a kill leaves (full size) ...
    other = tmp_path / "other.aipm"
    done = subprocess.run(
        [sys.executable, "-m", "aipm_desktop.cli", "new", str(other)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert not leftover.exists()  # ... is cleared by the next run in that folder
    done = subprocess.run(
        [sys.executable, "-m", "aipm_desktop.cli", "import", str(target), str(dump)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert not leftover.exists()
    check = open_workspace(target)
    try:
        with check.session() as session:
            assert len(session.exec(select(UseCase)).all()) == 20000
    finally:
        check.close()
