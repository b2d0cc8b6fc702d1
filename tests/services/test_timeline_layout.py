"""The shared roadmap layout: rows never overlap, titles keep their room, the calendar
helpers hold on edge dates, and the screen and the exported chart put every item in the
same lane row."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aipm_desktop.services import timeline_layout as tl

D = dt.date
ORIGIN = D(2026, 1, 1)


@dataclass(frozen=True)
class Item:
    id: int
    title: str
    lane: str
    kind: str
    start: dt.date
    end: dt.date


def _work(item_id, start, days, title="T", lane="A") -> Item:
    first = ORIGIN + dt.timedelta(days=start)
    return Item(item_id, title, lane, "work", first, first + dt.timedelta(days=days - 1))


def _chars(days_per_char: float, **kwargs) -> tl.Metrics:
    return tl.Metrics.from_chars(days_per_char, **kwargs)


# -- packing --------------------------------------------------------------------------------

items_strategy = st.lists(
    st.tuples(
        st.integers(0, 120),  # start offset
        st.integers(1, 40),  # length in days
        st.sampled_from(["work", "work", "milestone", "release"]),
        st.integers(0, 40),  # title length
        st.sampled_from(["A", "B", "C"]),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(
    specs=items_strategy,
    days_per_char=st.sampled_from([0.0, 0.1, 0.5, 1.3]),
    marker=st.sampled_from([0.0, 0.4, 2.0]),
    outside=st.booleans(),
)
def test_packing_never_overlaps_and_keeps_room_for_titles(
    specs, days_per_char, marker, outside
) -> None:
    items = []
    for index, (start, days, kind, title_len, lane) in enumerate(specs):
        first = ORIGIN + dt.timedelta(days=start)
        last = first + dt.timedelta(days=days - 1) if kind == "work" else first
        items.append(Item(index + 1, "x" * title_len, lane, kind, first, last))
    base = _chars(days_per_char, marker_days=marker)
    metrics = tl.Metrics(
        label_width=base.label_width,
        gap=base.gap,
        pad=base.pad,
        marker=marker,
        outside_labels=outside,
    )
    plan = tl.layout(items, ["B", "A"], metrics, origin=ORIGIN)

    # bands follow each other, configured lanes first, then the others in item order
    assert [b.name for b in plan.bands][:2] == ["B", "A"]
    first = 0
    for band in plan.bands:
        assert band.first == first and band.rows >= 1
        assert band.count == sum(1 for i in items if i.lane == band.name)
        first += band.rows
    assert plan.total_rows == first
    assert set(plan.placements) == {i.id for i in items}

    by_row: dict[tuple[str, int], list[tl.Placement]] = {}
    bands = {b.name: b for b in plan.bands}
    for item in items:
        placed = plan.placements[item.id]
        band = bands[item.lane]
        assert placed.lane == item.lane
        assert 0 <= placed.lane_row < band.rows
        assert placed.row == band.first + placed.lane_row
        x0, x1 = placed.extent
        # the extent covers the bar or marker ...
        if placed.bar.marker:
            assert x0 <= placed.bar.point - marker and placed.bar.point + marker <= x1
        else:
            assert x0 <= placed.bar.start and placed.bar.end <= x1
        # ... and the title beside it, or the title fits inside the bar
        text = metrics.label_width(item)
        if placed.label_inside:
            assert not placed.bar.marker
            assert text + 2 * metrics.gap <= placed.bar.length
        elif outside:
            visual_end = placed.bar.point + marker if placed.bar.marker else placed.bar.end
            assert x1 >= visual_end + metrics.gap + text
        by_row.setdefault((placed.lane, placed.lane_row), []).append(placed)
    for row in by_row.values():
        row.sort(key=lambda p: p.extent)
        for before, after in itertools.pairwise(row):
            assert before.extent[1] <= after.extent[0]


@settings(max_examples=60, deadline=None)
@given(specs=items_strategy)
def test_each_item_takes_the_first_row_free_where_it_starts(specs) -> None:
    items = [
        _work(i + 1, start, days, "x" * n, lane)
        for i, (start, days, _k, n, lane) in enumerate(specs)
    ]
    plan = tl.layout(items, [], _chars(0.5), origin=ORIGIN)
    for item in items:
        placed = plan.placements[item.id]
        for row in range(placed.lane_row):  # every row above is busy where it starts
            assert any(
                other.lane == placed.lane
                and other.lane_row == row
                and other.extent[0] <= placed.extent[0] < other.extent[1]
                for other in plan.placements.values()
            )


def test_a_title_that_does_not_fit_goes_beside_its_bar_and_keeps_its_room() -> None:
    short = _work(1, 0, 3, "A rather long title for three days")
    after = _work(2, 4, 5, "B")
    long_bar = _work(3, 30, 60, "Fits inside")
    next_to_long = _work(4, 91, 3, "C")
    items = [short, after, long_bar, next_to_long]
    plan = tl.layout(items, ["A"], _chars(0.5), origin=ORIGIN)
    assert not plan.placements[1].label_inside
    assert plan.placements[1].extent[1] > 3 + 0.5 * len(short.title)
    assert plan.rows()[2] == ("A", 1)  # pushed below: the title beside item 1 is in the way
    assert plan.placements[3].label_inside
    assert plan.rows()[4] == ("A", 0)  # the title of item 3 is inside its bar

    dense = tl.layout(items, ["A"], tl.NO_LABELS, origin=ORIGIN)
    assert {item_id: row for item_id, (_lane, row) in dense.rows().items()} == {
        1: 0,
        2: 0,
        3: 0,
        4: 0,
    }
    hidden = tl.Metrics(label_width=_chars(0.5).label_width, gap=0.5, outside_labels=False)
    assert tl.layout(items, ["A"], hidden, origin=ORIGIN).rows()[2] == ("A", 0)


def test_pixel_metrics_pack_in_pixels() -> None:
    metrics = tl.Metrics.from_pixels(4.0, lambda item: 40.0, gap=6, pad=4, marker=7)
    assert metrics.scale == 4.0 and metrics.days(40.0) == 10.0
    item = _work(1, 2, 5)
    assert tl.extent(item, ORIGIN, metrics) == (8.0, 28.0 + 6 + 40 + 4, False)
    roomy = _work(2, 2, 20)
    assert tl.extent(roomy, ORIGIN, metrics) == (8.0, 88.0 + 4, True)  # 40 + 2 * 6 <= 80
    milestone = Item(3, "M", "A", "milestone", D(2026, 1, 3), D(2026, 1, 3))
    assert tl.extent(milestone, ORIGIN, metrics)[:2] == (10.0 - 7, 10.0 + 7 + 6 + 40 + 4)


def test_items_that_touch_share_a_row_at_any_scale() -> None:
    """Milestones twelve days apart at 1.5 pixels a day touch exactly (7 + 4 + 7 = 18
    pixels): they share a row in pixels, as on screen."""
    one = Item(1, "", "A", "milestone", D(2026, 1, 1), D(2026, 1, 1))
    two = Item(2, "", "A", "milestone", D(2026, 1, 13), D(2026, 1, 13))
    metrics = tl.Metrics.from_pixels(
        1.5, lambda item: 0.0, gap=6, pad=4, marker=7, outside_labels=False
    )
    assert tl.layout([one, two], ["A"], metrics, origin=ORIGIN).rows() == {
        1: ("A", 0),
        2: ("A", 0),
    }


def test_a_window_drops_the_rows_it_leaves_empty() -> None:
    items = [_work(1, 0, 10), _work(2, 5, 10), _work(3, 8, 10), _work(4, 0, 5, lane="B")]
    plan = tl.layout(items, ["A", "B"], origin=ORIGIN)
    assert [plan.placements[i].lane_row for i in (1, 2, 3)] == [0, 1, 2]
    part = plan.only([1, 3])
    assert part.rows() == {1: ("A", 0), 3: ("A", 1)}
    assert [(b.name, b.first, b.rows, b.count) for b in part.bands] == [
        ("A", 0, 2, 2),
        ("B", 2, 1, 0),
    ]


def test_bar_geometry_in_days() -> None:
    work = _work(1, 10, 5)
    geometry = tl.bar(work, ORIGIN)
    assert (geometry.start, geometry.length, geometry.end, geometry.marker) == (10, 5, 15, False)
    moved = tl.bar(work, ORIGIN, D(2026, 1, 3), D(2026, 1, 3))
    assert (moved.start, moved.length) == (2, 1)
    milestone = Item(2, "M", "A", "milestone", D(2026, 3, 1), D(2026, 3, 1))
    point = tl.bar(milestone, ORIGIN)
    assert point.marker and point.point == 59.5  # the middle of 1 March
    leap = Item(3, "L", "A", "work", D(2028, 2, 28), D(2028, 3, 1))
    assert tl.bar(leap, D(2028, 2, 1)).length == 3  # 28, 29 February and 1 March


# -- calendar -------------------------------------------------------------------------------


def test_month_helpers_cross_the_year_and_leap_days() -> None:
    assert tl.add_months(D(2026, 12, 15), 1) == D(2027, 1, 1)
    assert tl.add_months(D(2027, 1, 31), -1) == D(2026, 12, 1)
    assert tl.add_months(D(2026, 12, 1), 0) == D(2026, 12, 1)
    assert tl.add_months(D(2026, 11, 30), 14) == D(2028, 1, 1)
    assert tl.add_months(D(2028, 2, 29), 12) == D(2029, 2, 1)
    assert tl.add_months(D(2028, 1, 31), 1) == D(2028, 2, 1)
    assert tl.month_start(D(2028, 2, 29)) == D(2028, 2, 1)
    assert tl.month_start(D(2026, 12, 31)) == D(2026, 12, 1)


def test_quarters_and_their_names() -> None:
    assert tl.quarter_start(D(2026, 12, 31)) == D(2026, 10, 1)
    assert tl.quarter_start(D(2027, 1, 1)) == D(2027, 1, 1)
    assert tl.quarter_start(D(2028, 2, 29)) == D(2028, 1, 1)
    names = [tl.quarter_name(D(2026, month, 1)) for month in range(1, 13)]
    assert names == ["Q1"] * 3 + ["Q2"] * 3 + ["Q3"] * 3 + ["Q4"] * 3


def test_axis_periods_at_each_scale() -> None:
    top, bottom = tl.axis_periods(D(2026, 12, 30), D(2027, 1, 12), "weeks")
    assert [p[2] for p in top] == ["December 2026", "January 2027"]
    assert top[0][:2] == (D(2026, 12, 1), D(2027, 1, 1))
    assert [p[2] for p in bottom] == ["28 Dec", "4 Jan", "11 Jan"]
    assert all(p[0].weekday() == 0 and (p[1] - p[0]).days == 7 for p in bottom)

    top, bottom = tl.axis_periods(D(2026, 11, 20), D(2027, 2, 1), "months")
    assert [p[2] for p in top] == ["Q4 2026", "Q1 2027"]
    assert [p[2] for p in bottom] == ["November", "December", "January", "February"]
    _top, short = tl.axis_periods(D(2028, 2, 29), D(2028, 3, 1), "months", long_month_names=False)
    assert [p[:3] for p in short] == [
        (D(2028, 2, 1), D(2028, 3, 1), "Feb"),
        (D(2028, 3, 1), D(2028, 4, 1), "Mar"),
    ]

    top, bottom = tl.axis_periods(D(2026, 12, 31), D(2027, 4, 1), "quarters")
    assert [p[2] for p in top] == ["2026", "2027"]
    assert [(p[0], p[2]) for p in bottom] == [
        (D(2026, 10, 1), "Q4"),
        (D(2027, 1, 1), "Q1"),
        (D(2027, 4, 1), "Q2"),
    ]
    with pytest.raises(ValueError):
        tl.axis_periods(D(2026, 1, 1), D(2026, 2, 1), "days")


def test_scale_for_zoom() -> None:
    assert tl.scale_for(18.0) == "weeks"
    assert tl.scale_for(9.0) == "weeks"
    assert tl.scale_for(4.5) == "months"
    assert tl.scale_for(2.2) == "months"
    assert tl.scale_for(1.5) == "quarters"


def test_date_range_has_margins_to_month_starts() -> None:
    item = Item(1, "x", "A", "work", D(2027, 1, 10), D(2028, 2, 29))
    first, last = tl.date_range([item], today=D(2027, 6, 1))
    assert first == D(2026, 12, 1)  # 10 January less 28 days is in December
    assert last == D(2028, 4, 1)  # 29 February plus 28 days is in March: the month after
    assert tl.date_range([], today=D(2026, 1, 15)) == (D(2025, 12, 1), D(2026, 3, 1))


# -- screen and export agree ----------------------------------------------------------------


@pytest.fixture
def demo_ws(tmp_path: Path):
    from aipm_desktop.services.workspace import new_workspace

    ws = new_workspace(tmp_path / "demo.aipm", demo=True)
    yield ws
    ws.close()


@pytest.mark.parametrize("zoom", ["weeks", "months", "quarters"])
def test_screen_and_exported_chart_put_every_item_in_the_same_lane_row(qapp, demo_ws, zoom) -> None:
    """Qt is needed for the screen's side; the chart is drawn with the metrics the screen
    hands to its export worker."""
    from aipm_desktop.services import roadmap
    from aipm_desktop.services.charts import new_figure
    from aipm_desktop.services.charts.roadmap import draw_on
    from aipm_desktop.ui.roadmap.timeline_scene import TimelineScene
    from aipm_desktop.ui.roadmap.timeline_style import LANE_PAD, ROW_H, ZOOMS

    items, deps = roadmap.timeline(ws=demo_ws)
    lanes = roadmap.lanes(ws=demo_ws)
    assert len(items) > 20
    scene = TimelineScene()
    scene.ppd = ZOOMS[zoom]
    scene.set_data(items, deps, lanes)
    bands = {band.name: band for band in scene.bands}
    on_screen = {}
    for item in items:
        band = bands[item.lane]
        row = (scene.row_top[item.id] - band.top - LANE_PAD) / ROW_H
        assert row == int(row)
        on_screen[item.id] = (item.lane, int(row))

    figure = new_figure(13.0, 8.0)
    chart = draw_on(figure, items, deps, lanes, today=scene.today, metrics=scene.export_metrics())
    lane_first = {name: first for name, first, _count in chart.lanes}
    exported = {row.item.id: (row.lane, row.row - lane_first[row.lane]) for row in chart.rows}
    assert exported == on_screen
    assert [name for name, _first, _count in chart.lanes] == [b.name for b in scene.bands]
    assert [count for _n, _f, count in chart.lanes] == [
        round((b.height - 2 * LANE_PAD) / ROW_H) for b in scene.bands
    ]
    assert scene.plan.rows() == chart.plan.rows()
    scene.deleteLater()
