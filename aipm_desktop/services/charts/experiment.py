"""Experiment chart: how the lift built up, and what each arm did day by day.

Top: each treatment's cumulative lift over the control on one metric (relative, in %,
on all results up to each day) with its (1 - alpha) interval as a band and a line at
zero; the interval is the fixed-horizon one of that day, so it is not corrected for
looking every day (the readout's peeking answer is). Bottom: each arm's daily value (the
day's rate or mean). The series come from
:func:`~aipm_desktop.services.experiments.cumulative`; :func:`draw_experiment` draws them
on any figure (the GUI's canvas too), :func:`build_figure` is
``aipm chart FILE experiment --experiment NAME [--metric METRIC]``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from . import new_figure, wrap

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ...store import Workspace
    from ..experiments import CumulativeReadout

#: Control first, then the treatments.
ARM_COLOURS = ("#616e7c", "#1565c0", "#c0392b", "#2e9d5b", "#8e44ad")
TEXT_COLOUR = "#323f4b"
MUTED = "#616e7c"
GRID = "#e4e7eb"
TITLE_CHARS = 70


def style_axes(ax: object) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)  # type: ignore[attr-defined]
    ax.grid(axis="y", color=GRID, linewidth=0.6)  # type: ignore[attr-defined]
    ax.set_axisbelow(True)  # type: ignore[attr-defined]
    ax.tick_params(labelsize=8)  # type: ignore[attr-defined]


def _dates(ax: object) -> None:
    import matplotlib.dates as mdates

    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=8))  # type: ignore[attr-defined]
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%d %b %Y"))  # type: ignore[attr-defined]


def draw_experiment(figure: Figure, data: CumulativeReadout) -> None:
    """Draw the cumulative lift and the arms' daily values of ``data`` on ``figure``
    (cleared first)."""
    figure.clear()
    metric = data.metric
    level = f"{(1 - data.alpha) * 100:g}%"
    figure.suptitle(
        wrap(f"{data.title}: {metric.name}", TITLE_CHARS),
        fontsize=11,
        color=TEXT_COLOUR,
    )
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(3, 2))
    drawn = [s for s in data.lifts if s.days]
    if not drawn:
        top.set_axis_off()
        bottom.set_axis_off()
        top.text(
            0.5,
            0.5,
            "No results to chart yet: import the experiment's results first.",
            ha="center",
            va="center",
            fontsize=11,
            color=MUTED,
            transform=top.transAxes,
        )
        return
    relative = all(s.relative for s in drawn)
    scale = 100.0 if relative or metric.kind == "proportion" else 1.0
    for index, series in enumerate(drawn, start=1):
        colour = ARM_COLOURS[index % len(ARM_COLOURS)]
        lift = [v * scale for v in series.lift]
        top.fill_between(
            series.days,
            [v * scale for v in series.low],
            [v * scale for v in series.high],
            color=colour,
            alpha=0.15,
            linewidth=0,
        )
        top.plot(series.days, lift, color=colour, linewidth=1.8, label=series.treatment)
        last = lift[-1]
        top.annotate(
            f"{last:+.1f}%" if relative else f"{last:+.3g}",
            (series.days[-1], last),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
            color=colour,
        )
    top.axhline(0, color=TEXT_COLOUR, linewidth=0.8)
    if relative:
        what = "Relative lift over the control (%)"
    elif metric.kind == "proportion":
        what = "Lift over the control (points)"
    else:
        what = "Lift over the control"
    top.set_ylabel(wrap(what, 28), fontsize=9, color=TEXT_COLOUR)
    top.set_title(
        f"Cumulative lift with its {level} interval (shaded; not corrected for daily looks)",
        fontsize=9,
        color=MUTED,
        loc="left",
    )
    top.legend(fontsize=8, frameon=False, loc="upper left")
    style_axes(top)
    value_scale = 100.0 if metric.kind == "proportion" else 1.0
    for index, arm in enumerate(data.arms):
        values = [v * value_scale if math.isfinite(v) else math.nan for v in arm.values]
        bottom.plot(
            arm.days,
            values,
            color=ARM_COLOURS[index % len(ARM_COLOURS)],
            linewidth=1.2,
            marker="o" if len(arm.days) <= 60 else None,
            markersize=2.5,
            label=arm.name + (" (control)" if index == 0 else ""),
        )
    unit = "Daily rate (%)" if metric.kind == "proportion" else "Daily mean"
    bottom.set_ylabel(wrap(unit, 28), fontsize=9, color=TEXT_COLOUR)
    bottom.set_title("Each arm's value, day by day", fontsize=9, color=MUTED, loc="left")
    bottom.legend(fontsize=8, frameon=False, loc="best")
    style_axes(bottom)
    _dates(bottom)


def build_figure(
    *, ws: Workspace, experiment: str | int | None = None, metric: str | None = None
) -> Figure:
    """The chart of the experiment ``experiment`` (its title or id) on ``metric``
    (default: its primary metric)."""
    from ...errors import UserError
    from ..experiments import cumulative, find_experiment

    if experiment is None:
        raise UserError("the experiment chart needs the experiment: --experiment TITLE (or id).")

    data = cumulative(ws=ws, experiment_id=find_experiment(ws=ws, ref=experiment), metric=metric)
    figure = new_figure(9.0, 7.0)
    draw_experiment(figure, data)
    return figure
