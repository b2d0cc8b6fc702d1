"""The Operations area's Incidents tab as a user works it: the log (open ones first,
filters), the entry line (type, Enter), status moves, fields with their refusals, actions,
new and delete, the review and the risk register; every edit undone from Edit ▸ Undo."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from aipm_desktop.services import incidents
from aipm_desktop.store import open_workspace
from aipm_desktop.ui.operations.page import OperationsPage

SEV2 = "Drafts quoted refund windows that do not exist after the model upgrade"
SEV4 = "Draft latency spike during EU morning peak"


@pytest.fixture
def demo(sample_ws):
    return sample_ws


@pytest.fixture
def page(operations_page, demo):
    return operations_page


def _id(ws, title: str) -> int:
    return incidents.find_incident(ws=ws, ref=title)


def _log_titles(page) -> list[str]:
    model = page.incidents.master.model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def _shortcut(qtbot, page, target, key, modifiers) -> None:
    """Press a page shortcut with the focus on ``target`` (inside the page)."""
    page.activateWindow()
    target.setFocus()
    qtbot.waitUntil(target.hasFocus)
    qtbot.keyClick(target, key, modifiers)


def _choose(page, incident_id: int) -> None:
    assert page.show_incident(incident_id)
    assert page.incidents.detail.record_id == incident_id


def test_the_log_lists_open_incidents_first_with_their_figures(page, demo):
    model = page.incidents.master.model
    titles = _log_titles(page)
    assert titles[0] == SEV4  # the only one not resolved
    row = model.row_of(_id(demo, SEV4))
    cells = [model.index(row, c).data() for c in range(model.columnCount())]
    assert cells[1:4] == ["SEV4", "Mitigated", "Latency spike"]
    assert cells[5] == "50 min"  # detected 08:20, mitigated 09:10
    assert page.incidents.detail.heading.text() == SEV4  # the first row is shown

    page.incidents.status_combo.setCurrentIndex(
        page.incidents.status_combo.findText("Not resolved")
    )
    assert _log_titles(page) == [SEV4]
    page.incidents.status_combo.setCurrentIndex(0)
    page.incidents.severity_combo.setCurrentIndex(page.incidents.severity_combo.findText("SEV2"))
    assert _log_titles(page) == [SEV2]
    assert page.incidents.detail.heading.text() == SEV2


def test_typing_in_the_entry_line_and_enter_adds_a_timeline_entry(qtbot, page, demo, app_ctx):
    incident_id = _id(demo, SEV4)
    _choose(page, incident_id)
    detail = page.incidents.detail
    before = len(incidents.detail(ws=demo, incident_id=incident_id).timeline)
    table = page.incidents.list_pane.table
    _shortcut(qtbot, page, table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert detail.entry_line.hasFocus()
    qtbot.keyClicks(detail.entry_line, "Latency back under 3 s after scaling out")
    qtbot.keyClick(detail.entry_line, Qt.Key.Key_Return)

    stored = incidents.detail(ws=demo, incident_id=incident_id).timeline
    assert len(stored) == before + 1
    entry = stored[-1]
    assert entry.what == "Latency back under 3 s after scaling out" and entry.who
    assert detail.entry_line.text() == ""
    assert detail.tabs.currentWidget() is detail.timeline
    assert detail.timeline.whats()[-1] == entry.what
    assert detail.tabs.tabText(1) == f"Timeline ({before + 1})"

    app_ctx.undo_stack.undo()
    assert len(incidents.detail(ws=demo, incident_id=incident_id).timeline) == before
    assert entry.what not in detail.timeline.whats()
    app_ctx.undo_stack.redo()
    assert detail.timeline.whats()[-1] == entry.what


def test_an_empty_entry_line_adds_nothing(qtbot, page, demo, app_ctx):
    _choose(page, _id(demo, SEV4))
    steps = app_ctx.undo_stack.count()
    qtbot.keyClicks(page.incidents.detail.entry_line, "   ")
    qtbot.keyClick(page.incidents.detail.entry_line, Qt.Key.Key_Return)
    assert app_ctx.undo_stack.count() == steps


def test_a_status_move_changes_the_incident_and_the_log_and_undo_restores(
    qtbot, page, demo, app_ctx
):
    incident_id = _id(demo, SEV4)
    _choose(page, incident_id)
    detail = page.incidents.detail
    assert set(detail.move_buttons) == {"resolved", "open"}
    qtbot.mouseClick(detail.move_buttons["resolved"], Qt.MouseButton.LeftButton)

    info = incidents.detail(ws=demo, incident_id=incident_id)
    assert info.status == "resolved" and info.resolved_at is not None
    model = page.incidents.master.model
    row = model.row_of(incident_id)
    assert model.index(row, 2).data() == "Resolved"
    assert detail.status_chip.text() == "Resolved"
    assert set(detail.move_buttons) == {"reviewed", "open"}

    app_ctx.undo_stack.undo()
    info = incidents.detail(ws=demo, incident_id=incident_id)
    assert info.status == "mitigated" and info.resolved_at is None
    assert model.index(model.row_of(incident_id), 2).data() == "Mitigated"
    assert detail.status_chip.text() == "Mitigated"


def test_a_field_commits_when_left_and_a_bad_timestamp_writes_nothing(qtbot, page, demo, app_ctx):
    incident_id = _id(demo, SEV4)
    _choose(page, incident_id)
    form = page.incidents.detail.form
    owner = form.editors["owner"]
    owner.setFocus()
    owner.selectAll()
    qtbot.keyClicks(owner, "Priya Raman")
    qtbot.keyClick(owner, Qt.Key.Key_Return)
    assert incidents.detail(ws=demo, incident_id=incident_id).owner == "Priya Raman"

    steps = app_ctx.undo_stack.count()
    detected = incidents.detail(ws=demo, incident_id=incident_id).detected_at
    assert (
        form.commit("acknowledged_at", {"acknowledged_at": detected - dt.timedelta(hours=2)})
        is False
    )
    assert "cannot be before" in form.hint_text("acknowledged_at")
    assert app_ctx.undo_stack.count() == steps
    assert incidents.detail(ws=demo, incident_id=incident_id).acknowledged_at > detected

    severity = form.severity_combo
    severity.setCurrentIndex(severity.findData("sev1"))
    assert incidents.detail(ws=demo, incident_id=incident_id).severity == "sev1"
    assert "Critical" in form.severity_hint.text() and "15 minutes" in form.severity_hint.text()
    app_ctx.undo_stack.undo()
    assert incidents.detail(ws=demo, incident_id=incident_id).severity == "sev4"


def test_an_action_is_recorded_with_who_and_when(qtbot, page, demo, app_ctx):
    incident_id = _id(demo, SEV4)
    _choose(page, incident_id)
    actions = page.incidents.detail.actions_panel
    actions.kind_combo.setCurrentIndex(actions.kind_combo.findData("safe_mode"))
    actions.who_edit.setText("Kofi Mensah")
    qtbot.keyClicks(actions.notes_edit, "Drafts paused for EU accounts")
    qtbot.keyClick(actions.notes_edit, Qt.Key.Key_Return)
    stored = incidents.detail(ws=demo, incident_id=incident_id).actions
    added = next(a for a in stored if a.kind == "safe_mode")
    assert (added.who, added.notes) == ("Kofi Mensah", "Drafts paused for EU accounts")
    assert [a.label for a in actions.model.rows].count("Safe mode") == 1
    actions.table.setCurrentIndex(actions.model.index(actions.model.row_of_key(added.id), 0))
    assert actions.remove_current()
    assert all(
        a.kind != "safe_mode" for a in incidents.detail(ws=demo, incident_id=incident_id).actions
    )
    app_ctx.undo_stack.undo()
    assert any(
        a.kind == "safe_mode" for a in incidents.detail(ws=demo, incident_id=incident_id).actions
    )


def test_new_incident_from_the_keyboard_and_delete_after_asking(qtbot, page, demo, app_ctx):
    count = len(incidents.summaries(ws=demo))
    new = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    _shortcut(qtbot, page, page.incidents.list_pane.table, Qt.Key.Key_N, new)
    new_id = page.incidents.current_id()
    assert len(incidents.summaries(ws=demo)) == count + 1
    title = page.incidents.detail.form.editors["title"]
    assert title.hasFocus()
    qtbot.keyClicks(title, "Answer bot cites a retired policy")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    assert (
        incidents.detail(ws=demo, incident_id=new_id).title == "Answer bot cites a retired policy"
    )
    assert _log_titles(page)[0] == "Answer bot cites a retired policy"  # open: first

    box = page.delete_incident()
    assert isinstance(box, QMessageBox) and "retired policy" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    assert new_id not in [s.id for s in incidents.summaries(ws=demo)]
    assert "Answer bot cites a retired policy" not in _log_titles(page)
    app_ctx.undo_stack.undo()
    assert new_id in [s.id for s in incidents.summaries(ws=demo)]


def test_writing_the_review_offers_to_open_it_in_documents(qtbot, page, demo):
    incident_id = _id(demo, SEV4)
    _choose(page, incident_id)
    detail = page.incidents.detail
    assert detail.review_button.text() == "Write the post-incident review"
    document_id = detail.write_review()
    assert document_id is not None
    assert incidents.detail(ws=demo, incident_id=incident_id).review_document_id == document_id
    box = detail.message_box
    assert box is not None and "Documents" in box.text()
    with qtbot.waitSignal(page.navigate_requested) as signal:
        box.button(QMessageBox.StandardButton.Yes).click()
    assert signal.args == ["documents", document_id]
    assert detail.review_button.text() == "Open the review"


def test_adding_to_the_risk_register_creates_a_linked_risk(qtbot, page, demo, app_ctx):
    incident_id = _id(demo, SEV4)
    _choose(page, incident_id)
    detail = page.incidents.detail
    result = detail.add_to_risk_register()
    assert result is not None and result.created
    assert result.risk_id in [
        i for i, _t in incidents.detail(ws=demo, incident_id=incident_id).risks
    ]
    assert SEV4 in detail.form.risks_label.text()
    box = detail.message_box
    assert box is not None
    with qtbot.waitSignal(page.navigate_requested) as signal:
        box.button(QMessageBox.StandardButton.Yes).click()
    assert signal.args == ["risks", result.risk_id]
    app_ctx.undo_stack.undo()
    assert incidents.detail(ws=demo, incident_id=incident_id).risks == ()


def test_the_table_models_pass_the_model_tester(qtmodeltester, page, demo):
    _choose(page, _id(demo, SEV2))
    detail = page.incidents.detail
    qtmodeltester.check(page.incidents.master.model)
    qtmodeltester.check(detail.timeline.model)
    qtmodeltester.check(detail.actions_panel.model)


def test_a_read_only_workspace_offers_no_edit(qtbot, app_ctx, sample_template, tmp_path):
    path = tmp_path / "ro.aipm"
    shutil.copyfile(sample_template, path)
    app_ctx.set_workspace(open_workspace(path, readonly=True))
    page = OperationsPage(app_ctx)
    qtbot.addWidget(page)
    page.show()
    assert not page.new_button.isEnabled() and page.new_incident() is None
    detail = page.incidents.detail
    assert not detail.entry_line.isEnabled()
    assert all(not b.isEnabled() for b in detail.move_buttons.values())


def test_removing_the_rollback_action_takes_back_rolled_back(qtbot, page, demo, app_ctx):
    incident_id = _id(demo, SEV2)
    _choose(page, incident_id)
    detail = page.incidents.detail
    assert "rolled back" in detail.facts.text()
    actions = detail.actions_panel
    row = next(r for r, a in enumerate(actions.model.rows) if a.kind == "feature_flag_rollback")
    actions.table.setCurrentIndex(actions.model.index(row, 0))
    assert actions.remove_current()
    assert "rolled back" not in detail.facts.text()
    assert not incidents.detail(ws=demo, incident_id=incident_id).rolled_back
    app_ctx.undo_stack.undo()
    assert "rolled back" in detail.facts.text()
    assert incidents.detail(ws=demo, incident_id=incident_id).rolled_back
