"""No lost update in every edit of a stored row: dialogs, tables edited in their cells and
the document editor save against the version the user read. Another window (a second
workspace on the same file) saves first; the user's save then writes nothing and asks."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from sqlalchemy import select

from aipm_desktop.services import records
from aipm_desktop.services.changes import Changes
from aipm_desktop.store import open_workspace

from .conftest import shown_page


def behind(ws, model, record_id: int, data: dict, who: str = "bob") -> None:
    """Another window (its own workspace on the same file) saves ``data`` on the row."""
    other = open_workspace(Path(ws.path))
    try:
        records.update(ws=other, model=model, id=record_id, data=data, who=who)
    finally:
        other.close()


def type_over(qtbot, edit, text: str) -> None:
    """Type ``text`` over what the line edit shows and press Return (saving it)."""
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def conflict_shown(app_ctx):
    dialog = app_ctx.conflict_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def stored(ws, model, record_id: int):
    return records.get(ws=ws, model=model, id=record_id)


# -- roadmap: the item dialog --------------------------------------------------------------------


@pytest.fixture
def roadmap_page(qtbot, app_ctx, sample_ws):
    from aipm_desktop.ui.roadmap.page import RoadmapPage

    return shown_page(qtbot, app_ctx, sample_ws, RoadmapPage, size=(1300, 800))


def first_row(ws, model):
    """The stored row of ``model`` with the lowest id."""
    with ws.session() as session:
        return session.exec(select(model).order_by(model.id)).first()[0]


def test_roadmap_item_dialog_saved_over_another_windows_change_asks(
    qtbot, roadmap_page, app_ctx, sample_ws
):
    from aipm_desktop.models import RoadmapItem

    item = first_row(sample_ws, RoadmapItem)
    dialog = roadmap_page.edit_item(item.id)
    dialog.owner_edit.clear()
    qtbot.keyClicks(dialog.owner_edit, "Mine")
    dialog.progress_spin.setValue(55)
    behind(sample_ws, RoadmapItem, item.id, {"owner": "Theirs", "title": "Their title"})

    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    conflict = conflict_shown(app_ctx)
    assert not dialog.isVisible()  # the conflict dialog took the edit over
    assert stored(sample_ws, RoadmapItem, item.id).owner == "Theirs"  # nothing written yet
    assert conflict.current == {"owner": "Theirs", "progress": item.progress}
    assert "by bob at " in conflict.findChild(QLabel, "conflictMessage").text()
    conflict.theirs_buttons["owner"].click()  # their owner, my progress
    conflict.save_button.click()
    after = stored(sample_ws, RoadmapItem, item.id)
    assert (after.owner, after.progress, after.title) == ("Theirs", 55, "Their title")
    assert app_ctx.conflict_dialog is None


def test_an_item_dialog_saved_after_another_window_replaced_the_item_writes_nothing(
    qtbot, roadmap_page, app_ctx, sample_ws
):
    """Another window deleted the newest item and added one: the new item has a new id,
    so the dialog still open on the deleted one cannot write over it."""
    from aipm_desktop.models import RoadmapItem

    with sample_ws.session() as session:
        newest = session.exec(select(RoadmapItem).order_by(RoadmapItem.id.desc())).first()[0]
    dialog = roadmap_page.edit_item(newest.id)
    dialog.owner_edit.clear()
    qtbot.keyClicks(dialog.owner_edit, "Mine")
    other = open_workspace(Path(sample_ws.path))
    try:
        records.delete(ws=other, model=RoadmapItem, id=newest.id, who="bob")
        fresh, _ = records.create(
            ws=other,
            model=RoadmapItem,
            data={
                "title": "Their new item",
                "owner": "Bob",
                "start": newest.start,
                "end": newest.end,
            },
            who="bob",
        )
    finally:
        other.close()
    assert fresh.id != newest.id

    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    with qtbot.waitSignal(app_ctx.user_error) as refused:
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert "deleted" in str(refused.args[0])
    assert (
        stored(sample_ws, RoadmapItem, fresh.id).title,
        stored(sample_ws, RoadmapItem, fresh.id).owner,
    ) == (
        "Their new item",
        "Bob",
    )


# -- launch: the stages table and the checklist, edited in their cells --------------------------


@pytest.fixture
def launch_page(qtbot, app_ctx, sample_ws):
    from aipm_desktop.ui.launch.page import LaunchPage

    return shown_page(qtbot, app_ctx, sample_ws, LaunchPage, size=(1400, 900))


def test_a_stage_cell_typed_over_another_windows_change_asks(
    qtbot, launch_page, app_ctx, sample_ws
):
    from aipm_desktop.models import RolloutStage
    from aipm_desktop.services import launch

    launch_page.tabs.setCurrentWidget(launch_page.stages)
    stage = launch.stages(ws=sample_ws, release_id=launch_page.release_id)[0]
    behind(sample_ws, RolloutStage, stage.id, {"exit_criteria": "CSAT >= 4.2"})
    launch_page.stages.table.item(0, 3).setText("Hallucination rate < 3%")  # as typed

    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"exit_criteria": "CSAT >= 4.2"}
    assert stored(sample_ws, RolloutStage, stage.id).exit_criteria == "CSAT >= 4.2"
    conflict.save_button.click()  # keep mine
    assert stored(sample_ws, RolloutStage, stage.id).exit_criteria == "Hallucination rate < 3%"
    qtbot.waitUntil(lambda: launch_page.stages.table.item(0, 3).text() == "Hallucination rate < 3%")
    launch_page.stages.table.item(0, 2).setText("Staff only")  # my own edits never ask
    assert app_ctx.conflict_dialog is None
    assert stored(sample_ws, RolloutStage, stage.id).entry_criteria == "Staff only"


def test_a_release_flag_typed_over_another_windows_change_asks(
    qtbot, launch_page, app_ctx, sample_ws
):
    from aipm_desktop.models import Release

    release_id = launch_page.release_id
    behind(sample_ws, Release, release_id, {"feature_flag": "bot_v2_other"})
    type_over(qtbot, launch_page.form.flag, "bot_v2_mine")

    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"feature_flag": "bot_v2_other"}
    assert stored(sample_ws, Release, release_id).feature_flag == "bot_v2_other"
    conflict.save_button.click()  # keep mine
    assert stored(sample_ws, Release, release_id).feature_flag == "bot_v2_mine"
    type_over(qtbot, launch_page.form.name, "Answer bot GA")  # my own edits never ask
    assert app_ctx.conflict_dialog is None
    assert stored(sample_ws, Release, release_id).name == "Answer bot GA"


def test_a_check_owner_typed_over_another_windows_change_asks(
    qtbot, launch_page, app_ctx, sample_ws
):
    from aipm_desktop.models import LaunchCheck
    from aipm_desktop.services import launch
    from aipm_desktop.ui.launch.checklist import COL_OWNER

    checklist = launch_page.checklist
    check = launch.checks(ws=sample_ws, release_id=launch_page.release_id)[0]
    behind(sample_ws, LaunchCheck, check.id, {"owner": "Legal"})
    checklist.row_of(check.id).setText(COL_OWNER, "Priya")  # as typed in the cell

    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"owner": "Legal"}
    conflict.theirs_buttons["owner"].click()
    conflict.save_button.click()
    assert stored(sample_ws, LaunchCheck, check.id).owner == "Legal"
    qtbot.waitUntil(lambda: checklist.row_of(check.id).text(COL_OWNER) == "Legal")


# -- experiments: the arms table and the guardrail dialog ---------------------------------------

CITATIONS = "Citations in answer bot replies"


@pytest.fixture
def experiment(qtbot, app_ctx, sample_ws):
    """The citations experiment shown: (its id, the Experiments page)."""
    from aipm_desktop.services import experiments
    from aipm_desktop.ui.experiments.page import ExperimentsPage

    page = shown_page(qtbot, app_ctx, sample_ws, ExperimentsPage)
    experiment_id = experiments.find_experiment(ws=sample_ws, ref=CITATIONS)
    page.show_entity(experiment_id)
    return experiment_id, page


@pytest.fixture
def design(experiment):
    """The Design tab of the citations experiment: (its id, the tab)."""
    experiment_id, page = experiment
    return experiment_id, page.detail.design


def test_an_arm_typed_over_another_windows_change_asks(qtbot, design, app_ctx, sample_ws):
    from aipm_desktop.models import ExperimentVariant
    from aipm_desktop.services import experiments

    experiment_id, tab = design
    treatment = experiments.detail(ws=sample_ws, experiment_id=experiment_id).variants[1]
    behind(sample_ws, ExperimentVariant, treatment.id, {"weight": 3.0})
    model = tab.variants.model
    assert model.setData(model.index(1, 4), "Numbered sources")  # the description cell

    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"description": treatment.description}
    assert "Description" in [label.text() for label in conflict.findChildren(QLabel, "formLabel")]
    conflict.save_button.click()
    after = stored(sample_ws, ExperimentVariant, treatment.id)
    assert (after.description, after.weight) == ("Numbered sources", 3.0)  # both kept


def test_a_guardrail_dialog_saved_over_another_windows_change_asks(
    qtbot, design, app_ctx, sample_ws
):
    from aipm_desktop.models import ExperimentGuardrail
    from aipm_desktop.services import experiments

    experiment_id, tab = design
    guardrail = experiments.detail(ws=sample_ws, experiment_id=experiment_id).guardrails[0]
    tab.guardrails.table.selectRow(0)
    dialog = tab.guardrails.edit_guardrail()
    dialog.name_edit.clear()
    qtbot.keyClicks(dialog.name_edit, "My metric")
    dialog.margin_edit.setText("3")  # a share's margin, typed in points (stored 0.03)
    behind(sample_ws, ExperimentGuardrail, guardrail.id, {"name": "Their metric", "margin": 0.04})
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()

    conflict = conflict_shown(app_ctx)
    assert not dialog.isVisible()
    assert conflict.current == {"name": "Their metric", "margin": 0.04}  # the fields I changed
    assert "Metric" in [label.text() for label in conflict.findChildren(QLabel, "formLabel")]
    shown = {label.text() for label in conflict.findChildren(QLabel)}
    assert {"3 points", "4 points"} <= shown  # as typed, not the stored 0.03 / 0.04
    conflict.reject()  # Cancel: the current record stays
    assert stored(sample_ws, ExperimentGuardrail, guardrail.id).name == "Their metric"


def test_a_power_input_typed_over_another_windows_change_asks(
    qtbot, experiment, app_ctx, sample_ws
):
    from aipm_desktop.models import Experiment
    from aipm_desktop.ui.experiments.detail import TAB_POWER

    experiment_id, page = experiment
    page.detail.tabs.setCurrentIndex(TAB_POWER)
    power = page.detail.power
    before = stored(sample_ws, Experiment, experiment_id)
    behind(sample_ws, Experiment, experiment_id, {"daily_units": 500.0, "baseline": 0.2})
    type_over(qtbot, power.edits["baseline"], "12")

    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"baseline": 0.2}
    assert before.baseline != 0.2
    conflict.save_button.click()
    after = stored(sample_ws, Experiment, experiment_id)
    assert (after.baseline, after.daily_units) == (12.0, 500.0)  # a mean: as typed


# -- operations: a runbook's rollback criteria, edited in their cells ---------------------------


def test_a_rollback_criterion_typed_over_another_windows_change_asks(
    qtbot, operations_page, app_ctx, sample_ws
):
    from aipm_desktop.models import RollbackCriterion
    from aipm_desktop.services import runbooks

    runbook_id = runbooks.find_runbook(ws=sample_ws, ref="Reply drafts: AI incident runbook")
    operations_page.tabs.setCurrentWidget(operations_page.runbooks)
    operations_page.runbooks.select(runbook_id)
    criteria = operations_page.runbooks.editor.criteria
    first = runbooks.get_runbook(ws=sample_ws, runbook_id=runbook_id).criteria[0]
    behind(sample_ws, RollbackCriterion, first.id, {"threshold": 9.0, "text": ""})
    row = criteria.model.row_of_key(first.id)
    assert criteria.model.setData(criteria.model.index(row, 4), 3)  # consecutive snapshots

    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"consecutive": first.consecutive}
    assert stored(sample_ws, RollbackCriterion, first.id).consecutive == first.consecutive
    conflict.save_button.click()
    after = stored(sample_ws, RollbackCriterion, first.id)
    assert (after.consecutive, after.threshold) == (3, 9.0)


# -- interviews: the case library and the score sheet -------------------------------------------


@pytest.fixture
def interviews_page(qtbot, app_ctx, ws):
    from aipm_desktop.ui.interviews.page import InterviewsPage

    return shown_page(qtbot, app_ctx, ws, InterviewsPage)


def test_a_case_title_typed_over_another_windows_change_asks(qtbot, interviews_page, app_ctx, ws):
    from aipm_desktop.models import CaseExercise
    from aipm_desktop.services import interviews as iv

    interviews_page.tabs.setCurrentWidget(interviews_page.library)
    editor = interviews_page.library.exercises
    exercise = iv.list_exercises(ws=ws)[0]
    editor.select(exercise.id)
    behind(ws, CaseExercise, exercise.id, {"title": "Their title", "time_box_minutes": 50})
    type_over(qtbot, editor.title_edit, "My title")

    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"title": "Their title"}
    assert stored(ws, CaseExercise, exercise.id).title == "Their title"
    conflict.save_button.click()
    after = stored(ws, CaseExercise, exercise.id)
    assert (after.title, after.time_box_minutes) == ("My title", 50)


def test_a_prompt_typed_while_another_window_changed_it_asks_on_leaving(
    qtbot, interviews_page, app_ctx, ws
):
    """Live refresh keeps what I am typing; leaving the box asks instead of overwriting."""
    from aipm_desktop.models import CaseExercise
    from aipm_desktop.services import interviews as iv

    interviews_page.tabs.setCurrentWidget(interviews_page.library)
    editor = interviews_page.library.exercises
    exercise = iv.list_exercises(ws=ws)[0]
    editor.select(exercise.id)
    prompt = editor.texts["prompt"]
    prompt.setFocus()
    prompt.selectAll()
    qtbot.keyClicks(prompt, "My prompt")
    behind(ws, CaseExercise, exercise.id, {"prompt": "Their prompt"})
    app_ctx.notify(Changes("case_exercise", (exercise.id,), "update"))  # as live refresh does
    assert prompt.toPlainText() == "My prompt"  # kept while I type
    prompt.editing_finished.emit()  # as leaving the box does

    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"prompt": "Their prompt"}
    conflict.save_button.click()
    assert stored(ws, CaseExercise, exercise.id).prompt == "My prompt"


def test_a_scorecard_dimension_renamed_over_another_windows_change_asks(
    qtbot, interviews_page, app_ctx, ws
):
    from aipm_desktop.models import ScorecardDimension

    interviews_page.tabs.setCurrentWidget(interviews_page.library)
    editor = interviews_page.library.scorecard
    dimension = editor.card.dimensions[0]
    behind(ws, ScorecardDimension, dimension.id, {"name": "Their name"})
    editor.dimensions.item(0, 0).setText("My name")  # as typed in the cell

    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"name": "Their name"}
    conflict.theirs_buttons["name"].click()
    conflict.save_button.click()
    assert stored(ws, ScorecardDimension, dimension.id).name == "Their name"


def test_a_rating_changed_over_another_windows_change_asks(qtbot, interviews_page, app_ctx, ws):
    from aipm_desktop.models import Candidate, Rating
    from aipm_desktop.services import interviews as iv

    data = {"name": "Dana Ortiz", "interviewers": "Maya"}
    _candidate, changes = records.create(ws=ws, model=Candidate, data=data)
    app_ctx.notify(changes)  # as the Candidates tab's New candidate does
    interviews_page.tabs.setCurrentWidget(interviews_page.interview)
    mode = interviews_page.interview
    qtbot.mouseClick(mode.start_button, Qt.MouseButton.LeftButton)
    row = next(iter(mode.rows.values()))
    qtbot.mouseClick(row.buttons[3], Qt.MouseButton.LeftButton)
    rating = iv.get_evaluation(ws=ws, evaluation_id=mode.evaluation_id).ratings[row.dimension.id]
    behind(ws, Rating, rating.id, {"rating": 2, "evidence": "Their notes"})

    qtbot.mouseClick(row.buttons[4], Qt.MouseButton.LeftButton)
    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"rating": 2}
    assert stored(ws, Rating, rating.id).rating == 2  # nothing written yet
    conflict.save_button.click()  # keep my 4
    after = stored(ws, Rating, rating.id)
    assert (after.rating, after.evidence) == (4, "Their notes")

    behind(ws, Rating, rating.id, {"rating": 1})
    row.evidence.setFocus()
    row.evidence.selectAll()
    qtbot.keyClicks(row.evidence, "Strong framing")
    row.evidence.editingFinished.emit()  # as leaving the box does
    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"evidence": "Their notes"}
    conflict.save_button.click()
    after = stored(ws, Rating, rating.id)
    assert after.rating == 1  # theirs: I changed only the evidence
    assert after.evidence == "Strong framing"


# -- documents: the editor's autosave and the title --------------------------------------------


@pytest.fixture
def documents_page(qtbot, app_ctx, ws):
    from aipm_desktop.models import Document
    from aipm_desktop.ui.documents.page import DocumentsPage

    data = {"kind": "ai_prd", "title": "Answer bot PRD", "body": "# Goals\n\nFaster replies."}
    doc, _ = records.create(ws=ws, model=Document, data=data)
    page = shown_page(qtbot, app_ctx, ws, DocumentsPage)
    page.open_document(doc.id)
    return page


def _type_at_end(qtbot, editor, text: str) -> None:
    editor.setFocus()
    editor.moveCursor(editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(editor, text)


def _their_body(ws, document_id: int, body: str) -> None:
    """Another window saves ``body`` as the document's text (as its autosave does)."""
    from aipm_desktop.services import documents

    other = open_workspace(Path(ws.path))
    try:
        documents.save_body(ws=other, document_id=document_id, body=body, who="bob")
    finally:
        other.close()


def _body(ws, document_id: int) -> str:
    from aipm_desktop.models import Document

    return stored(ws, Document, document_id).body


def test_an_autosave_over_another_windows_text_keeps_mine_and_asks(
    qtbot, documents_page, app_ctx, ws
):
    from aipm_desktop.ui.documents.body_guard import OVERWRITE

    page = documents_page
    doc_id = page.document_id
    _type_at_end(qtbot, page.editor, " Mine.")
    mine = page.editor.toPlainText()
    _their_body(ws, doc_id, "# Goals\n\nTheir rewrite.")
    app_ctx.notify(Changes("document", (doc_id,), "update"))  # as live refresh does
    assert page.editor.toPlainText() == mine  # my unsaved typing is not replaced

    assert not page.save_now()  # the autosave
    box = page.conflict_box
    assert box is not None and box.isVisible()
    assert "Answer bot PRD" in box.text() and "changed elsewhere by bob at " in box.text()
    assert _body(ws, doc_id) == "# Goals\n\nTheir rewrite."  # nothing written
    assert page.editor.toPlainText() == mine  # my text is kept
    assert "changed elsewhere" in page.save_label.text()

    next(b for b in box.buttons() if b.text() == OVERWRITE).click()
    assert _body(ws, doc_id) == mine
    assert page.conflict_box is None and not page.dirty
    app_ctx.undo_stack.undo()  # theirs comes back
    assert _body(ws, doc_id) == "# Goals\n\nTheir rewrite."


def test_reload_theirs_shows_the_stored_text_and_copies_mine(qtbot, documents_page, app_ctx, ws):
    from PySide6.QtGui import QGuiApplication

    from aipm_desktop.ui.documents.body_guard import RELOAD

    page = documents_page
    doc_id = page.document_id
    _type_at_end(qtbot, page.editor, " Mine.")
    mine = page.editor.toPlainText()
    _their_body(ws, doc_id, "Their text.")
    assert not page.save_now()
    next(b for b in page.conflict_box.buttons() if b.text() == RELOAD).click()
    assert page.editor.toPlainText() == "Their text."
    assert QGuiApplication.clipboard().text() == mine
    assert _body(ws, doc_id) == "Their text."
    _type_at_end(qtbot, page.editor, " And mine.")  # an edit after reloading needs no asking
    assert page.save_now()
    assert _body(ws, doc_id) == "Their text. And mine."


def test_a_document_title_renamed_over_another_windows_change_asks(
    qtbot, documents_page, app_ctx, ws
):
    from aipm_desktop.models import Document

    page = documents_page
    doc_id = page.document_id
    behind(ws, Document, doc_id, {"title": "Their PRD"})
    type_over(qtbot, page.title_edit, "My PRD")
    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"title": "Their PRD"}
    assert "Title" in [label.text() for label in conflict.findChildren(QLabel, "formLabel")]
    conflict.save_button.click()
    assert stored(ws, Document, doc_id).title == "My PRD"


def test_a_use_case_chosen_over_another_windows_choice_is_shown_by_title(
    qtbot, documents_page, app_ctx, ws
):
    """The dialog names the use cases both sides chose, never their ids."""
    from aipm_desktop.models import Document, UseCase

    page = documents_page
    doc_id = page.document_id
    mine, _ = records.create(ws=ws, model=UseCase, data={"title": "Answer bot"})
    theirs, _ = records.create(ws=ws, model=UseCase, data={"title": "Reply drafts"})
    page.load_choices()
    behind(ws, Document, doc_id, {"use_case_id": theirs.id})
    page.use_case_combo.setCurrentIndex(page.use_case_combo.findData(mine.id))
    page.use_case_combo.activated.emit(page.use_case_combo.currentIndex())
    conflict = conflict_shown(app_ctx)
    assert conflict.findChild(QLabel, "conflictYours").text() == "Answer bot"
    assert conflict.findChild(QLabel, "conflictTheirs").text() == "Reply drafts"
    conflict.save_button.click()
    assert stored(ws, Document, doc_id).use_case_id == mine.id


# -- interviews: a candidate's fields and an evaluation's notes ---------------------------------


def _candidate(app_ctx, ws, name: str = "Dana Ortiz") -> int:
    from aipm_desktop.models import Candidate

    data = {"name": name, "interviewers": "Maya"}
    candidate, changes = records.create(ws=ws, model=Candidate, data=data)
    app_ctx.notify(changes)  # as the Candidates tab's New candidate does
    return candidate.id


def test_a_candidate_field_typed_over_another_windows_change_asks(
    qtbot, interviews_page, app_ctx, ws
):
    from aipm_desktop.models import Candidate

    candidate_id = _candidate(app_ctx, ws)
    interviews_page.tabs.setCurrentWidget(interviews_page.candidates)
    assert interviews_page.candidates.current_id() == candidate_id
    behind(ws, Candidate, candidate_id, {"role_level": "Senior PM", "name": "Dana O."})
    type_over(qtbot, interviews_page.candidates.edits["name"], "Dana Ortiz-Reyes")

    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"name": "Dana O."}
    conflict.save_button.click()
    after = stored(ws, Candidate, candidate_id)
    assert (after.name, after.role_level) == ("Dana Ortiz-Reyes", "Senior PM")


def test_evaluation_notes_typed_over_another_windows_change_ask(
    qtbot, interviews_page, app_ctx, ws
):
    from aipm_desktop.models import Evaluation

    _candidate(app_ctx, ws)
    interviews_page.tabs.setCurrentWidget(interviews_page.interview)
    mode = interviews_page.interview
    qtbot.mouseClick(mode.start_button, Qt.MouseButton.LeftButton)
    evaluation_id = mode.evaluation_id
    behind(ws, Evaluation, evaluation_id, {"notes": "Their notes"})
    mode.notes_edit.setFocus()
    qtbot.keyClicks(mode.notes_edit, "Clear structure")
    mode.notes_edit.editing_finished.emit()  # as leaving the box does

    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"notes": "Their notes"}
    conflict.theirs_buttons["notes"].click()
    conflict.save_button.click()
    assert stored(ws, Evaluation, evaluation_id).notes == "Their notes"


# -- settings, scoring models and control notes ------------------------------------------------


def test_workspace_settings_typed_over_another_windows_change_ask(qtbot, app_ctx, ws):
    from aipm_desktop.models import WorkspaceSettings
    from aipm_desktop.ui.settings_page import SettingsPage

    page = shown_page(qtbot, app_ctx, ws, SettingsPage)
    page.load()
    behind(ws, WorkspaceSettings, 1, {"client": "Globex"})
    type_over(qtbot, page.edits["client"], "Acme")

    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"client": "Globex"}
    conflict.save_button.click()
    assert stored(ws, WorkspaceSettings, 1).client == "Acme"


def test_a_scoring_criterion_renamed_over_another_windows_change_asks(qtbot, app_ctx, sample_ws):
    from aipm_desktop.models import Criterion
    from aipm_desktop.ui.usecases.models_dialog import ModelsDialog

    app_ctx.set_workspace(sample_ws)
    dialog = ModelsDialog(app_ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    criterion = dialog.criteria[0]
    behind(sample_ws, Criterion, criterion.id, {"weight": criterion.weight + 1})
    dialog.table.item(0, 0).setText("Business value (revenue)")  # as typed in the cell

    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"name": criterion.name}
    conflict.save_button.click()
    after = stored(sample_ws, Criterion, criterion.id)
    assert (after.name, after.weight) == ("Business value (revenue)", criterion.weight + 1)


def test_control_notes_saved_over_another_windows_notes_ask(qtbot, controls_page, app_ctx, ws):
    from aipm_desktop.models import Control

    tab = controls_page.catalogs
    assert tab.select_catalog("iso_42001")
    control = tab.current_control()
    behind(ws, Control, control.id, {"notes": "Their licensed text."})
    tab.notes.setFocus()
    qtbot.keyClicks(tab.notes, "My licensed text.")
    qtbot.mouseClick(tab.save_button, Qt.MouseButton.LeftButton)

    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"notes": "Their licensed text."}
    assert stored(ws, Control, control.id).notes == "Their licensed text."
    conflict.reject()  # Cancel: theirs stays
    assert stored(ws, Control, control.id).notes == "Their licensed text."


def test_an_incident_action_changed_over_another_windows_change_asks(
    qtbot, operations_page, app_ctx, sample_ws
):
    from aipm_desktop.models import IncidentAction
    from aipm_desktop.services import incidents

    incident_id = incidents.find_incident(
        ws=sample_ws, ref="Drafts quoted refund windows that do not exist after the model upgrade"
    )
    assert operations_page.show_incident(incident_id)
    actions = operations_page.incidents.detail.actions_panel
    action = incidents.detail(ws=sample_ws, incident_id=incident_id).actions[0]
    actions.table.setCurrentIndex(actions.model.index(actions.model.row_of_key(action.id), 0))
    assert actions.edit_current() == action.id
    behind(sample_ws, IncidentAction, action.id, {"who": "Their lead"})
    actions.notes_edit.setText("Rolled back to the previous model")
    actions.commit()

    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"notes": action.notes}  # only what I changed
    conflict.save_button.click()
    after = stored(sample_ws, IncidentAction, action.id)
    assert (after.notes, after.who) == ("Rolled back to the previous model", "Their lead")


def test_a_timeline_drag_over_another_windows_move_asks(qtbot, app_ctx, ws):
    import datetime as dt

    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    from aipm_desktop.models import RoadmapItem
    from aipm_desktop.services import clock
    from aipm_desktop.ui.roadmap.page import RoadmapPage

    start = clock.today() + dt.timedelta(days=10)
    end = start + dt.timedelta(days=9)
    data = {"title": "Fine-tune v2", "lane": "Model iteration", "start": start, "end": end}
    item, _ = records.create(ws=ws, model=RoadmapItem, data=data)
    page = shown_page(qtbot, app_ctx, ws, RoadmapPage, size=(1300, 800))
    timeline = page.timeline
    timeline.set_zoom("weeks")
    theirs = (start + dt.timedelta(days=1), end + dt.timedelta(days=1))
    behind(ws, RoadmapItem, item.id, {"start": theirs[0], "end": theirs[1]})

    grab = timeline.view.viewport_rect(item.id).center().toPoint()
    drop = grab + QPoint(round(4 * timeline.scene.ppd), 0)
    viewport = timeline.view.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, grab)
    QTest.mouseMove(viewport, QPoint((grab.x() + drop.x()) // 2, grab.y()))
    QTest.mouseMove(viewport, drop)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, drop)

    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"start": theirs[0], "end": theirs[1]}
    after = stored(ws, RoadmapItem, item.id)
    assert (after.start, after.end) == theirs  # nothing written yet
    conflict.save_button.click()  # keep my dates
    after = stored(ws, RoadmapItem, item.id)
    assert (after.start, after.end) == (start + dt.timedelta(days=4), end + dt.timedelta(days=4))
