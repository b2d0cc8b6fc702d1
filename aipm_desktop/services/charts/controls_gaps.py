"""Control coverage of one catalog: one bar per use case (and the workspace level).

Each bar counts the controls that apply: covered (implemented or verified, with current
evidence) in green, then the missing ones by priority (high red, medium amber, low
grey); the coverage % is written at the bar's end. The figures come from
:func:`~aipm_desktop.services.controls.gap_overview`; :func:`draw_gaps` draws them on any
figure (the GUI's canvas too), :func:`build_figure` is ``aipm chart FILE controls-gaps``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import new_figure, wrap

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ...store import Workspace
    from ..controls import GapReport

#: Segment name, colour: covered first, then missing by priority.
SEGMENTS = (
    ("covered", "#2e9d5b"),
    ("high", "#c0392b"),
    ("medium", "#e59c26"),
    ("low", "#9aa5b1"),
)
TEXT_COLOUR = "#323f4b"
MUTED = "#616e7c"
MAX_BARS = 25


def draw_gaps(figure: Figure, reports: Sequence[GapReport], *, title: str) -> None:
    """Draw the coverage bars of ``reports`` on ``figure`` (cleared first)."""
    figure.clear()
    ax = figure.add_subplot()
    shown = list(reports)[:MAX_BARS]
    if not shown:
        ax.set_axis_off()
        ax.text(
            0.5,
            0.5,
            "No control of this catalog applies yet: run the AI Act tier check "
            "or apply controls to a use case.",
            ha="center",
            va="center",
            wrap=True,
            fontsize=11,
            color=MUTED,
        )
        figure.suptitle(title, fontsize=11, color=TEXT_COLOUR)
        return
    shown.reverse()  # the first scope on top
    widest = max(r.applicable for r in shown)
    for y, rep in enumerate(shown):
        by = rep.missing_by_priority()
        left = 0
        for name, colour in SEGMENTS:
            count = rep.covered if name == "covered" else by.get(name, 0)
            if count:
                ax.barh(y, count, left=left, height=0.6, color=colour)
                left += count
        pct = "-" if rep.coverage_pct is None else f"{rep.coverage_pct:.0f} %"
        ax.annotate(
            f"{pct} ({rep.covered}/{rep.applicable})",
            (left, y),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
            color=TEXT_COLOUR,
        )
    ax.set_yticks(range(len(shown)))
    ax.set_yticklabels([wrap(r.use_case, 28) for r in shown], fontsize=8)
    ax.set_xlim(0, widest * 1.3 + 1)
    ax.set_xlabel("Controls that apply", fontsize=9, color=TEXT_COLOUR)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="x", labelsize=8)
    from matplotlib.patches import Patch
    from matplotlib.ticker import MaxNLocator

    handles = [
        Patch(color=c, label=label)
        for label, c in (
            ("covered", SEGMENTS[0][1]),
            ("missing: high", SEGMENTS[1][1]),
            ("missing: medium", SEGMENTS[2][1]),
            ("missing: low", SEGMENTS[3][1]),
        )
    ]
    ax.legend(
        handles=handles,
        fontsize=8,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.16),
        ncol=len(handles),
        frameon=False,
    )
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    figure.suptitle(title, fontsize=11, color=TEXT_COLOUR)


def build_figure(
    *, ws: Workspace, catalog: str | int = "eu_ai_act", today: dt.date | None = None
) -> Figure:
    """The coverage chart of ``catalog`` (key, name or id; default the EU AI Act)."""
    from ..controls import find_catalog, gap_overview

    catalog_id = find_catalog(ws=ws, ref=catalog)
    reports = gap_overview(ws=ws, catalog_id=catalog_id, today=today)
    name = (
        f"{reports[0].catalog}, version {reports[0].catalog_version}" if reports else str(catalog)
    )
    height = max(3.5, 1.2 + 0.45 * min(len(reports), MAX_BARS))
    figure = new_figure(9.0, height)
    draw_gaps(figure, reports, title=f"Control coverage: {name}")
    return figure
