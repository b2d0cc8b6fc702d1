"""Two windows on one workspace file, as the user sees them: the conflict dialog (no lost
update), live refresh keeping selection and typing, and the lost connection."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
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
def seeded(ws) -> None:
    for title, owner in (("Summaries", "Ann"), ("Triage", "Tom")):
        records.create(ws=ws, model=UseCase, data={"title": title, "owner": owner})


@pytest.fixture
def page(seeded, main_window):
    """The Use cases area of a main window over ``ws`` (two use cases, the first shown)."""
    return main_window.show_area("usecases")


def _stored(ws, record_id: int) -> UseCase:
    return records.get(ws=ws, model=UseCase, id=record_id)


def _type(qtbot, editor, text: str) -> None:
    """Type ``text`` over the field and press Return (saving it)."""
    _half_type(qtbot, editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def _dialog(app_ctx):
    dialog = app_ctx.conflict_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


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


def _conflict(qtbot, page, app_ctx, other, theirs: str = "Bob", mine: str = "Carol"):
    """The other window stores ``theirs`` as the shown use case's owner, then the user
    types ``mine`` there and presses Return: the record's id and the dialog shown."""
    record_id = page.current_id
    records.update(ws=other, model=UseCase, id=record_id, data={"owner": theirs}, who="bob")
    _type(qtbot, page.form.lines["owner"], mine)
    return record_id, _dialog(app_ctx)


def test_saving_over_another_windows_change_asks_and_writes_nothing_until_asked(
    qtbot, page, app_ctx, ws, other
):
    steps = app_ctx.undo_stack.count()
    record_id, dialog = _conflict(qtbot, page, app_ctx, other)
    assert _stored(ws, record_id).owner == "Bob"  # nothing written yet
    assert app_ctx.undo_stack.count() == steps
    assert "Carol" in dialog.findChild(QLabel, "conflictYours").text()
    assert "Bob" in dialog.findChild(QLabel, "conflictTheirs").text()
    message = dialog.findChild(QLabel, "conflictMessage").text()
    assert "Summaries" in message and "by bob at " in message
    # Behind the dialog the form already shows what is stored now.
    assert page.form.lines["owner"].text() == "Bob"

    dialog.save_button.click()  # keep mine (the default)
    stored = _stored(ws, record_id)
    assert stored.owner == "Carol"
    assert app_ctx.conflict_dialog is None
    assert page.form.lines["owner"].text() == "Carol"
    app_ctx.undo_stack.undo()  # the merged edit is one undo step
    assert _stored(ws, record_id).owner == "Bob"


def test_take_theirs_keeps_the_current_record_and_all_mine_per_field(
    qtbot, page, app_ctx, ws, other
):
    record_id, dialog = _conflict(qtbot, page, app_ctx, other)
    dialog.all_theirs_button.click()
    assert dialog.choices() == {"owner": False}
    dialog.all_mine_button.click()
    assert dialog.choices() == {"owner": True}
    dialog.theirs_buttons["owner"].click()
    dialog.save_button.click()
    assert _stored(ws, record_id).owner == "Bob"
    assert page.form.lines["owner"].text() == "Bob"


def test_a_record_changed_again_while_the_dialog_is_open_asks_again(
    qtbot, page, app_ctx, ws, other
):
    record_id, first = _conflict(qtbot, page, app_ctx, other)
    records.update(ws=other, model=UseCase, id=record_id, data={"owner": "Dave"})
    first.save_button.click()
    second = _dialog(app_ctx)
    assert second is not first
    assert _stored(ws, record_id).owner == "Dave"
    assert "Dave" in second.findChild(QLabel, "conflictTheirs").text()
    second.save_button.click()
    assert _stored(ws, record_id).owner == "Carol"


def test_an_edit_after_the_form_saw_the_other_change_needs_no_dialog(
    qtbot, page, app_ctx, ws, other
):
    record_id = page.current_id
    _type(qtbot, page.form.lines["owner"], "Carol")
    _type(qtbot, page.form.lines["owner"], "Carol Smith")  # my own edits never conflict
    assert app_ctx.conflict_dialog is None
    records.update(ws=other, model=UseCase, id=record_id, data={"title": "Their title"})
    page.form.reload()  # what live refresh does (see test_team_live)
    _type(qtbot, page.form.lines["owner"], "Eve")
    assert app_ctx.conflict_dialog is None
    stored = _stored(ws, record_id)
    assert (stored.title, stored.owner) == ("Their title", "Eve")


def test_cancel_writes_nothing(qtbot, page, app_ctx, ws, other):
    record_id, dialog = _conflict(qtbot, page, app_ctx, other)
    dialog.reject()
    assert _stored(ws, record_id).owner == "Bob"
    assert app_ctx.conflict_dialog is None


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
    qtbot, page, main_window, app_ctx, ws, monkeypatch
):
    summaries = _select(page, "Summaries")
    banner = main_window.connection_banner
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


def test_an_inline_cell_edit_over_another_windows_change_asks_too(
    qtbot, app_ctx, ws, other, main_window
):
    """The AI Act obligations table is edited in its cells: the same dialog guards it."""
    from aipm_desktop.models import ComplianceObligation
    from aipm_desktop.services import ai_act

    records.create(ws=ws, model=UseCase, data={"title": "CV screening"})
    risks = main_window.show_area("risks")
    tab = risks.ai_act
    risks.tabs.setCurrentWidget(tab)
    cv = records.resolve_ref(
        ws=ws, table=UseCase.__table__, name_column="title", ref="CV screening", noun="use case"
    )
    dialog = tab.open_questionnaire(cv)
    dialog.set_answer("employment", True)
    assert dialog.save()
    first = ai_act.obligations(ws=ws, use_case_id=cv)[0]
    records.update(ws=other, model=ComplianceObligation, id=first.id, data={"owner": "Legal"})

    tab.obligations.set_value(0, "status", "done")  # as a cell edit stores it

    conflict = _dialog(app_ctx)
    assert conflict.current == {"status": "open"}
    assert records.get(ws=ws, model=ComplianceObligation, id=first.id).status == "open"
    conflict.save_button.click()
    stored = records.get(ws=ws, model=ComplianceObligation, id=first.id)
    assert (stored.status, stored.owner) == ("done", "Legal")
    tab.obligations.set_value(0, "owner", "Legal and HR")  # its own edits never conflict
    assert app_ctx.conflict_dialog is None
    assert records.get(ws=ws, model=ComplianceObligation, id=first.id).owner == "Legal and HR"


def test_saving_a_record_another_window_deleted_says_so(
    qtbot, page, app_ctx, ws, other, message_boxes
):
    record_id = page.current_id
    records.delete(ws=other, model=UseCase, id=record_id)
    with qtbot.waitSignal(app_ctx.user_error) as shown:
        _type(qtbot, page.form.lines["owner"], "Carol")
    assert "may have been deleted" in str(shown.args[0])
    assert app_ctx.conflict_dialog is None
    app_ctx.live.poll()  # what the next tick of the poll timer does
    assert _titles(page) == ["Triage"]  # the list shows it gone, nothing came back
    with pytest.raises(Exception, match="No use case"):
        records.get(ws=ws, model=UseCase, id=record_id)


def test_a_record_pane_form_gets_the_same_dialog(qtbot, operations_page, sample_ws, app_ctx):
    """Forms on the shared record pane (incidents, runbooks, evaluations …) save through
    the same guarded path."""
    from aipm_desktop.models import Incident
    from aipm_desktop.services import incidents

    incident_id = incidents.find_incident(
        ws=sample_ws, ref="Draft latency spike during EU morning peak"
    )
    assert operations_page.show_incident(incident_id)
    second = open_workspace(Path(sample_ws.path))
    try:
        records.update(ws=second, model=Incident, id=incident_id, data={"owner": "Bob"})
    finally:
        second.close()
    form = operations_page.incidents.detail.form
    _type(qtbot, form.editors["owner"], "Priya Raman")
    dialog = _dialog(app_ctx)
    assert dialog.current == {"owner": "Bob"}
    assert incidents.detail(ws=sample_ws, incident_id=incident_id).owner == "Bob"
    dialog.save_button.click()
    assert incidents.detail(ws=sample_ws, incident_id=incident_id).owner == "Priya Raman"
