"""The roadmap timeline as a chart: swim lanes, bars, milestones, release flags.

Each lane is a band; items in a lane are packed into rows so bars never overlap. Work
items are bars coloured by status (progress shaded inside), milestones diamonds,
releases flags; the planned (baseline) dates show as a thin grey ghost bar under an item
that slipped; the critical path is outlined; dependency arrows run from a predecessor's
end to its successor's start, red when violated; a dashed line marks today.

:func:`layout` is pure data (no matplotlib); :func:`draw_on` draws on a figure;
:func:`build_figure` is the chart registered for ``aipm chart FILE roadmap``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...errors import UserError
from .. import roadmap
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


def _date(value: dt.date | str | None, name: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise UserError(f"the {name} date must look like 2026-07-01, not {value!r}.") from None


def layout(
    items: Sequence[roadmap.TimelineItem],
    lane_order: Sequence[str],
    days_per_char: float = 0.0,
) -> Layout:
    """Pack items into rows per lane (first row whose last item ended before the start).

    With ``days_per_char`` an item also reserves room after its end for its title label.
    """
    by_lane: dict[str, list[roadmap.TimelineItem]] = {name: [] for name in lane_order}
    for item in items:
        by_lane.setdefault(item.lane, []).append(item)
    rows: list[Row] = []
    lanes: list[tuple[str, int, int]] = []
    first = 0
    for lane, members in by_lane.items():
        ends: list[dt.date] = []
        for item in sorted(members, key=lambda i: (i.start, i.end, i.id)):
            label = min(len(item.title), LABEL_CHARS) + 3 if days_per_char else 0
            occupied = item.end + dt.timedelta(days=round(label * days_per_char))
            for index, last in enumerate(ends):
                if last < item.start:
                    ends[index] = occupied
                    rows.append(Row(item, first + index, lane))
                    break
            else:
                ends.append(occupied)
                rows.append(Row(item, first + len(ends) - 1, lane))
        count = max(1, len(ends))
        lanes.append((lane, first, count))
        first += count
    return Layout(rows=rows, lanes=lanes, total_rows=first)


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
    chars = width_in * 72 / (7 * 0.6)
    return span / chars


def draw_on(
    figure: Figure,
    items: Sequence[roadmap.TimelineItem],
    deps: Sequence[roadmap.Dependency],
    lane_order: Sequence[str],
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    today: dt.date | None = None,
) -> Layout:
    """Draw the timeline on ``figure`` (one axes); returns the layout used."""
    from matplotlib import dates as mdates
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    today = today or dt.date.today()
    ax = figure.add_subplot(1, 1, 1)
    plan = layout(items, lane_order, label_days_per_char(items, figure, start, end))
    if not items:
        ax.set_axis_off()
        ax.text(0.5, 0.5, EMPTY_HINT, ha="center", va="center", fontsize=12, color="#607d8b")
        return plan

    def x(day: dt.date) -> float:
        return float(mdates.date2num(day))

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

    position: dict[int, tuple[int, roadmap.TimelineItem]] = {}
    label = len(items) <= LABEL_ITEMS_UP_TO
    for placed in plan.rows:
        item, y = placed.item, placed.row
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
        if item.kind == "milestone" or (item.kind == "release" and item.start == item.end):
            marker = "D" if item.kind == "milestone" else ">"
            if item.kind == "release":
                ax.plot(
                    [x(item.start)] * 2, [y + 0.35, y - 0.35], color="#37474f", lw=1.2, zorder=3
                )
                ax.plot(
                    x(item.start) + 1.5,
                    y - 0.2,
                    marker=marker,
                    markersize=9,
                    color=color,
                    markeredgecolor=edge if item.critical else "#37474f",
                    markeredgewidth=2 if item.critical else 0.8,
                    zorder=4,
                )
            else:
                ax.plot(
                    x(item.start),
                    y,
                    marker=marker,
                    markersize=9,
                    color=color,
                    markeredgecolor=edge if item.critical else "#37474f",
                    markeredgewidth=2 if item.critical else 0.8,
                    zorder=4,
                )
            text_x = x(item.start) + 4
        else:
            days = (item.end - item.start).days + 1
            ax.barh(
                y,
                days,
                left=x(item.start),
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
                    left=x(item.start),
                    height=0.56,
                    color="#000000",
                    alpha=0.12,
                    zorder=3,
                )
            text_x = x(item.end) + 2
        if label:
            title = (
                item.title
                if len(item.title) <= LABEL_CHARS
                else item.title[: LABEL_CHARS - 1] + "…"
            )
            ax.text(
                text_x,
                y,
                title,
                va="center",
                ha="left",
                fontsize=7,
                color="#263238",
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

    first_day = start or min(i.start for i in items)
    last_day = end or max(i.end for i in items)
    pad = max(3, ((last_day - first_day).days) // 40)
    ax.set_xlim(x(first_day) - pad, x(last_day) + pad * (4 if label else 1))
    if first_day <= today <= last_day + dt.timedelta(days=pad):
        ax.axvline(x(today), color=TODAY_COLOR, linestyle="--", linewidth=1.2, zorder=6)
        ax.text(x(today), -0.5, " today", color=TODAY_COLOR, fontsize=8, va="bottom", ha="left")
    locator = mdates.AutoDateLocator(minticks=4, maxticks=12)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.xaxis.tick_top()
    ax.grid(axis="x", color="#eceff1", linewidth=0.6, zorder=0)
    for side in ("right", "bottom", "left"):
        ax.spines[side].set_visible(False)

    handles = [Patch(color=STATUS_COLORS[s], label=s.replace("_", " ")) for s in STATUS_COLORS]
    handles += [
        Patch(facecolor="white", edgecolor=CRITICAL_COLOR, linewidth=2, label="critical path"),
        Patch(color=BASELINE_COLOR, alpha=0.6, label="baseline (planned)"),
        Line2D([], [], color=VIOLATED_COLOR, label="violated dependency"),
        Line2D([], [], marker="D", linestyle="", color="#607d8b", label="milestone"),
        Line2D([], [], marker=">", linestyle="", color="#607d8b", label="release"),
    ]
    figure.legend(handles=handles, loc="outside lower center", ncol=5, fontsize=8, frameon=False)
    return plan


def build_figure(
    *,
    ws: Workspace,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    today: dt.date | None = None,
) -> Figure:
    """The roadmap timeline (optionally only items overlapping ``start``..``end``)."""
    first = _date(start, "start")
    last = _date(end, "end")
    if first is not None and last is not None and last < first:
        raise UserError("the end date must not be before the start date.")
    items, deps = roadmap.timeline(ws=ws, start=first, end=last)
    lane_order = roadmap.lanes(ws=ws)
    rows = layout(items, lane_order, label_days_per_char(items, None, first, last)).total_rows
    height = min(MAX_HEIGHT, max(4.5, 1.6 + rows * ROW_HEIGHT))
    figure = new_figure(13.0, height)
    draw_on(figure, items, deps, lane_order, start=first, end=last, today=today)
    title = "Roadmap"
    if first or last:
        title += f" {first.isoformat() if first else '…'} to {last.isoformat() if last else '…'}"
    figure.suptitle(title, fontsize=12, x=0.01, ha="left")
    return figure
