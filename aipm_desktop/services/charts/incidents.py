"""Incident figures per quarter as four small charts.

Top left, the incidents detected each quarter stacked by severity (SEV1 darkest red);
top right, the same stacked by failure category (the categories that occur); bottom
left, the hours from detection to acknowledgement and to mitigation (bars: median; a
dark tick: p90, linear interpolation as ``incidents.stats`` defines it); bottom right,
the share of each quarter's incidents with a completed post-incident review.

:func:`draw_incident_figures` draws on any figure (the GUI's canvas too) from
:func:`~aipm_desktop.services.incidents.quarterly.quarterly_stats`; :func:`build_figure`
reads the workspace.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ...errors import UserError
from ..incidents.quarterly import DEFAULT_QUARTERS, MAX_QUARTERS
from . import new_figure, text_size

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ...store import Workspace
    from ..incidents import IncidentStats

SEVERITY_COLOURS = {"sev1": "#8e1b1b", "sev2": "#d84315", "sev3": "#f9a825", "sev4": "#90a4ae"}
CATEGORY_COLOURS = (
    "#3b7ddd",
    "#c62828",
    "#f57c00",
    "#7b1fa2",
    "#00897b",
    "#5d4037",
    "#c2185b",
    "#689f38",
    "#455a64",
    "#fbc02d",
)
ACK_COLOUR = "#64b5f6"
MITIGATE_COLOUR = "#1565c0"
P90_COLOUR = "#263238"
REVIEW_COLOUR = "#2e7d32"
TEXT_COLOUR = "#323f4b"
MUTED = "#616e7c"
EMPTY_TEXT = (
    "No incidents detected in these quarters.\n"
    "Log incidents under Operations \u25b8 Incidents; their figures show here."
)


def _style(ax: Axes, title: str) -> None:
    ax.set_title(title, fontsize=10, color=TEXT_COLOUR, loc="left")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8, colors=TEXT_COLOUR)
    ax.grid(axis="y", color="#e4e7eb", linewidth=0.6)
    ax.set_axisbelow(True)


LEGEND_PT = 7
#: Room left above the highest bar (its label, the p90 tick).
HEADROOM = 1.2


def _legend(ax: Axes) -> None:
    """The legend under the chart's quarter labels, so it never covers a bar (the layout
    makes room for it), in as many columns as fit the chart's width."""
    handles, names = ax.get_legend_handles_labels()
    if not names:
        return
    if "p90" in names[0]:  # the median bars first, then the p90 tick that goes with them
        handles, names = handles[1:] + handles[:1], names[1:] + names[:1]
    figure = ax.get_figure(root=True)
    assert figure is not None
    # Half the figure's width less the margins: what one of the 2 x 2 charts gets.
    room = figure.get_size_inches()[0] * 72 * 0.5 * 0.75
    entry = max(text_size(name, LEGEND_PT)[0] for name in names) + 26
    ax.legend(
        handles,
        names,
        fontsize=LEGEND_PT,
        frameon=False,
        loc="upper left",
        bbox_to_anchor=(0.0, -0.1),
        ncols=max(1, min(len(names), int(room // entry))),
        columnspacing=1.0,
        handlelength=1.2,
        borderaxespad=0.0,
    )


def _stacked(
    ax: Axes, labels: list[str], series: list[tuple[str, list[int], str]], title: str
) -> None:
    from matplotlib.ticker import MaxNLocator

    x = range(len(labels))
    bottom = [0] * len(labels)
    for name, values, colour in series:
        ax.bar(x, values, 0.6, bottom=bottom, color=colour, label=name)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_xticks(list(x), labels)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(0, max(max(bottom, default=0), 1) * HEADROOM)
    _style(ax, title)
    if series:
        _legend(ax)


def draw_incident_figures(figure: Figure, stats: Sequence[IncidentStats]) -> None:
    """Draw the four charts of ``stats`` (oldest quarter first) on ``figure`` (cleared)."""
    figure.clear()
    labels = [s.quarter for s in stats]
    if not stats or not any(s.total for s in stats):
        ax = figure.add_subplot()
        ax.set_axis_off()
        ax.text(0.5, 0.5, EMPTY_TEXT, ha="center", va="center", fontsize=11, color=MUTED)
        return
    (sev_ax, cat_ax), (time_ax, review_ax) = figure.subplots(2, 2)
    severities = list(dict.fromkeys(k for s in stats for k in s.by_severity))
    _stacked(
        sev_ax,
        labels,
        [
            (
                sev.upper(),
                [s.by_severity.get(sev, 0) for s in stats],
                SEVERITY_COLOURS.get(sev, MUTED),
            )
            for sev in severities
            if any(s.by_severity.get(sev, 0) for s in stats)
        ],
        "By severity",
    )
    categories = [
        name
        for name in dict.fromkeys(k for s in stats for k in s.by_category)
        if any(s.by_category.get(name, 0) for s in stats)
    ]
    _stacked(
        cat_ax,
        labels,
        [
            (
                name,
                [s.by_category.get(name, 0) for s in stats],
                CATEGORY_COLOURS[i % len(CATEGORY_COLOURS)],
            )
            for i, name in enumerate(categories)
        ],
        "By failure category",
    )
    _durations(time_ax, labels, stats)
    _reviews(review_ax, labels, stats)


def _durations(ax: Axes, labels: list[str], stats: Sequence[IncidentStats]) -> None:
    width = 0.36
    top = 0.0
    for offset, attribute, colour, name in (
        (-width / 2, "acknowledge", ACK_COLOUR, "acknowledge"),
        (width / 2, "mitigate", MITIGATE_COLOUR, "mitigate"),
    ):
        medians = [getattr(s, attribute).median_hours for s in stats]
        p90s = [getattr(s, attribute).p90_hours for s in stats]
        xs = [i + offset for i in range(len(stats))]
        ax.bar(xs, [m or 0 for m in medians], width, color=colour, label=name)
        points = [(x, p) for x, p in zip(xs, p90s, strict=True) if p is not None]
        if points:
            ax.scatter(
                [x for x, _p in points],
                [p for _x, p in points],
                marker="_",
                s=160,
                linewidths=2,
                color=P90_COLOUR,
                label="p90 (bars: median)" if attribute == "mitigate" else None,
                zorder=3,
            )
        top = max([top, *(m or 0 for m in medians), *(p or 0 for p in p90s)])
    ax.set_xticks(list(range(len(labels))), labels)
    ax.set_ylim(0, max(top, 1) * HEADROOM)
    ax.set_ylabel("hours from detection", fontsize=8, color=TEXT_COLOUR)
    _style(ax, "Hours to acknowledge, to mitigate")
    _legend(ax)


def _reviews(ax: Axes, labels: list[str], stats: Sequence[IncidentStats]) -> None:
    shares = [s.share_reviewed for s in stats]
    x = list(range(len(labels)))
    ax.bar(x, [100 * (v or 0) for v in shares], 0.6, color=REVIEW_COLOUR)
    for i, (share, s) in enumerate(zip(shares, stats, strict=True)):
        text = "no incidents" if share is None else f"{share:.0%}\n{s.reviewed} of {s.total}"
        ax.annotate(
            text,
            (i, 100 * (share or 0)),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=7.5,
            color=MUTED,
        )
    ax.set_xticks(x, labels)
    ax.set_ylim(0, 130)
    ax.set_yticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    _style(ax, "Review completed")


def build_figure(
    *, ws: Workspace, quarters: int | None = DEFAULT_QUARTERS, today: dt.date | None = None
) -> Figure:
    """The incident figures of the last ``quarters`` quarters of ``ws`` up to the one of
    ``today`` (None: every quarter since the first incident, as the Figures tab's "Since
    the first incident"); a count outside 1-16 is refused."""
    from ..incidents.quarterly import quarterly_stats

    if quarters is not None and not 1 <= int(quarters) <= MAX_QUARTERS:
        raise UserError(f"--quarters takes 1 to {MAX_QUARTERS}, not {quarters}.")
    figure = new_figure(10.0, 7.0)
    draw_incident_figures(figure, quarterly_stats(ws=ws, count=quarters, today=today))
    return figure
