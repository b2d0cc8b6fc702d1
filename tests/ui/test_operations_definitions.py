"""The Operations area's "Definitions…" dialog and the incident fields the detail view
edits, as a user works them: severities typed and saved as one undo step (a refusal is
explained, nothing written), the triage list added to, renamed in its cell, reordered and
removed (a category in use asks where its incidents go), an action changed after the
fact, and the free-text response and the rollback flag on the Details tab."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from aipm_desktop.services import incidents

#: The demo's SEV2 (reviewed, rolled back) and SEV4 (mitigated) incidents.
SEV2, SEV4 = (
    "Drafts quoted refund windows that do not exist after the model upgrade",
    "Draft latency spike during EU morning peak",
)


@pytest.fixture
def page(operations_page):
    return operations_page


@pytest.fixture
def dialog(qtbot, operations_page):
    """The Definitions window, opened from the area's header as a user does."""
    operations_page.definitions_button.click()
    opened = operations_page.definitions_dialog
    assert opened is not None and opened.isVisible()
    yield opened
    opened.close()


def _severity(ws, level: str):
    return next(d for d in incidents.severity_definitions(ws=ws) if d.severity == level)


def _category_names(ws) -> list[str]:
    return [c.name for c in incidents.failure_categories(ws=ws)]


def _row_of(panel, name: str) -> int:
    return panel.names().index(name)


def test_the_button_opens_one_dialog_on_the_severities(qtbot, page, dialog):
    assert dialog.tabs.currentWidget() is dialog.severities
    assert dialog.severities.names["sev1"].text() == "Critical"
    assert dialog.severities.hours["sev1"].text() == "0.25"
    assert not dialog.severities.save_button.isEnabled()  # nothing typed yet
    qtbot.mouseClick(page.definitions_button, Qt.MouseButton.LeftButton)
    assert page.definitions_dialog is dialog


def test_severities_typed_and_saved_are_one_undo_step(qtbot, page, dialog, sample_ws, app_ctx):
    panel = dialog.severities
    name = panel.names["sev4"]
    name.selectAll()
    qtbot.keyClicks(name, "Cosmetic")
    definition = panel.texts["sev2"]
    definition.selectAll()
    qtbot.keyClicks(definition, "A rollback criterion met, or many customers hurt.")
    hours = panel.hours["sev3"]
    hours.selectAll()
    qtbot.keyClicks(hours, "4")
    assert panel.save_button.isEnabled()
    steps = app_ctx.undo_stack.count()
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert app_ctx.undo_stack.count() == steps + 1
    assert _severity(sample_ws, "sev4").name == "Cosmetic"
    assert _severity(sample_ws, "sev2").definition.startswith("A rollback criterion met")
    assert _severity(sample_ws, "sev3").acknowledge_within_hours == 4
    # the incident form offers the new name at once
    combo = page.incidents.detail.form.severity_combo
    assert "SEV4 · Cosmetic" in [combo.itemText(i) for i in range(combo.count())]
    app_ctx.undo_stack.undo()
    assert _severity(sample_ws, "sev4").name == "Low"
    assert panel.names["sev4"].text() == "Low"  # the dialog follows the undo


def test_a_refused_severity_edit_is_explained_and_writes_nothing(qtbot, dialog, sample_ws, app_ctx):
    panel = dialog.severities
    hours = panel.hours["sev1"]
    hours.selectAll()
    qtbot.keyClicks(hours, "soon")
    steps = app_ctx.undo_stack.count()
    assert panel.save() is False
    assert "SEV1: acknowledge within takes hours" in panel.message.text()
    assert panel.message.isVisibleTo(panel)
    hours.selectAll()
    qtbot.keyClicks(hours, "0.5")
    panel.names["sev1"].clear()
    assert panel.save() is False
    assert "SEV1" in panel.message.text() and "Name" in panel.message.text()
    assert app_ctx.undo_stack.count() == steps
    assert _severity(sample_ws, "sev1").acknowledge_within_hours == 0.25
    qtbot.mouseClick(panel.revert_button, Qt.MouseButton.LeftButton)
    assert panel.names["sev1"].text() == "Critical"


def test_a_category_is_added_renamed_in_its_cell_and_moved(qtbot, dialog, sample_ws, app_ctx):
    dialog.tabs.setCurrentWidget(dialog.categories)
    panel = dialog.categories
    qtbot.keyClicks(panel.name_edit, "Tone problem")
    qtbot.keyClicks(panel.description_edit, "Rude or off-brand replies")
    qtbot.keyClick(panel.description_edit, Qt.Key.Key_Return)
    assert _category_names(sample_ws)[-1] == "Tone problem"
    assert panel.names()[-1] == "Tone problem" and panel.name_edit.text() == ""
    row = _row_of(panel, "Tone problem")
    assert panel.table.currentRow() == row
    panel.edit_cell(row, 0, "Tone")
    assert _category_names(sample_ws)[-1] == "Tone"
    qtbot.mouseClick(panel.up_button, Qt.MouseButton.LeftButton)
    assert _category_names(sample_ws)[-2] == "Tone" and panel.names()[-2] == "Tone"
    assert panel.table.currentRow() == row - 1
    # a duplicate name in another case is refused where it was typed, nothing written
    panel.edit_cell(_row_of(panel, "Tone"), 0, "wrong ANSWER")
    assert "already has 'Wrong answer'" in panel.message.text()
    assert "Tone" in _category_names(sample_ws) and "Tone" in panel.names()
    for _ in range(3):
        app_ctx.undo_stack.undo()
    assert "Tone problem" not in _category_names(sample_ws)
    assert "Tone problem" not in panel.names()


def test_a_category_in_use_asks_where_its_incidents_go(qtbot, dialog, sample_ws, app_ctx):
    dialog.tabs.setCurrentWidget(dialog.categories)
    panel = dialog.categories
    counts = {u.name: u.incidents for u in panel.uses}
    assert counts["Wrong answer"] == 1
    assert panel.table.item(_row_of(panel, "Wrong answer"), 1).text() == "1"
    panel.table.selectRow(_row_of(panel, "Wrong answer"))
    steps = app_ctx.undo_stack.count()
    ask = panel.remove()
    assert ask is not None and ask.isVisible()
    assert (
        "1 incident is in this category" in ask.findChild(type(panel.message), "mutedLabel").text()
    )
    assert app_ctx.undo_stack.count() == steps  # nothing happens before the answer
    ask.target_combo.setCurrentIndex(ask.target_combo.findText("Data mismatch"))
    ask.accept()
    assert "Wrong answer" not in _category_names(sample_ws)
    incident = incidents.detail(
        ws=sample_ws, incident_id=incidents.find_incident(ws=sample_ws, ref=SEV2)
    )
    assert incident.category == "Data mismatch"
    assert {u.name: u.incidents for u in panel.uses}["Data mismatch"] == 1
    app_ctx.undo_stack.undo()
    assert "Wrong answer" in _category_names(sample_ws)


def test_leaving_incidents_without_a_category_and_cancel(qtbot, dialog, sample_ws, app_ctx):
    panel = dialog.categories
    panel.table.selectRow(_row_of(panel, "Latency spike"))
    ask = panel.remove()
    ask.reject()
    assert "Latency spike" in _category_names(sample_ws)
    panel.table.selectRow(_row_of(panel, "Latency spike"))
    ask = panel.remove()
    ask.clear_radio.setChecked(True)
    assert ask.move_to() is None
    ask.accept()
    assert "Latency spike" not in _category_names(sample_ws)
    incident = incidents.detail(
        ws=sample_ws, incident_id=incidents.find_incident(ws=sample_ws, ref=SEV4)
    )
    assert incident.category == ""
    # an unused category goes at once (undoable)
    panel.table.selectRow(_row_of(panel, "Cost spike"))
    assert panel.remove() is None
    assert "Cost spike" not in _category_names(sample_ws)
    app_ctx.undo_stack.undo()
    assert "Cost spike" in panel.names()


def test_an_action_is_changed_after_the_fact(qtbot, page, sample_ws, app_ctx):
    incident_id = incidents.find_incident(ws=sample_ws, ref=SEV2)
    assert page.show_incident(incident_id)
    detail = page.incidents.detail
    detail.tabs.setCurrentIndex(2)
    panel = detail.actions_panel
    first = panel.model.rows[0]
    panel.table.setCurrentIndex(panel.model.index(0, 0))
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    assert panel.editing_id == first.id
    assert panel.add_button.text() == "Save changes" and panel.cancel_button.isVisibleTo(panel)
    assert panel.who_edit.text() == first.who and panel.notes_edit.text() == first.notes
    panel.kind_combo.setCurrentIndex(panel.kind_combo.findData("vendor_escalation"))
    panel.who_edit.selectAll()
    qtbot.keyClicks(panel.who_edit, "Ravi Patel")
    panel.notes_edit.selectAll()
    qtbot.keyClicks(panel.notes_edit, "Asked the vendor to pin the old model")
    panel.when_edit.setDateTime(panel.when_edit.dateTime().addSecs(600))
    qtbot.keyClick(panel.notes_edit, Qt.Key.Key_Return)
    stored = next(a for a in incidents.detail(ws=sample_ws, incident_id=incident_id).actions
                  if a.id == first.id)  # fmt: skip
    assert (stored.kind, stored.who, stored.notes) == (
        "vendor_escalation",
        "Ravi Patel",
        "Asked the vendor to pin the old model",
    )
    assert stored.at == first.at + dt.timedelta(minutes=10)
    assert panel.editing_id is None and panel.add_button.text() == "Add action"
    assert len(panel.model.rows) == len(
        incidents.detail(ws=sample_ws, incident_id=incident_id).actions
    )
    app_ctx.undo_stack.undo()
    again = next(a for a in incidents.detail(ws=sample_ws, incident_id=incident_id).actions
                 if a.id == first.id)  # fmt: skip
    assert (again.kind, again.who) == (first.kind, first.who)


def test_the_details_show_and_edit_the_response_text_and_the_rollback_flag(
    qtbot, page, sample_ws, app_ctx
):
    incident_id = incidents.find_incident(ws=sample_ws, ref=SEV2)
    assert page.show_incident(incident_id)
    form = page.incidents.detail.form
    info = incidents.detail(ws=sample_ws, incident_id=incident_id)
    response = form.editors["actions"]
    assert response.toPlainText() == info.actions_text and info.actions_text
    rolled = form.editors["rolled_back"]
    assert rolled.isChecked() is info.rolled_back is True
    rolled.setChecked(False)
    assert incidents.detail(ws=sample_ws, incident_id=incident_id).rolled_back is False
    response.setFocus()
    response.selectAll()
    qtbot.keyClicks(response, "Flag off at 10:40; old model pinned.")
    form.editors["title"].setFocus()  # leaving the field commits it
    qtbot.waitUntil(
        lambda: (
            incidents.detail(ws=sample_ws, incident_id=incident_id).actions_text
            == "Flag off at 10:40; old model pinned."
        )
    )
    app_ctx.undo_stack.undo()
    app_ctx.undo_stack.undo()
    restored = incidents.detail(ws=sample_ws, incident_id=incident_id)
    assert restored.rolled_back and restored.actions_text == info.actions_text


def test_a_read_only_workspace_shows_the_definitions_without_edits(
    qtbot, app_ctx, sample_template, tmp_path
):
    from aipm_desktop.store import open_workspace
    from aipm_desktop.ui.operations.page import OperationsPage

    path = tmp_path / "ro.aipm"
    path.write_bytes(sample_template.read_bytes())
    app_ctx.set_workspace(open_workspace(path, readonly=True))
    page = OperationsPage(app_ctx)
    qtbot.addWidget(page)
    page.show()
    page.definitions_button.click()
    dialog = page.definitions_dialog
    assert dialog.severities.names["sev2"].text() == "Major"
    assert dialog.severities.names["sev2"].isReadOnly()
    assert not dialog.severities.save_button.isEnabled() and dialog.severities.save() is False
    panel = dialog.categories
    assert panel.names()[0] == "Wrong answer"
    assert not panel.add_button.isEnabled() and not panel.name_edit.isEnabled()
    assert not panel.table.item(0, 0).flags() & Qt.ItemFlag.ItemIsEditable
    panel.table.selectRow(0)
    assert not panel.remove_button.isEnabled() and panel.remove() is None
    assert not panel.up_button.isEnabled() and not panel.down_button.isEnabled()
    dialog.close()
