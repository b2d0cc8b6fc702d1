"""Exported charts read whole: names never cut, labels inside the figure, counts above
the heat map's arrows, radar names apart, a footer on every export, the same bytes for
the same chart."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from pathlib import Path

import pytest

from aipm_desktop.models import RoadmapItem, UseCase
from aipm_desktop.services import records
from aipm_desktop.services.charts import (
    Footer,
    footer_added,
    footer_for,
    footer_texts,
    new_figure,
    one_line,
    render_chart,
    save_figure,
)
from aipm_desktop.services.workspace import update_settings

D = dt.date
ELLIPSIS = "…"


def _renderer(figure):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return canvas.get_renderer()


def _texts(figure) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in figure.findobj(Text) if t.get_visible() and t.get_text()]


def _names_whole(figure, names) -> None:
    texts = _texts(figure)
    assert not [t for t in texts if t.rstrip().endswith(ELLIPSIS)], texts
    flat = {one_line(t) for t in texts}
    missing = [name for name in names if name not in flat]
    assert not missing, f"not drawn whole: {missing}"


def _inside(box, frame, slack: float = 1.0) -> bool:
    return (
        box.x0 >= frame.x0 - slack
        and box.x1 <= frame.x1 + slack
        and box.y0 >= frame.y0 - slack
        and box.y1 <= frame.y1 + slack
    )


# -- the matrix ----------------------------------------------------------------------------

LONG_TITLES = [
    "Handoff conversation summaries for tier-two escalations in three languages",
    "Automated QA scoring of every support conversation against the rubric",
    "Reply translation in the agent composer for twelve languages",
    "Churn-risk signals from support conversations and product telemetry",
    "Ask-your-data reporting assistant for support leads and finance",
    "Keyword intent tagging (rules v1) replaced by a small classifier",
]


#: (value level, feasibility level) of each: all close together in one corner.
SPOTS = [(5, 5), (5, 4), (4, 5), (4, 4), (3, 5), (5, 3)]


@pytest.fixture
def long_portfolio(ws):
    from aipm_desktop.services import scoring

    ids = []
    for title, (value, feasible) in zip(LONG_TITLES, SPOTS, strict=True):
        obj, _ = records.create(ws=ws, model=UseCase, data={"title": title})
        # Default model order: three value, three feasibility, two risk criteria.
        for crit, level in zip(
            scoring.model_criteria(ws=ws), [value] * 3 + [feasible] * 3 + [1, 1], strict=True
        ):
            scoring.set_score(ws=ws, use_case_id=obj.id, criterion_id=crit.id, value=level)
        ids.append(int(obj.id))
    return ids


def test_matrix_names_are_whole_never_cut(ws, long_portfolio) -> None:
    from aipm_desktop.services.charts.matrix import build_figure

    figure = build_figure(ws=ws)
    _renderer(figure)
    # Every title reads whole: as a wrapped label, or in the key of numbered bubbles.
    _names_whole(figure, LONG_TITLES)


def test_matrix_labels_and_key_stay_inside_the_figure_and_apart(ws, long_portfolio) -> None:
    from aipm_desktop.services.charts.matrix import build_figure

    figure = build_figure(ws=ws)
    renderer = _renderer(figure)
    ax = figure.axes[0]
    labels = [t for t in ax.texts if t.get_text() and t.get_text() not in ("Quick wins",)]
    boxes = [t.get_window_extent(renderer) for t in labels]
    for text, box in zip(labels, boxes, strict=True):
        assert _inside(box, figure.bbox), text.get_text()
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)


# -- the roadmap ---------------------------------------------------------------------------

ROADMAP_TITLES = {
    "before": "Retrieval over past replies with per-language rerankers and evaluation",
    "edge": "PII redaction in the prompt pipeline for every inbound channel",
    "late": "Renewal-outcome labels for churn signals, backfilled two years",
    "gate": "Launch readiness review with legal, support and sales leadership",
    "tiny": "A two-day spike with an unusually long and descriptive title",
}


@pytest.fixture
def long_roadmap(ws):
    def add(key, start, end, **extra):
        obj, _ = records.create(
            ws=ws,
            model=RoadmapItem,
            data={"title": ROADMAP_TITLES[key], "start": start, "end": end, **extra},
        )
        return int(obj.id)

    add("before", D(2026, 1, 5), D(2026, 3, 20))
    add("edge", D(2026, 3, 2), D(2026, 3, 12), lane="Model iteration")
    add("late", D(2026, 5, 1), D(2026, 6, 28), lane="Product and UX")
    add("gate", D(2026, 6, 25), D(2026, 6, 25), kind="milestone", lane="Launch and GTM")
    add("tiny", D(2026, 4, 1), D(2026, 4, 2), lane="Model iteration")
    return ws


@pytest.mark.parametrize(
    "window",
    [(None, None), (D(2026, 3, 1), D(2026, 6, 30)), (D(2026, 2, 15), D(2026, 4, 15))],
)
def test_roadmap_titles_are_whole_and_inside_the_figure(long_roadmap, window) -> None:
    from aipm_desktop.services.charts.roadmap import build_figure

    start, end = window
    figure = build_figure(ws=long_roadmap, start=start, end=end, today=D(2026, 3, 15))
    renderer = _renderer(figure)
    shown = {
        title
        for key, title in ROADMAP_TITLES.items()
        if start is None or key not in ("late", "gate")
    }
    _names_whole(figure, shown)
    ax = figure.axes[0]
    titles = [t for t in ax.texts if str(t.get_gid()).startswith("roadmap-title-")]
    assert titles
    frame = ax.get_window_extent(renderer)
    for text in titles:
        box = text.get_window_extent(renderer)
        assert _inside(box, figure.bbox), text.get_text()
        # Not clipped at the left edge: the title starts inside the plot.
        assert frame.x0 - 1 <= box.x0 and box.x1 <= frame.x1 + 1, text.get_text()
    boxes = [t.get_window_extent(renderer) for t in titles]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)


def test_an_exported_roadmap_svg_has_no_repeated_id(long_roadmap, tmp_path: Path) -> None:
    import re
    from collections import Counter

    from aipm_desktop.services.charts.roadmap import build_figure

    out = save_figure(build_figure(ws=long_roadmap), tmp_path / "roadmap.svg")
    ids = Counter(re.findall(r'\bid="([^"]+)"', out.read_text(encoding="utf-8")))
    assert sum(1 for i in ids if i.startswith("roadmap-title-")) >= len(ROADMAP_TITLES) - 1
    assert [i for i, n in ids.items() if n > 1] == []


def test_roadmap_title_that_has_no_room_is_numbered_in_a_key(long_roadmap) -> None:
    from aipm_desktop.services.charts.roadmap import build_figure

    # A window ending just after the "late" bar starts: its end is out of view and what
    # shows of it is too short for the whole title.
    figure = build_figure(ws=long_roadmap, start=D(2026, 4, 1), end=D(2026, 5, 3))
    _renderer(figure)
    ax = figure.axes[0]
    legend = ax.get_legend()
    assert legend is not None
    key = [one_line(t.get_text()) for t in legend.get_texts()]
    assert ROADMAP_TITLES["late"] in key
    numbers = [t.get_text() for t in ax.texts if str(t.get_gid()).startswith("roadmap-title-")]
    assert "1" in numbers


def test_roadmap_title_says_its_window_in_the_date_format(long_roadmap) -> None:
    from aipm_desktop.services import dates
    from aipm_desktop.services.charts.roadmap import build_figure

    figure = build_figure(ws=long_roadmap, start=D(2026, 3, 1), end=D(2026, 6, 30))
    assert figure.get_suptitle() == f"Roadmap {dates.format_range(D(2026, 3, 1), D(2026, 6, 30))}"
    figure = build_figure(ws=long_roadmap, start=D(2026, 3, 1))
    assert figure.get_suptitle() == f"Roadmap from {dates.format_date(D(2026, 3, 1))}"


# -- the heat map --------------------------------------------------------------------------


def test_heatmap_legend_title_stays_inside_the_report_sized_figure(ws) -> None:
    from aipm_desktop.services.charts.heatmap import build_figure

    # 7 x 5 in is the reports' size; at it the one-line title ran past the right edge.
    for width, height in ((7.0, 5.0), (6.0, 4.0), (9.0, 6.5)):
        figure = build_figure(ws=ws, width=width, height=height)
        renderer = _renderer(figure)
        legend = figure.axes[0].get_legend()
        assert legend.get_title().get_text().startswith("Appetite\n(")
        assert _inside(legend.get_window_extent(renderer), figure.bbox), (width, height)


def test_heatmap_counts_are_drawn_above_the_arrows_and_clear_of_their_heads(ws) -> None:
    from matplotlib.patches import FancyArrowPatch

    from aipm_desktop.models import Risk
    from aipm_desktop.services.charts.heatmap import build_figure

    moves = [((4, 4), (2, 3)), ((4, 4), (2, 3)), ((3, 4), (2, 2)), ((5, 5), (1, 5))]
    moves += [((2, 3), (1, 1)), ((3, 3), (2, 4))]
    for index, (inherent, residual) in enumerate(moves):
        data = {
            "title": f"Risk {index}",
            "likelihood": inherent[0],
            "impact": inherent[1],
            "residual_likelihood": residual[0],
            "residual_impact": residual[1],
        }
        records.create(ws=ws, model=Risk, data=data)
    figure = build_figure(ws=ws, movement=True)
    renderer = _renderer(figure)
    ax = figure.axes[0]
    arrows = [p for p in ax.patches if isinstance(p, FancyArrowPatch)]
    counts = [t for t in ax.texts if t.get_text().isdigit()]
    assert arrows and counts
    top_arrow = max(a.get_zorder() for a in arrows)
    for text in counts:
        assert text.get_zorder() > top_arrow
        badge = text.get_bbox_patch()
        assert badge is not None and badge.get_facecolor()[3] == 1.0  # opaque
    boxes = [t.get_window_extent(renderer) for t in counts]
    for arrow in arrows:
        head = arrow._posA_posB[1]  # where the arrow points, in data coordinates
        x, y = ax.transData.transform(head)
        for box in boxes:
            assert not box.contains(x, y)


# -- the radar -----------------------------------------------------------------------------


def test_radar_dimension_names_do_not_overlap_or_leave_the_figure(ws) -> None:
    from aipm_desktop.services.charts.radar import build_figure
    from aipm_desktop.services.workspace import new_workspace

    path = ws.path.with_name("radar-demo.aipm")
    demo_ws = new_workspace(path, demo=True)
    try:
        figure = build_figure(ws=demo_ws)
    finally:
        demo_ws.close()
    for size in ((9.0, 6.0), (6.0, 4.0), (12.0, 5.0)):
        figure.set_size_inches(*size)
        renderer = _renderer(figure)
        ax = figure.axes[0]
        names = [t for t in ax.texts if str(t.get_gid()).startswith("radar-dimension-")]
        assert len(names) >= 5
        boxes = [t.get_window_extent(renderer) for t in names]
        for text, box in zip(names, boxes, strict=True):
            assert _inside(box, figure.bbox), (size, text.get_text())
        for i, a in enumerate(boxes):
            for b in boxes[i + 1 :]:
                assert not a.overlaps(b), size
        # Names sit outside the outer ring, not on the plot.
        centre = ax.transData.transform((0, 0))
        ring = ax.transData.transform((0, ax.get_ylim()[1]))
        radius = math.dist(centre, ring)
        for box in boxes:
            nearest_x = min(max(centre[0], box.x0), box.x1)
            nearest_y = min(max(centre[1], box.y0), box.y1)
            assert math.dist(centre, (nearest_x, nearest_y)) >= radius * 0.98
        legend = figure.legends[0].get_window_extent(renderer)
        for box in boxes:
            assert not box.overlaps(legend)


# -- the KPI chart -------------------------------------------------------------------------


def test_kpi_marker_labels_are_wrapped_not_cut() -> None:
    from types import SimpleNamespace

    from aipm_desktop.models.enums import KpiDirection
    from aipm_desktop.services.charts.kpi import draw_kpi

    status = SimpleNamespace(
        name="Cost per draft",
        unit="USD",
        direction=KpiDirection.LOWER_IS_BETTER,
        target=0.03,
        warning=0.05,
        critical=0.08,
        baseline=0.06,
        status="on_track",
    )
    label = "SEV2: Drafts quoted refund windows that do not exist after the upgrade"
    marker = SimpleNamespace(kind="incident", date=D(2026, 2, 1), label=label)
    figure = new_figure(10, 5.5)
    days = [D(2026, 1, 1) + dt.timedelta(days=7 * i) for i in range(10)]
    draw_kpi(figure, dates=days, values=[0.05] * 10, status=status, markers=[marker])
    _names_whole(figure, [label])


# -- the footer ----------------------------------------------------------------------------


def test_footer_names_workspace_client_and_date(ws) -> None:
    update_settings(ws=ws, data={"name": "Acme AI portfolio", "client": "Acme Bank"})
    footer = footer_for(ws=ws, day=D(2026, 3, 7))
    assert footer.source == "Acme AI portfolio · Client: Acme Bank"
    assert footer.date == "2026-03-07"
    assert Footer("Solo").text.startswith("Solo")


def test_footer_is_added_for_the_export_only_and_keeps_the_chart_clear(ws) -> None:
    figure = new_figure(8.0, 5.0)
    ax = figure.add_subplot()
    ax.set_xlabel("Value (0-100)")
    footer = Footer("Acme AI portfolio", "Acme Bank", D(2026, 3, 7))
    with footer_added(figure, footer):
        renderer = _renderer(figure)
        texts = footer_texts(figure)
        assert texts == ["Acme AI portfolio · Client: Acme Bank", "2026-03-07"]
        assert figure.get_figheight() > 5.0
        chart = ax.get_tightbbox(renderer)
        for text in figure.texts:
            if text.get_text() in texts:
                box = text.get_window_extent(renderer)
                assert _inside(box, figure.bbox) and not box.overlaps(chart)
    assert footer_texts(figure) == [] and tuple(figure.get_size_inches()) == (8.0, 5.0)
    assert figure.get_layout_engine().get()["rect"] == (0, 0, 1, 1)


def test_footer_on_a_figure_laid_out_by_hand(ws) -> None:
    from aipm_desktop.services.charts.kpi import draw_sparklines

    figure = new_figure(6.0, 3.0)
    draw_sparklines(figure, [])
    figure.add_subplot().set_position((0.1, 0.1, 0.8, 0.8))
    with footer_added(figure, Footer("W", "C", D(2026, 1, 2))):
        renderer = _renderer(figure)
        strip = next(t for t in figure.texts if t.get_text() == "2026-01-02")
        assert not strip.get_window_extent(renderer).overlaps(
            figure.axes[0].get_window_extent(renderer)
        )
    assert tuple(figure.axes[0].get_position().bounds) == pytest.approx((0.1, 0.1, 0.8, 0.8))


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from aipm_desktop.services.workspace import new_workspace

    path = tmp_path_factory.mktemp("charts") / "demo.aipm"
    new_workspace(path, demo=True).close()
    return path


CHART_OPTIONS = {
    "matrix": {},
    "roadmap": {},
    "heatmap": {"movement": True},
    "radar": {},
    "kpi": {"kpi": "Cost per accepted draft"},
}


@pytest.mark.parametrize("kind", sorted(CHART_OPTIONS))
def test_every_chart_export_carries_the_footer_and_is_reproducible(
    demo_file: Path, tmp_path: Path, kind: str
) -> None:
    from aipm_desktop.services import dates
    from aipm_desktop.services.workspace import get_settings
    from aipm_desktop.store import open_workspace

    day = D(2026, 12, 6)
    ws = open_workspace(demo_file, readonly=True)
    try:
        settings = get_settings(ws=ws)
        digests = {}
        for suffix in ("svg", "png", "pdf"):
            outs = [
                render_chart(
                    ws=ws,
                    kind=kind,
                    out=tmp_path / f"{i}.{suffix}",
                    today=day,
                    **CHART_OPTIONS[kind],
                )
                for i in range(2)
            ]
            digests[suffix] = {hashlib.sha256(p.read_bytes()).hexdigest() for p in outs}
    finally:
        ws.close()
    assert all(len(found) == 1 for found in digests.values()), digests
    svg = (tmp_path / "0.svg").read_text(encoding="utf-8")
    assert f"Client: {settings.client}" in svg and dates.format_date(day) in svg
    assert settings.name in svg
    assert ELLIPSIS not in svg


def test_save_figure_without_footer_leaves_the_figure_as_it_was(tmp_path: Path) -> None:
    figure = new_figure(4.0, 3.0)
    figure.add_subplot().plot([1, 2], [3, 4])
    save_figure(figure, tmp_path / "plain.png")
    assert footer_texts(figure) == [] and tuple(figure.get_size_inches()) == (4.0, 3.0)
