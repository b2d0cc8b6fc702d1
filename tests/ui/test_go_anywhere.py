"""Go anywhere in the main window: Ctrl+K opens the palette, typing finds records of every
area and menu commands, the arrow keys and Enter open the record in its area (chosen
there) or run the command, Esc closes; the Related panel (Ctrl+Shift+L) lists what is
linked to the record chosen in the current area, both directions, and a click opens one."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from aipm_desktop.models import Risk
from aipm_desktop.services import records
from aipm_desktop.services.search import search
from aipm_desktop.ui.go_anywhere.palette import EMPTY_TEXT


@pytest.fixture
def window(main_window, sample_ws):
    """The main window (tests/ui/conftest.py) on a copy of the sample workspace."""
    main_window.set_workspace(sample_ws)
    main_window.resize(1280, 720)
    return main_window


def _open_palette(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    palette = window.go_anywhere.palette
    assert palette.isVisible()
    return palette


def _rows(palette) -> list[tuple[str, str]]:
    return [(entry.label, entry.title) for entry in palette.entries()]


def test_ctrl_k_finds_a_risk_and_enter_opens_it_chosen(qtbot, window, sample_ws):
    palette = _open_palette(qtbot, window)
    assert palette.empty.isVisible() and palette.empty.text() == EMPTY_TEXT
    assert palette.edit.hasFocus()

    qtbot.keyClicks(palette.edit, "refund sla")
    risk = search(ws=sample_ws, query="refund sla", kinds=["risk"], limit=1)[0]
    assert _rows(palette)[0] == ("Risk", risk.title)
    qtbot.keyClick(palette.edit, Qt.Key.Key_Return)

    assert not palette.isVisible()
    assert window.current_area() == "risks"
    page = window.pages["risks"]
    assert page.register.list.current_id() == risk.id


def test_arrow_keys_choose_another_row_in_another_area(qtbot, window, sample_ws):
    palette = _open_palette(qtbot, window)
    qtbot.keyClicks(palette.edit, "refund")
    rows = _rows(palette)
    assert rows[:2] == [
        ("Risk", "Answer bot states refund or SLA terms that do not exist"),
        ("Incident", "Drafts quoted refund windows that do not exist after the model upgrade"),
    ]
    qtbot.keyClick(palette.edit, Qt.Key.Key_Down)
    qtbot.keyClick(palette.edit, Qt.Key.Key_Down)
    qtbot.keyClick(palette.edit, Qt.Key.Key_Up)
    qtbot.keyClick(palette.edit, Qt.Key.Key_Enter)

    incident = search(ws=sample_ws, query=rows[1][1], kinds=["incident"], limit=1)[0]
    assert window.current_area() == "operations"
    page = window.pages["operations"]
    assert page.tabs.currentWidget() is page.incidents
    assert page.incidents.current_id() == incident.id


def test_a_command_runs_and_a_disabled_one_does_not(qtbot, window):
    palette = _open_palette(qtbot, window)
    qtbot.keyClicks(palette.edit, "sidebar")
    entry = palette.entries()[0]
    assert (entry.label, entry.title, entry.context) == ("Command", "Show Sidebar", "View · F9")
    qtbot.keyClick(palette.edit, Qt.Key.Key_Return)
    assert not palette.isVisible()
    assert not window.sidebar_panel.isVisible()

    # Nothing to redo: the command is listed but greyed out, skipped by the arrow keys,
    # and a click on it does nothing.
    palette = _open_palette(qtbot, window)
    qtbot.keyClicks(palette.edit, "redo")
    item = palette.results.topLevelItem(0)
    assert palette.entries()[0].title == "Redo"
    assert not item.flags() & Qt.ItemFlag.ItemIsEnabled
    assert palette.results.currentItem() is not item
    rect = palette.results.visualItemRect(item)
    qtbot.mouseClick(palette.results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert palette.isVisible()
    assert window.ctx.undo_stack.index() == window.ctx.undo_stack.count()
    qtbot.keyClick(palette.edit, Qt.Key.Key_Escape)
    assert not palette.isVisible()


def test_no_match_says_so_and_a_new_record_is_found_at_once(qtbot, window, app_ctx, sample_ws):
    palette = _open_palette(qtbot, window)
    qtbot.keyClicks(palette.edit, "qqzzxx")
    assert palette.entries() == []
    assert palette.empty.text() == "Nothing matches “qqzzxx”."
    qtbot.keyClick(palette.edit, Qt.Key.Key_Escape)

    _created, changes = records.create(ws=sample_ws, model=Risk, data={"title": "Qqzzxx leak"})
    app_ctx.notify(changes)
    palette = _open_palette(qtbot, window)
    qtbot.keyClicks(palette.edit, "qqzzxx")
    assert _rows(palette) == [("Risk", "Qqzzxx leak")]


def test_related_panel_lists_both_directions_and_opens_one(qtbot, window, sample_ws):
    qtbot.keyClick(
        window,
        Qt.Key.Key_L,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    panel = window.go_anywhere.related
    assert window.go_anywhere.related_visible()

    use_case = search(ws=sample_ws, query="Agent reply drafts", kinds=["use_case"], limit=1)[0]
    window.show_area("usecases")
    window.pages["usecases"].show_entity(use_case.id)
    assert panel.heading.text() == f"Use case: {use_case.title}"
    links = panel.links()
    kinds = {link.kind for link in links}
    assert {"risk", "document", "kpi", "release", "incident"} <= kinds
    assert {link.direction for link in links} == {"in"}

    # Choose another use case in the list: the panel follows the selection.
    other = search(ws=sample_ws, query="Keyword intent tagging", kinds=["use_case"], limit=1)[0]
    window.pages["usecases"].list_pane.select_ids([other.id], current=other.id)
    assert panel.heading.text().endswith("Nothing is linked to it yet.")
    window.pages["usecases"].show_entity(use_case.id)

    # One click on a linked document opens it in Documents; there the use case is a
    # record the document refers to (out).
    document = next(link for link in panel.links() if link.kind == "document")
    item = panel.item_of("document", document.id)
    rect = panel.tree.visualItemRect(item)
    qtbot.mouseClick(panel.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.current_area() == "documents")
    assert window.pages["documents"].document_id == document.id
    assert panel.heading.text() == f"Document: {document.title}"
    back = [(link.kind, link.id, link.direction) for link in panel.links()]
    assert ("use_case", use_case.id, "out") in back


def test_related_panel_hides_with_no_workspace_and_commands_need_one(qtbot, window, app_ctx):
    action = window.actions["toggle_related"]
    action.trigger()
    assert window.go_anywhere.related_visible() and action.isChecked()
    window.go_anywhere.dock.close()  # its own close button
    assert not action.isChecked()
    action.trigger()
    window.show_area("overview")
    assert window.go_anywhere.related.links() == []
    app_ctx.close_workspace()
    assert not window.go_anywhere.related_visible()
    assert not window.actions["go_anywhere"].isEnabled()
    assert window.go_anywhere.show_palette() is None


def test_a_control_opens_in_the_controls_catalogs_tab(qtbot, window, sample_ws):
    palette = _open_palette(qtbot, window)
    qtbot.keyClicks(palette.edit, "art 14")
    control = search(ws=sample_ws, query="art 14", kinds=["control"], limit=1)[0]
    row = next(i for i, e in enumerate(palette.entries()) if e.kind == "control")
    for _ in range(row):
        qtbot.keyClick(palette.edit, Qt.Key.Key_Down)
    qtbot.keyClick(palette.edit, Qt.Key.Key_Return)

    assert window.current_area() == "controls"
    page = window.pages["controls"]
    assert page.tabs.currentWidget() is page.catalogs
    chosen = page.catalogs.current_control()
    assert chosen is not None and chosen.id == control.id
    assert control.title.split()[0] in page.catalogs.heading.text()


def test_every_kind_the_index_holds_opens_in_an_area():
    """A kind added to the search index without a way to open it fails here."""
    import importlib

    from aipm_desktop.services.search import SOURCES
    from aipm_desktop.ui.areas import find_area, find_opener

    for source in SOURCES:
        opener = find_opener(source.kind)
        assert opener is not None, f"{source.kind} has no opener in ui/areas.py OPENERS"
        area = find_area(opener.area)
        assert area is not None and isinstance(area.factory, str)
        module, _, name = area.factory.partition(":")
        page_class = getattr(importlib.import_module(module), name)
        assert callable(getattr(page_class, opener.method, None)), (
            f"{area.name} pages have no {opener.method}() to open a {source.kind}"
        )


def test_an_evidence_item_opens_in_the_controls_evidence_tab(qtbot, window, sample_ws):
    palette = _open_palette(qtbot, window)
    qtbot.keyClicks(palette.edit, "disclosure screenshot")
    entry = palette.entries()[0]
    assert (entry.label, entry.title, entry.context) == (
        "Evidence",
        "Answer bot disclosure screenshot",
        "File",
    )
    qtbot.keyClick(palette.edit, Qt.Key.Key_Return)

    assert window.current_area() == "controls"
    page = window.pages["controls"]
    assert page.tabs.currentWidget() is page.evidence
    # Its use case is the level shown; the item is chosen, what it satisfies below.
    assert page.level_combo.currentText() == "Help-center answer bot"
    chosen = page.evidence.current()
    assert chosen is not None and chosen.id == entry.id
    assert page.evidence.info.text().startswith("File, ")
    # A filter hiding it is cleared when it is opened again.
    page.evidence.filter_box.setText("qqzz")
    page.evidence.filter_box.flush()
    assert page.evidence.current() is None
    assert window.go_anywhere.open("evidence_item", entry.id)
    assert page.evidence.current().id == entry.id


def test_the_palette_shows_values_as_the_areas_do(qtbot, window):
    palette = _open_palette(qtbot, window)
    qtbot.keyClicks(palette.edit, "refund windows")
    incident = next(e for e in palette.entries() if e.kind == "incident")
    assert incident.context == "SEV2"  # as the incident log shows it, not "sev2"
    qtbot.keyClick(palette.edit, Qt.Key.Key_Escape)

    palette = _open_palette(qtbot, window)
    qtbot.keyClicks(palette.edit, "ai prd answer bot")
    document = next(e for e in palette.entries() if e.kind == "document")
    assert document.context == "AI PRD"  # not "ai_prd"
    qtbot.keyClick(palette.edit, Qt.Key.Key_Escape)

    palette = _open_palette(qtbot, window)
    qtbot.keyClicks(palette.edit, "auto-apply triage")
    experiment = next(e for e in palette.entries() if e.kind == "experiment")
    assert experiment.context == "Draft"
    item = palette.results.topLevelItem(palette.entries().index(experiment))
    assert item.text(2) == "Draft"


def _restart(qtbot, settings_path, sample_path):
    """A new main window reading the settings the last one wrote, on the workspace."""
    from aipm_desktop.store import open_workspace
    from aipm_desktop.ui.context import AppContext
    from aipm_desktop.ui.main_window import MainWindow
    from aipm_desktop.ui.settings import Settings

    again = MainWindow(AppContext(Settings(settings_path)))
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    again.set_workspace(open_workspace(sample_path))
    return again


def test_the_related_panel_and_its_place_come_back_after_a_restart(qtbot, main_window, sample_path):
    from aipm_desktop.store import open_workspace

    settings_path = main_window.ctx.settings.path
    main_window.set_workspace(open_workspace(sample_path))
    main_window.actions["toggle_related"].trigger()
    go = main_window.go_anywhere
    main_window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, go.dock)
    # Closing the workspace hides the panel without changing the user's choice.
    main_window.ctx.close_workspace()
    assert not go.related_visible()
    main_window.set_workspace(open_workspace(sample_path))
    assert go.related_visible()
    main_window.close()

    again = _restart(qtbot, settings_path, sample_path)
    go = again.go_anywhere
    assert go.related_visible() and again.actions["toggle_related"].isChecked()
    assert again.dockWidgetArea(go.dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    go.dock.close()  # its own close button: hidden next time too
    again.close()

    third = _restart(qtbot, settings_path, sample_path)
    assert not third.go_anywhere.related_visible()
    assert not third.actions["toggle_related"].isChecked()
    third.close()
