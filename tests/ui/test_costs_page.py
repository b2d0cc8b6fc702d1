"""The Costs area as a user meets it: the list, typing inputs, outputs recalculated before
anything is saved, commits and undo, refusals, new and delete, the header actions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

from aipm_desktop.models import CostModel, UseCase
from aipm_desktop.services import costs, records
from aipm_desktop.services.workspace import new_workspace
from aipm_desktop.store import open_workspace
from aipm_desktop.ui.costs.page import TAB_INPUTS, CostsPage


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("costs") / "demo.aipm"
    new_workspace(path, demo=True).close()
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path):
    path = tmp_path / "demo.aipm"
    shutil.copyfile(demo_file, path)
    ws = open_workspace(path)
    yield ws
    ws.close()


@pytest.fixture
def page(qtbot, app_ctx, demo):
    app_ctx.set_workspace(demo)
    widget = CostsPage(app_ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _model_id(ws, name: str) -> int:
    return costs.find_model(ws=ws, ref=name)


def _stored(ws, model_id: int) -> CostModel:
    return records.get(ws=ws, model=CostModel, id=model_id)


def _type(qtbot, edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)


def test_the_list_shows_every_model_with_its_figures(page, demo):
    model = page.list_model
    assert model.rowCount() == 3
    names = [model.index(r, 0).data() for r in range(3)]
    assert names == sorted(names)
    row = model.row_of(_model_id(demo, "Reply drafts: small model"))
    texts = [model.index(row, c).data() for c in range(model.columnCount())]
    assert texts[:4] == ["Reply drafts: small model", "Agent reply drafts", "small model", ""]
    assert texts[4] == "0.046 USD" and texts[5] == "17,480.00 USD" and texts[6] == "Over"
    assert page.count_label.text() == "3 cost models"
    # The first model is shown at once.
    assert page.current_id() == model.id_at(0)
    assert page.form.heading.text() == names[0]

    page.filter_box.setText("small")
    page.filter_box.flush()
    assert model.rowCount() == 1
    assert page.current_id() == _model_id(demo, "Reply drafts: small model")
    page.filter_box.setText("nothing like this")
    page.filter_box.flush()
    assert page.list_stack.currentWidget() is page.list_empty
    assert "No cost model matches" in page.list_empty.text()


def test_typing_recalculates_on_screen_before_anything_is_saved(qtbot, page, demo):
    model_id = _model_id(demo, "Reply drafts: large model")
    page.select_model(model_id)
    before = page.outputs.per_task.text()
    assert before == "0.0477419 USD"
    edit = page.form.value_edits["success_rate"]
    assert edit.text() == "62"  # a share is typed in percent
    _type(qtbot, edit, "80")
    # On screen at once: the cost per successful task and the scenario table.
    expected = costs.compute(
        costs.make_inputs({**page.form.record, "success_rate": 0.8}), "base"
    ).cost_per_successful_task
    assert page.outputs.per_task.text() == f"{costs.format_amount(expected)} USD"
    assert page.outputs.per_task.text() != before
    # Nothing written yet.
    assert _stored(demo, model_id).success_rate == pytest.approx(0.62)
    # (How fast a keystroke recalculates is measured in benchmarks/bench_costs.py,
    # never asserted here.)


def test_finishing_an_edit_saves_it_and_undo_restores_it(qtbot, page, demo, app_ctx):
    model_id = _model_id(demo, "Reply drafts: large model")
    page.select_model(model_id)
    edit = page.form.value_edits["requests_per_month"]
    _type(qtbot, edit, "1200000")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert _stored(demo, model_id).requests_per_month == 1_200_000
    assert app_ctx.undo_stack.count() >= 1
    assert "requests per month, base" in app_ctx.undo_stack.undoText()
    qtbot.waitUntil(lambda: page.list_model.summary(model_id).requests_per_month == 1_200_000)

    app_ctx.undo_stack.undo()
    assert _stored(demo, model_id).requests_per_month == 1_000_000
    qtbot.waitUntil(lambda: edit.text() == "1,000,000")
    assert page.outputs.per_task.text() == "0.0477419 USD"

    app_ctx.undo_stack.redo()
    qtbot.waitUntil(lambda: edit.text() == "1,200,000")


def test_source_notes_and_identity_fields_commit_as_undo_steps(qtbot, page, demo, app_ctx):
    model_id = _model_id(demo, "Reply drafts: small model")
    page.select_model(model_id)
    source = page.form.source_edits["retries_per_request"]
    _type(qtbot, source, "Gateway logs, June")
    qtbot.keyClick(source, Qt.Key.Key_Return)
    assert _stored(demo, model_id).sources["retries_per_request"] == "Gateway logs, June"
    option = page.form.option_edit
    _type(qtbot, option, "small model, tuned")
    qtbot.keyClick(option, Qt.Key.Key_Return)
    assert _stored(demo, model_id).option_label == "small model, tuned"
    app_ctx.undo_stack.undo()
    app_ctx.undo_stack.undo()
    stored = _stored(demo, model_id)
    assert stored.option_label == "small model"
    assert stored.sources["retries_per_request"] != "Gateway logs, June"


def test_an_invalid_value_shows_the_message_and_writes_nothing(qtbot, page, demo, app_ctx):
    model_id = _model_id(demo, "Reply drafts: large model")
    page.select_model(model_id)
    steps = app_ctx.undo_stack.count()
    edit = page.form.value_edits["success_rate"]
    _type(qtbot, edit, "150")
    assert page.form.hint_text("success_rate") == "Task success rate must be between 0 and 100 %."
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert "Not saved" in page.form.hint_text("success_rate")
    assert _stored(demo, model_id).success_rate == pytest.approx(0.62)
    assert app_ctx.undo_stack.count() == steps

    # A rule across fields (low above base) is shown under the field typed in.
    low = page.form.value_edits["requests_per_month_low"]
    _type(qtbot, low, "2000000")
    qtbot.keyClick(low, Qt.Key.Key_Return)
    assert "low volume must not be above the base" in page.form.hint_text("requests_per_month_low")
    assert _stored(demo, model_id).requests_per_month_low == 700_000
    _type(qtbot, low, "abc")
    assert "must be a number" in page.form.hint_text("requests_per_month_low")

    # Esc brings back the stored value and the message goes.
    qtbot.keyClick(low, Qt.Key.Key_Escape)
    assert low.text() == "700,000"
    assert page.form.hint_text("requests_per_month_low") == ""
    assert app_ctx.undo_stack.count() == steps


def test_zero_volume_and_zero_success_say_why(qtbot, page, demo):
    page.select_model(_model_id(demo, "Reply drafts: large model"))
    _type(qtbot, page.form.value_edits["success_rate"], "0")
    assert page.outputs.per_task.text() == "\u2013"
    assert page.outputs.problems.isVisible()
    assert "success rate is 0 %" in page.outputs.problems.text()
    assert "Never cheaper" in page.outputs.verdict.text()
    qtbot.keyClick(page.form.value_edits["success_rate"], Qt.Key.Key_Escape)
    assert page.outputs.per_task.text() == "0.0477419 USD"

    page.set_scenario("low")
    assert page.outputs.per_task_caption.text().endswith("low scenario")
    assert page.scenario_buttons["low"].isChecked()
    _type(qtbot, page.form.value_edits["requests_per_month_low"], "0")
    assert "No requests in the low scenario" in page.outputs.problems.text()


def test_envelope_break_even_and_margin_are_shown(page, demo):
    page.select_model(_model_id(demo, "Reply drafts: large model + prompt cache"))
    out = page.outputs
    assert out.envelope_status() == "over"
    assert "Over the envelope of 0.03 USD" in out.envelope.text()
    assert out.verdict.text() == "Cheaper than people above 2,907 requests a month"
    assert "fixed 5,000.00" in out.reason.text()
    assert out.margin_lines[4].text() == "19.51 USD"  # per seat
    assert out.breakdown["request"].text() == "0.0162758"


def test_price_table_model_is_picked_from_a_combo(qtbot, page, demo, app_ctx):
    model_id = _model_id(demo, "Reply drafts: large model")
    page.select_model(model_id)
    form = page.form
    assert form.price_combo.currentText().startswith("OpenAI gpt-4.1 ")
    assert form.value_edits["price_input_per_m"].isReadOnly()
    # Typed in from now on: the row's prices become the model's own, nothing jumps.
    form.price_combo.setCurrentIndex(0)
    form.price_combo.activated.emit(0)
    stored = _stored(demo, model_id)
    assert stored.price_id is None and stored.price_input_per_m == 2.0
    qtbot.waitUntil(lambda: not form.value_edits["price_input_per_m"].isReadOnly())
    assert page.outputs.per_task.text() == "0.0477419 USD"
    mini = costs.find_price(ws=demo, ref="openai/gpt-4.1-mini")
    index = form.price_combo.findData(mini)
    form.price_combo.setCurrentIndex(index)
    form.price_combo.activated.emit(index)
    assert _stored(demo, model_id).price_id == mini
    app_ctx.undo_stack.undo()
    app_ctx.undo_stack.undo()
    assert _stored(demo, model_id).price_id is not None


def test_new_and_delete_with_shortcuts_and_undo(qtbot, page, demo, app_ctx, message_boxes):
    use_case = page.form.stored.use_case_id
    shortcut = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(page.table, Qt.Key.Key_N, shortcut)
    qtbot.waitUntil(lambda: page.list_model.rowCount() == 4)
    new_id = page.current_id()
    stored = _stored(demo, new_id)
    assert stored.name == "New cost model" and stored.use_case_id == use_case
    assert page.form.name_edit.hasFocus()
    # A fresh model has no volume: the outputs say so rather than fail.
    assert "No requests in the base scenario" in page.outputs.problems.text()
    qtbot.keyClicks(page.form.name_edit, "Reply drafts: vendor product")
    qtbot.keyClick(page.form.name_edit, Qt.Key.Key_Return)
    assert _stored(demo, new_id).name == "Reply drafts: vendor product"

    page.select_model(new_id)
    page.table.setFocus()
    assert page.delete_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Delete)
    page.delete_action.trigger()
    box = page.confirm_box
    assert box is not None and "Reply drafts: vendor product" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: page.list_model.rowCount() == 3)
    assert page.current_id() is not None and page.current_id() != new_id
    app_ctx.undo_stack.undo()  # the delete
    qtbot.waitUntil(lambda: page.list_model.rowCount() == 4)
    assert _stored(demo, new_id).name == "Reply drafts: vendor product"


def test_feed_ownership_writes_the_use_case_cost_fields(qtbot, page, demo, app_ctx):
    model_id = _model_id(demo, "Reply drafts: small model")
    page.select_model(model_id)
    assert page.own_button.isEnabled()
    assert [a.text() for a in page.own_menu.actions()] == [
        "As the build option",
        "As the partner option",
        "As the buy option",
    ]
    page.own_actions["partner"].trigger()
    use_case = records.get(ws=demo, model=UseCase, id=page.form.stored.use_case_id)
    out = costs.compute(costs.load_inputs(ws=demo, model_id=model_id))
    assert use_case.cost_partner_oneoff == pytest.approx(round(out.build_cost_oneoff, 2))
    assert use_case.cost_partner_yearly == pytest.approx(round(out.yearly_cost, 2))
    assert _stored(demo, model_id).role == "partner"
    assert "as its partner cost" in page.message.text()
    qtbot.waitUntil(lambda: page.form.role_combo.currentData() == "partner")
    app_ctx.undo_stack.undo()
    assert _stored(demo, model_id).role == "none"


def test_record_snapshot_needs_a_kpi_and_says_why(qtbot, page, demo):
    page.select_model(_model_id(demo, "Reply drafts: large model"))
    assert not page.snapshot_button.isEnabled()
    assert "Link this cost model to a tracked KPI" in page.snapshot_button.toolTip()
    cached = _model_id(demo, "Reply drafts: large model + prompt cache")
    page.select_model(cached)
    assert page.snapshot_button.isEnabled()
    assert page.record_snapshot()
    assert "as today's snapshot of “Cost per accepted draft”" in page.message.text()


def test_buttons_that_cannot_act_are_disabled_with_the_reason(qtbot, page, demo):
    page.select_model(_model_id(demo, "Reply drafts: small model"))
    page.form.use_case_combo.setCurrentIndex(0)
    page.form.use_case_combo.activated.emit(0)
    qtbot.waitUntil(lambda: not page.own_button.isEnabled())
    assert "belongs to no use case" in page.own_button.toolTip()
    page.tabs.setCurrentWidget(page.prices)
    assert not page.delete_button.isEnabled()
    assert "Cost models tab" in page.delete_button.toolTip()


def test_empty_workspace_tells_what_to_do(qtbot, app_ctx, ws):
    app_ctx.set_workspace(ws)
    page = CostsPage(app_ctx)
    qtbot.addWidget(page)
    page.show()
    assert page.list_stack.currentWidget() is page.list_empty
    assert "New cost model" in page.list_empty.text()
    assert page.form.stack.currentIndex() == 0
    assert "New cost model" in page.form.empty_label.text()
    assert not page.delete_button.isEnabled()
    assert page.new_button.objectName() == "primaryButton"
    assert page.new_model() is not None
    assert page.list_model.rowCount() == 1
    assert page.detail_tabs.currentIndex() == TAB_INPUTS


def test_header_buttons_are_in_order(page):
    layout = page.layout().itemAt(0).layout()
    buttons = [layout.itemAt(i).widget() for i in range(1, layout.count())]
    assert [b.text() for b in buttons] == [
        "New cost model",
        "Delete",
        "Use as build/partner/buy cost…",
        "Record KPI snapshot",
    ]
