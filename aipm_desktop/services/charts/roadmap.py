"""The roadmap timeline as a chart: swim lanes, bars, milestones, release flags.

Each lane is a band; items in a lane are packed into rows so bars never overlap, by the
same layout as the timeline on screen (:mod:`aipm_desktop.services.timeline_layout`), so
an item sits in the same lane row in both; a title that fits its bar is written inside
it, else beside it (the packing keeps room for it). Work items are bars coloured by
status (progress shaded inside), milestones diamonds, releases flags; the planned
(baseline) dates show as a thin grey ghost bar under an item that slipped; the critical
path is outlined; dependency arrows run from a predecessor's end to its successor's
start, red when violated; a dashed line marks today. The time axis has the screen's
periods (weeks, months or quarters).

:func:`layout` is pure data (no matplotlib), a view of the shared layout;
:func:`draw_on` draws on a figure;
:func:`build_figure` is the chart registered for ``aipm chart FILE roadmap``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...errors import UserError
from .. import clock, records, roadmap
from .. import timeline_layout as tl
from ..dates import format_date, format_range
from . import KeyNumber, key_handler_map, new_figure, text_size, wrap

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ...store import Workspace

STATUS_COLORS = {
    "planned": "#90caf9",
    "in_progress": "#1e88e5",
    "done": "#81c784",
    "blocked": "#e57373",
    "cancelled": "#cfd8dc",
}
CRITICAL_COLOR = "#e65100"
VIOLATED_COLOR = "#d32f2f"
DEPENDENCY_COLOR = "#78909c"
BASELINE_COLOR = "#9e9e9e"
TODAY_COLOR = "#c62828"
LANE_SHADES = ("#f7f9fc", "#ffffff")
EMPTY_HINT = "No roadmap items in this period"
LABEL_ITEMS_UP_TO = 160  # write titles beside bars up to this many items
ARROWS_UP_TO = 400  # draw arrow heads up to this many dependencies; plain lines beyond
LABEL_FONT_PT = 7
LABEL_GAP_PT = 3.0  # between a bar and its title (and either side of a title inside)
LABEL_PAD_PT = 6.0  # room an item keeps free after its title in its row
MARKER_HALF_PT = 5.5  # half the width of a milestone or release marker
MAX_TAIL = 0.6  # room after the last date for titles: at most this share of the window
KEY_FONT_PT = 7
TODAY_ROOM_PT = 13  # the key starts this far under the plot, below the "today" label
KEY_WRAP = 48  # a key entry wraps at about this many characters
TICKS_UP_TO = 20  # most periods the time axis shows before it takes a coarser scale
ROW_HEIGHT = 0.28  # inches per packed row
MAX_HEIGHT = 60.0


@dataclass(frozen=True)
class Row:
    """Where an item sits: its row (0 = top) and its lane."""

    item: roadmap.TimelineItem
    row: int
    lane: str


@dataclass(frozen=True)
class Layout:
    rows: list[Row]
    lanes: list[tuple[str, int, int]]  # (name, first row, row count)
    total_rows: int
    plan: tl.Layout  # the shared layout: geometry in days, where titles go

    @classmethod
    def of(cls, plan: tl.Layout) -> Layout:
        rows = [Row(p.item, p.row, p.lane) for p in plan.placements.values()]
        lanes = [(band.name, band.first, band.rows) for band in plan.bands]
        return cls(rows=rows, lanes=lanes, total_rows=plan.total_rows, plan=plan)


def _date(value: dt.date | str | None, name: str) -> dt.date | None:
    try:
        return records.parse_date(value)
    except ValueError:
        raise UserError(f"the {name} date must look like 2026-07-01, not {value!r}.") from None


def chart_metrics(days_per_char: float) -> tl.Metrics:
    """The layout's widths for a chart where a title character covers ``days_per_char``
    days (whole titles; 0: no titles beside the bars)."""
    return tl.Metrics.from_chars(
        days_per_char,
        gap_chars=1.0,
        pad_chars=2.0,
        marker_days=1.1 * days_per_char,
    )


def layout(
    items: Sequence[roadmap.TimelineItem],
    lane_order: Sequence[str],
    days_per_char: float = 0.0,
    *,
    metrics: tl.Metrics | None = None,
    origin: dt.date | None = None,
) -> Layout:
    """Items packed into rows per lane by the shared timeline layout.

    With ``days_per_char`` (or ``metrics``, e.g. the screen's) an item also keeps room
    after its end for a title that does not fit inside it.
    """
    if metrics is None:
        metrics = chart_metrics(days_per_char)
    return Layout.of(tl.layout(items, lane_order, metrics, origin=origin))


def _title_widths(items: Sequence[roadmap.TimelineItem]) -> dict[str, float]:
    """title -> its width in points at the label size (a point spare)."""
    return {i.title: text_size(i.title, LABEL_FONT_PT)[0] + 1.0 for i in items}


def _tail(
    items: Sequence[roadmap.TimelineItem],
    widths: dict[str, float],
    span: tuple[float, float],
    axes_pt: float,
) -> float:
    """Days to add after the window's end so the titles beside the last bars fit (at
    most :data:`MAX_TAIL` of the window; titles that still do not fit go to the key).

    A title ``w`` points wide after a bar ending at ``e`` needs ``e + (gap + w) * dpp <=
    right + tail``, with ``dpp = (window + tail) / axes_pt`` days a point."""
    left, right = span
    window = right - left
    tail = 0.0
    for _round in range(2):  # a wider window makes bars narrower: titles may move out
        dpp = (window + tail) / axes_pt
        need = 0.0
        for item in items:
            begin = _num(item.start)
            if item.kind == "work":
                stop = _num(item.end) + 1
                room = stop - max(begin, left)
                text = widths[item.title] + 2 * LABEL_GAP_PT
                if stop > right or text * dpp <= room:
                    continue  # ends past the window, or its title fits inside
                share = (3 * LABEL_GAP_PT + widths[item.title]) / axes_pt
            else:
                stop = begin + 0.5
                if stop > right:
                    continue
                share = (MARKER_HALF_PT + 3 * LABEL_GAP_PT + widths[item.title]) / axes_pt
            if share >= 0.9:
                continue
            need = max(need, (stop - right + share * window) / (1 - share))
        tail = min(max(need, 0.0), MAX_TAIL * window)
    return tail


def _num(day: dt.date) -> float:
    from matplotlib import dates as mdates

    return float(mdates.date2num(day))


def _window_layout(
    all_items: Sequence[roadmap.TimelineItem],
    shown: Sequence[roadmap.TimelineItem],
    lane_order: Sequence[str],
    metrics: tl.Metrics,
    today: dt.date,
) -> Layout:
    """The layout of every item (as on screen), restricted to the ``shown`` ones."""
    origin = tl.date_range(all_items, today)[0]
    plan = tl.layout(all_items, lane_order, metrics, origin=origin)
    if len(shown) != len(all_items):
        plan = plan.only(item.id for item in shown)
    return Layout.of(plan)


def draw_on(
    figure: Figure,
    items: Sequence[roadmap.TimelineItem],
    deps: Sequence[roadmap.Dependency],
    lane_order: Sequence[str],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
    metrics: tl.Metrics | None = None,
    all_items: Sequence[roadmap.TimelineItem] | None = None,
) -> Layout:
    """Draw the timeline on ``figure`` (one axes); returns the layout used.

    Rows come from the shared layout of ``all_items`` (default: ``items``) with the rows
    left empty by the shown ``items`` removed; ``metrics`` (default: this chart's title
    widths, measured) may be the screen's, so the chart keeps the screen's rows.

    Titles are never cut: a title goes inside its bar (from where the bar comes into
    view) when it fits there, else beside it when there is room before the next item of
    its row, else the item gets a number and the key under the chart names it. The
    window keeps room after its last date for the titles of the last items.
    """
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    today = today or clock.today()
    ax = figure.add_subplot(1, 1, 1)
    label = bool(items) and len(items) <= LABEL_ITEMS_UP_TO
    if not items:
        plan = _window_layout(all_items or items, items, lane_order, tl.NO_LABELS, today)
        ax.set_axis_off()
        ax.text(0.5, 0.5, EMPTY_HINT, ha="center", va="center", fontsize=12, color="#607d8b")
        return plan
    x = _num

    first_day = start or min(i.start for i in items)
    last_day = end or max(i.end for i in items)
    pad = max(3, ((last_day - first_day).days) // 40)
    left, right = x(first_day) - pad, x(last_day) + pad

    # The frame first (lane names, time axis, legend), to know how wide the axes are.
    ax.set_yticks(range(len(lane_order) or 1), list(lane_order) or [""])
    ax.tick_params(axis="y", length=0, labelsize=9)
    ax.set_xlim(left, right)
    _axis_ticks(ax, x, first_day - dt.timedelta(days=pad), last_day + dt.timedelta(days=pad))
    ax.xaxis.tick_top()
    for side in ("right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    figure.legend(handles=_legend_handles(Patch, Line2D), **_LEGEND)
    axes_pt = _axes_width_pt(figure, ax)

    widths = _title_widths(all_items or items) if label else {}
    tail = _tail(items, widths, (left, right), axes_pt) if label else 0.0
    right += tail
    dpp = (right - left) / axes_pt  # days a point
    if metrics is None:
        metrics = _measured_metrics(widths, dpp) if label else tl.NO_LABELS
    plan = _window_layout(all_items or items, items, lane_order, metrics, today)

    # lanes: shaded bands, labels on the y axis
    ticks, labels = [], []
    for index, (lane, first, count) in enumerate(plan.lanes):
        ax.axhspan(first - 0.5, first + count - 0.5, color=LANE_SHADES[index % 2], zorder=0)
        ax.axhline(first - 0.5, color="#cfd8dc", linewidth=0.6, zorder=1)
        ticks.append(first + (count - 1) / 2)
        labels.append(lane)
    ax.set_yticks(ticks, labels)
    ax.set_ylim(plan.total_rows - 0.5, -0.5)

    base = x(plan.plan.origin)  # the layout measures days from its origin
    position: dict[int, tuple[int, roadmap.TimelineItem]] = {}
    for placed in plan.rows:
        item, y = placed.item, placed.row
        geometry = plan.plan.placements[item.id].bar
        position[item.id] = (y, item)
        color = STATUS_COLORS.get(item.status, STATUS_COLORS["planned"])
        edge = CRITICAL_COLOR if item.critical else "none"
        if item.slip_days and item.planned_start is not None and item.planned_end is not None:
            ax.barh(
                y + 0.3,
                (item.planned_end - item.planned_start).days + 1,
                left=x(item.planned_start),
                height=0.14,
                color=BASELINE_COLOR,
                alpha=0.6,
                zorder=2,
            )
        if geometry.marker:
            point = base + geometry.point
            marker = "D" if item.kind == "milestone" else ">"
            marker_x: float = point
            marker_y: float = y
            if item.kind == "release":  # a flag: a pole with the marker at its top right
                ax.plot([point] * 2, [y + 0.35, y - 0.35], color="#37474f", lw=1.2, zorder=3)
                marker_x, marker_y = point + 0.6 * MARKER_HALF_PT * dpp, y - 0.2
            ax.plot(
                marker_x,
                marker_y,
                marker=marker,
                markersize=9,
                color=color,
                markeredgecolor=edge if item.critical else "#37474f",
                markeredgewidth=2 if item.critical else 0.8,
                zorder=4,
            )
        else:
            days = geometry.length
            ax.barh(
                y,
                days,
                left=base + geometry.start,
                height=0.56,
                color=color,
                edgecolor=edge,
                linewidth=2.0 if item.critical else 0.0,
                zorder=3,
            )
            if 0 < item.progress < 100:
                ax.barh(
                    y,
                    days * item.progress / 100,
                    left=base + geometry.start,
                    height=0.56,
                    color="#000000",
                    alpha=0.12,
                    zorder=3,
                )

    key: list[tuple[int, str]] = []
    if label:
        spots = _title_spots(plan, base, (left, right), dpp, widths)
        for index, spot in enumerate(spots, start=1):
            text = spot.item.title
            if spot.number:
                key.append((len(key) + 1, text))
                text = str(len(key))
            dark = spot.inside and spot.item.status == "in_progress"
            ax.text(
                spot.x,
                spot.row,
                text,
                va="center",
                ha="left",
                fontsize=LABEL_FONT_PT,
                fontweight="bold" if spot.number else "normal",
                color="#ffffff" if dark else "#263238",
                zorder=5,
                clip_on=False,
                gid=f"roadmap-title-{index}",  # SVG ids are unique in a file
            )

    # dependencies
    segments, colors = [], []
    for dep in deps:
        if dep.predecessor_id not in position or dep.successor_id not in position:
            continue
        y0, pred = position[dep.predecessor_id]
        y1, succ = position[dep.successor_id]
        colors.append(VIOLATED_COLOR if dep.violated else DEPENDENCY_COLOR)
        segments.append(((x(pred.end) + 1, y0), (x(succ.start), y1)))
    if segments and len(segments) <= ARROWS_UP_TO:
        for (p0, p1), color in zip(segments, colors, strict=True):
            ax.annotate(
                "",
                xy=p1,
                xytext=p0,
                zorder=2,
                arrowprops={
                    "arrowstyle": "-|>",
                    "color": color,
                    "lw": 1.0,
                    "shrinkA": 0,
                    "shrinkB": 2,
                    "connectionstyle": "arc3,rad=0.0",
                },
            )
    elif segments:
        ax.add_collection(LineCollection(segments, colors=colors, linewidths=0.6, zorder=2))

    ax.set_xlim(left, right)
    if first_day <= today <= last_day + dt.timedelta(days=pad):
        ax.axvline(x(today), color=TODAY_COLOR, linestyle="--", linewidth=1.2, zorder=6)
        # Under the foot of the line: the time axis above has its labels, the rows theirs.
        ax.text(
            x(today),
            plan.total_rows - 0.5,
            " today",
            color=TODAY_COLOR,
            fontsize=8,
            va="top",
            ha="center",
            clip_on=False,
        )
    ax.grid(axis="x", color="#eceff1", linewidth=0.6, zorder=0)
    if key:
        _draw_key(figure, ax, key)
    return plan


_LEGEND: dict[str, Any] = {
    "loc": "outside lower center",
    "ncol": 5,
    "fontsize": 8,
    "frameon": False,
}


def _legend_handles(patch: Any, line: Any) -> list[Any]:
    handles: list[Any] = [
        patch(color=STATUS_COLORS[s], label=s.replace("_", " ")) for s in STATUS_COLORS
    ]
    handles += [
        patch(facecolor="white", edgecolor=CRITICAL_COLOR, linewidth=2, label="critical path"),
        patch(color=BASELINE_COLOR, alpha=0.6, label="baseline (planned)"),
        line([], [], color=VIOLATED_COLOR, label="violated dependency"),
        line([], [], marker="D", linestyle="", color="#607d8b", label="milestone"),
        line([], [], marker=">", linestyle="", color="#607d8b", label="release"),
    ]
    return handles


def _axes_width_pt(figure: Figure, ax: Any) -> float:
    """The axes' width in points once the figure is laid out (nothing drawn)."""
    engine = figure.get_layout_engine()
    if engine is not None:
        engine.execute(figure)
    return max(ax.get_position().width * figure.get_figwidth() * 72, 72.0)


def _measured_metrics(widths: dict[str, float], dpp: float) -> tl.Metrics:
    """The layout's widths in days, from titles measured in points (``dpp`` days a
    point)."""
    return tl.Metrics(
        label_width=lambda item: widths.get(item.title, 0.0) * dpp,
        gap=LABEL_GAP_PT * dpp,
        pad=LABEL_PAD_PT * dpp,
        marker=MARKER_HALF_PT * dpp,
        outside_labels=True,
    )


@dataclass(frozen=True)
class _Spot:
    """Where an item's title (or its number, when ``number``) is written."""

    item: roadmap.TimelineItem
    row: int
    x: float
    inside: bool
    number: bool


def _title_spots(
    plan: Layout,
    base: float,
    window: tuple[float, float],
    dpp: float,
    widths: dict[str, float],
) -> list[_Spot]:
    """Where each title goes, in row order (top to bottom, then left to right): inside
    its bar from where the bar comes into view when it fits, else after the bar (or
    marker) when the row is free up to the next item and the window's edge, else a
    number in the same places (inside first)."""
    left, right = window
    gap = LABEL_GAP_PT * dpp
    marker = MARKER_HALF_PT * dpp
    by_row: dict[int, list[tuple[float, float, Row]]] = {}
    for placed in plan.rows:
        geometry = plan.plan.placements[placed.item.id].bar
        if geometry.marker:
            x0 = base + geometry.point - marker
            x1 = base + geometry.point + marker
        else:
            x0, x1 = base + geometry.start, base + geometry.end
        by_row.setdefault(placed.row, []).append((x0, x1, placed))
    spots: list[_Spot] = []
    for row in sorted(by_row):
        shapes = sorted(by_row[row], key=lambda s: (s[0], s[1], s[2].item.id))
        for index, (x0, x1, placed) in enumerate(shapes):
            item = placed.item
            limit = min(shapes[index + 1][0] if index + 1 < len(shapes) else right, right)
            marker_item = plan.plan.placements[item.id].bar.marker
            seen = (max(x0, left), min(x1, right))
            after = x1 + gap
            title = widths.get(item.title, 0.0) * dpp
            number = text_size(str(len(spots) + 1), LABEL_FONT_PT, weight="bold")[0] * dpp
            room_after = limit - gap - after if x1 < right else -1.0
            for width, is_number in ((title, False), (number, True)):
                if not marker_item and width + 2 * gap <= seen[1] - seen[0]:
                    spots.append(_Spot(item, row, seen[0] + gap, True, is_number))
                    break
                if width <= room_after:
                    spots.append(_Spot(item, row, after, False, is_number))
                    break
            else:  # not even a number fits: at the start of what shows of it
                spots.append(_Spot(item, row, max(seen[0] + gap, left + gap), True, True))
    return spots


def _draw_key(figure: Figure, ax: Any, key: list[tuple[int, str]]) -> None:
    """The numbered key under the chart (it grows the figure by the key's height)."""
    from matplotlib.transforms import ScaledTranslation

    columns = 3 if len(key) > 4 else max(1, len(key))
    texts = [wrap(title, KEY_WRAP) for _number, title in key]
    legend = ax.legend(
        handles=[KeyNumber(number) for number, _title in key],
        labels=texts,
        handler_map=key_handler_map(),
        loc="upper left",
        bbox_to_anchor=(0.0, 0.0),
        bbox_transform=ax.transAxes
        + ScaledTranslation(0, -TODAY_ROOM_PT / 72, figure.dpi_scale_trans),
        ncol=columns,
        fontsize=KEY_FONT_PT,
        frameon=False,
        handlelength=1.2,
        handletextpad=0.5,
        columnspacing=1.6,
        title="Numbered items",
        title_fontsize=KEY_FONT_PT,
        alignment="left",
    )
    legend.set_in_layout(True)
    tall = legend.get_window_extent().height / figure.dpi  # inches
    width, height = figure.get_size_inches()
    figure.set_size_inches(width, height + tall + 4 / 72, forward=False)


def _axis_ticks(ax: Any, x: Any, first: dt.date, last: dt.date) -> None:
    """The screen's time axis as ticks: the finest of its scales (weeks, months, quarters)
    with at most :data:`TICKS_UP_TO` periods, a tick that starts a period of the row above
    (and the first tick) named after that period too."""
    for scale in ("weeks", "months", "quarters"):
        top, bottom = tl.axis_periods(first, last, scale, long_month_names=False)
        bottom = [period for period in bottom if period[0] >= first]
        if len(bottom) <= TICKS_UP_TO:
            break
    above: dict[dt.date, str] = {}
    for begin, stop, text in top:
        above[begin] = text
        if bottom and begin <= bottom[0][0] < stop:
            above[bottom[0][0]] = text
    if len(bottom) > TICKS_UP_TO:  # many years: one tick a year
        ticks = [(begin, text) for begin, _stop, text in top if begin >= first]
    else:
        ticks = [(begin, f"{above.get(begin, '')}\n{text}") for begin, _stop, text in bottom]
    ax.set_xticks([x(day) for day, _text in ticks], [text for _day, text in ticks])
    ax.tick_params(axis="x", labelsize=8)


def build_figure(
    *,
    ws: Workspace,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    today: dt.date | None = None,
    metrics: tl.Metrics | None = None,
) -> Figure:
    """The roadmap timeline (optionally only items overlapping ``start``..``end``).

    Rows are those of the whole roadmap laid out as on screen, less the rows the window
    leaves empty; ``metrics`` (the screen's, see ``TimelineScene.export_metrics``) make
    them exactly the screen's at its zoom.
    """
    first = _date(start, "start")
    last = _date(end, "end")
    if first is not None and last is not None and last < first:
        raise UserError("the end date must not be before the start date.")
    today = today or clock.today()
    all_items, all_deps = roadmap.timeline(ws=ws)
    if first is None and last is None:
        items, deps = all_items, all_deps
    else:
        items, deps = roadmap.timeline(ws=ws, start=first, end=last)
    lane_order = roadmap.lanes(ws=ws)
    provisional = 6.0
    figure = new_figure(13.0, provisional)
    plan = draw_on(
        figure,
        items,
        deps,
        lane_order,
        start=first,
        end=last,
        today=today,
        metrics=metrics,
        all_items=all_items,
    )
    key = figure.get_figheight() - provisional  # what the numbered key added, if any
    height = min(MAX_HEIGHT, max(4.5, 1.6 + plan.total_rows * ROW_HEIGHT)) + key
    figure.set_size_inches(13.0, height, forward=False)
    title = "Roadmap"
    if first and last:
        title += f" {format_range(first, last)}"
    elif first:
        title += f" from {format_date(first)}"
    elif last:
        title += f" until {format_date(last)}"
    figure.suptitle(title, fontsize=12, x=0.01, ha="left")
    return figure
