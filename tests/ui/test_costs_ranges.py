"""The Sensitivity tab's low / high table: typing a value in a cell stores it as one undo
step and redraws the tornado at once; a refused value says why and writes nothing; "Reset
to ±N %" gives an input its default back; the model passes the model tester."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLineEdit

from aipm_desktop.services import costs
from aipm_desktop.services.workspace import new_workspace
from aipm_desktop.store import open_workspace
from aipm_desktop.ui.costs.page import TAB_SENSITIVITY, CostsPage
from aipm_desktop.ui.costs.ranges import COL_HIGH, COL_LOW, DEFAULT_COLOUR, RangesModel

CACHED = "Reply drafts: large model + prompt cache"
FOREGROUND = Qt.ItemDataRole.ForegroundRole


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("costs-ranges") / "demo.aipm"
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
def tab(qtbot, app_ctx, demo):
    app_ctx.set_workspace(demo)
    page = CostsPage(app_ctx)
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitExposed(page)
    page.select_model(costs.find_model(ws=demo, ref=CACHED))
    page.detail_tabs.setCurrentIndex(TAB_SENSITIVITY)
    sensitivity = page.sensitivity
    qtbot.waitUntil(lambda: sensitivity.bar_count() > 0)
    return sensitivity


def _stored(ws) -> dict:
    model_id = costs.find_model(ws=ws, ref=CACHED)
    return dict(costs.load_inputs(ws=ws, model_id=model_id).sensitivity_ranges)


def _row(tab, field: str) -> costs.TornadoRow:
    assert tab.data is not None
    return next(r for r in tab.data.rows if r.field == field)


def _type_in_cell(qtbot, tab, field: str, column: int, text: str) -> None:
    """Double-click the cell (opening its editor), type, and leave it with Return."""
    table = tab.ranges.table
    index = tab.ranges.model.index(tab.ranges.model.row_of(field), column)
    table.scrollTo(index)
    center = table.visualRect(index).center()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=center)
    editors = [e for e in table.viewport().findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1, "the cell's editor is open"
    editor = editors[0]
    editor.selectAll()
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # The view commits and closes the editor after the key event (a queued call).
    qtbot.waitUntil(lambda: table.state() != QAbstractItemView.State.EditingState)


def test_defaults_are_shown_grey_and_a_typed_value_is_one_undo_step(
    qtbot, tab, demo, app_ctx
) -> None:
    model = tab.ranges.model
    index = model.index(model.row_of("success_rate"), COL_LOW)
    # 62 % -/+ 20 %: 49.6 % and 74.4 %, in grey (the defaults).
    assert model.data(index) == "49.6 %"
    assert model.data(index, FOREGROUND) is DEFAULT_COLOUR
    assert model.data(index, Qt.ItemDataRole.EditRole) == ""
    before = _row(tab, "success_rate")
    assert not before.user_set
    steps = app_ctx.undo_stack.count()

    _type_in_cell(qtbot, tab, "success_rate", COL_LOW, "40")

    assert _stored(demo) == {"success_rate": (0.4, None)}
    assert app_ctx.undo_stack.count() == steps + 1
    assert "tornado range" in app_ctx.undo_stack.undoText()
    # The chart is redrawn at once: the bar's low end is the cost at 40 % success.
    after = _row(tab, "success_rate")
    assert after.user_low and not after.user_high
    assert after.low_value == pytest.approx(0.4)
    assert after.result_low == pytest.approx(before.result_low * 0.496 / 0.4)
    assert model.data(index) == "40 %"
    assert model.data(index, FOREGROUND) is None
    assert model.data(index, Qt.ItemDataRole.EditRole) == "40"
    assert tab.ranges.error.isHidden()

    _type_in_cell(qtbot, tab, "success_rate", COL_HIGH, "90")
    assert _stored(demo) == {"success_rate": (0.4, 0.9)}
    assert _row(tab, "success_rate").high_value == pytest.approx(0.9)

    app_ctx.undo_stack.undo()
    assert _stored(demo) == {"success_rate": (0.4, None)}
    qtbot.waitUntil(lambda: _row(tab, "success_rate").high_value == pytest.approx(0.744))
    app_ctx.undo_stack.undo()
    assert _stored(demo) == {}
    qtbot.waitUntil(lambda: not _row(tab, "success_rate").user_set)
    assert _row(tab, "success_rate").result_low == pytest.approx(before.result_low)
    assert model.data(index) == "49.6 %"


@pytest.mark.parametrize(
    ("field", "column", "text", "words"),
    [
        ("success_rate", COL_LOW, "150", "Low value of Task success rate: a share is between"),
        ("review_minutes", COL_HIGH, "-3", "High value of Minutes per review: it cannot be neg"),
        ("review_minutes", COL_LOW, "soon", "Low value of Minutes per review: type a number"),
    ],
)
def test_a_refused_value_says_why_and_writes_nothing(
    qtbot, tab, demo, app_ctx, field, column, text, words
) -> None:
    steps = app_ctx.undo_stack.count()
    _type_in_cell(qtbot, tab, field, column, text)
    assert words in tab.ranges.error.text()
    assert "Nothing was saved." in tab.ranges.error.text()
    assert tab.ranges.error.isVisible()
    assert _stored(demo) == {}
    assert app_ctx.undo_stack.count() == steps


def test_low_above_high_is_refused(qtbot, tab, demo) -> None:
    _type_in_cell(qtbot, tab, "success_rate", COL_HIGH, "70")
    _type_in_cell(qtbot, tab, "success_rate", COL_LOW, "80")
    assert "The low value of Task success rate (80 %) is above its high value (70 %)" in (
        tab.ranges.error.text()
    )
    assert _stored(demo) == {"success_rate": (None, 0.7)}
    # A good value afterwards clears the message.
    _type_in_cell(qtbot, tab, "success_rate", COL_LOW, "50")
    assert tab.ranges.error.isHidden()
    assert _stored(demo) == {"success_rate": (0.5, 0.7)}


def test_reset_clears_a_rows_range_and_follows_the_swing(qtbot, tab, demo, app_ctx) -> None:
    panel = tab.ranges
    assert not panel.reset_button.isEnabled()
    assert panel.reset_button.text() == "Reset to ±20 %"
    _type_in_cell(qtbot, tab, "review_minutes", COL_HIGH, "3")
    assert _stored(demo) == {"review_minutes": (None, 3.0)}
    assert panel.current_field() == "review_minutes"
    assert panel.reset_button.isEnabled()

    tab.swing.setValue(50)
    assert panel.reset_button.text() == "Reset to ±50 %"
    model = panel.model
    low = model.index(model.row_of("review_minutes"), COL_LOW)
    assert model.data(low) == "0.5"  # 1 minute - 50 %
    qtbot.mouseClick(panel.reset_button, Qt.MouseButton.LeftButton)
    assert _stored(demo) == {}
    assert not _row(tab, "review_minutes").user_set
    assert _row(tab, "review_minutes").high_value == pytest.approx(1.5)
    assert not panel.reset_button.isEnabled()
    app_ctx.undo_stack.undo()
    assert _stored(demo) == {"review_minutes": (None, 3.0)}

    # Clearing a cell is the same as resetting that side.
    qtbot.waitUntil(lambda: _row(tab, "review_minutes").user_high)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Delete)
    assert _stored(demo) == {}


def test_the_table_follows_the_scenario_and_a_readonly_workspace(qtbot, tab, app_ctx) -> None:
    model = tab.ranges.model
    value = model.index(model.row_of("requests_per_month"), 1)
    assert model.data(value) == "1 M"
    page = tab.parent()
    while not isinstance(page, CostsPage):
        page = page.parent()
    page.set_scenario("high")
    qtbot.waitUntil(lambda: model.data(value) != "1 M")
    assert model.data(model.index(model.row_of("requests_per_month"), 0)) == "Requests a month"
    assert "high" in model.data(model.index(model.row_of("requests_per_month"), 0), 3)
    assert model.flags(model.index(0, COL_LOW)) & Qt.ItemFlag.ItemIsEditable
    assert not model.flags(model.index(0, 1)) & Qt.ItemFlag.ItemIsEditable


def test_ranges_model_passes_the_model_tester(qtmodeltester, demo) -> None:
    model = RangesModel(lambda _f, _s, _t: False)
    model.set_state(
        costs.load_inputs(ws=demo, model_id=costs.find_model(ws=demo, ref=CACHED)),
        "base",
        0.2,
        True,
    )
    qtmodeltester.check(model)
