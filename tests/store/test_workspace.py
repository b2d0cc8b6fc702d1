"""Opening, creating and copying workspace files; bad files stay untouched."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import select

from aipm_desktop.errors import (
    CorruptWorkspaceError,
    NewerWorkspaceError,
    NotAWorkspaceError,
    ReadOnlyError,
    WorkspaceError,
)
from aipm_desktop.models import UseCase
from aipm_desktop.services import records
from aipm_desktop.services.workspace import new_workspace
from aipm_desktop.store import check_workspace, head_revision, open_workspace, save_copy


def _bytes(path: Path) -> bytes:
    return path.read_bytes()


def test_new_workspace_uses_wal_foreign_keys_and_full_sync(ws) -> None:
    with ws.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    assert ws.revision == head_revision()


def test_edit_is_committed_at_once_and_visible_after_reopen(ws) -> None:
    records.create(ws=ws, model=UseCase, data={"title": "Summarise support cases"})
    path = ws.path
    ws.close()
    reopened = open_workspace(path)
    try:
        with reopened.session() as session:
            titles = [u.title for u in session.exec(select(UseCase)).all()]
        assert titles == ["Summarise support cases"]
    finally:
        reopened.close()


def test_create_refuses_to_overwrite_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "client.aipm"
    target.write_bytes(b"precious")
    with pytest.raises(WorkspaceError, match="already exists"):
        new_workspace(target)
    assert target.read_bytes() == b"precious"


def test_failed_create_leaves_nothing_behind(tmp_path: Path, monkeypatch) -> None:
    from aipm_desktop.services import reference
    from aipm_desktop.services import workspace as wsvc

    def boom(session):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(reference, "seed_all", boom)
    with pytest.raises(RuntimeError):
        wsvc.new_workspace(tmp_path / "half.aipm")
    assert list(tmp_path.iterdir()) == []


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="No such file"):
        open_workspace(tmp_path / "nope.aipm")


def test_text_file_is_not_a_workspace_and_stays_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "notes.aipm"
    path.write_text("just some notes\n" * 50)
    before = _bytes(path)
    with pytest.raises(NotAWorkspaceError, match="not an SQLite database"):
        open_workspace(path)
    assert _bytes(path) == before


def test_empty_file_is_not_a_workspace(tmp_path: Path) -> None:
    path = tmp_path / "empty.aipm"
    path.write_bytes(b"")
    with pytest.raises(NotAWorkspaceError):
        open_workspace(path)
    assert _bytes(path) == b""


def test_sqlite_file_of_another_application_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO contacts (name) VALUES ('Ada')")
    conn.commit()
    conn.close()
    before = _bytes(path)
    with pytest.raises(NotAWorkspaceError, match="another application"):
        open_workspace(path)
    assert _bytes(path) == before
    assert not Path(f"{path}-wal").exists()


def test_corrupt_workspace_is_refused_untouched(ws, tmp_path: Path) -> None:
    records.create(ws=ws, model=UseCase, data={"title": "Triage"})
    path = ws.path
    ws.close()
    data = bytearray(path.read_bytes())
    # Keep the SQLite header, garble the rest of the first page (the schema).
    data[100:4096] = bytes((i * 7) % 251 for i in range(100, 4096))
    path.write_bytes(bytes(data))
    before = _bytes(path)
    with pytest.raises((CorruptWorkspaceError, NotAWorkspaceError)):
        open_workspace(path)
    assert _bytes(path) == before


def test_truncated_workspace_is_reported_by_check(ws) -> None:
    for i in range(200):
        records.create(ws=ws, model=UseCase, data={"title": f"Use case {i}", "problem": "x" * 400})
    path = ws.path
    ws.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    before = _bytes(path)
    try:
        problems = check_workspace(path)
    except CorruptWorkspaceError:
        problems = ["refused"]
    assert problems
    assert _bytes(path) == before


def test_newer_schema_is_refused_untouched(ws) -> None:
    path = ws.path
    ws.close()
    conn = sqlite3.connect(path)  # as a newer app would leave it
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    before = _bytes(path)
    with pytest.raises(NewerWorkspaceError, match="newer version"):
        open_workspace(path)
    assert _bytes(path) == before


def test_read_only_file_opens_read_only_and_refuses_edits(ws) -> None:
    records.create(ws=ws, model=UseCase, data={"title": "Draft replies"})
    path = ws.path
    ws.close()
    os.chmod(path, stat.S_IRUSR | stat.S_IRGRP)
    try:
        before = _bytes(path)
        ro = open_workspace(path)
        try:
            assert ro.readonly
            with ro.session() as session:
                assert len(session.exec(select(UseCase)).all()) == 1
            with pytest.raises(ReadOnlyError):
                records.create(ws=ro, model=UseCase, data={"title": "Another"})
        finally:
            ro.close()
        assert _bytes(path) == before
    finally:
        os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)


def test_save_copy_writes_a_consistent_workspace(ws, tmp_path: Path) -> None:
    records.create(ws=ws, model=UseCase, data={"title": "Forecast churn"})
    dest = tmp_path / "copy.aipm"
    save_copy(ws, dest)
    copy = open_workspace(dest)
    try:
        with copy.session() as session:
            assert [u.title for u in session.exec(select(UseCase))] == ["Forecast churn"]
    finally:
        copy.close()
    with pytest.raises(WorkspaceError):
        save_copy(ws, ws.path)
    with pytest.raises(WorkspaceError, match="does not exist"):
        save_copy(ws, tmp_path / "missing-folder" / "x.aipm")


def test_check_reports_sound_workspace(ws) -> None:
    path = ws.path
    ws.close()
    assert check_workspace(path) == []
