"""Feedback trends as two charts: items per class stacked per period (week or month), and
the largest failure clusters per period as lines, so a cluster that spikes after a model
update stands out.

:func:`draw_feedback_trends` draws on any figure (the GUI's canvas too) from
:func:`~aipm_desktop.services.triage.counts_by_class` and
:func:`~aipm_desktop.services.triage.counts_by_cluster`; :func:`build_figure` reads the
workspace.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..triage.data import CLASS_COLOURS
from . import new_figure
from .incidents import CATEGORY_COLOURS, MUTED, _legend, _stacked, _style

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ...store import Workspace
    from ..triage import TimeCounts

EMPTY_TEXT = (
    "No feedback in these periods.\n"
    "Import tickets under Operations \u25b8 Feedback; their trends show here."
)


def draw_feedback_trends(figure: Figure, by_class: TimeCounts, by_cluster: TimeCounts) -> None:
    """Draw the class and cluster charts on ``figure`` (cleared)."""
    from matplotlib.ticker import MaxNLocator

    figure.clear()
    labels = list(by_class.labels)
    if not any(s.total for s in by_class.series):
        ax = figure.add_subplot()
        ax.set_axis_off()
        ax.text(0.5, 0.5, EMPTY_TEXT, ha="center", va="center", fontsize=11, color=MUTED)
        return
    class_ax, cluster_ax = figure.subplots(1, 2)
    _stacked(
        class_ax,
        labels,
        [
            (s.label, list(s.counts), CLASS_COLOURS.get(s.key, MUTED))
            for s in by_class.series
            if s.total
        ],
        f"Items per class, per {by_class.period}",
    )
    x = list(range(len(labels)))
    top = 0
    for i, series in enumerate(by_cluster.series):
        colour = CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)]
        cluster_ax.plot(
            x, series.counts, marker="o", markersize=3, color=colour, label=series.label
        )
        top = max(top, *series.counts)
    cluster_ax.set_xticks(x, labels)
    cluster_ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    cluster_ax.set_ylim(0, max(top, 1) * 1.2)
    _style(cluster_ax, f"Top clusters, per {by_cluster.period}")
    if by_cluster.series:
        _legend(cluster_ax)
    else:
        cluster_ax.text(
            0.5, 0.5, "No clustered items yet", ha="center", va="center", fontsize=9, color=MUTED
        )
    for ax in (class_ax, cluster_ax):
        ax.tick_params(axis="x", labelrotation=45 if len(labels) > 8 else 0, labelsize=7.5)


def build_figure(*, ws: Workspace, period: str = "month") -> Figure:
    """The feedback trends of ``ws`` per ``period`` (week or month)."""
    from ..triage import counts_by_class, counts_by_cluster

    figure = new_figure(10.0, 5.0)
    draw_feedback_trends(
        figure, counts_by_class(ws=ws, period=period), counts_by_cluster(ws=ws, period=period)
    )
    return figure
