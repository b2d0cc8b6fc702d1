"""The shared record form: commit on leaving a field, inline messages, Esc reverts."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from aipm_desktop.models import UseCase
from aipm_desktop.models.enums import UseCaseStatus
from aipm_desktop.models.usecases import UseCaseBase
from aipm_desktop.services import records
from aipm_desktop.ui.undo import UpdateRecordCommand
from aipm_desktop.ui.widgets.record_form import FieldSpec, RecordForm

FIELDS = (
    FieldSpec("title", "Title", section="Summary"),
    FieldSpec("owner", "Owner", section="Summary"),
    FieldSpec("status", "Status", "combo", section="Summary", choices=UseCaseStatus),
    FieldSpec("problem", "Problem statement", "text", section="Summary"),
    FieldSpec("metric_target", "Target", "number", section="Metric", group="metric", row="Goal"),
    FieldSpec("metric_unit", "Unit", section="Metric", group="metric", row="Goal"),
)


def _stored(ws, use_case_id: int) -> UseCase:
    return records.get(ws=ws, model=UseCase, id=use_case_id)


@pytest.fixture
def setup(qtbot, app_ctx, ws):
    app_ctx.set_workspace(ws)
    obj, _changes = records.create(ws=ws, model=UseCase, data={"title": "Ticket triage"})
    use_case_id = obj.id
    pushed: list[dict] = []

    def commit(changed: dict) -> bool:
        pushed.append(dict(changed))
        return app_ctx.run_edit(UpdateRecordCommand(app_ctx, UseCase, use_case_id, changed))

    form = RecordForm(FIELDS, UseCaseBase, commit, empty_text="Nothing chosen")
    qtbot.addWidget(form)
    form.resize(600, 700)

    def load() -> None:
        stored = _stored(ws, use_case_id)
        form.set_record({k: getattr(stored, k) for k in UseCaseBase.model_fields})

    app_ctx.changed.connect(lambda _changes: load())
    form.set_record(None)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    assert form.empty_label.isVisible()
    load()
    return form, use_case_id, pushed


def _type(qtbot, edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def test_typing_then_tab_stores_the_value(qtbot, setup, ws, app_ctx):
    form, use_case_id, pushed = setup
    owner = form.editors["owner"]
    _type(qtbot, owner, "Ada Lovelace")
    assert _stored(ws, use_case_id).owner == ""  # nothing before the field is left
    qtbot.keyClick(owner, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not owner
    assert _stored(ws, use_case_id).owner == "Ada Lovelace"
    assert pushed == [{"owner": "Ada Lovelace"}]
    app_ctx.undo_stack.undo()
    assert _stored(ws, use_case_id).owner == ""
    assert owner.text() == ""


def test_invalid_value_shows_the_message_and_writes_nothing(qtbot, setup, ws):
    form, use_case_id, pushed = setup
    title = form.editors["title"]
    title.setFocus()
    title.selectAll()
    qtbot.keyClick(title, Qt.Key.Key_Delete)
    qtbot.keyClick(title, Qt.Key.Key_Tab)
    assert "Title must not be empty" in form.hint_text("title")
    assert form.hints["title"].isVisible()
    assert title.text() == ""  # kept for the user to fix
    assert pushed == []
    assert _stored(ws, use_case_id).title == "Ticket triage"
    # Fixing it stores it and the message goes.
    _type(qtbot, title, "Ticket routing")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    assert form.hint_text("title") == ""
    assert _stored(ws, use_case_id).title == "Ticket routing"


def test_esc_reverts_the_field_to_the_stored_value(qtbot, setup, ws):
    form, use_case_id, pushed = setup
    owner = form.editors["owner"]
    _type(qtbot, owner, "Someone else")
    qtbot.keyClick(owner, Qt.Key.Key_Escape)
    assert owner.text() == ""
    problem = form.editors["problem"]
    problem.setFocus()
    qtbot.keyClicks(problem, "Too many tickets")
    qtbot.keyClick(problem, Qt.Key.Key_Escape)
    assert problem.toPlainText() == ""
    qtbot.keyClick(problem, Qt.Key.Key_Tab)
    assert pushed == []
    assert _stored(ws, use_case_id).problem == ""
    # After a refusal, Esc brings back the stored value and drops the message.
    title = form.editors["title"]
    title.setFocus()
    title.selectAll()
    qtbot.keyClick(title, Qt.Key.Key_Delete)
    qtbot.keyClick(title, Qt.Key.Key_Return)
    assert form.hint_text("title")
    qtbot.keyClick(title, Qt.Key.Key_Escape)
    assert title.text() == "Ticket triage"
    assert form.hint_text("title") == ""


def test_a_group_commits_together_when_left(qtbot, setup, ws):
    form, use_case_id, pushed = setup
    target, unit = form.editors["metric_target"], form.editors["metric_unit"]
    _type(qtbot, target, "36")
    unit.setFocus()  # moving inside the group: nothing yet
    assert pushed == []
    form.editors["owner"].setFocus()  # leaving it: target without unit is refused
    assert "needs a unit" in form.hint_text("metric")
    assert target.text() == "36"
    assert _stored(ws, use_case_id).metric_target is None
    _type(qtbot, unit, "min")
    qtbot.keyClick(unit, Qt.Key.Key_Return)
    assert form.hint_text("metric") == ""
    stored = _stored(ws, use_case_id)
    assert (stored.metric_target, stored.metric_unit) == (36.0, "min")
    assert pushed == [{"metric_target": 36.0, "metric_unit": "min"}]


def test_text_that_is_not_a_number_is_refused(qtbot, setup, ws):
    form, _use_case_id, pushed = setup
    target = form.editors["metric_target"]
    _type(qtbot, target, "soon")
    qtbot.keyClick(target, Qt.Key.Key_Return)
    assert "Target must be a number" in form.hint_text("metric")
    assert pushed == []


def test_a_refused_choice_is_set_back(qtbot, setup, ws):
    form, use_case_id, pushed = setup
    combo = form.editors["status"]
    combo.setCurrentIndex(combo.findData("launched"))
    assert "needs an outcome metric" in form.hint_text("status")
    assert combo.currentData() == "idea"
    assert pushed == []
    combo.setCurrentIndex(combo.findData("pilot"))
    assert _stored(ws, use_case_id).status == "pilot"
    assert form.hint_text("status") == ""


def test_readonly_form_takes_no_input(qtbot, setup, ws):
    form, _use_case_id, pushed = setup
    form.set_readonly(True)
    assert form.editors["owner"].isReadOnly()
    assert not form.editors["status"].isEnabled()
    assert not form.commit("owner", {"owner": "x"})
    assert pushed == []
