"""Live refresh and the lost connection: two workspace objects on one file, as two windows."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import exc

from aipm_desktop.errors import UnavailableError
from aipm_desktop.models import Risk, UseCase
from aipm_desktop.services import records
from aipm_desktop.store import Workspace, open_workspace
from aipm_desktop.ui import live


@pytest.fixture
def other(ws):
    """The same file open a second time: another window or process."""
    second = open_workspace(Path(ws.path))
    yield second
    second.close()


@pytest.fixture
def page(qtbot, app_ctx, ws):
    from aipm_desktop.ui.usecases.page import UseCasesPage

    for title, owner in (("Summaries", "Ann"), ("Triage", "Tom")):
        records.create(ws=ws, model=UseCase, data={"title": title, "owner": owner})
    app_ctx.set_workspace(ws)
    widget = UseCasesPage(app_ctx)
    qtbot.addWidget(widget)
    widget.resize(1300, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _titles(page) -> list[str]:
    model = page.list_pane.model
    column = model.spec.index_of("title")
    return [model.index(row, column).data() for row in range(model.rowCount())]


def _select(page, title: str) -> int:
    record_id = next(
        page.list_pane.model.id_at(row) for row, text in enumerate(_titles(page)) if text == title
    )
    page.set_current(record_id)
    assert page.current_id == record_id
    return record_id


def _half_type(qtbot, editor, text: str) -> None:
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, text)  # no Return, no focus change: still typing


def _failing(*_args, **_kwargs):
    raise exc.OperationalError("SELECT 1", {}, Exception("server closed the connection"))


def test_the_other_windows_edit_shows_keeping_selection_and_typing(qtbot, page, app_ctx, other):
    triage = _select(page, "Triage")
    owner = page.form.lines["owner"]
    _half_type(qtbot, owner, "Half typ")
    records.update(ws=other, model=UseCase, id=triage, data={"title": "Ticket triage"})
    records.create(ws=other, model=UseCase, data={"title": "Churn alerts"})

    with qtbot.waitSignal(app_ctx.changed, timeout=5000) as blocker:
        pass  # the poll timer fires on its own
    changes = blocker.args[0]
    assert changes.touches("use_case")
    assert triage in changes.ids

    assert sorted(_titles(page)) == ["Churn alerts", "Summaries", "Ticket triage"]
    assert page.current_id == triage  # the selection survived
    assert page.list_pane.current_id() == triage
    assert page.form.lines["title"].text() == "Ticket triage"
    assert owner.text() == "Half typ"  # the unsaved typing survived
    assert owner.hasFocus()
    qtbot.keyClick(owner, Qt.Key.Key_Return)  # saving it needs no dialog: owner unchanged
    assert app_ctx.conflict_dialog is None
    stored = records.get(ws=other, model=UseCase, id=triage)
    assert (stored.title, stored.owner) == ("Ticket triage", "Half typ")


def test_typing_over_a_field_the_other_window_changed_asks_on_save(qtbot, page, app_ctx, other):
    triage = _select(page, "Triage")
    owner = page.form.lines["owner"]
    _half_type(qtbot, owner, "Carol")
    records.update(ws=other, model=UseCase, id=triage, data={"owner": "Bob"})
    assert app_ctx.live.poll()
    assert owner.text() == "Carol"  # kept, though the stored owner is now Bob
    qtbot.keyClick(owner, Qt.Key.Key_Return)
    dialog = app_ctx.conflict_dialog
    assert dialog is not None
    assert dialog.current == {"owner": "Bob"}
    dialog.save_button.click()
    assert records.get(ws=other, model=UseCase, id=triage).owner == "Carol"


def test_own_edits_and_other_kinds_are_not_announced_as_external(qtbot, page, app_ctx, ws):
    records.create(ws=ws, model=Risk, data={"title": "Mine"})
    assert app_ctx.live.poll() == []
    steps = app_ctx.undo_stack.count()
    third = open_workspace(Path(ws.path))
    try:
        records.create(ws=third, model=Risk, data={"title": "Theirs"})
        found = app_ctx.live.poll()
    finally:
        third.close()
    assert [sorted(k.value for k in op.kinds) for op in found] == [["risk"]]
    assert app_ctx.undo_stack.count() == steps  # not undoable here


def test_lost_connection_disables_edits_keeps_typing_and_reconnects(
    qtbot, page, app_ctx, ws, monkeypatch
):
    summaries = _select(page, "Summaries")
    banner = live.ConnectionBanner(app_ctx)
    qtbot.addWidget(banner)
    monkeypatch.setattr(Workspace, "ping", _failing)
    monkeypatch.setattr(live.Watch, "poll", _failing)
    with qtbot.waitSignal(app_ctx.live.availability_changed, timeout=5000) as lost:
        pass  # the next poll meets the dropped connection
    assert lost.args == [False]
    assert app_ctx.readonly
    assert not banner.isHidden()
    assert "cannot be reached" in banner.label.text()
    assert app_ctx.live.retry_timer.isActive()

    owner = page.form.lines["owner"]
    _half_type(qtbot, owner, "Zed")
    qtbot.keyClick(owner, Qt.Key.Key_Return)
    assert owner.text() == "Zed"  # kept for later
    assert "cannot be reached" in page.form.hint_text("owner")
    assert records.get(ws=ws, model=UseCase, id=summaries).owner == "Ann"

    # A retry that fails waits twice as long, up to 30 s.
    assert app_ctx.live.retry_in == 1
    banner.reconnect_button.click()
    assert app_ctx.live.retry_in == 2
    for _ in range(6):
        app_ctx.live.reconnect()
    assert app_ctx.live.retry_in == 30
    assert app_ctx.readonly

    monkeypatch.undo()
    with qtbot.waitSignal(app_ctx.changed, timeout=5000):
        banner.reconnect_button.click()
    assert not app_ctx.readonly
    assert banner.isHidden()
    assert app_ctx.live.poll_timer.isActive()
    assert owner.text() == "Zed"
    qtbot.keyClick(owner, Qt.Key.Key_Return)
    assert records.get(ws=ws, model=UseCase, id=summaries).owner == "Zed"


def test_an_edit_meeting_a_dropped_connection_writes_nothing_and_says_so(
    qtbot, page, app_ctx, ws, monkeypatch, message_boxes
):
    from aipm_desktop.ui.undo import service_command

    def write(workspace):
        records.update(ws=workspace, model=UseCase, id=page.current_id, data={"owner": "X"})
        _failing()

    with qtbot.waitSignal(app_ctx.user_error) as shown:
        assert not app_ctx.run_edit(service_command(app_ctx, "edit", write))
    assert isinstance(shown.args[0], UnavailableError)
    assert app_ctx.live.lost and app_ctx.readonly
    assert records.get(ws=ws, model=UseCase, id=page.current_id).owner != "X"
    with qtbot.waitSignal(app_ctx.user_error) as refused:
        assert not app_ctx.run_edit(service_command(app_ctx, "edit", lambda w: None))
    assert isinstance(refused.args[0], UnavailableError)
    assert app_ctx.live.reconnect()
