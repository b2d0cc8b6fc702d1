"""KPI charts: one KPI's time series, and small multiples (sparklines) of many KPIs.

:func:`draw_kpi` draws a series with its target line, the warning and critical bands
shaded on the bad side of their thresholds (below them for a higher-is-better KPI, above
them for a lower-is-better one), the baseline dashed, and release / incident markers as
thin vertical lines with small labels. It returns the line and its points for hover.
:func:`draw_sparklines` draws a grid of small series coloured by status with the latest
value. :func:`build_figure` is the chart registered as ``kpi`` (``aipm chart FILE kpi``);
:func:`build_grid_figure` draws the sparklines of every tracked KPI (the KPI page's small
multiples as one figure; not an ``aipm chart`` kind).

matplotlib is imported inside the functions only.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ...errors import UserError
from ...models.enums import KpiDirection
from .. import clock, kpis, records
from . import new_figure, wrap

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ...store import Workspace

#: One colour per KPI status, in the order of :data:`kpis.STATUS_LABELS`.
STATUS_COLORS: dict[str, str] = dict(
    zip(
        kpis.STATUS_LABELS,
        ("#c62828", "#ef8f00", "#6d4c41", "#2e7d32", "#1565c0", "#9e9e9e"),
        strict=True,
    )
)
BAND_COLORS = {"warning": "#ffe9b3", "critical": "#f8c9c4"}
TARGET_COLOR = "#2e7d32"
BASELINE_COLOR = "#757575"
MARKER_COLORS = {"release": "#3949ab", "incident": "#c62828"}
MARKER_STYLES = {"release": "-.", "incident": ":"}
POINT_MARKERS_UP_TO = 120  # draw a dot on every point up to this many points
MARKER_LABEL_CHARS = 30  # a release or incident label wraps at about this many characters
MAX_MARKER_LABELS = 12
EMPTY_TEXT = "No snapshots in this range yet"
SPARK_COLUMNS_MAX = 5
SPARK_NAME_CHARS = 30


def _date_or_none(value: Any, what: str) -> dt.date | None:
    try:
        return records.parse_date(value)
    except ValueError:
        raise UserError(f"{what} {value!r} is not a date; use YYYY-MM-DD.") from None


def _y_limits(values: Sequence[float], status: kpis.KpiStatus) -> tuple[float, float]:
    """A y range showing the data and every threshold line with a margin."""
    levels = [v for v in values if math.isfinite(v)]
    levels += [
        v
        for v in (status.target, status.warning, status.critical, status.baseline)
        if v is not None
    ]
    if not levels:
        return 0.0, 1.0
    low, high = min(levels), max(levels)
    span = high - low or max(abs(high), 1.0)
    return low - 0.08 * span, high + 0.08 * span


def _offset(figure: Figure, dx: float, dy: float) -> Any:
    """A shift by ``(dx, dy)`` inches, to add to a transform."""
    from matplotlib.transforms import ScaledTranslation

    return ScaledTranslation(dx, dy, figure.dpi_scale_trans)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def draw_kpi(
    figure: Figure,
    *,
    dates: Sequence[dt.date],
    values: Sequence[float],
    status: kpis.KpiStatus,
    markers: Sequence[kpis.Marker] = (),
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[str, Any]:
    """Draw one KPI's series on ``figure`` (which should be empty).

    Returns ``{"axes", "line", "points": (x date numbers, values)}``: ``line`` is the
    series' ``Line2D`` and ``points`` what a canvas hit-tests for hover tooltips.
    """
    import matplotlib.dates as mdates
    import numpy as np
    from matplotlib import patheffects

    if start is not None or end is not None:
        kept = [
            (d, v)
            for d, v in zip(dates, values, strict=True)
            if (start is None or d >= start) and (end is None or d <= end)
        ]
        dates = [d for d, _ in kept]
        values = [v for _, v in kept]
    ax = figure.add_subplot()
    x = mdates.date2num(np.asarray(dates, dtype="datetime64[D]")) if dates else np.array([])
    y = np.asarray(values, dtype=float)
    low, high = _y_limits(values, status)
    ax.set_ylim(low, high)

    lower_better = status.direction == KpiDirection.LOWER_IS_BETTER
    bad_edge = high if lower_better else low
    # A band from each threshold to the next one out (or to the bad edge of the axes).
    bands = (("warning", status.warning, status.critical), ("critical", status.critical, None))
    for band, edge, further in bands:
        if edge is not None:
            ax.axhspan(
                edge,
                further if further is not None else bad_edge,
                color=BAND_COLORS[band],
                alpha=0.7,
                lw=0,
                zorder=0,
                label=f"{band.capitalize()} ({kpis.format_value(edge, status.unit)})",
            )
    lines = [
        ("Target", status.target, TARGET_COLOR, 1.4, "-"),
        ("Baseline", status.baseline, BASELINE_COLOR, 1.1, "--"),
    ]
    for name, level, line_color, width, style in lines:
        if level is not None:
            ax.axhline(
                level,
                color=line_color,
                lw=width,
                ls=style,
                zorder=2,
                label=f"{name} {kpis.format_value(level, status.unit)}",
            )

    color = STATUS_COLORS.get(status.status, STATUS_COLORS["no_data"])
    few = len(y) <= POINT_MARKERS_UP_TO
    (line,) = ax.plot(
        x,
        y,
        color=color,
        lw=1.8 if few else 1.0,
        marker="o" if few else None,
        markersize=3.5,
        zorder=4,
        label=status.name,
    )
    if len(y):
        ax.plot([x[-1]], [y[-1]], "o", color=color, markersize=7, zorder=5)
        ax.annotate(
            kpis.format_value(float(y[-1]), status.unit),
            (x[-1], y[-1]),
            xytext=(6, 6),
            textcoords="offset points",
            fontsize=9,
            color=color,
            fontweight="bold",
            zorder=6,
        )
    else:
        ax.text(
            0.5,
            0.5,
            EMPTY_TEXT,
            transform=ax.transAxes,
            ha="center",
            va="center",
            fontsize=11,
            color="#757575",
        )

    left = mdates.date2num(start) if start is not None else (x[0] if len(x) else None)
    right = mdates.date2num(end) if end is not None else (x[-1] if len(x) else None)
    if left is not None and right is not None:
        pad = max((right - left) * 0.02, 1.0)
        ax.set_xlim(left - pad, right + pad)
    shown = [
        m
        for m in markers
        if left is None or right is None or left <= mdates.date2num(m.date) <= right
    ]
    labelled = 0
    for marker in shown:
        mx = mdates.date2num(marker.date)
        ax.axvline(
            mx,
            color=MARKER_COLORS.get(marker.kind, "#555555"),
            ls=MARKER_STYLES.get(marker.kind, "-"),
            lw=1.0,
            zorder=3,
        )
        if labelled < MAX_MARKER_LABELS:
            labelled += 1
            ax.text(
                mx,
                0.98,
                wrap(marker.label, MARKER_LABEL_CHARS),
                transform=ax.get_xaxis_transform() + _offset(figure, 0.03, 0),
                rotation=90,
                ha="left",
                va="top",
                fontsize=7,
                linespacing=1.1,
                color=MARKER_COLORS.get(marker.kind, "#555555"),
                zorder=6,
                path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")],
            )
    for kind, label in (("release", "Release"), ("incident", "Incident")):
        if any(m.kind == kind for m in shown):
            ax.plot(
                [],
                [],
                color=MARKER_COLORS[kind],
                ls=MARKER_STYLES[kind],
                lw=1.0,
                label=label,
            )

    title = status.name + (f" ({status.unit})" if status.unit else "")
    ax.set_ylabel(status.unit or "value")
    ax.grid(True, axis="y", color="#e0e0e0", lw=0.6, zorder=1)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    _fit_to_width(figure, ax, title)
    return {"axes": ax, "line": line, "points": (x, y)}


#: Pixels of figure width per legend column, and per date on the x axis.
LEGEND_COLUMN_PX = 170
DATE_TICK_PX = 70
TITLE_FONT_PT = 12


def _fit_to_width(figure: Figure, ax: Any, title: str) -> None:
    """Lay the legend, the dates and the title out for the figure's width, now and
    whenever the figure is resized (a chart squeezed beside other panes keeps its plot
    instead of giving it to a three-column legend, overlapping dates and a cut title)."""
    import matplotlib.dates as mdates

    def fit(_event: Any = None) -> None:
        width = figure.get_figwidth() * figure.dpi
        columns = max(1, min(3, int(width // LEGEND_COLUMN_PX)))
        legend = ax.get_legend()
        if legend is None or legend._ncols != columns:  # its box is laid out when made
            ax.legend(
                loc="upper center",
                bbox_to_anchor=(0.5, -0.1),
                ncol=columns,
                fontsize=8,
                frameon=False,
            )
        locator = mdates.AutoDateLocator(
            minticks=2, maxticks=max(3, min(9, int(width // DATE_TICK_PX)))
        )
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        char_px = TITLE_FONT_PT * figure.dpi / 72 * 0.62
        room = max(8, int((width - 60) // char_px))
        ax.set_title(
            title if len(title) <= room else title[: room - 1] + "…", fontsize=12, loc="left"
        )

    fit()
    canvas = figure.canvas
    previous = getattr(figure, "_aipm_fit_cid", None)
    if previous is not None:
        canvas.mpl_disconnect(previous)
    figure._aipm_fit_cid = canvas.mpl_connect("resize_event", fit)  # type: ignore[attr-defined]


def draw_sparklines(
    figure: Figure,
    items: Sequence[tuple[kpis.KpiStatus, Sequence[dt.date], Sequence[float]]],
    *,
    columns: int | None = None,
) -> list[Any]:
    """Small multiples: one small series per KPI, coloured by status, latest value shown.

    Lays the axes out by hand (no layout engine, which would be slow with many axes) and
    returns them in the order of ``items``.
    """
    import matplotlib.dates as mdates
    import numpy as np

    figure.set_layout_engine("none")
    if not items:
        figure.text(
            0.5, 0.5, "No KPIs tracked yet", ha="center", va="center", color="#757575", fontsize=11
        )
        return []
    n = len(items)
    cols = columns or max(1, min(SPARK_COLUMNS_MAX, math.ceil(math.sqrt(n))))
    rows = math.ceil(n / cols)
    width, height = figure.get_size_inches()
    # Each cell: a name line and a value line above a small plot; margins in inches.
    head, gap = 0.42, 0.12
    cell = max((height - 0.1) / rows, 0.6)
    plot = max(cell - head - gap, 0.2)
    grid = figure.add_gridspec(
        rows,
        cols,
        left=0.15 / width,
        right=1 - 0.15 / width,
        top=1 - (head + 0.02) / height,
        bottom=0.08 / height,
        wspace=0.18,
        hspace=(head + gap) / plot,
    )
    axes = []
    for index, (status, dates, values) in enumerate(items):
        ax = figure.add_subplot(grid[index // cols, index % cols])
        axes.append(ax)
        color = STATUS_COLORS.get(status.status, STATUS_COLORS["no_data"])
        if len(values):
            x = mdates.date2num(np.asarray(dates, dtype="datetime64[D]"))
            ax.plot(x, values, color=color, lw=1.3)
            ax.plot([x[-1]], [values[-1]], "o", color=color, markersize=3)
        else:
            ax.text(
                0.5,
                0.5,
                "no data",
                transform=ax.transAxes,
                ha="center",
                va="center",
                fontsize=7,
                color="#9e9e9e",
            )
        if status.target is not None:
            ax.axhline(status.target, color=TARGET_COLOR, lw=0.7, ls=":")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.text(
            0.0,
            1.0,
            _shorten(status.name, SPARK_NAME_CHARS),
            transform=ax.transAxes + _offset(figure, 0, 0.2),
            ha="left",
            va="bottom",
            fontsize=8,
            color="#333333",
        )
        latest = kpis.format_value(status.latest_value, status.unit)
        label = kpis.STATUS_LABELS.get(status.status, status.status)
        suffix = " · stale" if status.stale else ""
        ax.text(
            0.0,
            1.0,
            f"{latest}  {label}{suffix}",
            transform=ax.transAxes + _offset(figure, 0, 0.04),
            ha="left",
            va="bottom",
            fontsize=8,
            color=color,
            fontweight="bold",
        )
    return axes


def build_figure(
    *,
    ws: Workspace,
    kpi: int | str | None = None,
    start: dt.date | str | None = None,
    end: dt.date | str | None = None,
    today: dt.date | None = None,
) -> Figure:
    """One KPI's chart (``kpi``: id, name or catalog key; ``start``/``end``: a date range)."""
    if kpi is None or str(kpi).strip() == "":
        names = [row["name"] for row in kpis.kpi_rows(ws=ws)]
        known = ", ".join(repr(n) for n in names[:8]) or "none tracked yet"
        raise UserError(f"name the KPI to chart (--kpi NAME or id); KPIs: {known}.")
    first = _date_or_none(start, "start")
    last = _date_or_none(end, "end")
    if first is not None and last is not None and last < first:
        raise UserError("the end date must not be before the start date.")
    kpi_id = kpis.find_kpi(ws=ws, ref=kpi)
    status = kpis.kpi_status(ws=ws, kpi_id=kpi_id, today=today)
    dates, values = kpis.series(ws=ws, kpi_id=kpi_id, start=first, end=last)
    events = kpis.markers(ws=ws, kpi_id=kpi_id, start=first, end=last)
    figure = new_figure(10.0, 5.5)
    draw_kpi(
        figure, dates=dates, values=values, status=status, markers=events, start=first, end=last
    )
    return figure


def build_grid_figure(
    *, ws: Workspace, weeks: int | str = 26, today: dt.date | None = None
) -> Figure:
    """Sparklines of every tracked KPI over the last ``weeks`` weeks, most urgent first."""
    try:
        span = int(weeks)
    except (TypeError, ValueError):
        raise UserError(f"weeks must be a whole number, not {weeks!r}.") from None
    if span < 1:
        raise UserError("weeks must be at least 1.")
    day = today or clock.today()
    statuses = sorted(
        kpis.status_all(ws=ws, today=day),
        key=lambda s: (kpis.STATUS_ORDER.get(s.status, 99), s.name.casefold()),
    )
    start = day - dt.timedelta(weeks=span)
    items = [(s, *kpis.series(ws=ws, kpi_id=s.kpi_id, start=start)) for s in statuses]
    cols = max(1, min(SPARK_COLUMNS_MAX, math.ceil(math.sqrt(len(items) or 1))))
    rows = math.ceil(max(len(items), 1) / cols)
    figure = new_figure(2.6 * cols + 0.3, 1.3 * rows + 0.1)
    draw_sparklines(figure, items, columns=cols)
    return figure
