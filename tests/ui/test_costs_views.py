"""The Costs area's other views: options compared, the tornado and its export, the price
table, the overview's envelope breaches, the fit in a 1280x720 window, and every item
model through pytest-qt's model tester."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from aipm_desktop.models import ModelPrice
from aipm_desktop.services import costs, records
from aipm_desktop.services.workspace import new_workspace
from aipm_desktop.store import open_workspace
from aipm_desktop.ui.costs.models import (
    CHEAPEST_BACKGROUND,
    PRICE_COLUMNS,
    ComparisonModel,
    CostListModel,
    PriceTableModel,
)
from aipm_desktop.ui.costs.page import TAB_COMPARE, TAB_SENSITIVITY, CostsPage
from aipm_desktop.ui.overview import OverviewPage

BACKGROUND = Qt.ItemDataRole.BackgroundRole


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


def _id(ws, name: str) -> int:
    return costs.find_model(ws=ws, ref=name)


# -- compare ---------------------------------------------------------------------------------


def test_compare_highlights_the_cheapest_per_successful_task(qtbot, page, demo):
    page.select_model(_id(demo, "Reply drafts: small model"))
    page.detail_tabs.setCurrentIndex(TAB_COMPARE)
    model = page.compare.model
    assert model.columnCount() == 3
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)]
    assert titles == ["large model", "large model + cache\n★ cheapest per task", "small model"]
    cheapest = model.cheapest_column()
    assert cheapest == 1 and page.compare.cheapest_title() == "large model + cache"
    assert model.index(0, cheapest).data(BACKGROUND) == CHEAPEST_BACKGROUND
    assert model.index(0, 0).data(BACKGROUND) is None
    per_task = next(r for r, (key, _l) in enumerate(model.ROWS) if key == "per_task")
    assert model.index(per_task, 2).data() == "0.046 USD"
    assert "Agent reply drafts" in page.compare.intro.text()

    # The chosen model's column follows what is typed: a 95 % success rate makes the
    # small model the cheapest, before anything is saved.
    edit = page.form.value_edits["success_rate"]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "95")
    assert page.compare.cheapest_title() == "small model"
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert page.compare.cheapest_title() == "large model + cache"

    # Double-clicking an option opens it.
    with qtbot.waitSignal(page.compare.model_chosen) as blocker:
        page.compare.table.activated.emit(model.index(0, 0))
    assert blocker.args == [_id(demo, "Reply drafts: large model")]
    assert page.current_id() == blocker.args[0]


def test_compare_without_a_use_case_says_what_to_do(qtbot, page, demo):
    model_id = _id(demo, "Reply drafts: small model")
    page.select_model(model_id)
    page.form.use_case_combo.setCurrentIndex(0)
    page.form.use_case_combo.activated.emit(0)
    page.detail_tabs.setCurrentIndex(TAB_COMPARE)
    qtbot.waitUntil(lambda: page.compare.stack.currentWidget() is page.compare.empty)
    assert "belongs to no use case" in page.compare.empty.text()


# -- sensitivity -----------------------------------------------------------------------------


def test_tornado_has_bars_and_exports(qtbot, page, demo, tmp_path):
    page.select_model(_id(demo, "Reply drafts: large model + prompt cache"))
    page.detail_tabs.setCurrentIndex(TAB_SENSITIVITY)
    tab = page.sensitivity
    qtbot.waitUntil(lambda: tab.bar_count() > 0)
    data = tab.data
    assert data is not None and data.swing == pytest.approx(0.2)
    drawn = [r for r in data.rows if r.impact > 0 and r.result_low is not None]
    assert tab.bar_count() == 2 * min(len(drawn), 12)
    assert data.rows[0].label == "Task success rate"

    tab.swing.setValue(50)
    assert tab.data.swing == pytest.approx(0.5)
    for suffix in (".png", ".svg", ".pdf"):
        out = tab.export(tmp_path / f"tornado{suffix}")
        assert out is not None and out.stat().st_size > 1000
    assert tab.saved.text() == "Saved tornado.pdf"
    assert tab.export(tmp_path / "plain").suffix == ".png"

    # Typing redraws the chart (when typing pauses): zero success leaves no tornado.
    edit = page.form.value_edits["success_rate"]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "0")
    qtbot.waitUntil(lambda: tab.data is not None and tab.data.base_result is None)
    assert tab.bar_count() == 0


def test_tornado_export_is_disabled_without_a_model(qtbot, app_ctx, ws):
    app_ctx.set_workspace(ws)
    page = CostsPage(app_ctx)
    qtbot.addWidget(page)
    page.show()
    page.detail_tabs.setCurrentIndex(TAB_SENSITIVITY)
    assert not page.sensitivity.export_button.isEnabled()
    assert "Choose a cost model first" in page.sensitivity.export_button.toolTip()
    assert page.sensitivity.stack.currentWidget() is page.sensitivity.empty


# -- the price table -------------------------------------------------------------------------


def _price_cell(tab, price_id: int, field: str):
    column = [f for f, _label, _e in PRICE_COLUMNS].index(field)
    return tab.model.index(tab.model.row_of(price_id), column)


def test_price_table_edit_add_and_delete_with_undo(qtbot, page, demo, app_ctx):
    tab = page.prices
    page.tabs.setCurrentWidget(tab)
    assert "yours to check" in tab.note.text()
    mini = costs.find_price(ws=demo, ref="openai/gpt-4.1-mini")
    index = _price_cell(tab, mini, "price_output_per_m")
    assert index.data() == "1.6"
    assert tab.model.setData(index, "2")
    assert records.get(ws=demo, model=ModelPrice, id=mini).price_output_per_m == 2.0
    qtbot.waitUntil(lambda: _price_cell(tab, mini, "price_output_per_m").data() == "2")
    # The small model uses that row: its figures follow.
    small = costs.load_inputs(ws=demo, model_id=_id(demo, "Reply drafts: small model"))
    assert small.price_output_per_m == 2.0

    # A refused value writes nothing and says why above the table.
    steps = app_ctx.undo_stack.count()
    assert not tab.model.setData(_price_cell(tab, mini, "price_input_per_m"), "-1")
    assert "Nothing was saved" in tab.error.text() and tab.error.isVisible()
    assert not tab.model.setData(_price_cell(tab, mini, "as_of"), "June")
    assert "YYYY-MM-DD" in tab.error.text()
    assert app_ctx.undo_stack.count() == steps
    assert tab.model.setData(_price_cell(tab, mini, "as_of"), "2025-07-01")
    assert not tab.error.isVisible()

    app_ctx.undo_stack.undo()
    app_ctx.undo_stack.undo()
    assert records.get(ws=demo, model=ModelPrice, id=mini).price_output_per_m == 1.6

    rows = len(costs.price_rows(ws=demo))
    new_id = tab.add_price()
    assert new_id is not None and len(costs.price_rows(ws=demo)) == rows + 1
    assert tab.current_id() == new_id
    tab.delete_action.trigger()
    box = tab.confirm_box
    assert box is not None and "New provider New model 1" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    assert len(costs.price_rows(ws=demo)) == rows
    app_ctx.undo_stack.undo()
    assert len(costs.price_rows(ws=demo)) == rows + 1


# -- the overview ----------------------------------------------------------------------------


def test_overview_says_when_a_tracked_kpi_exceeds_the_envelope(qtbot, app_ctx, demo):
    app_ctx.set_workspace(demo)
    overview = OverviewPage(app_ctx, areas=["overview", "kpis", "costs"])
    qtbot.addWidget(overview)
    overview.resize(1200, 900)
    overview.show()
    assert overview.card_titles("envelope_breaches") == ["Reply drafts: large model + prompt cache"]
    item = overview.cards["envelope_breaches"].items[0]
    assert "Cost per accepted draft 0.0334 USD" in item.detail.text()
    assert "above the envelope of 0.03 USD (11% over)" in item.detail.text()
    with qtbot.waitSignal(overview.navigate_requested) as blocker:
        qtbot.mouseClick(item, Qt.MouseButton.LeftButton)
    assert blocker.args == ["costs", _id(demo, "Reply drafts: large model + prompt cache")]

    # Raising the envelope above the actual clears the breach.
    model_id = blocker.args[1]
    costs.update_model(ws=demo, model_id=model_id, data={"target_cost_per_task": 0.04})
    overview.refresh()
    assert overview.card_titles("envelope_breaches") == []

    # Without the Costs area the card is not there at all.
    other = OverviewPage(app_ctx, areas=["overview", "kpis"])
    qtbot.addWidget(other)
    assert "envelope_breaches" not in other.cards


def test_main_window_opens_the_cost_model_from_the_overview(qtbot, main_window, demo):
    window = main_window
    window.set_workspace(demo)
    page = window.show_area("costs")
    model_id = _id(demo, "Reply drafts: small model")
    page.show_entity(model_id)
    assert window.current_area() == "costs"
    assert page.current_id() == model_id


# -- fit ------------------------------------------------------------------------------------


def test_the_area_fits_a_1280_by_720_window(qtbot, main_window, demo):
    main_window.set_workspace(demo)
    page = main_window.show_area("costs")
    hint = page.minimumSizeHint()
    assert hint.width() <= 1100 and hint.height() <= 640
    for tab in (TAB_COMPARE, TAB_SENSITIVITY):
        page.detail_tabs.setCurrentIndex(tab)
        assert page.minimumSizeHint().width() <= 1100
    main_window.resize(1280, 720)
    qtbot.waitUntil(lambda: main_window.width() == 1280)
    page.detail_tabs.setCurrentIndex(0)
    qtbot.wait(10)
    # Nothing is clipped: each pane is at least as wide as it needs.
    for pane in (page.form, page.outputs):
        assert pane.width() >= pane.minimumSizeHint().width()


# -- models --------------------------------------------------------------------------------


def test_cost_list_model_passes_the_model_tester(qtmodeltester, demo):
    model = CostListModel()
    qtmodeltester.check(model)
    model.set_summaries(costs.summaries(ws=demo))
    model.sort(4, Qt.SortOrder.DescendingOrder)
    model.set_text_filter("small")
    model.set_text_filter("")
    assert model.rowCount() == 3
    qtmodeltester.check(model)


def test_comparison_model_passes_the_model_tester(qtmodeltester, demo):
    model = ComparisonModel()
    qtmodeltester.check(model)
    model.set_comparison(costs.compare_use_case(ws=demo, use_case_id=1))
    qtmodeltester.check(model)
    model.set_comparison(None)
    qtmodeltester.check(model)


def test_price_table_model_passes_the_model_tester(qtmodeltester, demo):
    model = PriceTableModel(lambda _id, _field, _text: False)
    qtmodeltester.check(model)
    model.set_rows(costs.price_rows(ws=demo))
    qtmodeltester.check(model)
