"""The Launch area as a user on a 1280x720 laptop meets it: a shipped release shows that it
launched, finished stages are judged in their own window, blocking items are listed once,
the status combos show every choice whole, the header holds the record actions with their
shortcuts, release names never wrap, and the page fits the window."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QMessageBox, QPushButton

from aipm_desktop.models import Release
from aipm_desktop.models.enums import CheckStatus, StageStatus
from aipm_desktop.services import clock, dates, launch, records
from aipm_desktop.store import open_workspace
from aipm_desktop.ui.areas import Area
from aipm_desktop.ui.launch.checklist import COL_STATUS, status_text
from aipm_desktop.ui.launch.stages import COL_STATUS as STAGE_STATUS
from aipm_desktop.ui.widgets.field_editors import date_display_format

LAUNCH = Area("launch", "Launch", "aipm_desktop.ui.launch.page:LaunchPage")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    from aipm_desktop.services.workspace import new_workspace

    path = tmp_path_factory.mktemp("demo") / "demo.aipm"
    new_workspace(path, demo=True).close()
    return path


def _window(qtbot, app_ctx, demo_file, tmp_path, size=(1280, 720)):
    from aipm_desktop.ui.main_window import MainWindow

    path = tmp_path / "demo.aipm"
    shutil.copyfile(demo_file, path)
    win = MainWindow(app_ctx, areas=(LAUNCH,), persist=False)
    qtbot.addWidget(win)
    app_ctx.set_workspace(open_workspace(path))
    win.show_area("launch")
    win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def window(qtbot, app_ctx, demo_file, tmp_path):
    return _window(qtbot, app_ctx, demo_file, tmp_path)


def _page(window):
    from aipm_desktop.ui.launch.page import LaunchPage

    return window.findChild(LaunchPage)


def _select(qtbot, page, name: str) -> None:
    row = next(
        r for r in range(page.releases.rowCount()) if page.releases.item(r, 0).text() == name
    )
    rect = page.releases.visualItemRect(page.releases.item(row, 0))
    qtbot.mouseClick(page.releases.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: page.heading.text().startswith(name))


def test_the_page_fits_a_1280x720_window(qtbot, window):
    page = _page(window)
    for index in range(page.tabs.count()):
        page.tabs.setCurrentIndex(index)
        qtbot.wait(1)
        hint = page.minimumSizeHint()
        assert hint.width() <= 1100 and hint.height() <= 640, (index, hint)
        assert window.minimumSizeHint().width() <= 1280
        assert window.minimumSizeHint().height() <= 720
    assert (window.width(), window.height()) == (1280, 720)  # nothing forced it bigger


def test_a_shipped_release_shows_that_it_launched_not_a_no_go(qtbot, window, app_ctx):
    page = _page(window)
    gate = page.releases.item(0, 3)
    assert page.releases.item(0, 0).text() == "Reply drafts 2.0"
    assert gate.text() == "Launched"
    _select(qtbot, page, "Reply drafts 2.0")
    summary = page.checklist.summary
    release = records.get(ws=app_ctx.workspace, model=Release, id=page.release_id)
    assert summary.badge.text() == "LAUNCHED"
    launched = f"Launched on {dates.format_date(release.target_date)}"
    assert summary.reason_lines()[0].startswith(launched)
    assert "NO-GO" not in summary.badge.text() and summary.badge.toolTip() == launched


def test_finished_stages_are_judged_in_their_window_not_on_todays_kpis(qtbot, window, app_ctx):
    page = _page(window)
    _select(qtbot, page, "Reply drafts 2.0")
    page.tabs.setCurrentWidget(page.stages)
    rows = page.stages.criterion_rows()
    assert rows and all(check in ("✓ met", "✓ not triggered") for _text, check in rows)
    # the latency KPI is critical today (over 5 s); the beta stage's 5.5 s exit held then
    ws = app_ctx.workspace
    checks = launch.criteria_status(ws=ws, release_id=page.release_id)
    latency = next(c for c in checks if "latency" in c.text and c.which == "exit")
    assert latency.basis == "window" and latency.latest_date < clock.today()
    row = checks.index(latency)
    assert dates.format_date(latency.latest_date) in page.stages.criteria.item(row, 3).text()
    assert "own window" in page.stages.criteria.item(row, 4).toolTip()
    # a running release's criteria are evaluated against its tracked KPIs
    _select(qtbot, page, "Answer bot GA")
    verdicts = {check for _text, check in page.stages.criterion_rows()}
    assert "✗ not met" in verdicts and "✓ met" in verdicts
    assert not any("no matching KPI" in v for v in verdicts)


def test_blocking_items_are_listed_once(qtbot, window):
    page = _page(window)
    _select(qtbot, page, "Answer bot GA")
    summary = page.checklist.summary
    assert summary.blocking.count() == 6
    assert summary.blocking_title.text() == "Blocking items not done (6)"
    lines = summary.reason_lines()
    assert lines and not any("blocking item" in line for line in lines)
    assert not any("Retention and residency confirmed" in line for line in lines)


def test_status_combos_show_every_choice_whole(qtbot, window):
    page = _page(window)
    _select(qtbot, page, "Answer bot GA")
    checklist = page.checklist
    check_id = next(iter(checklist._rows))
    row = checklist.row_of(check_id)
    checklist.tree.editItem(row, COL_STATUS)
    combo = checklist.tree.itemWidget(row, COL_STATUS)
    assert isinstance(combo, QComboBox)
    assert combo.width() >= combo.sizeHint().width()  # "In progress", "Not applicable" whole
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels == [status_text(s.value) for s in CheckStatus]
    widest = max(combo.fontMetrics().horizontalAdvance(label) for label in labels)
    assert checklist.tree.columnWidth(COL_STATUS) > widest + 20  # text plus the arrow
    qtbot.keyClick(combo, Qt.Key.Key_Escape)  # close it unchanged

    page.tabs.setCurrentWidget(page.stages)
    table = page.stages.table
    table.setCurrentCell(0, STAGE_STATUS)
    table.editItem(table.item(0, STAGE_STATUS))
    editor = table.cellWidget(0, STAGE_STATUS) or table.findChild(QComboBox)
    assert isinstance(editor, QComboBox)
    assert editor.width() >= editor.sizeHint().width()
    assert [editor.itemText(i) for i in range(editor.count())] == [
        s.value.replace("_", " ").capitalize() for s in StageStatus
    ]


def test_release_names_fit_their_column(qtbot, window):
    page = _page(window)
    view = page.releases
    assert not view.wordWrap()
    for row in range(view.rowCount()):
        name = view.item(row, 0).text()
        needed = view.fontMetrics().horizontalAdvance(name)
        assert view.columnWidth(0) >= needed + 8, name
        assert view.rowHeight(row) < 2 * view.fontMetrics().height() + 8  # one line


def test_header_actions_and_shortcuts_add_and_delete_a_release(qtbot, window, app_ctx):
    page = _page(window)
    ws = app_ctx.workspace
    new, delete = page.new_button, page.delete_button
    assert new.objectName() == "primaryButton" and new.text() == "New release"
    # top right, in the page header, "New" first, and no action buttons under the list
    top = page.splitter.mapTo(page, page.splitter.rect().topLeft()).y()
    assert new.mapTo(page, new.rect().topLeft()).y() < top
    assert (
        new.mapTo(page, new.rect().topLeft()).x() < delete.mapTo(page, delete.rect().topLeft()).x()
    )
    below = [
        b
        for b in page.findChildren(QPushButton)
        if b.isVisible()
        and b.mapTo(page, b.rect().topLeft()).x() < page.releases.width()
        and b.mapTo(page, b.rect().topLeft()).y() > top
    ]
    assert below == []

    page.releases.setFocus()
    qtbot.keyClick(
        page.releases,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: page.releases.rowCount() == 3)
    new_id = page.release_id
    assert records.get(ws=ws, model=Release, id=new_id).name == "New release"

    page.select_release(new_id)
    page.releases.setFocus()
    qtbot.keyClick(page.releases, Qt.Key.Key_Delete)
    box = page.confirm_box
    assert box is not None and "New release" in box.text()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.releases.rowCount() == 2)
    with ws.session() as session:
        assert session.get(Release, new_id) is None
    app_ctx.undo_stack.undo()
    qtbot.waitUntil(lambda: page.releases.rowCount() == 3)
    assert records.get(ws=ws, model=Release, id=new_id).name == "New release"


def test_delete_is_disabled_with_a_reason_when_it_cannot_act(qtbot, app_ctx, ws):
    from aipm_desktop.ui.launch.page import LaunchPage

    app_ctx.set_workspace(ws)
    page = LaunchPage(app_ctx)
    qtbot.addWidget(page)
    assert not page.delete_button.isEnabled() and not page.delete_action.isEnabled()
    assert page.delete_button.toolTip() == "Select a release to delete it."
    assert page.new_button.isEnabled() and "Ctrl+Shift+N" in page.new_button.toolTip()


def test_dates_follow_the_chosen_style(qtbot, app_ctx, ws, monkeypatch):
    from aipm_desktop.ui.launch.page import LaunchPage

    day = dates.dt.date(2027, 1, 28)
    records.create(ws=ws, model=Release, data={"name": "GA", "target_date": day})
    monkeypatch.setattr(dates, "_style", dates.LOCALE)
    app_ctx.set_workspace(ws)
    page = LaunchPage(app_ctx)
    qtbot.addWidget(page)
    assert page.releases.item(0, 1).text() == dates.format_date(day) == day.strftime("%x")
    assert page.form.target.displayFormat() == date_display_format()
    assert dates.format_date(day) in page.heading.text()
