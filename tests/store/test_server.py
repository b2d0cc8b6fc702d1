"""The PostgreSQL back end: open by URL, the journal's triggers, undo and the change log as
on SQLite, who did what, roles, notifications, bulk inserts and copies file <-> server.

These tests need a server (tests/pg_cluster.py starts one when it can); without one they
are skipped. Those marked ``backends`` run on SQLite too and must give the same answers.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text

from aipm_desktop.errors import (
    ConflictError,
    NotAWorkspaceError,
    ReadOnlyError,
    WorkspaceError,
)
from aipm_desktop.models import ChangeLog, FeedbackItem, UseCase
from aipm_desktop.services import records, transfer
from aipm_desktop.services.workspace import get_settings, new_workspace
from aipm_desktop.store import ServerLocation, bulk, listen_changes, open_workspace


@pytest.fixture
def server_ws(pg_server: Any) -> Iterator[Any]:
    """A new workspace (reference data) in a database of this test's own."""
    url = pg_server.new_database(template=pg_server.template())
    ws = open_workspace(url)
    yield ws
    ws.close()
    pg_server.drop_database(url)


def _titles(ws: Any) -> list[str]:
    with ws.session() as session:
        return list(session.execute(select(UseCase.title).order_by(UseCase.id)).scalars())


def _sql(url: str, sql: str, **values: Any) -> list[tuple[Any, ...]]:
    """Run ``sql`` on the database at ``url`` as another program would (autocommit)."""
    location = ServerLocation.parse(url)
    engine = create_engine(location.url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            result = conn.execute(text(sql), values)
            return [tuple(r) for r in result.all()] if result.returns_rows else []
    finally:
        engine.dispose()


def test_a_new_workspace_on_a_server_opens_again_by_its_url(pg_url: str) -> None:
    ws = new_workspace(pg_url, name="Team portfolio")
    try:
        assert ws.on_server and not ws.readonly
        database = ServerLocation.parse(pg_url).database
        assert ws.path.name.startswith(f"{database} on ")
        records.create(ws=ws, model=UseCase, data={"title": "Reply drafts"})
    finally:
        ws.close()
    again = open_workspace(pg_url)
    try:
        assert _titles(again) == ["Reply drafts"]
    finally:
        again.close()


def test_the_shown_address_never_holds_the_password(pg_url: str) -> None:
    with_password = pg_url.replace("postgresql://postgres@", "postgresql://postgres:s3cret@")
    location = ServerLocation.parse(with_password)
    assert "s3cret" not in str(location) and "s3cret" not in location.name


def test_an_empty_database_is_not_a_workspace_and_a_full_one_is_not_overwritten(
    pg_url: str,
) -> None:
    with pytest.raises(NotAWorkspaceError, match="aipm server init"):
        open_workspace(pg_url)
    new_workspace(pg_url, name="First").close()
    with pytest.raises(WorkspaceError, match="not empty"):
        new_workspace(pg_url, name="Second")
    ws = open_workspace(pg_url)
    try:
        assert get_settings(ws=ws).name == "First"
    finally:
        ws.close()


def test_edits_made_outside_the_app_are_not_journaled_and_block_an_undo(server_ws: Any) -> None:
    obj, _ = records.create(ws=server_ws, model=UseCase, data={"title": "Summaries"})
    before = len(server_ws.history(limit=100))
    url = server_ws.path.url.render_as_string(hide_password=False)
    _sql(url, "UPDATE use_case SET title = 'Edited in psql' WHERE id = :id", id=obj.id)
    assert len(server_ws.history(limit=100)) == before
    with pytest.raises(ConflictError, match="changed since"):
        server_ws.undo()
    assert records.get(ws=server_ws, model=UseCase, id=obj.id).title == "Edited in psql"


@pytest.mark.backends
def test_undo_redo_and_the_change_log_read_the_same_on_both_back_ends(ws: Any) -> None:
    obj, _ = records.create(ws=ws, model=UseCase, data={"title": "Summaries", "owner": "Ana"})
    records.update(ws=ws, model=UseCase, id=obj.id, data={"title": "Case summaries"})
    records.delete(ws=ws, model=UseCase, id=obj.id)
    ws.undo()  # the delete: the record is back as it was
    assert records.get(ws=ws, model=UseCase, id=obj.id).title == "Case summaries"
    ws.undo()  # the rename
    assert records.get(ws=ws, model=UseCase, id=obj.id).title == "Summaries"
    ws.redo()
    assert records.get(ws=ws, model=UseCase, id=obj.id).title == "Case summaries"
    with ws.session() as session:
        log = session.exec(
            select(ChangeLog.action, ChangeLog.label, ChangeLog.changes)
            .where(ChangeLog.entity == "use_case")
            .order_by(ChangeLog.id)
        ).all()
    assert [(a, label) for a, label, _c in log] == [
        ("create", "Summaries"),
        ("update", "Case summaries"),
        ("delete", "Case summaries"),
        ("restore", "Case summaries"),
        ("update", "Summaries"),
        ("update", "Case summaries"),
    ]
    assert log[1][2] == {"title": ["Summaries", "Case summaries"]}
    assert log[4][2] == {"title": ["Case summaries", "Summaries"]}
    assert log[0][2]["owner"] == [None, "Ana"]
    kinds = [(h["kind"], h["state"]) for h in ws.history(limit=10)]
    assert kinds[:3] == [("redo", "active"), ("undo", "redone"), ("undo", "active")]


def test_the_actor_is_the_database_user(server_ws: Any) -> None:
    records.create(ws=server_ws, model=UseCase, data={"title": "One"})
    records.create(ws=server_ws, model=UseCase, data={"title": "Two"}, who="Ana Lima")
    user = server_ws.server_user
    assert user == server_ws.path.user_name  # the login of the URL
    actors = [h["actor"] for h in server_ws.history(limit=2)]
    assert actors == [f"Ana Lima ({user})", user]


def test_a_viewer_opens_read_only_and_an_editor_writes_under_their_name(
    team_roles: dict[str, str],
) -> None:
    viewer = open_workspace(team_roles["viewer"])
    try:
        assert viewer.readonly
        assert _titles(viewer) == []
        with pytest.raises(ReadOnlyError):
            records.create(ws=viewer, model=UseCase, data={"title": "Not allowed"})
    finally:
        viewer.close()
    editor = open_workspace(team_roles["editor"])
    try:
        assert not editor.readonly
        obj, _ = records.create(ws=editor, model=UseCase, data={"title": "Allowed"})
        editor.undo()
        editor.redo()
        assert records.get(ws=editor, model=UseCase, id=obj.id).title == "Allowed"
        assert {h["actor"] for h in editor.history(limit=3)} == {editor.server_user}
        assert editor.server_user.startswith("aipm_e_")
    finally:
        editor.close()


def test_each_committed_operation_is_notified_once_and_a_failed_one_never(
    server_ws: Any,
) -> None:
    url = server_ws.path.url.render_as_string(hide_password=False)
    with listen_changes(url, timeout=5) as changes:
        obj, _ = records.create(ws=server_ws, model=UseCase, data={"title": "First"})
        with pytest.raises(RuntimeError), server_ws.write() as session:
            session.add(UseCase(title="Rolled back"))
            session.flush()
            raise RuntimeError("the user's action failed half-way")
        records.update(ws=server_ws, model=UseCase, id=obj.id, data={"title": "Second"})
        ids = list(itertools.islice(changes, 2))
    assert ids == [h["id"] for h in reversed(server_ws.history(limit=2))]


def test_a_bulk_insert_on_the_server_undoes_redoes_and_leaves_the_ids_going_on(
    server_ws: Any,
) -> None:
    from aipm_desktop.models import utcnow

    table = FeedbackItem.__table__  # type: ignore[attr-defined]
    now = utcnow()
    names = ["text", "date", "source", "triage_class"]
    rows = [(f"Refund window item {i}", now.date(), "csv", "untriaged") for i in range(50)]
    stamps = {"created_at": now, "updated_at": now, "version": 1, "triaged_at": None}
    with server_ws.operation("import feedback") as op:
        conn = op.session.connection()
        first, last = bulk.insert_rows(conn, table, names, rows, constants=stamps)
    assert (first, last) == (1, 50)
    with server_ws.session() as session:
        count = session.execute(text("SELECT count(*) FROM feedback_item")).scalar()
    assert count == 50
    server_ws.undo()
    with server_ws.session() as session:
        assert session.execute(text("SELECT count(*) FROM feedback_item")).scalar() == 0
    server_ws.redo()
    with server_ws.write() as session:
        extra = FeedbackItem(text="One more", date=now.date(), source="csv")
        session.add(extra)
        session.flush()
        assert extra.id == 51
    log = server_ws.history(limit=3)
    assert [h["rows"] for h in log[1:]] == [50, 50]


def test_a_file_copied_to_the_server_and_back_keeps_every_record(
    sample_path: Path, pg_url: str, tmp_path: Path
) -> None:
    source = open_workspace(sample_path, readonly=True)
    try:
        original = transfer.export_data(ws=source)["tables"]
    finally:
        source.close()
    on_server = transfer.copy_workspace(source=sample_path, dest=pg_url)
    try:
        assert transfer.export_data(ws=on_server)["tables"] == original
        obj, _ = records.create(ws=on_server, model=UseCase, data={"title": "After the copy"})
        assert obj.id == max(r["id"] for r in original["use_case"]) + 1
    finally:
        on_server.close()
    with pytest.raises(WorkspaceError, match="not empty"):
        transfer.copy_workspace(source=sample_path, dest=pg_url)
    back = transfer.copy_workspace(source=pg_url, dest=tmp_path / "back.aipm")
    try:
        tables = transfer.export_data(ws=back)["tables"]
        assert tables["use_case"][-1]["title"] == "After the copy"
        tables["use_case"].pop()
        log = tables.pop("change_log")
        known = len(original["change_log"])
        assert log[:known] == original["change_log"]
        assert [(r["action"], r["label"]) for r in log[known:]] == [("create", "After the copy")]
        assert tables == {k: v for k, v in original.items() if k != "change_log"}
    finally:
        back.close()
    again = transfer.copy_workspace(source=sample_path, dest=pg_url, overwrite=True)
    try:
        assert transfer.export_data(ws=again)["tables"] == original
    finally:
        again.close()
