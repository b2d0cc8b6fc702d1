"""The Experiments area's list and Design tab as a user works them: the list, a new
experiment (Ctrl+Shift+N), fields with their refusals, variants and guardrails, status
moves, delete with confirmation (Del), and the design document kept in sync until its
author edits it; every edit undone from Edit ▸ Undo; every table model checked."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from aipm_desktop.services import documents, experiments
from aipm_desktop.ui.experiments.page import ExperimentsPage

CITATIONS = "Citations in answer bot replies"
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def page(qtbot, app_ctx, sample_ws):
    app_ctx.set_workspace(sample_ws)
    widget = ExperimentsPage(app_ctx)
    qtbot.addWidget(widget)
    widget.resize(1280, 720)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _press(qtbot, page, target, key, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """Press a key with the focus on ``target`` (inside the page)."""
    page.activateWindow()
    target.setFocus()
    qtbot.waitUntil(target.hasFocus)
    qtbot.keyClick(target, key, modifiers)


def _type(qtbot, editor, text: str) -> None:
    editor.setFocus()
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)


def _ok(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def _detail(ws, title: str):
    return experiments.detail(ws=ws, experiment_id=experiments.find_experiment(ws=ws, ref=title))


def test_the_list_shows_the_experiments_and_the_first_one(page, sample_ws):
    model = page.master.model
    titles = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert sorted(titles) == sorted(s.title for s in experiments.summaries(ws=sample_ws))
    assert page.detail.heading.text() == titles[0]
    page.status_combo.setCurrentIndex(page.status_combo.findData("running"))
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == [CITATIONS]
    assert page.detail.heading.text() == CITATIONS
    assert "Stop and analyse" in [b.text() for b in page.detail.move_buttons.values()]


def test_a_new_experiment_from_the_shortcut_then_deleted_after_asking(
    qtbot, page, sample_ws, app_ctx, message_boxes
):
    before = len(experiments.summaries(ws=sample_ws))
    _press(
        qtbot, page, page.list_pane.table, Qt.Key.Key_N, CTRL | Qt.KeyboardModifier.ShiftModifier
    )
    title = page.detail.design.editors["title"]
    qtbot.waitUntil(title.hasFocus)
    qtbot.keyClicks(title, "Shorter replies")
    qtbot.keyClick(title, Qt.Key.Key_Return)
    info = _detail(sample_ws, "Shorter replies")
    assert info.status == "draft" and [v.name for v in info.variants] == ["Control", "Treatment"]
    assert page.detail.heading.text() == "Shorter replies"

    _press(qtbot, page, page.list_pane.table, Qt.Key.Key_Delete)
    box = page.confirm_box
    assert box is not None and "Shorter replies" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    assert len(experiments.summaries(ws=sample_ws)) == before
    app_ctx.undo_stack.undo()
    assert _detail(sample_ws, "Shorter replies").title == "Shorter replies"


def test_fields_commit_as_one_step_and_bad_values_store_nothing(qtbot, page, sample_ws, app_ctx):
    page.show_entity(experiments.find_experiment(ws=sample_ws, ref=CITATIONS))
    form = page.detail.design
    metric = form.editors["primary_metric"]
    _type(qtbot, metric, "CSAT of bot answers")
    assert _detail(sample_ws, CITATIONS).primary_metric == "CSAT of bot answers"
    app_ctx.undo_stack.undo()
    assert _detail(sample_ws, CITATIONS).primary_metric == "CSAT of bot conversations"

    end = form.editors["planned_end"]
    stored_end = _detail(sample_ws, CITATIONS).planned_end  # the sample's dates follow today
    end.set_value(dt.date(2026, 1, 1))  # before the start
    end.edited.emit()
    assert "planned end must not be before the start" in form.hint_text("planned_end")
    assert _detail(sample_ws, CITATIONS).planned_end == stored_end


def test_variants_and_guardrails_are_edited_in_their_cards(qtbot, page, sample_ws, app_ctx):
    page.show_entity(experiments.find_experiment(ws=sample_ws, ref=CITATIONS))
    variants = page.detail.design.variants
    assert variants.add_treatment()
    assert [v.name for v in _detail(sample_ws, CITATIONS).variants][-1] == "Treatment 2"
    model = variants.model
    assert model.setData(model.index(2, 2), "2")  # the weight, typed in its cell
    assert _detail(sample_ws, CITATIONS).variants[2].weight == 2
    with qtbot.waitSignal(app_ctx.user_error) as refused:
        model.setData(model.index(2, 0), "Numbered citations")  # a name taken
    assert "names must differ" in str(refused.args[0])
    variants.table.selectRow(2)
    assert variants.remove_variant()
    assert len(_detail(sample_ws, CITATIONS).variants) == 2

    guardrails = page.detail.design.guardrails
    dialog = guardrails.add_guardrail()
    dialog.name_edit.setText("Escalations")
    dialog.margin_edit.setText("two")
    _ok(dialog)
    assert "must be a number" in dialog.error.text() and dialog.isVisible()
    dialog.margin_edit.setText("1.5")
    _ok(dialog)
    added = [g for g in _detail(sample_ws, CITATIONS).guardrails if g.name == "Escalations"]
    assert added and added[0].margin == pytest.approx(0.015)  # 1.5 points of a rate
    assert not dialog.isVisible()
    dialog = guardrails.add_guardrail()
    dialog.name_edit.setText("escalations")
    _ok(dialog)
    assert "names must differ" in dialog.error.text()
    dialog.reject()


def test_status_moves_are_buttons(page, sample_ws):
    page.show_entity(experiments.find_experiment(ws=sample_ws, ref=CITATIONS))
    page.detail.move_buttons["analysing"].click()
    assert _detail(sample_ws, CITATIONS).status == "analysing"
    assert set(page.detail.move_buttons) == {"running", "abandoned"}
    assert page.detail.status_chip.text() == "Analysing"


def test_the_design_document_is_kept_in_sync_until_edited(qtbot, page, sample_ws, app_ctx):
    experiment_id = experiments.find_experiment(ws=sample_ws, ref=CITATIONS)
    page.show_entity(experiment_id)
    card = page.detail.design.doc_card
    assert card.write_button.text() == "Write design document"
    document_id = card.write()
    assert document_id is not None
    assert "kept in sync" in card.state_label.text()
    assert not card.write_button.isEnabled()  # up to date

    hypothesis = page.detail.design.editors["hypothesis"]
    hypothesis.setFocus()
    hypothesis.set_text("We believe numbered citations build trust.")
    hypothesis.document().setModified(True)
    page.detail.design.editors["owner"].setFocus()
    qtbot.waitUntil(lambda: _detail(sample_ws, CITATIONS).hypothesis.startswith("We believe num"))
    body = documents.get_document(ws=sample_ws, document_id=document_id).body
    assert "We believe numbered citations build trust." in body
    app_ctx.undo_stack.undo()  # the edit and the document's update: one step
    body = documents.get_document(ws=sample_ws, document_id=document_id).body
    assert "We believe numbered citations build trust." not in body

    documents.save_body(ws=sample_ws, document_id=document_id, body=body + "\nMine now.\n")
    page.detail.refresh()
    assert "edited by hand; no longer kept in sync" in card.state_label.text()
    assert card.write_button.text() == "Write a new design document"
    _type(qtbot, page.detail.design.editors["owner"], "Ana Silva")
    assert documents.get_document(ws=sample_ws, document_id=document_id).body.endswith(
        "Mine now.\n"
    )
    with qtbot.waitSignal(page.navigate_requested) as opened:
        card.open_button.click()
    assert opened.args == ["documents", document_id]


def test_every_table_model_passes_the_model_tester(qtmodeltester, page, sample_ws):
    page.show_entity(experiments.find_experiment(ws=sample_ws, ref=CITATIONS))
    qtmodeltester.check(page.master.model)
    qtmodeltester.check(page.detail.design.variants.model)
    qtmodeltester.check(page.detail.design.guardrails.model)
    qtmodeltester.check(page.detail.results.model)
