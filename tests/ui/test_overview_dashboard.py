"""The overview dashboard: alerts, stale KPIs, sections per registered area, navigation."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from aipm_desktop.models import UseCase, WorkspaceSettings
from aipm_desktop.services import kpis as kpi_service
from aipm_desktop.services.workspace import new_workspace
from aipm_desktop.ui.areas import Area
from aipm_desktop.ui.main_window import MainWindow
from aipm_desktop.ui.overview import OverviewPage
from aipm_desktop.ui.undo import CreateRecordCommand, UpdateRecordCommand


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.aipm"
    new_workspace(path, demo=True).close()
    return path


def test_counts_and_recent_changes_follow_edits(qtbot, app_ctx, ws):
    app_ctx.set_workspace(ws)
    page = OverviewPage(app_ctx, areas=["overview", "settings"])
    qtbot.addWidget(page)
    page.show()
    assert page.title.text() == "Test workspace"
    assert page.empty_hint.isVisible()
    assert not page.counts_label.isVisible()
    assert page.recent.empty.isVisible()
    assert page.cards == {}  # no KPIs area: no KPI sections

    app_ctx.settings.set_author_name("alice")
    app_ctx.run_edit(CreateRecordCommand(app_ctx, UseCase, {"title": "Summarise cases"}))
    app_ctx.run_edit(UpdateRecordCommand(app_ctx, WorkspaceSettings, 1, {"client": "Acme Corp"}))
    qtbot.waitUntil(lambda: "<b>1</b> use cases" in page.counts_label.text())
    assert not page.empty_hint.isVisible()
    assert "Acme Corp" in page.subtitle.text()
    lines = page.recent_lines()
    assert lines[0].endswith(" · alice · updated workspace settings 'Test workspace'")
    assert lines[1].endswith(" · alice · added use case 'Summarise cases'")
    assert lines[1][:4].isdigit()

    app_ctx.undo_stack.undo()
    app_ctx.undo_stack.undo()
    qtbot.waitUntil(lambda: page.empty_hint.isVisible())


def test_demo_shows_kpi_alerts_and_stale_kpis_and_clicks_navigate(qtbot, app_ctx, demo_path):
    from aipm_desktop.store import open_workspace

    ws = open_workspace(demo_path)
    app_ctx.set_workspace(ws)
    page = OverviewPage(app_ctx, areas=["overview", "kpis", "settings"])
    qtbot.addWidget(page)
    page.resize(1200, 900)
    page.show()
    statuses = kpi_service.status_all(ws=ws)
    alerts = {s.name for s in statuses if s.status in ("critical", "warning")}
    stale = {s.name for s in statuses if s.stale}
    assert alerts and stale
    assert set(page.card_titles("kpi_alerts")) == alerts
    assert set(page.card_titles("stale_kpis")) == stale
    # Areas that are not registered have no section at all.
    assert set(page.cards) == {"kpi_alerts", "stale_kpis"}

    first = page.cards["kpi_alerts"].items[0]
    assert first.dot.property("severity") in ("critical", "warning")
    expected = next(s.kpi_id for s in statuses if s.name == first.title.text())
    with qtbot.waitSignal(page.navigate_requested) as blocker:
        qtbot.mouseClick(first, Qt.MouseButton.LeftButton)
    assert blocker.args == ["kpis", expected]


def test_main_window_overview_opens_the_kpi(qtbot, app_ctx, demo_path):
    """Wiring as the main window does it: navigate_requested -> show_area -> show_entity."""
    from aipm_desktop.store import open_workspace

    areas = (
        Area("overview", "Overview", lambda ctx: OverviewPage(ctx, areas=["overview", "kpis"])),
        Area("kpis", "KPIs", "aipm_desktop.ui.kpis.page:KpisPage"),
    )
    window = MainWindow(app_ctx, areas=areas, persist=False)
    qtbot.addWidget(window)
    app_ctx.set_workspace(open_workspace(demo_path))
    window.show()
    overview = window.pages["overview"]

    def navigate(area: str, entity_id: int) -> None:
        page = window.show_area(area)
        if page is not None and hasattr(page, "show_entity"):
            page.show_entity(entity_id)

    overview.navigate_requested.connect(navigate)
    item = overview.cards["stale_kpis"].items[0]
    qtbot.mouseClick(item, Qt.MouseButton.LeftButton)
    assert window.current_area() == "kpis"
    kpis_page = window.pages["kpis"]
    assert kpis_page.status_of(kpis_page.current_kpi_id()).name == item.title.text()
