"""No lost update in the two big edit grids, the use-case scoring grid and the KPI
snapshot grid: a cell typed over a row another window (a second workspace on the same
file) saved since the grid was filled writes nothing and asks, yours beside current."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from aipm_desktop.services import clock, scoring
from aipm_desktop.services import kpis as kpi_service
from aipm_desktop.ui.kpis.grid import monday_of
from aipm_desktop.ui.kpis.page import TAB_GRID, KpisPage

from .conftest import shown_page
from .test_kpis_page import _grid_index, _type_in_cell
from .test_no_lost_update import conflict_shown
from .test_no_lost_update_people import elsewhere
from .test_usecases_grid import _stored_score as stored_score
from .test_usecases_grid import demo_ws  # noqa: F401 (the demo workspace, a fixture)

DIGITS = {1: Qt.Key.Key_1, 2: Qt.Key.Key_2, 3: Qt.Key.Key_3, 4: Qt.Key.Key_4, 5: Qt.Key.Key_5}


# -- the scoring grid ------------------------------------------------------------------


@pytest.fixture
def grid(qtbot, app_ctx, request):
    """The scoring grid tab over the demo workspace (its ``ctx.workspace``)."""
    from aipm_desktop.ui.usecases.page import UseCasesPage

    demo = request.getfixturevalue("demo_ws")
    page = shown_page(qtbot, app_ctx, demo, UseCasesPage, size=(1400, 800))
    page.tabs.setCurrentWidget(page.grid_tab)
    return page.grid_tab


def their_score(ws, use_case_id: int, criterion_id: int, value, rationale=None) -> None:
    cell = {"use_case_id": use_case_id, "criterion_id": criterion_id}
    edit = {"value": value, "rationale": rationale, "who": "bob"}
    elsewhere(ws, lambda other: scoring.set_score(ws=other, **cell, **edit))


def go_to(tab, use_case_id: int, criterion_id: int):
    model = tab.grid_model
    index = model.index(model.row_of(use_case_id), model.column_of(criterion_id))
    tab.view.setFocus()
    tab.view.setCurrentIndex(index)
    return index


def type_level(qtbot, tab, use_case_id: int, criterion_id: int, level: int | None) -> None:
    """Put the current cell on the score and type ``level`` (None: Delete)."""
    go_to(tab, use_case_id, criterion_id)
    qtbot.keyClick(tab.view, DIGITS[level] if level is not None else Qt.Key.Key_Delete)


def shown_level(tab, use_case_id: int, criterion_id: int) -> str:
    model = tab.grid_model
    return model.index(model.row_of(use_case_id), model.column_of(criterion_id)).data()


def a_scored_cell(tab):
    """A complete use case, the first criterion, and three different levels: the one
    shown, theirs and mine."""
    entry = next(r for r in tab.grid_model.rows if r.complete)
    crit = tab.grid_model.criteria[0]
    shown = entry.values[crit.id]
    theirs, mine = [level for level in (1, 3, 5, 2) if level != shown][:2]
    return entry.use_case_id, crit.id, theirs, mine


def test_a_score_typed_over_another_windows_change_asks_and_keep_mine_stores_it(
    qtbot, grid, app_ctx
):
    use_case_id, crit, theirs, mine = a_scored_cell(grid)
    their_score(grid.ctx.workspace, use_case_id, crit, theirs)
    type_level(qtbot, grid, use_case_id, crit, mine)

    conflict = conflict_shown(app_ctx)
    assert conflict.intent.values == {"value": mine}
    assert conflict.current == {"value": theirs}
    assert "changed elsewhere" in conflict.findChild(QLabel, "conflictMessage").text()
    assert stored_score(grid.ctx.workspace, use_case_id, crit)[0] == theirs  # nothing written yet
    assert shown_level(grid, use_case_id, crit) == str(theirs)  # the grid shows theirs
    conflict.save_button.click()  # keep mine
    assert stored_score(grid.ctx.workspace, use_case_id, crit)[0] == mine
    assert shown_level(grid, use_case_id, crit) == str(mine)
    assert app_ctx.conflict_dialog is None


def test_take_theirs_keeps_their_score_and_shows_it(qtbot, grid, app_ctx):
    use_case_id, crit, theirs, mine = a_scored_cell(grid)
    their_score(grid.ctx.workspace, use_case_id, crit, theirs)
    type_level(qtbot, grid, use_case_id, crit, mine)

    conflict = conflict_shown(app_ctx)
    conflict.theirs_buttons["value"].click()
    conflict.save_button.click()
    assert stored_score(grid.ctx.workspace, use_case_id, crit)[0] == theirs
    assert shown_level(grid, use_case_id, crit) == str(theirs)
    assert not app_ctx.undo_stack.canUndo()  # nothing of mine was stored


def test_the_grids_own_edits_of_a_cell_never_ask(qtbot, grid, app_ctx):
    use_case_id, crit, theirs, mine = a_scored_cell(grid)
    for level in (theirs, mine, None, theirs):
        type_level(qtbot, grid, use_case_id, crit, level)
        assert app_ctx.conflict_dialog is None
        assert (stored_score(grid.ctx.workspace, use_case_id, crit) or (None,))[0] == level
    go_to(grid, use_case_id, crit)
    qtbot.keyClick(grid.view, Qt.Key.Key_F2)
    qtbot.keyClicks(grid.rationale_edit, "Pilot data")
    qtbot.keyClick(grid.rationale_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert app_ctx.conflict_dialog is None
    assert stored_score(grid.ctx.workspace, use_case_id, crit) == (theirs, "Pilot data")


def test_an_empty_cell_scored_by_another_window_asks(qtbot, grid, app_ctx):
    use_case_id, crit, theirs, mine = a_scored_cell(grid)
    type_level(qtbot, grid, use_case_id, crit, None)  # my own edit: the cell is empty
    assert shown_level(grid, use_case_id, crit) == ""
    their_score(grid.ctx.workspace, use_case_id, crit, theirs)
    type_level(qtbot, grid, use_case_id, crit, mine)

    conflict = conflict_shown(app_ctx)
    assert (conflict.intent.values, conflict.current) == ({"value": mine}, {"value": theirs})
    assert stored_score(grid.ctx.workspace, use_case_id, crit)[0] == theirs
    conflict.save_button.click()  # keep mine
    assert stored_score(grid.ctx.workspace, use_case_id, crit)[0] == mine


def test_a_score_deleted_by_another_window_is_not_typed_back(qtbot, grid, app_ctx):
    use_case_id, crit, _theirs, mine = a_scored_cell(grid)
    their_score(grid.ctx.workspace, use_case_id, crit, None)
    with qtbot.waitSignal(app_ctx.user_error) as refused:
        type_level(qtbot, grid, use_case_id, crit, mine)
    assert "deleted elsewhere" in str(refused.args[0])
    assert stored_score(grid.ctx.workspace, use_case_id, crit) is None
    assert shown_level(grid, use_case_id, crit) == ""
    assert app_ctx.conflict_dialog is None


def test_another_cell_of_the_use_case_changed_elsewhere_asks_too(qtbot, grid, app_ctx):
    """The grid knows the versions of a use case's scores as a whole (its scores mark):
    once another window changed one, the user confirms before theirs is written over."""
    use_case_id, crit, _theirs, mine = a_scored_cell(grid)
    other_crit = grid.grid_model.criteria[1].id
    kept = stored_score(grid.ctx.workspace, use_case_id, crit)[0]
    their_score(grid.ctx.workspace, use_case_id, other_crit, 1 if kept != 1 else 2)
    type_level(qtbot, grid, use_case_id, crit, mine)

    conflict = conflict_shown(app_ctx)
    assert conflict.current == {"value": kept}  # the level shown is still the stored one
    conflict.save_button.click()
    assert stored_score(grid.ctx.workspace, use_case_id, crit)[0] == mine


def test_a_rationale_typed_over_another_windows_change_asks(qtbot, grid, app_ctx):
    use_case_id, crit, theirs, _mine = a_scored_cell(grid)
    their_score(grid.ctx.workspace, use_case_id, crit, theirs, rationale="Bob's survey")
    go_to(grid, use_case_id, crit)
    qtbot.keyClick(grid.view, Qt.Key.Key_F2)
    grid.rationale_edit.selectAll()
    qtbot.keyClicks(grid.rationale_edit, "Pilot team measured it")
    qtbot.keyClick(grid.rationale_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)

    conflict = conflict_shown(app_ctx)
    assert conflict.intent.values == {"rationale": "Pilot team measured it"}
    assert conflict.current == {"rationale": "Bob's survey"}
    conflict.save_button.click()  # my rationale, with their level
    assert stored_score(grid.ctx.workspace, use_case_id, crit) == (theirs, "Pilot team measured it")


def test_undo_of_a_grid_edit_after_another_windows_change_is_refused(qtbot, grid, app_ctx):
    use_case_id, crit, theirs, mine = a_scored_cell(grid)
    type_level(qtbot, grid, use_case_id, crit, mine)
    their_score(grid.ctx.workspace, use_case_id, crit, theirs)
    with qtbot.waitSignal(app_ctx.user_error) as refused:
        app_ctx.undo_stack.undo()
    message = str(refused.args[0])
    assert message.startswith("Cannot undo") and "by bob" in message
    assert stored_score(grid.ctx.workspace, use_case_id, crit)[0] == theirs


# -- the KPI snapshot grid -------------------------------------------------------------


@pytest.fixture
def kpi_grid(qtbot, app_ctx, ws):
    """The snapshot grid of one tracked KPI with a snapshot of 10 this week: (page, KPI
    id, this week's Monday)."""
    kpi_id, _ = kpi_service.add_from_catalog(ws=ws, catalog_key="hallucination_rate")
    week = monday_of(clock.today())
    kpi_service.set_snapshot(ws=ws, kpi_id=kpi_id, day=week, value=10.0)
    page = shown_page(qtbot, app_ctx, ws, KpisPage, size=(1300, 800))
    page.tabs.setCurrentIndex(TAB_GRID)
    return page, kpi_id, week


def their_snapshot(ws, kpi_id: int, day: dt.date, value) -> None:
    edit = {"kpi_id": kpi_id, "day": day, "value": value, "who": "bob"}
    elsewhere(ws, lambda other: kpi_service.set_snapshot(ws=other, **edit))


def snapshot(ws, kpi_id: int, day: dt.date) -> float | None:
    return kpi_service.snapshot_values(ws=ws, kpi_id=kpi_id).get(day, (None,))[0]


def shows(qtbot, page, kpi_id: int, week: dt.date, text: str) -> None:
    """The grid (refreshed once the page has read the KPIs again) shows ``text``."""
    qtbot.waitUntil(lambda: page.grid.model.data(_grid_index(page, kpi_id, week)) == text)


def test_a_snapshot_typed_over_another_windows_change_asks(qtbot, kpi_grid, app_ctx, ws):
    page, kpi_id, week = kpi_grid
    their_snapshot(ws, kpi_id, week, 12.0)
    _type_in_cell(qtbot, page, _grid_index(page, kpi_id, week), "14.5")

    conflict = conflict_shown(app_ctx)
    assert (conflict.intent.values, conflict.current) == ({"value": 14.5}, {"value": 12.0})
    assert "by bob" in conflict.findChild(QLabel, "conflictMessage").text()
    assert snapshot(ws, kpi_id, week) == 12.0
    conflict.save_button.click()  # keep mine
    assert snapshot(ws, kpi_id, week) == 14.5
    shows(qtbot, page, kpi_id, week, "14.5")
    _type_in_cell(qtbot, page, _grid_index(page, kpi_id, week), "15")  # mine: never asks
    assert app_ctx.conflict_dialog is None
    assert snapshot(ws, kpi_id, week) == 15.0


def test_take_theirs_shows_their_snapshot_in_the_cell(qtbot, kpi_grid, app_ctx, ws):
    page, kpi_id, week = kpi_grid
    their_snapshot(ws, kpi_id, week, 12.0)
    _type_in_cell(qtbot, page, _grid_index(page, kpi_id, week), "14.5")

    conflict = conflict_shown(app_ctx)
    conflict.all_theirs_button.click()
    conflict.save_button.click()
    assert snapshot(ws, kpi_id, week) == 12.0
    shows(qtbot, page, kpi_id, week, "12")


def test_an_empty_week_filled_by_another_window_asks(qtbot, kpi_grid, app_ctx, ws):
    page, kpi_id, week = kpi_grid
    last_week = week - dt.timedelta(weeks=1)
    assert page.grid.model.data(_grid_index(page, kpi_id, last_week)) == ""
    their_snapshot(ws, kpi_id, last_week, 8.0)
    _type_in_cell(qtbot, page, _grid_index(page, kpi_id, last_week), "9")

    conflict = conflict_shown(app_ctx)
    assert (conflict.intent.values, conflict.current) == ({"value": 9.0}, {"value": 8.0})
    conflict.save_button.click()
    assert snapshot(ws, kpi_id, last_week) == 9.0


def test_delete_over_another_windows_change_asks_before_clearing(qtbot, kpi_grid, app_ctx, ws):
    page, kpi_id, week = kpi_grid
    their_snapshot(ws, kpi_id, week, 12.0)
    page.grid.view.setCurrentIndex(_grid_index(page, kpi_id, week))
    qtbot.keyClick(page.grid.view, Qt.Key.Key_Delete)

    conflict = conflict_shown(app_ctx)
    assert (conflict.intent.values, conflict.current) == ({"value": None}, {"value": 12.0})
    assert snapshot(ws, kpi_id, week) == 12.0
    conflict.save_button.click()  # keep mine: clear it
    assert snapshot(ws, kpi_id, week) is None
    shows(qtbot, page, kpi_id, week, "")


def test_undo_of_a_snapshot_typed_after_another_windows_change_is_refused(
    qtbot, kpi_grid, app_ctx, ws
):
    page, kpi_id, week = kpi_grid
    _type_in_cell(qtbot, page, _grid_index(page, kpi_id, week), "11")
    their_snapshot(ws, kpi_id, week, 30.0)
    with qtbot.waitSignal(app_ctx.user_error) as refused:
        app_ctx.undo_stack.undo()
    assert str(refused.args[0]).startswith("Cannot undo")
    assert snapshot(ws, kpi_id, week) == 30.0
