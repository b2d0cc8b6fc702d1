"""Undo commands over the record services, pushed through the app context."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from aipm_desktop.errors import ConflictError
from aipm_desktop.models import UseCase, WorkspaceSettings
from aipm_desktop.services import records
from aipm_desktop.services.workspace import get_settings, new_workspace
from aipm_desktop.ui.undo import CreateRecordCommand, DeleteRecordCommand, UpdateRecordCommand


@pytest.fixture
def ctx(app_ctx, ws):
    app_ctx.set_workspace(ws)
    return app_ctx


def _use_case_titles(ws) -> list[str]:
    with ws.session() as session:
        return list(session.execute(select(UseCase.title).order_by(UseCase.id)).scalars())


def test_create_undo_redo_keeps_the_id(qtbot, ctx, ws):
    command = CreateRecordCommand(ctx, UseCase, {"title": "Summarise support cases"})
    with qtbot.waitSignal(ctx.changed) as blocker:
        assert ctx.run_edit(command)
    changes = blocker.args[0]
    assert (changes.kind, changes.ids, changes.action) == (
        "use_case",
        (command.record_id,),
        "create",
    )
    assert changes.touches("use_case") and len(changes.op_ids) == 1
    first_id = command.record_id
    assert _use_case_titles(ws) == ["Summarise support cases"]
    assert ctx.undo_stack.undoText() == "add use case 'Summarise support cases'"

    with qtbot.waitSignal(ctx.changed) as blocker:
        ctx.undo_stack.undo()
    assert blocker.args[0].action == "undo" and blocker.args[0].touches("use_case")
    assert _use_case_titles(ws) == []

    ctx.undo_stack.redo()
    assert _use_case_titles(ws) == ["Summarise support cases"]
    assert records.get(ws=ws, model=UseCase, id=first_id).title == "Summarise support cases"


def test_delete_undo_restores_the_record(ctx, ws):
    created, _ = records.create(ws=ws, model=UseCase, data={"title": "Triage emails"})
    command = DeleteRecordCommand(ctx, UseCase, created.id)
    assert ctx.run_edit(command)
    assert _use_case_titles(ws) == []
    assert ctx.undo_stack.undoText() == "delete use case 'Triage emails'"
    ctx.undo_stack.undo()
    assert records.get(ws=ws, model=UseCase, id=created.id).title == "Triage emails"
    ctx.undo_stack.redo()
    assert _use_case_titles(ws) == []


def test_update_undo_writes_old_values_back(ctx, ws):
    command = UpdateRecordCommand(
        ctx, WorkspaceSettings, 1, {"client": "Acme", "owner_name": "Ana"}
    )
    assert ctx.run_edit(command)
    settings = get_settings(ws=ws)
    assert (settings.client, settings.owner_name) == ("Acme", "Ana")
    ctx.undo_stack.undo()
    settings = get_settings(ws=ws)
    assert (settings.client, settings.owner_name) == ("", "")


def test_mergeable_edits_of_one_field_are_one_undo_step(ctx, ws):
    for client in ("A", "Ac", "Acme"):
        ctx.run_edit(UpdateRecordCommand(ctx, WorkspaceSettings, 1, {"client": client}, merge=True))
    assert ctx.undo_stack.count() == 1
    assert get_settings(ws=ws).client == "Acme"
    ctx.undo_stack.undo()
    assert get_settings(ws=ws).client == ""
    # Without merge each edit is its own step.
    ctx.undo_stack.redo()
    ctx.run_edit(UpdateRecordCommand(ctx, WorkspaceSettings, 1, {"client": "Beta"}))
    ctx.run_edit(UpdateRecordCommand(ctx, WorkspaceSettings, 1, {"client": "Gamma"}))
    assert ctx.undo_stack.count() == 3


def test_invalid_edit_reports_error_and_leaves_no_command(qtbot, ctx, ws):
    command = UpdateRecordCommand(ctx, WorkspaceSettings, 1, {"name": ""})
    with qtbot.waitSignal(ctx.user_error) as blocker, qtbot.assertNotEmitted(ctx.changed):
        assert not ctx.run_edit(command)
    assert blocker.args[0].title == "Invalid value"
    assert ctx.undo_stack.count() == 0
    assert get_settings(ws=ws).name == "Test workspace"


def test_failed_undo_is_reported_and_dropped(qtbot, ctx, ws):
    command = CreateRecordCommand(ctx, UseCase, {"title": "Gone soon"})
    ctx.run_edit(command)
    records.delete(ws=ws, model=UseCase, id=command.record_id)  # deleted behind the stack's back
    with qtbot.waitSignal(ctx.user_error) as blocker:
        ctx.undo_stack.undo()
    assert isinstance(blocker.args[0], ConflictError)
    assert "use case \u201cGone soon\u201d was deleted since" in str(blocker.args[0])
    assert ctx.undo_stack.count() == 0


def test_unchanged_value_leaves_no_undo_step(ctx):
    assert ctx.run_edit(UpdateRecordCommand(ctx, WorkspaceSettings, 1, {"name": "Test workspace"}))
    assert ctx.undo_stack.count() == 0


def test_stack_is_cleared_when_the_workspace_changes(qtbot, ctx, tmp_path):
    ctx.run_edit(UpdateRecordCommand(ctx, WorkspaceSettings, 1, {"client": "Acme"}))
    assert ctx.undo_stack.canUndo()
    other = new_workspace(tmp_path / "other.aipm")
    with qtbot.waitSignals([ctx.workspace_closed, ctx.workspace_opened]):
        ctx.set_workspace(other)
    assert not ctx.undo_stack.canUndo()
    assert ctx.undo_stack.count() == 0


def test_author_name_goes_to_the_change_log(ctx, ws):
    from aipm_desktop.services.workspace import recent_changes

    ctx.settings.set_author_name("Priya")
    ctx.run_edit(UpdateRecordCommand(ctx, WorkspaceSettings, 1, {"client": "Acme"}))
    assert recent_changes(ws=ws, limit=1)[0].who == "Priya"


def _dump(path) -> dict[str, list[tuple]]:
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        names = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if r[0] not in {"operation", "operation_row", "change_log", "alembic_version"}
            and not r[0].startswith("sqlite_")  # SQLite's own (the id counters)
        ]
        out = {}
        for name in names:  # every value but the version (an undo moves it on)
            cursor = conn.execute(f'SELECT * FROM "{name}" ORDER BY 1')
            keep = [i for i, d in enumerate(cursor.description) if d[0] != "version"]
            out[name] = [tuple(row[i] for i in keep) for row in cursor.fetchall()]
        return out
    finally:
        conn.close()


def test_gui_edit_is_undone_by_the_cli_after_reopening(ctx, ws):
    from typer.testing import CliRunner

    from aipm_desktop.cli import app

    created, _ = records.create(ws=ws, model=UseCase, data={"title": "Before"})
    before = _dump(ws.path)
    assert ctx.run_edit(UpdateRecordCommand(ctx, UseCase, created.id, {"title": "After"}))
    assert _use_case_titles(ws) == ["After"]
    path = ws.path
    ctx.close_workspace()

    result = CliRunner().invoke(app, ["undo", str(path)])
    assert result.exit_code == 0, result.output
    assert "undo edit use case title" in result.output
    assert _dump(path) == before
    listed = CliRunner().invoke(app, ["history", str(path), "--json"])
    assert '"state": "undone"' in listed.output


def test_reopened_workspace_can_undo_and_redo_its_last_edits(ctx, ws):
    from aipm_desktop.store import open_workspace

    created, _ = records.create(ws=ws, model=UseCase, data={"title": "Kept"})
    before = _dump(ws.path)
    assert ctx.run_edit(UpdateRecordCommand(ctx, UseCase, created.id, {"title": "Changed"}))
    after = _dump(ws.path)
    path = ws.path
    ctx.close_workspace()

    ctx.set_workspace(open_workspace(path))
    assert ctx.undo_stack.canUndo()
    assert ctx.undo_stack.undoText() == "edit use case title"
    ctx.undo_stack.undo()
    assert _dump(path) == before
    ctx.undo_stack.redo()
    assert _dump(path) == after
    ctx.undo_stack.undo()
    ctx.undo_stack.undo()  # the record's creation, made before by a service call
    assert _use_case_titles(ctx.workspace) == []


def test_watch_calls_back_on_matching_changes_until_the_owner_goes(qtbot, ctx):
    from PySide6.QtWidgets import QWidget

    from aipm_desktop.services.changes import Changes

    owner = QWidget()
    calls: list[str] = []
    ctx.watch(owner, ("risk",), lambda: calls.append("risk"))
    ctx.notify(Changes("use_case", (1,), "updated"))
    assert calls == []
    ctx.notify(Changes("risk", (1,), "updated"))
    assert calls == ["risk"]
    del owner  # the only reference: the widget and its watcher are destroyed
    ctx.notify(Changes("risk", (1,), "updated"))
    assert calls == ["risk"]
