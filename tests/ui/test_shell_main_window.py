"""Main window: opening, creating, bad files, recent files, undo/redo, read-only, layout."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QLineEdit

from aipm_desktop.services.workspace import get_settings, new_workspace
from aipm_desktop.store import open_workspace
from aipm_desktop.ui.context import AppContext
from aipm_desktop.ui.main_window import MainWindow
from aipm_desktop.ui.settings import Settings


def test_title_shows_workspace_name_and_path(main_window, ws):
    title = main_window.windowTitle()
    assert title == f"Test workspace — {ws.path} — AIPM Desktop"
    assert main_window.root.currentWidget() is main_window.workspace_view
    assert not main_window.banner.isVisible()
    assert main_window.current_area() == "overview"


def test_no_workspace_shows_welcome_page(qtbot, app_ctx):
    window = MainWindow(app_ctx)
    qtbot.addWidget(window)
    window.show()
    assert window.root.currentWidget() is window.welcome
    assert window.windowTitle() == "AIPM Desktop"
    assert not window.actions["close"].isEnabled()
    assert not window.actions["save_copy"].isEnabled()


def test_new_workspace_creates_file_and_opens_it(main_window, tmp_path, monkeypatch):
    target = tmp_path / "client_assessment"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "AIPM workspaces")
    )
    main_window.actions["new"].trigger()
    created = target.with_suffix(".aipm")
    assert created.is_file()
    ws = main_window.ctx.workspace
    assert ws.path == created
    assert main_window.windowTitle().startswith("Client Assessment — ")
    assert main_window.ctx.settings.recent_files()[0] == created.resolve()


def test_new_workspace_refuses_the_open_file(main_window, ws, monkeypatch, message_boxes):
    before = ws.path.read_bytes()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(ws.path), ""))
    main_window.actions["new"].trigger()
    boxes = message_boxes(main_window)
    assert len(boxes) == 1
    assert "open now" in boxes[0].text()
    assert main_window.ctx.workspace is ws
    assert ws.path.read_bytes() == before


def test_open_corrupt_file_shows_message_and_keeps_workspace(
    main_window, ws, tmp_path, monkeypatch, message_boxes
):
    bad = tmp_path / "broken.aipm"
    bad.write_bytes(b"this is not a database at all" * 10)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    main_window.actions["open"].trigger()
    boxes = message_boxes(main_window)
    assert len(boxes) == 1
    assert boxes[0].windowTitle() == "Cannot open the workspace"
    assert "not an AIPM workspace" in boxes[0].text()
    assert main_window.ctx.workspace is ws
    assert main_window.windowTitle().startswith("Test workspace — ")
    assert bad.read_bytes() == b"this is not a database at all" * 10
    assert bad.resolve() not in main_window.ctx.settings.recent_files()


def test_open_other_workspace_switches_and_clears_undo(main_window, tmp_path, monkeypatch):
    other = new_workspace(tmp_path / "other.aipm", name="Other client")
    other.close()
    settings_page = main_window.show_area("settings")
    edit = settings_page.edits["client"]
    edit.setText("Acme")
    edit.editingFinished.emit()
    assert main_window.ctx.undo_stack.count() == 1
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other.path), ""))
    main_window.actions["open"].trigger()
    assert main_window.ctx.workspace.path == other.path
    assert main_window.windowTitle().startswith("Other client — ")
    assert main_window.ctx.undo_stack.count() == 0
    assert not main_window.actions["undo"].isEnabled()


def test_recent_files_menu_lists_opened_files_and_persists(qtbot, app_ctx, tmp_path):
    paths = []
    for name in ("alpha", "beta"):
        made = new_workspace(tmp_path / f"{name}.aipm")
        made.close()
        paths.append(made.path)
    window = MainWindow(app_ctx)
    qtbot.addWidget(window)
    for path in paths:
        assert window.open_path(path)
    window.recent_menu.aboutToShow.emit()
    entries = [a.data() for a in window.recent_menu.actions() if a.data()]
    assert entries == [str(paths[1].resolve()), str(paths[0].resolve())]

    # A fresh settings object (the next start of the app) reads the same list.
    assert Settings().recent_files() == [paths[1].resolve(), paths[0].resolve()]

    # Choosing an entry opens that workspace.
    first = next(a for a in window.recent_menu.actions() if a.data() == str(paths[0].resolve()))
    first.trigger()
    assert app_ctx.workspace.path == paths[0]

    clear = next(a for a in window.recent_menu.actions() if a.text() == "Clear List")
    clear.trigger()
    assert Settings().recent_files() == []


def test_welcome_page_lists_recent_files_and_opens_one(qtbot, app_ctx, tmp_path):
    made = new_workspace(tmp_path / "gamma.aipm")
    made.close()
    app_ctx.settings.add_recent_file(made.path)
    app_ctx.settings.add_recent_file(tmp_path / "gone.aipm")  # never existed: not listed
    window = MainWindow(app_ctx)
    qtbot.addWidget(window)
    window.show()
    listed = window.welcome.recent
    assert listed.count() == 1
    item = listed.item(0)
    assert "gamma" in item.text()
    rect = listed.visualItemRect(item)
    qtbot.mouseClick(listed.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert app_ctx.workspace is not None
    assert app_ctx.workspace.path == made.path
    assert window.root.currentWidget() is window.workspace_view


def test_close_returns_to_welcome_page(main_window):
    main_window.actions["close"].trigger()
    assert main_window.ctx.workspace is None
    assert main_window.root.currentWidget() is main_window.welcome
    assert main_window.windowTitle() == "AIPM Desktop"
    assert main_window.pages == {}


def test_undo_redo_of_workspace_rename(qtbot, main_window, ws):
    page = main_window.show_area("settings")
    edit: QLineEdit = page.edits["name"]
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "Renamed portfolio")
    qtbot.keyClick(edit, Qt.Key.Key_Return)

    assert get_settings(ws=ws).name == "Renamed portfolio"
    assert main_window.windowTitle().startswith("Renamed portfolio — ")
    undo = main_window.actions["undo"]
    redo = main_window.actions["redo"]
    assert undo.isEnabled()
    assert undo.text() == "Undo rename workspace"
    assert any(s.toString() == "Ctrl+Z" for s in undo.shortcuts())
    assert {s.toString() for s in redo.shortcuts()} == {"Ctrl+Shift+Z", "Ctrl+Y"}

    with qtbot.waitSignal(main_window.ctx.changed):
        undo.trigger()
    assert get_settings(ws=ws).name == "Test workspace"
    assert main_window.windowTitle().startswith("Test workspace — ")
    assert edit.text() == "Test workspace"
    assert redo.text() == "Redo rename workspace"

    redo.trigger()
    assert get_settings(ws=ws).name == "Renamed portfolio"
    assert edit.text() == "Renamed portfolio"
    assert main_window.windowTitle().startswith("Renamed portfolio — ")


def test_empty_name_is_refused_inline(qtbot, main_window, ws):
    page = main_window.show_area("settings")
    edit = page.edits["name"]
    with qtbot.assertNotEmitted(main_window.ctx.changed):
        edit.setText("   ")
        edit.editingFinished.emit()
    assert "cannot be empty" in page.hint_text("name")
    assert edit.text() == "Test workspace"
    assert get_settings(ws=ws).name == "Test workspace"
    assert main_window.ctx.undo_stack.count() == 0
    qtbot.keyClicks(edit, "x")
    assert page.hint_text("name") == ""


def test_read_only_file_shows_banner_and_disables_editing(qtbot, app_ctx, tmp_path):
    made = new_workspace(tmp_path / "locked.aipm", name="Locked")
    made.close()
    os.chmod(made.path, 0o444)
    window = MainWindow(app_ctx)
    qtbot.addWidget(window)
    window.show()
    assert window.open_path(made.path)
    assert app_ctx.workspace.readonly
    assert window.banner.isVisible()
    assert "read-only" in window.banner_label.text()
    assert window.windowTitle().endswith(" [read-only]")
    page = window.show_area("settings")
    assert all(edit.isReadOnly() for edit in page.edits.values())
    assert not window.actions["undo"].isEnabled()
    before = made.path.read_bytes()

    # Even if an edit is attempted, it is refused with a message and leaves no undo step.
    from aipm_desktop.models import WorkspaceSettings
    from aipm_desktop.ui.undo import UpdateRecordCommand

    with qtbot.waitSignal(app_ctx.user_error) as blocker:
        ok = app_ctx.run_edit(UpdateRecordCommand(app_ctx, WorkspaceSettings, 1, {"name": "X"}))
    assert not ok
    assert blocker.args[0].title == "The workspace is read-only"
    assert app_ctx.undo_stack.count() == 0
    assert made.path.read_bytes() == before


def test_migration_names_backup_in_status_bar(qtbot, app_ctx, ws, tmp_path):
    window = MainWindow(app_ctx)
    qtbot.addWidget(window)
    backup = tmp_path / "test.aipm.bak-0001-20260101-120000"
    window.set_workspace(dataclasses.replace(ws, migrated_from="0001", backup_path=backup))
    message = window.statusBar().currentMessage()
    assert "0001" in message
    assert backup.name in message


def test_save_a_copy(main_window, ws, tmp_path, monkeypatch):
    dest = tmp_path / "copy"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(dest), ""))
    main_window.actions["save_copy"].trigger()
    copy = dest.with_suffix(".aipm")
    opened = open_workspace(copy)
    try:
        assert get_settings(ws=opened).name == "Test workspace"
    finally:
        opened.close()
    assert str(copy) in main_window.statusBar().currentMessage()
    assert main_window.ctx.workspace is ws


def test_view_actions_and_sidebar_switch_pages(qtbot, main_window):
    names = [area.name for area in main_window.areas]
    position = names.index("settings")
    main_window.actions["view_settings"].trigger()
    assert main_window.current_area() == "settings"
    assert main_window.sidebar.currentRow() == position
    assert main_window.page_stack.currentWidget() is main_window.pages["settings"]
    # Ctrl+1..9 go to the first nine areas; the settings further down have Ctrl+, instead.
    expected = f"Ctrl+{position + 1}" if position < 9 else "Ctrl+,"
    assert main_window.actions["view_settings"].shortcut().toString() == expected
    main_window.sidebar.setCurrentRow(0)
    assert main_window.current_area() == "overview"
    assert main_window.actions["view_overview"].isChecked()
    main_window.actions["toggle_sidebar"].trigger()
    assert not main_window.sidebar_panel.isVisible()


def test_geometry_and_splitter_persist(qtbot, ws, tmp_path):
    ctx = AppContext()
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.set_workspace(ws)
    window.show()
    window.resize(760, 540)  # within the 800x600 offscreen screen
    window.splitter.setSizes([300, 460])
    sizes = window.splitter.sizes()
    window.close()

    again = MainWindow(AppContext(Settings()))
    qtbot.addWidget(again)
    again.show()
    assert (again.width(), again.height()) == (760, 540)
    assert again.splitter.sizes()[0] == sizes[0]
    assert Path(again.ctx.settings.path).is_file()


def test_shortcuts_and_about_dialogs(main_window, ws):
    dialog = main_window._on_shortcuts_action_triggered()
    rows = dialog.shortcuts()
    by_action = {action: keys for _menu, action, keys in rows}
    assert by_action["New Workspace"] == "Ctrl+N"
    assert by_action["Open"] == "Ctrl+O"
    assert by_action["Save a Copy As"] == "Ctrl+Shift+S"
    assert by_action["Quit"] == "Ctrl+Q"
    assert by_action["Close"] == "Ctrl+W"
    assert by_action["Keyboard Shortcuts"] == "F1"
    assert "Ctrl+Shift+Z" in by_action["Redo"]
    assert by_action["Overview"] == "Ctrl+1"
    where = {(place, keys) for place, _action, keys in rows}
    assert ("Every area", "Ctrl+Shift+N") in where
    assert ("Every area", "Del") in where
    dialog.close()

    # An area's own keys are listed once the area has been opened.
    main_window.show_area("documents")
    dialog = main_window._on_shortcuts_action_triggered()
    assert any(place == "Documents" and keys == "Ctrl+S" for place, _a, keys in dialog.shortcuts())
    dialog.close()

    about = main_window._on_about_action_triggered()
    text = about.label.text()
    assert "0.1.0" in text
    assert str(ws.path) in text
    assert "aipm-desktop.log" in text
    about.close()


def test_overview_links_open_the_area_on_the_entity(qtbot, main_window, ws):
    from aipm_desktop.models import Risk, UseCase
    from aipm_desktop.services import records

    use_case, _ = records.create(ws=ws, model=UseCase, data={"title": "Route tickets"})
    risk, _ = records.create(ws=ws, model=Risk, data={"title": "Misrouted VIP tickets"})
    main_window._on_page_navigate_requested("usecases", use_case.id)
    assert main_window.current_area() == "usecases"
    assert main_window.pages["usecases"].current_id == use_case.id
    main_window._on_page_navigate_requested("risks", risk.id)
    assert main_window.current_area() == "risks"
    assert main_window.pages["risks"].register.list.current_id() == risk.id
    main_window._on_page_navigate_requested("no-such-area", 1)
    assert main_window.current_area() == "risks"


def _replace_with_other_workspace(ws, tmp_path: Path) -> bytes:
    """Another program swaps a different workspace in under the open one's name."""
    other = new_workspace(tmp_path / "other.aipm", name="Someone else's")
    other.close()
    os.replace(other.path, ws.path)
    return ws.path.read_bytes()


def test_replaced_file_is_noticed_and_window_turns_read_only(
    qtbot, main_window, ws, tmp_path, message_boxes
):
    from aipm_desktop.errors import WorkspaceGoneError
    from aipm_desktop.models import WorkspaceSettings
    from aipm_desktop.ui.main_window import WATCH_INTERVAL_MS
    from aipm_desktop.ui.undo import UpdateRecordCommand

    ctx = main_window.ctx
    page = main_window.show_area("settings")
    # One edit, so there is something Edit ▸ Undo could otherwise try to undo.
    assert ctx.run_edit(UpdateRecordCommand(ctx, WorkspaceSettings, 1, {"name": "Mine"}))
    assert main_window.actions["undo"].isEnabled()
    timer = main_window.watch_timer
    assert timer.isActive() and timer.interval() == WATCH_INTERVAL_MS == 3000
    assert ws.still_there()
    assert main_window.check_workspace_file()
    assert not main_window.banner.isVisible()

    replaced = _replace_with_other_workspace(ws, tmp_path)
    assert not ws.still_there()
    shown: list = []
    ctx.user_error.connect(shown.append)
    timer.timeout.emit()  # the periodic check fires
    main_window.check_workspace_file()  # ... and again: still one message
    timer.timeout.emit()

    assert len(shown) == 1
    err = shown[0]
    assert isinstance(err, WorkspaceGoneError)
    assert "replaced or removed by another program" in str(err)
    assert "Edits are now disabled" in str(err)
    assert "Close it and open the file again" in str(err)
    boxes = message_boxes(main_window)
    assert len(boxes) == 1 and "replaced or removed" in boxes[0].text()
    assert not timer.isActive()
    assert main_window.banner.isVisible()
    assert "replaced or removed by another program" in main_window.banner_label.text()
    assert main_window.windowTitle().endswith(" [read-only]")
    assert ctx.readonly
    assert not main_window.actions["undo"].isEnabled()
    assert not main_window.actions["redo"].isEnabled()
    main_window.actions["undo"].trigger()

    # An edit is refused up front: no undo step, and the new file is left as it was.
    wal = ws.path.with_name(ws.path.name + "-wal")  # still this window's (old file's) log
    wal_before = wal.read_bytes() if wal.exists() else None
    with qtbot.waitSignal(ctx.user_error) as blocker:
        ok = ctx.run_edit(UpdateRecordCommand(ctx, WorkspaceSettings, 1, {"name": "X"}))
    assert not ok
    assert blocker.args[0].title == "The workspace is read-only"
    assert ctx.undo_stack.count() == 0
    assert page.edits["name"].text() == "Mine"
    assert ws.path.read_bytes() == replaced
    assert (wal.read_bytes() if wal.exists() else None) == wal_before

    # Closing it leaves the window as after any close (no banner, no timer).
    main_window.actions["close"].trigger()
    assert not main_window.banner.isVisible()
    assert not main_window.watch_timer.isActive()
    assert not main_window.workspace_gone
    assert main_window.check_workspace_file()


def test_removed_file_is_noticed_when_the_app_becomes_active(main_window, ws, message_boxes):
    from PySide6.QtCore import Qt

    shown: list = []
    main_window.ctx.user_error.connect(shown.append)
    main_window._on_app_application_state_changed(Qt.ApplicationState.ApplicationInactive)
    assert shown == []
    ws.path.unlink()
    main_window._on_app_application_state_changed(Qt.ApplicationState.ApplicationActive)
    assert len(shown) == 1
    assert main_window.banner.isVisible()
    assert main_window.ctx.readonly
    assert not ws.path.exists()


def test_the_date_format_is_chosen_once_for_every_view_and_remembered(main_window):
    from aipm_desktop.services import dates
    from aipm_desktop.ui.settings import Settings

    page = main_window.show_area("settings")
    seen: list[str] = []
    main_window.ctx.watch(page, ("use_case",), lambda: seen.append(dates.style()))
    combo = page.date_combo
    assert combo.currentData() == dates.ISO
    combo.setCurrentIndex(combo.findData(dates.LOCALE))
    combo.activated.emit(combo.currentIndex())
    assert dates.style() == dates.LOCALE
    assert seen == [dates.LOCALE]  # every view was told to redraw
    main_window.ctx.settings.sync()
    assert Settings(main_window.ctx.settings.path).date_style() == dates.LOCALE
