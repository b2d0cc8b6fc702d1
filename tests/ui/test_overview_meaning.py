"""The overview says the right thing: an empty workspace says nothing is tracked yet (not
"all on target"), top use cases are the actionable ones, risks read plainly, and the dots
carry meaning (risk level colours, status families) with a legend and tooltips."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor

from aipm_desktop.models.workspace import DEFAULT_RISK_BANDS
from aipm_desktop.services import scoring
from aipm_desktop.services.dashboard import USE_CASE_FAMILIES
from aipm_desktop.services.workspace import new_workspace
from aipm_desktop.store import open_workspace
from aipm_desktop.ui.overview import OverviewPage

AREAS = ["overview", "kpis", "usecases", "risks", "roadmap", "launch", "settings"]
BAND_COLORS = {band["name"]: band["color"] for band in DEFAULT_RISK_BANDS}
INFO_BLUE = "#3b7ddd"


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.aipm"
    new_workspace(path, demo=True).close()
    return path


def _page(qtbot, app_ctx, ws) -> OverviewPage:
    app_ctx.set_workspace(ws)
    page = OverviewPage(app_ctx, areas=AREAS)
    qtbot.addWidget(page)
    page.resize(1200, 900)
    page.show()
    qtbot.waitExposed(page)
    return page


def _dot_color(item) -> str:
    """The colour the dot is painted in."""
    return QColor(item.dot.grab().toImage().pixelColor(5, 5)).name()


def test_a_new_workspace_says_what_is_not_tracked_yet(qtbot, app_ctx, ws):
    page = _page(qtbot, app_ctx, ws)
    texts = {key: card.empty.text() for key, card in page.cards.items()}
    assert set(texts) == {
        "kpi_alerts",
        "stale_kpis",
        "top_use_cases",
        "top_risks",
        "overdue_reviews",
        "upcoming",
    }
    assert all(page.cards[key].empty.isVisible() for key in texts)
    assert "on target" not in texts["kpi_alerts"]
    assert texts["kpi_alerts"].startswith("No KPIs tracked yet. Add them under KPIs")
    assert texts["stale_kpis"].startswith("No KPIs tracked yet")
    assert texts["top_use_cases"].startswith("No use cases yet. Add them under Use cases")
    assert texts["top_risks"].startswith("No risks recorded yet. Add them under Risks")
    assert texts["overdue_reviews"].startswith("No risks recorded yet")
    assert texts["upcoming"].startswith("Nothing planned yet")
    assert not any(card.legend.isVisible() for card in page.cards.values())


def test_demo_top_use_cases_are_the_actionable_ones(qtbot, app_ctx, demo_path):
    ws = open_workspace(demo_path)
    page = _page(qtbot, app_ctx, ws)
    ranked = [r for r in scoring.rank(ws=ws) if r.complete]
    actionable = [r for r in ranked if r.status not in ("launched", "parked", "retired")]
    card = page.cards["top_use_cases"]
    assert page.card_titles("top_use_cases") == [r.title for r in actionable[:5]]
    settled = {r.title for r in ranked if r.status in ("launched", "parked")}
    assert settled and not settled & set(page.card_titles("top_use_cases"))
    assert card.count.text() == f"5 of {len(actionable)}"
    # dots by status family, not all blue, and a legend and tooltip say which
    for item, use_case in zip(card.items, actionable, strict=False):
        family, color = USE_CASE_FAMILIES[use_case.status]
        assert _dot_color(item) == color
        assert family in item.dot.toolTip()
    assert len({_dot_color(item) for item in card.items}) > 1
    assert card.legend.isVisible() and "exploring" in card.legend.text()


def test_demo_risks_read_plainly_in_level_colours(qtbot, app_ctx, demo_path):
    page = _page(qtbot, app_ctx, open_workspace(demo_path))
    card = page.cards["top_risks"]
    details = [item.detail.text() for item in card.items]
    assert not any("no residual set" in d for d in details)
    assert any(", inherent: no residual assessment yet" in d for d in details)
    for item in card.items:
        level = item.dot.toolTip().removesuffix(" risk")
        assert level in BAND_COLORS
        assert _dot_color(item) == BAND_COLORS[level]
    medium = [item for item in card.items if item.dot.toolTip() == "medium risk"]
    assert medium and all(_dot_color(item) != INFO_BLUE for item in medium)
    legend = card.legend.text()
    assert card.legend.isVisible()
    assert all(name in legend and color in legend for name, color in BAND_COLORS.items())


def test_a_recent_change_to_a_stage_opens_its_release(qtbot, app_ctx, ws):
    from PySide6.QtCore import Qt

    from aipm_desktop.models import Release, RolloutStage
    from aipm_desktop.ui.undo import CreateRecordCommand, UpdateRecordCommand

    page = _page(qtbot, app_ctx, ws)
    create = CreateRecordCommand(app_ctx, Release, {"name": "GA"})
    app_ctx.run_edit(create)
    stage = CreateRecordCommand(
        app_ctx, RolloutStage, {"release_id": create.record_id, "name": "Beta"}
    )
    app_ctx.run_edit(stage)
    app_ctx.run_edit(
        UpdateRecordCommand(app_ctx, RolloutStage, stage.record_id, {"status": "active"})
    )
    qtbot.waitUntil(lambda: "rollout stage 'Beta'" in "".join(page.recent_lines()[:1]))
    line = page.recent.items[0]
    assert line.clickable
    with qtbot.waitSignal(page.navigate_requested) as blocker:
        qtbot.mouseClick(line, Qt.MouseButton.LeftButton)
    assert blocker.args == ["launch", create.record_id]  # the release, not the stage id
