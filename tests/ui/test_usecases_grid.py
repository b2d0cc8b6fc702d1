"""The scoring grid, edited from the keyboard like a spreadsheet."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from aipm_desktop.models import Score
from aipm_desktop.services import scoring
from aipm_desktop.services.workspace import new_workspace
from aipm_desktop.ui.usecases.edits import SetScoreCommand


@pytest.fixture
def demo_ws(tmp_path: Path):
    ws = new_workspace(tmp_path / "demo.aipm", demo=True)
    yield ws
    ws.close()


@pytest.fixture
def page(qtbot, app_ctx, demo_ws):
    from aipm_desktop.ui.usecases.page import UseCasesPage

    app_ctx.set_workspace(demo_ws)
    widget = UseCasesPage(app_ctx)
    qtbot.addWidget(widget)
    widget.resize(1400, 800)
    widget.show()
    qtbot.waitExposed(widget)
    widget.tabs.setCurrentWidget(widget.grid_tab)
    return widget


def _stored(ws, use_case_id: int, criterion_id: int) -> int | None:
    with ws.engine.connect() as conn:
        row = conn.execute(
            select(Score.value).where(
                Score.use_case_id == use_case_id, Score.criterion_id == criterion_id
            )
        ).first()
    return row[0] if row else None


def _overtaking_edit(ws):
    """A (use case, criterion) where a 5 lifts the use case above the one ranked before it."""
    criteria = scoring.model_criteria(ws=ws)
    ranked = [r for r in scoring.rank(ws=ws) if r.complete]
    for above, row in itertools.pairwise(ranked):
        for crit in criteria:
            value = row.values[crit.id]
            if crit.direction == "benefit" and value < 5:
                gain = (5 - value) / 4 * crit.weight_pct
                if row.score + gain > above.score + 0.5:
                    return row, crit
    raise AssertionError("the demo workspace has no such edit")


def test_typing_a_digit_scores_reranks_and_undo_reverts(qtbot, page, demo_ws, app_ctx):
    row, crit = _overtaking_edit(demo_ws)
    tab = page.grid_tab
    model = tab.grid_model
    view = tab.view
    old_row = model.row_of(row.use_case_id)
    old_value = row.values[crit.id]
    view.setFocus()
    view.setCurrentIndex(model.index(old_row, model.column_of(crit.id)))
    qtbot.keyClick(view, Qt.Key.Key_5)

    assert _stored(demo_ws, row.use_case_id, crit.id) == 5
    new_row = model.row_of(row.use_case_id)
    assert new_row < old_row  # moved up
    assert model.use_case_at(new_row).rank < row.rank
    rank_cell = model.index(new_row, model.rank_column).data()
    assert rank_cell == str(model.use_case_at(new_row).rank)
    # The current cell followed the use case, and the form shows the new rank.
    assert view.currentIndex().row() == new_row
    assert view.currentIndex().column() == model.column_of(crit.id)
    assert page.current_id == row.use_case_id
    assert f"rank <b>{model.use_case_at(new_row).rank}</b>" in page.form.score_label.text()

    app_ctx.undo_stack.undo()
    assert _stored(demo_ws, row.use_case_id, crit.id) == old_value
    assert model.row_of(row.use_case_id) == old_row
    assert model.use_case_at(old_row).rank == row.rank


def test_delete_clears_a_score_and_the_row_drops_to_incomplete(qtbot, page, demo_ws, app_ctx):
    tab = page.grid_tab
    model = tab.grid_model
    top = model.use_case_at(0)
    assert top.complete
    column = 1
    crit = model.criterion_at(column)
    tab.view.setFocus()
    tab.view.setCurrentIndex(model.index(0, column))
    qtbot.keyClick(tab.view, Qt.Key.Key_Delete)

    assert _stored(demo_ws, top.use_case_id, crit.id) is None
    row = model.row_of(top.use_case_id)
    entry = model.use_case_at(row)
    assert not entry.complete
    assert row > sum(1 for r in model.rows if r.complete) - 1  # below every complete row
    assert model.index(row, 0).data().startswith("◌")
    assert model.index(row, model.rank_column).data() == "—"

    app_ctx.undo_stack.undo()
    assert model.row_of(top.use_case_id) == 0


def test_enter_moves_down_and_other_keys_do_not_score(qtbot, page, demo_ws):
    tab = page.grid_tab
    model = tab.grid_model
    tab.view.setFocus()
    tab.view.setCurrentIndex(model.index(0, 2))
    before = model.use_case_at(0).values[model.criterion_at(2).id]
    qtbot.keyClick(tab.view, Qt.Key.Key_7)
    qtbot.keyClick(tab.view, Qt.Key.Key_Return)
    assert tab.view.currentIndex().row() == 1
    assert tab.view.currentIndex().column() == 2
    assert _stored(demo_ws, model.use_case_at(0).use_case_id, model.criterion_at(2).id) == before


def test_cells_show_level_colour_and_contribution_tooltip(qtbot, page, demo_ws):
    from aipm_desktop.ui.usecases.grid_model import level_colour

    model = page.grid_tab.grid_model
    for column in range(1, model.score_column):
        crit = model.criterion_at(column)
        index = model.index(0, column)
        value = int(index.data())
        colour = index.data(Qt.ItemDataRole.BackgroundRole).color()
        assert colour == level_colour(value, crit.direction)
        tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
        assert crit.levels[value - 1] in tooltip
        assert "Contribution" in tooltip
    # A cost criterion at level 5 is red, a benefit criterion at 5 green.
    assert level_colour(5, "cost") == level_colour(1, "benefit")
    header = model.headerData(1, Qt.Orientation.Horizontal)
    assert f"{model.criterion_at(1).weight_pct:.0f}%" in header


def test_switching_the_active_model_changes_columns_and_undo(qtbot, page, demo_ws, app_ctx):
    tab = page.grid_tab
    combo = tab.model_combo
    original = scoring.active_model_id(ws=demo_ws)
    columns = tab.grid_model.columnCount()
    other = next(i for i in range(combo.count()) if combo.itemData(i) != original)
    combo.setCurrentIndex(other)
    assert scoring.active_model_id(ws=demo_ws) == combo.itemData(other)
    assert [c.id for c in tab.grid_model.criteria] == [
        c.id for c in scoring.model_criteria(ws=demo_ws)
    ]
    assert tab.grid_model.columnCount() != columns
    app_ctx.undo_stack.undo()
    assert scoring.active_model_id(ws=demo_ws) == original
    assert combo.currentData() == original


def test_models_dialog_copies_and_edits_weights(qtbot, page, demo_ws, app_ctx):
    from aipm_desktop.ui.usecases.models_dialog import ModelsDialog

    dialog = ModelsDialog(app_ctx, page)
    qtbot.addWidget(dialog)
    active = scoring.active_model_id(ws=demo_ws)
    copy_id = dialog.copy_model(active, "Experiment")
    assert copy_id is not None
    assert dialog.selected_model() == copy_id
    assert len(scoring.model_criteria(ws=demo_ws, model_id=copy_id)) == len(dialog.criteria)

    index = dialog.table.model().index(0, 3)
    dialog.table.edit(index)  # the spin box exists only while the cell is edited
    spin = dialog.table.indexWidget(index)
    doubled = spin.value() * 2
    spin.setValue(doubled)
    dialog.table.itemDelegateForIndex(index).commitData.emit(spin)
    crit = scoring.model_criteria(ws=demo_ws, model_id=copy_id)[0]
    assert dialog.table.item(0, 4).text() == f"{crit.weight_pct:.1f}%"
    assert crit.weight == doubled
    shares = sum(c.weight_pct for c in scoring.model_criteria(ws=demo_ws, model_id=copy_id))
    assert round(shares, 6) == 100.0

    app_ctx.undo_stack.undo()  # the weight
    app_ctx.undo_stack.undo()  # the copy
    assert copy_id not in [m[0] for m in scoring.list_models(ws=demo_ws)]


def test_grid_model_passes_the_model_tester(qtmodeltester, page):
    qtmodeltester.check(page.grid_tab.grid_model)


# -- rationales ---------------------------------------------------------------------------


def _stored_score(ws, use_case_id: int, criterion_id: int) -> tuple[int, str] | None:
    with ws.engine.connect() as conn:
        row = conn.execute(
            select(Score.value, Score.rationale).where(
                Score.use_case_id == use_case_id, Score.criterion_id == criterion_id
            )
        ).first()
    return (row[0], row[1]) if row else None


def _go_to(qtbot, tab, row: int, column: int) -> None:
    tab.view.setFocus()
    tab.view.setCurrentIndex(tab.grid_model.index(row, column))


def test_rationale_is_typed_saved_shown_and_undone(qtbot, page, demo_ws, app_ctx):
    tab = page.grid_tab
    model = tab.grid_model
    entry = model.use_case_at(0)
    crit = model.criterion_at(1)
    value, old_rationale = _stored_score(demo_ws, entry.use_case_id, crit.id)
    _go_to(qtbot, tab, 0, 1)
    label = tab.rationale_label.text()
    assert "Why" in label and crit.name in label and f"<b>{value}</b>" in label
    assert entry.title in label
    assert tab.rationale_edit.isEnabled()
    assert tab.rationale_edit.toPlainText() == old_rationale

    qtbot.keyClick(tab.view, Qt.Key.Key_F2)
    assert tab.rationale_edit.hasFocus()
    tab.rationale_edit.selectAll()
    qtbot.keyClicks(tab.rationale_edit, "Pilot team measured it  ")
    qtbot.keyClick(tab.rationale_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    assert _stored_score(demo_ws, entry.use_case_id, crit.id) == (
        value,
        "Pilot team measured it",
    )
    assert scoring.use_case_scores(ws=demo_ws, use_case_id=entry.use_case_id)[crit.id] == (
        value,
        "Pilot team measured it",
    )
    assert tab.view.hasFocus()  # back to the grid to go on scoring
    row = model.row_of(entry.use_case_id)
    cell = model.index(row, model.column_of(crit.id))
    assert "Why: Pilot team measured it" in cell.data(Qt.ItemDataRole.ToolTipRole)
    assert cell.data() == str(value)
    assert app_ctx.undo_stack.undoText().startswith("edit rationale")

    app_ctx.undo_stack.undo()
    assert _stored_score(demo_ws, entry.use_case_id, crit.id) == (value, old_rationale)
    assert tab.rationale_edit.toPlainText() == old_rationale
    assert "Pilot team" not in cell.data(Qt.ItemDataRole.ToolTipRole)
    app_ctx.undo_stack.redo()
    assert _stored_score(demo_ws, entry.use_case_id, crit.id) == (value, "Pilot team measured it")


def test_leaving_the_rationale_box_saves_it_on_its_own_cell(qtbot, page, demo_ws, app_ctx):
    tab = page.grid_tab
    model = tab.grid_model
    entry = model.use_case_at(1)
    crit = model.criterion_at(2)
    value = entry.values[crit.id]
    _go_to(qtbot, tab, 1, 2)
    qtbot.keyClick(tab.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert tab.rationale_edit.hasFocus()
    tab.rationale_edit.clear()
    qtbot.keyClicks(tab.rationale_edit, "Two customers asked")
    # Clicking another cell moves the focus away first: the text goes to the cell it was
    # typed for, and the box then shows the new cell.
    other = model.index(2, 3)
    qtbot.mouseClick(
        tab.view.viewport(), Qt.MouseButton.LeftButton, pos=tab.view.visualRect(other).center()
    )
    assert _stored_score(demo_ws, entry.use_case_id, crit.id) == (value, "Two customers asked")
    shown = model.use_case_at(2)
    assert tab.rationale_edit.toPlainText() == model.rationale(
        shown.use_case_id, model.criterion_at(3).id
    )
    # Esc throws typing away.
    qtbot.keyClick(tab.view, Qt.Key.Key_F2)
    before = tab.rationale_edit.toPlainText()
    qtbot.keyClicks(tab.rationale_edit, " and more")
    qtbot.keyClick(tab.rationale_edit, Qt.Key.Key_Escape)
    assert tab.rationale_edit.toPlainText() == before
    assert tab.view.hasFocus()


def test_unscored_cell_disables_the_rationale_box(qtbot, page, demo_ws):
    tab = page.grid_tab
    model = tab.grid_model
    row = next(i for i, r in enumerate(model.rows) if not r.complete)
    entry = model.use_case_at(row)
    column = model.column_of(entry.missing[0])
    _go_to(qtbot, tab, row, column)
    assert not tab.rationale_edit.isEnabled()
    assert "Type a level first" in tab.rationale_edit.placeholderText()
    assert "No level yet" in tab.rationale_label.text()
    qtbot.keyClick(tab.view, Qt.Key.Key_F2)
    assert tab.view.hasFocus()
    # Typing a level enables it.
    qtbot.keyClick(tab.view, Qt.Key.Key_3)
    assert tab.rationale_edit.isEnabled()
    assert "Why" in tab.rationale_label.text()
    # The title column has no rationale either.
    _go_to(qtbot, tab, 0, 0)
    assert not tab.rationale_edit.isEnabled()


def test_cells_with_a_rationale_carry_a_corner_marker(qtbot, page, demo_ws, app_ctx):
    from aipm_desktop.ui.usecases.grid_model import MARKER

    tab = page.grid_tab
    model = tab.grid_model
    view = tab.view
    _go_to(qtbot, tab, 0, 0)
    entry = model.use_case_at(1)
    crit = model.criterion_at(1)
    value = entry.values[crit.id]
    assert model.rationale(entry.use_case_id, crit.id)  # the demo explains its scores

    def corner_colour() -> str:
        image = view.viewport().grab().toImage()
        rect = view.visualRect(model.index(model.row_of(entry.use_case_id), 1))
        return image.pixelColor(rect.right() - 1, rect.top() + 1).name()

    assert corner_colour() == MARKER.name()
    app_ctx.run_edit(SetScoreCommand(app_ctx, entry.use_case_id, crit.id, value, rationale=""))
    assert corner_colour() != MARKER.name()
    tooltip = model.index(model.row_of(entry.use_case_id), 1).data(Qt.ItemDataRole.ToolTipRole)
    assert "No rationale yet" in tooltip
