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
from .. import records, roadmap
from .. import timeline_layout as tl
from . import new_figure

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
LABEL_CHARS = 34
LABEL_FONT_PT = 7
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
    days (titles cut to :data:`LABEL_CHARS`; 0: no titles beside the bars)."""
    return tl.Metrics.from_chars(
        days_per_char,
        max_chars=LABEL_CHARS,
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


def label_days_per_char(
    items: Sequence[roadmap.TimelineItem],
    figure: Figure | None,
    start: dt.date | None,
    end: dt.date | None,
) -> float:
    """How many days one character of a 7-point label covers (0 when titles are not
    drawn)."""
    if not items or len(items) > LABEL_ITEMS_UP_TO:
        return 0.0
    first = start or min(i.start for i in items)
    last = end or max(i.end for i in items)
    span = max(1, (last - first).days) * 1.25
    width_in = figure.get_figwidth() * 0.82 if figure is not None else 13.0 * 0.82
    chars = width_in * 72 / (LABEL_FONT_PT * 0.6)
    return span / chars


def _cut(title: str, chars: float, *, cap: bool = True) -> str:
    """``title`` cut to ``chars`` characters (and to :data:`LABEL_CHARS` with ``cap``), an
    ellipsis ending a cut title."""
    limit = min(LABEL_CHARS, int(chars)) if cap else int(chars)
    if len(title) <= limit:
        return title
    return title[: limit - 1] + "…" if limit >= 2 else ""


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
    widths) may be the screen's, so the chart keeps the screen's rows: titles are then
    cut to the room the screen keeps for them.
    """
    from matplotlib import dates as mdates
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    today = today or dt.date.today()
    ax = figure.add_subplot(1, 1, 1)
    label = bool(items) and len(items) <= LABEL_ITEMS_UP_TO
    char_days = label_days_per_char(items, figure, start, end)
    if metrics is None:
        metrics = chart_metrics(char_days)
    plan = _window_layout(all_items or items, items, lane_order, metrics, today)
    if not items:
        ax.set_axis_off()
        ax.text(0.5, 0.5, EMPTY_HINT, ha="center", va="center", fontsize=12, color="#607d8b")
        return plan

    def x(day: dt.date) -> float:
        return float(mdates.date2num(day))

    base = x(plan.plan.origin)  # the layout measures days from its origin

    # lanes: shaded bands, labels on the y axis
    ticks, labels = [], []
    for index, (lane, first, count) in enumerate(plan.lanes):
        ax.axhspan(first - 0.5, first + count - 0.5, color=LANE_SHADES[index % 2], zorder=0)
        ax.axhline(first - 0.5, color="#cfd8dc", linewidth=0.6, zorder=1)
        ticks.append(first + (count - 1) / 2)
        labels.append(lane)
    ax.set_yticks(ticks, labels)
    ax.tick_params(axis="y", length=0, labelsize=9)
    ax.set_ylim(plan.total_rows - 0.5, -0.5)

    first_day = start or min(i.start for i in items)
    last_day = end or max(i.end for i in items)
    pad = max(3, ((last_day - first_day).days) // 40)
    left_edge = x(first_day) - pad
    position: dict[int, tuple[int, roadmap.TimelineItem]] = {}
    for placed in plan.rows:
        item, y = placed.item, placed.row
        shape = plan.plan.placements[item.id]
        geometry = shape.bar
        position[item.id] = (y, item)
        color = STATUS_COLORS.get(item.status, STATUS_COLORS["planned"])
        edge = CRITICAL_COLOR if item.critical else "none"
        width = 2.0 if item.critical else 0.0
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
                marker_x, marker_y = point + 0.6 * metrics.days(metrics.marker), y - 0.2
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
            text_x = point + metrics.days(metrics.marker + metrics.gap)
            room = metrics.days(metrics.label_width(item))
        else:
            days = geometry.length
            ax.barh(
                y,
                days,
                left=base + geometry.start,
                height=0.56,
                color=color,
                edgecolor=edge,
                linewidth=width,
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
            gap = metrics.days(metrics.gap)
            if shape.label_inside:  # from where the bar comes into view
                text_x = max(base + geometry.start, left_edge) + gap
                room = base + geometry.end - gap - text_x
            else:
                text_x = base + geometry.end + gap
                room = metrics.days(metrics.label_width(item))
        inside = shape.label_inside
        if label and (inside or metrics.outside_labels):
            title = _cut(item.title, room / char_days + 1e-6, cap=not inside)
            dark = inside and item.status in ("in_progress", "blocked")
            ax.text(
                text_x,
                y,
                title,
                va="center",
                ha="left",
                fontsize=LABEL_FONT_PT,
                color="#ffffff" if dark else "#263238",
                zorder=5,
                clip_on=True,
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

    ax.set_xlim(x(first_day) - pad, x(last_day) + pad * (4 if label else 1))
    if first_day <= today <= last_day + dt.timedelta(days=pad):
        ax.axvline(x(today), color=TODAY_COLOR, linestyle="--", linewidth=1.2, zorder=6)
        ax.text(x(today), -0.5, " today", color=TODAY_COLOR, fontsize=8, va="bottom", ha="left")
    _axis_ticks(ax, x, first_day - dt.timedelta(days=pad), last_day + dt.timedelta(days=pad))
    ax.xaxis.tick_top()
    ax.grid(axis="x", color="#eceff1", linewidth=0.6, zorder=0)
    for side in ("right", "bottom", "left"):
        ax.spines[side].set_visible(False)

    handles: list[Any] = [
        Patch(color=STATUS_COLORS[s], label=s.replace("_", " ")) for s in STATUS_COLORS
    ]
    handles += [
        Patch(facecolor="white", edgecolor=CRITICAL_COLOR, linewidth=2, label="critical path"),
        Patch(color=BASELINE_COLOR, alpha=0.6, label="baseline (planned)"),
        Line2D([], [], color=VIOLATED_COLOR, label="violated dependency"),
        Line2D([], [], marker="D", linestyle="", color="#607d8b", label="milestone"),
        Line2D([], [], marker=">", linestyle="", color="#607d8b", label="release"),
    ]
    figure.legend(handles=handles, loc="outside lower center", ncol=5, fontsize=8, frameon=False)
    return plan


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
    today = today or dt.date.today()
    all_items, all_deps = roadmap.timeline(ws=ws)
    if first is None and last is None:
        items, deps = all_items, all_deps
    else:
        items, deps = roadmap.timeline(ws=ws, start=first, end=last)
    lane_order = roadmap.lanes(ws=ws)
    chars = label_days_per_char(items, None, first, last)
    plan = _window_layout(all_items, items, lane_order, metrics or chart_metrics(chars), today)
    height = min(MAX_HEIGHT, max(4.5, 1.6 + plan.total_rows * ROW_HEIGHT))
    figure = new_figure(13.0, height)
    draw_on(
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
    title = "Roadmap"
    if first or last:
        title += f" {first.isoformat() if first else '…'} to {last.isoformat() if last else '…'}"
    figure.suptitle(title, fontsize=12, x=0.01, ha="left")
    return figure
