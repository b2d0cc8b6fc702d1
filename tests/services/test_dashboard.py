"""The overview dashboard's data: KPI alerts, stale KPIs, use cases, risks, roadmap."""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path

import pytest
from sqlalchemy import select

from aipm_desktop.models import Kpi, LaunchCheck, Release, RoadmapItem, UseCase
from aipm_desktop.services import clock, kpis, records
from aipm_desktop.services.dashboard import SECTIONS, UPCOMING_DAYS, dashboard
from aipm_desktop.services.demo import this_monday
from aipm_desktop.services.workspace import new_workspace

TODAY = dt.date(2025, 6, 30)
#: The demo is dated from this day, and so are the expectations on it.
DEMO_DAY = clock.today()


def _importable(name: str):
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        return None


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    ws = new_workspace(tmp_path_factory.mktemp("dash") / "demo.aipm", demo=True, today=DEMO_DAY)
    yield ws
    ws.close()


def test_demo_kpi_alerts_and_stale_kpis(demo) -> None:
    today = this_monday(DEMO_DAY) + dt.timedelta(days=1)
    board = dashboard(ws=demo, today=today, sections={"kpis"})
    alerts = board.kpi_alerts
    assert alerts, "the demo has KPIs in warning or critical"
    severities = [item.severity for item in alerts]
    assert severities == sorted(severities, key=["critical", "warning"].index)
    expected = [
        s for s in kpis.status_all(ws=demo, today=today) if s.status in ("critical", "warning")
    ]
    assert {item.entity_id for item in alerts} == {s.kpi_id for s in expected}
    latency = next(item for item in alerts if item.title == "Reply draft latency P95")
    assert latency.kind == "kpi" and latency.severity == "critical"
    assert "(critical at 5 s)" in latency.detail and "target 3 s" in latency.detail

    assert [item.title for item in board.stale_kpis] == ["AI instrumentation coverage"]
    stale = board.stale_kpis[0]
    assert stale.severity == "warning" and "43 days ago" in stale.detail
    assert "stale after 10 days" in stale.detail
    # Only the KPI section was asked for.
    assert board.top_use_cases is None and board.top_risks is None
    assert board.overdue_reviews is None and board.upcoming is None
    assert board.counts["kpi_alerts"] == len(expected) and board.counts["stale_kpis"] == 1
    assert board.counts["kpi"] == 10 and board.counts["kpi_snapshot"] == 1040
    assert board.recent and board.recent[0].at >= board.recent[-1].at


def test_demo_use_case_and_risk_sections_follow_their_services(demo) -> None:
    today = this_monday(DEMO_DAY)
    board = dashboard(ws=demo, today=today, limit=3)
    scoring = _importable("aipm_desktop.services.scoring")
    if scoring is None:
        assert board.top_use_cases is None
    else:
        ranked = [r for r in scoring.rank(ws=demo) if r.complete]
        # only the use cases a PM can still act on: not launched, parked or retired
        ranks = {r.use_case_id: n for n, r in enumerate(ranked, start=1)}
        actionable = [r for r in ranked if r.status not in ("launched", "parked", "retired")]
        assert len(actionable) < len(ranked)  # the demo has launched and parked ones
        assert [i.entity_id for i in board.top_use_cases] == [r.use_case_id for r in actionable[:3]]
        first = board.top_use_cases[0]
        assert first.detail.startswith(f"#{ranks[first.entity_id]} overall · score ")
        assert board.counts["top_use_cases"] == len(actionable)
    risks = _importable("aipm_desktop.services.risks")
    if risks is None:
        assert board.top_risks is None and board.overdue_reviews is None
    else:
        from aipm_desktop.models import Risk

        bands, method = risks.bands(ws=demo), risks.method_of(ws=demo)
        with demo.session() as session:
            every = list(session.execute(select(Risk)).scalars())
        assessed = {r.id: risks.assess(r, bands=bands, method=method, today=today) for r in every}
        open_scores = sorted(
            (assessed[r.id].residual_score for r in every if r.status != "closed"), reverse=True
        )
        assert [assessed[i.entity_id].residual_score for i in board.top_risks] == open_scores[:3]
        assert all(i.kind == "risk" for i in board.top_risks)
        overdue = [r for r in every if assessed[r.id].overdue]
        assert board.counts["overdue_reviews"] == len(overdue)
        shown = [assessed[i.entity_id].days_overdue for i in board.overdue_reviews]
        assert shown == sorted((assessed[r.id].days_overdue for r in overdue), reverse=True)[:3]
        assert all(
            "Review was due" in i.detail or "expired" in i.detail for i in board.overdue_reviews
        )


def test_demo_upcoming_release_and_blocked_check(demo) -> None:
    board = dashboard(ws=demo, today=this_monday(DEMO_DAY), limit=50, sections={"roadmap"})
    kinds = {(i.kind, i.title) for i in board.upcoming}
    assert ("release", "Answer bot GA") in kinds
    blocked = [i for i in board.upcoming if i.kind == "launch_check" and i.severity == "critical"]
    assert blocked and all(i.title.startswith("Answer bot GA: ") for i in blocked)
    # The roadmap item of a release is shown once, as the release.
    assert ("roadmap_item", "Answer bot GA") not in kinds


def _item(ws, title: str, kind: str, day: dt.date, status: str = "planned") -> int:
    obj, _ = records.create(
        ws=ws,
        model=RoadmapItem,
        data={"title": title, "kind": kind, "start": day, "end": day, "status": status},
    )
    return obj.id


def test_roadmap_section_window_order_and_checks(ws) -> None:
    soon = _item(ws, "Beta review", "milestone", TODAY + dt.timedelta(days=10))
    _item(ws, "Past review", "milestone", TODAY - dt.timedelta(days=1))
    _item(ws, "Done early", "milestone", TODAY + dt.timedelta(days=5), status="done")
    _item(ws, "Far away", "milestone", TODAY + dt.timedelta(days=UPCOMING_DAYS + 1))
    linked = _item(ws, "Bot GA", "release", TODAY + dt.timedelta(days=30))
    release, _ = records.create(
        ws=ws,
        model=Release,
        data={
            "name": "Bot GA",
            "target_date": TODAY + dt.timedelta(days=30),
            "roadmap_item_id": linked,
        },
    )
    records.create(
        ws=ws,
        model=Release,
        data={"name": "Next year", "target_date": TODAY + dt.timedelta(days=365)},
    )
    for item, status, blocking in (
        ("Eval report signed", "open", True),
        ("Rollback tested", "blocked", True),
        ("DPA signed", "done", True),
        ("Blog post", "open", False),
    ):
        records.create(
            ws=ws,
            model=LaunchCheck,
            data={
                "release_id": release.id,
                "function": "Launch",
                "item": item,
                "status": status,
                "blocking": blocking,
            },
        )
    board = dashboard(ws=ws, today=TODAY, limit=10, sections={"roadmap"})
    assert [(i.kind, i.title, i.severity) for i in board.upcoming] == [
        ("roadmap_item", "Beta review", "info"),
        ("release", "Bot GA", "warning"),
        ("launch_check", "Bot GA: Rollback tested", "critical"),
        ("launch_check", "Bot GA: Eval report signed", "warning"),
    ]
    assert board.upcoming[0].entity_id == soon
    assert "in 10 days" in board.upcoming[0].detail
    assert "2 open blocking checks" in board.upcoming[1].detail
    assert board.kpi_alerts is None  # not asked for

    short = dashboard(ws=ws, today=TODAY, limit=2, sections={"roadmap"})
    assert len(short.upcoming) == 2 and short.counts["upcoming"] == 4


def test_fresh_workspace_dashboard_is_empty_not_broken(ws) -> None:
    board = dashboard(ws=ws, today=TODAY)
    assert board.kpi_alerts == [] and board.stale_kpis == [] and board.upcoming == []
    for name in ("top_use_cases", "top_risks", "overdue_reviews"):
        assert getattr(board, name) in ([], None)
    assert set(SECTIONS) == {"kpis", "usecases", "risks", "roadmap", "costs", "operations"}
    assert board.rollback_breaches == []
    assert "No rollback criteria yet" in board.empty["rollback_breaches"]
    with pytest.raises(ValueError, match="unknown dashboard section"):
        dashboard(ws=ws, sections={"kpis", "weather"})


def test_use_case_section_without_any_scoring_model(ws) -> None:
    from aipm_desktop.models import ScoringModel

    records.create(ws=ws, model=UseCase, data={"title": "Summarise tickets"})
    with ws.session() as session:
        model_ids = list(session.execute(select(ScoringModel.id)).scalars())
    for model_id in model_ids:
        records.delete(ws=ws, model=ScoringModel, id=model_id)
    board = dashboard(ws=ws, today=TODAY, sections={"usecases"})
    if _importable("aipm_desktop.services.scoring") is None:
        assert board.top_use_cases is None
    else:
        assert board.top_use_cases == []


def test_kpi_alerts_order_and_limit(ws, tmp_path: Path) -> None:
    for name, value in (("B warn", 45.0), ("A crit", 10.0), ("C warn", 40.0), ("D fine", 90.0)):
        obj, _ = records.create(
            ws=ws,
            model=Kpi,
            data={"name": name, "unit": "%", "target": 70.0, "warning": 50.0, "critical": 35.0},
        )
        kpis.set_snapshot(ws=ws, kpi_id=obj.id, day=TODAY, value=value)
    board = dashboard(ws=ws, today=TODAY, limit=2, sections={"kpis"})
    assert [(i.title, i.severity) for i in board.kpi_alerts] == [
        ("A crit", "critical"),
        ("B warn", "warning"),
    ]
    assert board.counts["kpi_alerts"] == 3
    later = dashboard(ws=ws, today=TODAY + dt.timedelta(days=11), sections={"kpis"})
    assert [i.title for i in later.stale_kpis] == ["A crit", "B warn", "C warn", "D fine"]
