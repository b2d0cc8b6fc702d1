"""The Launch page on the demo workspace: editing a check moves readiness and undo
restores it; stage criteria are checked against the latest KPI snapshot; the go / no-go
badge; creating a checklist from the template."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt

from aipm_desktop.models import LaunchCheck, Release
from aipm_desktop.services import launch, records
from aipm_desktop.store import open_workspace
from aipm_desktop.ui.areas import Area
from aipm_desktop.ui.launch.checklist import COL_STATUS

LAUNCH = Area("launch", "Launch", "aipm_desktop.ui.launch.page:LaunchPage")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    from aipm_desktop.services.workspace import new_workspace

    path = tmp_path_factory.mktemp("demo") / "demo.aipm"
    new_workspace(path, demo=True).close()
    return path


@pytest.fixture
def window(qtbot, app_ctx, demo_file, tmp_path):
    from aipm_desktop.ui.main_window import MainWindow

    path = tmp_path / "demo.aipm"
    shutil.copyfile(demo_file, path)
    win = MainWindow(app_ctx, areas=(LAUNCH,), persist=False)
    qtbot.addWidget(win)
    app_ctx.set_workspace(open_workspace(path))
    win.show_area("launch")
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    return win


def _page(window):
    from aipm_desktop.ui.launch.page import LaunchPage

    return window.findChild(LaunchPage)


def _blocking_rows(page) -> list[str]:
    box = page.checklist.summary.blocking
    return [box.item(i).text() for i in range(box.count())]


def test_marking_a_check_done_raises_readiness_and_ctrl_z_reverts(qtbot, window, app_ctx):
    page = _page(window)
    assert page.heading.text().startswith("Answer bot GA")
    summary = page.checklist.summary
    assert summary.bar.value() == 59 and summary.badge.text() == "NO-GO"
    before = _blocking_rows(page)
    assert any("Retention and residency confirmed" in row for row in before)
    check = next(
        c
        for c in launch.checks(ws=app_ctx.workspace, release_id=page.release_id)
        if c.item == "Retention and residency confirmed"
    )
    checklist = page.checklist
    assert checklist.status_of(check.id) == "in_progress"
    row = checklist.row_of(check.id)
    checklist.tree.editItem(row, COL_STATUS)  # the combo exists only while editing
    combo = checklist.tree.itemWidget(row, COL_STATUS)
    assert combo is not None and combo.currentData() == "in_progress"
    combo.setCurrentIndex(combo.findData("done"))
    combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(lambda: summary.bar.value() == 64)  # 14 of 22
    assert len(_blocking_rows(page)) == len(before) - 1
    assert not any("Retention and residency" in row for row in _blocking_rows(page))
    stored = records.get(ws=app_ctx.workspace, model=LaunchCheck, id=check.id)
    assert stored.status == "done"
    assert page.releases.item(1, 2).text() == "64%"

    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: summary.bar.value() == 59)
    assert _blocking_rows(page) == before
    assert page.checklist.status_of(check.id) == "in_progress"
    stored = records.get(ws=app_ctx.workspace, model=LaunchCheck, id=check.id)
    assert stored.status == "in_progress"


def test_stage_criterion_is_checked_against_the_latest_kpi_snapshot(qtbot, window, app_ctx):
    page = _page(window)
    page.tabs.setCurrentWidget(page.stages)
    table = page.stages.table
    cell = table.item(0, 3)  # exit criteria of the first stage
    cell.setText("Hallucination rate < 3%")  # the demo's latest snapshot is 2.31%
    qtbot.waitUntil(lambda: ("Hallucination rate < 3%", "✓ met") in page.stages.criterion_rows())
    stages = launch.stages(ws=app_ctx.workspace, release_id=page.release_id)
    assert stages[0].exit_criteria == "Hallucination rate < 3%"

    page.stages.table.item(0, 3).setText("Hallucination rate < 2%")
    qtbot.waitUntil(
        lambda: ("Hallucination rate < 2%", "✗ not met") in page.stages.criterion_rows()
    )
    page.stages.table.item(0, 3).setText("CSAT >= 4.5")
    qtbot.waitUntil(lambda: ("CSAT >= 4.5", "? no matching KPI") in page.stages.criterion_rows())
    app_ctx.undo_stack.undo()
    qtbot.waitUntil(
        lambda: ("Hallucination rate < 2%", "✗ not met") in page.stages.criterion_rows()
    )


def test_go_badge_and_create_checklist_from_template(qtbot, window, app_ctx):
    page = _page(window)
    assert page.releases.item(1, 3).text() == "NO-GO"
    assert page.releases.item(0, 3).text() == "Launched"  # the shipped Reply drafts 2.0
    assert page.checklist.summary.badge.text() == "NO-GO"

    page.new_button.click()
    qtbot.waitUntil(lambda: page.releases.rowCount() == 3)
    new_id = page.release_id
    assert records.get(ws=app_ctx.workspace, model=Release, id=new_id).name == "New release"
    page.tabs.setCurrentWidget(page.checklist)
    assert page.checklist.create_button.isVisibleTo(page)
    assert not page.checklist.tree.isVisibleTo(page)

    page.checklist.create_button.click()
    qtbot.waitUntil(lambda: page.checklist.tree.isVisibleTo(page))
    count = len(launch.template(ws=app_ctx.workspace))
    assert len(launch.checks(ws=app_ctx.workspace, release_id=new_id)) == count
    assert page.checklist.summary.bar.value() == 0
    assert page.checklist.summary.badge.text() == "NO-GO"

    app_ctx.undo_stack.undo()
    qtbot.waitUntil(lambda: page.checklist.create_button.isVisibleTo(page))
    assert launch.checks(ws=app_ctx.workspace, release_id=new_id) == []


def test_badge_reads_go_when_everything_is_ready(qtbot, app_ctx, ws):
    from aipm_desktop.models import Document, UseCase
    from aipm_desktop.ui.launch.page import LaunchPage

    uc, _ = records.create(ws=ws, model=UseCase, data={"title": "Bot"})
    release, _ = records.create(ws=ws, model=Release, data={"name": "Bot GA", "use_case_id": uc.id})
    launch.ensure_checklist(ws=ws, release_id=release.id)
    for check in launch.checks(ws=ws, release_id=release.id):
        records.update(ws=ws, model=LaunchCheck, id=check.id, data={"status": "done"})
    for kind in ("ai_prd", "evaluation_plan", "analytics_dashboard_spec", "responsible_ai_pack"):
        records.create(
            ws=ws,
            model=Document,
            data={"kind": kind, "title": kind, "status": "approved", "use_case_id": uc.id},
        )
    app_ctx.set_workspace(ws)
    page = LaunchPage(app_ctx)
    qtbot.addWidget(page)
    page.select_release(release.id)
    assert page.checklist.summary.badge.text() == "GO"
    assert page.releases.item(0, 3).text() == "GO"
    assert page.checklist.summary.bar.value() == 100
    assert page.checklist.summary.blocking.item(0).text() == "Nothing is blocking the launch."


def _template_row(ws, item_id):
    return next((e for e in launch.template(ws=ws) if e.id == item_id), None)


def test_default_checklist_item_add_edit_remove_and_undo(qtbot, window, app_ctx):
    from aipm_desktop.ui.launch.template_dialog import TemplateDialog

    ws = app_ctx.workspace
    dialog = TemplateDialog(app_ctx, window)
    qtbot.addWidget(dialog)
    dialog.show()
    count = len(launch.template(ws=ws))

    dialog.add_button.click()
    item_id = dialog.current_item_id()
    assert item_id is not None and len(launch.template(ws=ws)) == count + 1
    assert _template_row(ws, item_id).item == "New checklist item"
    row = dialog.table.currentRow()
    dialog.table.item(row, 1).setText("Red-team report signed off")
    assert _template_row(ws, item_id).item == "Red-team report signed off"
    assert app_ctx.undo_stack.undoText() == "edit default checklist item"
    # The dialog reloads on a later turn of the event loop: wait for that, not a time.
    qtbot.waitUntil(lambda: not dialog._timer.isActive(), timeout=5000)

    dialog.select_item(item_id)
    dialog.remove_button.click()
    assert _template_row(ws, item_id) is None
    assert app_ctx.undo_stack.undoText() == (
        "remove default checklist item 'Red-team report signed off'"
    )
    qtbot.waitUntil(lambda: dialog.table.rowCount() == count)

    app_ctx.undo_stack.undo()  # the same row (same id) comes back, edited text included
    assert _template_row(ws, item_id).item == "Red-team report signed off"
    qtbot.waitUntil(lambda: dialog.table.rowCount() == count + 1)
    app_ctx.undo_stack.redo()
    assert _template_row(ws, item_id) is None
    app_ctx.undo_stack.undo()
    app_ctx.undo_stack.undo()  # the edit
    assert _template_row(ws, item_id).item == "New checklist item"
    app_ctx.undo_stack.undo()  # the add
    assert _template_row(ws, item_id) is None
    assert len(launch.template(ws=ws)) == count
    app_ctx.undo_stack.redo()
    assert _template_row(ws, item_id).item == "New checklist item"


def test_editing_a_template_item_to_its_own_value_leaves_no_undo_step(qtbot, window, app_ctx):
    from aipm_desktop.ui.launch.edits import UpdateTemplateItemCommand

    ws = app_ctx.workspace
    entry = launch.template(ws=ws)[0]
    depth = app_ctx.undo_stack.count()
    assert app_ctx.run_edit(UpdateTemplateItemCommand(app_ctx, entry.id, {"item": entry.item}))
    assert app_ctx.undo_stack.count() == depth
