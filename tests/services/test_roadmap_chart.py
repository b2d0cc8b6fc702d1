"""The roadmap chart: lanes packed without overlaps, the timeline drawn with its parts,
saved as PNG, SVG and PDF; bad options are refused."""

from __future__ import annotations

import datetime as dt

import pytest

from aipm_desktop.errors import UserError
from aipm_desktop.models import RoadmapItem
from aipm_desktop.services import records, roadmap
from aipm_desktop.services.charts import save_figure
from aipm_desktop.services.charts.roadmap import EMPTY_HINT, build_figure, layout

D = dt.date


def _item(ws, title, start, end, **extra) -> int:
    obj, _ = records.create(
        ws=ws, model=RoadmapItem, data={"title": title, "start": start, "end": end, **extra}
    )
    return int(obj.id)


def test_layout_packs_overlapping_items_into_rows_per_lane(ws) -> None:
    _item(ws, "A", D(2026, 1, 1), D(2026, 1, 31), lane="Data readiness")
    _item(ws, "B", D(2026, 1, 15), D(2026, 2, 15), lane="Data readiness")  # overlaps A
    _item(ws, "C", D(2026, 2, 1), D(2026, 2, 20), lane="Data readiness")  # fits after A
    _item(ws, "D", D(2026, 1, 1), D(2026, 1, 5), lane="Launch and GTM")
    items, _ = roadmap.timeline(ws=ws)
    plan = layout(items, roadmap.lanes(ws=ws))
    rows = {r.item.title: r.row for r in plan.rows}
    assert rows["A"] == rows["C"] == 0 and rows["B"] == 1
    lanes = {name: (first, count) for name, first, count in plan.lanes}
    assert lanes["Data readiness"] == (0, 2)
    assert lanes["Launch and GTM"][0] == rows["D"] == plan.total_rows - 1


def test_chart_draws_bars_milestones_arrows_and_today(ws, tmp_path) -> None:
    a = _item(
        ws,
        "Export",
        D(2026, 1, 5),
        D(2026, 1, 30),
        planned_end=D(2026, 1, 20),
        planned_start=D(2026, 1, 5),
    )
    b = _item(ws, "Retrain", D(2026, 1, 20), D(2026, 2, 20), lane="Model iteration")
    c = _item(ws, "Gate", D(2026, 3, 2), D(2026, 3, 2), kind="milestone")
    roadmap.add_dependency(ws=ws, predecessor_id=a, successor_id=b)  # violated
    roadmap.add_dependency(ws=ws, predecessor_id=b, successor_id=c)
    figure = build_figure(ws=ws, today=D(2026, 2, 1))
    ax = figure.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[:2] == ["Data readiness", "Model iteration"]
    texts = {t.get_text() for t in ax.texts}
    assert {"Export", "Retrain", "Gate", " today"} <= texts
    arrows = [p for p in ax.patches if type(p).__name__ == "FancyArrowPatch"] or [
        t for t in ax.texts if getattr(t, "arrow_patch", None) is not None
    ]
    assert len(arrows) == 2
    colors = {t.arrow_patch.get_edgecolor() for t in ax.texts if getattr(t, "arrow_patch", None)}
    assert len(colors) == 2  # one grey, one red (violated)
    for suffix in ("png", "svg", "pdf"):
        out = save_figure(figure, tmp_path / f"roadmap.{suffix}")
        assert out.stat().st_size > 1000


def test_window_and_empty_chart_and_bad_dates(ws) -> None:
    _item(ws, "Early", D(2026, 1, 5), D(2026, 1, 30))
    figure = build_figure(ws=ws, start="2027-01-01", end="2027-03-31")
    assert EMPTY_HINT in {t.get_text() for t in figure.axes[0].texts}
    with pytest.raises(UserError, match="must look like"):
        build_figure(ws=ws, start="next week")
    with pytest.raises(UserError, match="end date must not be before"):
        build_figure(ws=ws, start="2026-02-01", end="2026-01-01")
