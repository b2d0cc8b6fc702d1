"""Links from the overview open the record they name: a roadmap item on the timeline, a
release (or the release owning a launch check) on the Launch page."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from aipm_desktop.services import dashboard
from aipm_desktop.services.workspace import new_workspace


def test_overview_links_open_the_roadmap_item_and_the_release(qtbot, app_ctx, tmp_path):
    from aipm_desktop.ui.launch.page import LaunchPage
    from aipm_desktop.ui.main_window import MainWindow
    from aipm_desktop.ui.overview import DashboardItem, OverviewPage
    from aipm_desktop.ui.roadmap.page import RoadmapPage

    ws = new_workspace(tmp_path / "demo.aipm", demo=True)
    window = MainWindow(app_ctx, persist=False)
    qtbot.addWidget(window)
    window.set_workspace(ws)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    upcoming = dashboard.dashboard(ws=ws).upcoming
    item = [i for i in upcoming if i.kind == "roadmap_item"][-1]
    assert window.current_area() == "overview"

    # A roadmap item as the overview lists it: activating its row opens the timeline on it.
    overview = window.pages["overview"]
    assert isinstance(overview, OverviewPage)
    row = next(
        r
        for r in overview.findChildren(DashboardItem)
        if r.property("kind") == "roadmap_item" and r.property("entity_id") == item.entity_id
    )
    row.activated.emit()
    page = window.pages["roadmap"]
    assert isinstance(page, RoadmapPage) and window.current_area() == "roadmap"
    assert page.tabs.currentWidget() is page.timeline
    assert page.timeline.selected_id() == item.entity_id
    QApplication.processEvents()  # the timeline's first scroll (to today) runs first
    view = page.timeline.view
    assert view.viewport().rect().intersects(view.viewport_rect(item.entity_id).toRect())
    # a far item, zoomed in to weeks around today: the link scrolls it into view
    latest = max(page.timeline.scene.items_by_id.values(), key=lambda i: i.start)
    page.timeline.set_zoom("weeks")
    page.timeline.scroll_to_today()
    assert not view.viewport().rect().intersects(view.viewport_rect(latest.id).toRect())
    window._on_page_navigate_requested("roadmap", latest.id)
    QApplication.processEvents()
    assert page.timeline.selected_id() == latest.id
    assert view.viewport().rect().intersects(view.viewport_rect(latest.id).toRect())

    # A release: the Launch page selects it; a launch check: the release owning it.
    from aipm_desktop.services import launch

    releases = launch.release_list(ws=ws)
    first, last = releases[0], releases[-1]
    window._on_page_navigate_requested("launch", last.id)
    launch_page = window.pages["launch"]
    assert isinstance(launch_page, LaunchPage) and window.current_area() == "launch"
    assert launch_page.release_id == last.id
    assert launch_page.heading.text().startswith(last.name)
    window._on_page_navigate_requested("launch", first.id)
    assert launch_page.release_id == first.id
    check = launch.checks(ws=ws, release_id=last.id)[-1]
    assert launch_page.show_entity(check.id, kind="launch_check")
    assert launch_page.release_id == last.id
    assert launch_page.tabs.currentWidget() is launch_page.checklist
    assert launch_page.checklist.current_check_id() == check.id


def test_overview_release_and_check_rows_open_the_launch_page(qtbot, app_ctx, tmp_path):
    from aipm_desktop.ui.main_window import MainWindow
    from aipm_desktop.ui.overview import DashboardItem

    ws = new_workspace(tmp_path / "demo.aipm", demo=True)
    window = MainWindow(app_ctx, persist=False)
    qtbot.addWidget(window)
    window.set_workspace(ws)
    window.show()
    qtbot.waitExposed(window)
    upcoming = dashboard.dashboard(ws=ws, limit=50).upcoming
    check = next(i for i in upcoming if i.kind == "launch_check")
    assert check.open_id is not None  # a launch check opens its release
    overview = window.pages["overview"]
    rows = [
        r
        for r in overview.findChildren(DashboardItem)
        if r.property("kind") in ("launch_check", "release")
    ]
    assert rows, "the demo lists launch gates on the overview"
    rows[0].activated.emit()
    assert window.current_area() == "launch"
    launch = window.pages["launch"]
    release_ids = {
        i.open_id or i.entity_id for i in upcoming if i.kind in ("launch_check", "release")
    }
    assert launch.release_id in release_ids
