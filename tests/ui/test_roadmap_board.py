"""The Now / Next / Later board and the predictability tab on the demo workspace."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from aipm_desktop.models import KpiSnapshot, RoadmapItem
from aipm_desktop.services import clock, roadmap


@pytest.fixture
def demo_page(qtbot, app_ctx, tmp_path):
    from aipm_desktop.services.workspace import new_workspace
    from aipm_desktop.ui.roadmap.page import RoadmapPage

    ws = new_workspace(tmp_path / "demo.aipm", demo=True)
    app_ctx.set_workspace(ws)
    page = RoadmapPage(app_ctx)
    qtbot.addWidget(page)
    page.resize(1300, 800)
    page.show()
    qtbot.waitExposed(page)
    return page


def _titles(ws, status):
    table = RoadmapItem.__table__
    with ws.engine.connect() as conn:
        rows = conn.execute(select(table.c.title).where(table.c.status == status))
        return {row.title for row in rows}


def test_board_shows_the_in_progress_items_under_now(demo_page, app_ctx):
    demo_page.tabs.setCurrentWidget(demo_page.board)
    ws = app_ctx.workspace
    columns = demo_page.board.columns
    now = set(columns["now"].titles())
    in_progress = _titles(ws, "in_progress")
    assert in_progress and in_progress <= now
    shown = now | set(columns["next"].titles()) | set(columns["later"].titles())
    assert not shown & _titles(ws, "done")
    assert columns["now"].heading.text() == f"Now  ·  {len(now)}"


def test_double_clicking_a_card_opens_the_edit_dialog_and_saves_undoably(demo_page, app_ctx):
    demo_page.tabs.setCurrentWidget(demo_page.board)
    column = demo_page.board.columns["now"]
    entry = column.list.item(0)
    item = entry.data(256)
    column.list.itemDoubleClicked.emit(entry)
    dialog = demo_page.dialog
    assert dialog is not None and dialog.title_edit.text() == item.title
    dialog.progress_spin.setValue(90)
    dialog.accept()
    with app_ctx.workspace.session() as session:
        assert session.get(RoadmapItem, item.id).progress == 90
    app_ctx.undo_stack.undo()
    with app_ctx.workspace.session() as session:
        assert session.get(RoadmapItem, item.id).progress == item.progress


def test_new_item_dialog_refuses_an_end_before_the_start(demo_page, app_ctx):
    dialog = demo_page.new_item()
    dialog.title_edit.setText("Shadow-mode rollout")
    dialog.end_edit.setDate(dialog.start_edit.date().addDays(-3))
    dialog.accept()
    assert dialog.isVisible() and "end date" in dialog.error_label.text()
    dialog.end_edit.setDate(dialog.start_edit.date().addDays(10))
    dialog.accept()
    assert not dialog.isVisible()
    assert demo_page.timeline.selected_id() == dialog.record_id
    assert demo_page.timeline.scene.items_by_id[dialog.record_id].title == "Shadow-mode rollout"


def test_recording_predictability_as_a_kpi_snapshot_is_undoable(demo_page, app_ctx):
    tab = demo_page.predictability
    demo_page.tabs.setCurrentWidget(tab)
    assert tab.table.rowCount() == len(tab.rows) > 0
    ws = app_ctx.workspace
    kpi_before = roadmap.predictability_kpi_id(ws=ws)

    def snapshots(kpi_id) -> list[dt.date]:
        with ws.session() as session:
            rows = session.execute(select(KpiSnapshot.date).where(KpiSnapshot.kpi_id == kpi_id))
            return list(rows.scalars())

    command = tab.record_kpi()
    assert command is not None and command.written == 1
    assert isinstance(command.day, dt.date)
    assert snapshots(command.kpi_id) == [command.day]
    assert "Recorded" in tab.status.text()
    app_ctx.undo_stack.undo()
    assert command.day not in snapshots(command.kpi_id)
    # a KPI the recording started tracking goes away with the snapshot; one that existed stays
    assert roadmap.predictability_kpi_id(ws=ws) == kpi_before
    app_ctx.undo_stack.redo()
    assert snapshots(command.kpi_id) == [command.day]
    assert roadmap.predictability_kpi_id(ws=ws) == command.kpi_id


# -- fit and finish: header order, dates, a laptop screen ----------------------------------


def test_header_actions_are_new_delete_then_lanes(demo_page):
    page = demo_page
    buttons = [page.new_button, page.delete_button, page.lanes_button]
    xs = [b.mapTo(page, b.rect().topLeft()).x() for b in buttons]
    assert xs == sorted(xs)
    assert page.new_button.objectName() == "primaryButton"
    # Nothing selected: Delete says why it cannot act.
    assert not page.delete_button.isEnabled()
    assert "Select an item" in page.delete_button.toolTip()
    page.tabs.setCurrentWidget(page.board)
    assert "Timeline tab" in page.delete_button.toolTip()


def test_board_cards_show_dates_in_the_date_style(demo_page):
    from aipm_desktop.services import dates
    from aipm_desktop.ui.roadmap.board import schedule_text

    demo_page.tabs.setCurrentWidget(demo_page.board)
    column = demo_page.board.columns["now"]
    item = column.list.item(0).data(256)
    assert item.start != item.end
    text = schedule_text(item)
    assert text.startswith(f"{item.start.isoformat()} → {item.end.isoformat()} · ")
    dates.set_style(dates.LOCALE)
    assert schedule_text(item).startswith(dates.format_range(item.start, item.end))


def test_item_dialog_dates_use_the_date_style(demo_page):
    dialog = demo_page.new_item()
    assert dialog.start_edit.displayFormat() == "yyyy-MM-dd"
    assert dialog.start_edit.text() == clock.today().isoformat()
    dialog.reject()


def test_page_fits_a_1280x720_window(qtbot, demo_page):
    for index in range(demo_page.tabs.count()):
        demo_page.tabs.setCurrentIndex(index)
        hint = demo_page.minimumSizeHint()
        assert hint.width() <= 1100 and hint.height() <= 640, (
            demo_page.tabs.tabText(index),
            hint,
        )
