"""Radar chart: candidates side by side on the scorecard dimensions (mean rating, 1-4).

A candidate with a red flag is marked in the legend, whatever the score.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ...store import Workspace

COLOURS = ("#2f6fd6", "#e07b00", "#2e9d5b", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d")
RED_FLAG_MARK = "red flag"


def build_figure(*, ws: Workspace, candidate_ids: Sequence[int] | None = None) -> Figure:
    """Each candidate's per-dimension mean rating as one polygon on a 1-4 radar."""
    from ..interviews import LEVELS, comparison

    data = comparison(ws=ws, candidate_ids=candidate_ids)
    figure = new_figure(9.0, 6.0)
    rated = [c for c in data.candidates if any(d.ratings for d in c.dimensions)]
    if not data.dimensions or not rated:
        ax = figure.add_subplot()
        ax.set_axis_off()
        ax.text(
            0.5,
            0.5,
            "No ratings yet.\nRate a candidate in Interview mode to compare them here.",
            ha="center",
            va="center",
            fontsize=12,
            color="#616e7c",
        )
        return figure

    count = len(data.dimensions)
    angles = [2 * math.pi * i / count for i in range(count)]
    from matplotlib.projections.polar import PolarAxes  # loaded by add_subplot anyway

    ax = figure.add_subplot(projection="polar")
    assert isinstance(ax, PolarAxes)
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_ylim(0, LEVELS[-1])
    ax.set_yticks(list(LEVELS))
    ax.set_yticklabels([str(level) for level in LEVELS], fontsize=8, color="#7b8794")
    ax.set_xticks(angles)
    ax.set_xticklabels([textwrap.fill(name, 18) for _key, name, _w in data.dimensions], fontsize=9)
    ax.tick_params(axis="x", pad=12)
    ax.set_rlabel_position(180 / count)
    ax.grid(color="#d9dee4")
    ax.spines["polar"].set_color("#cbd2d9")
    for index, cand in enumerate(rated):
        values = []
        for key, _name, _weight in data.dimensions:
            dim = cand.dimension(key)
            mean = dim.mean if dim is not None else None
            values.append(float("nan") if mean is None else mean)
        colour = COLOURS[index % len(COLOURS)]
        label = cand.name
        if cand.score is not None:
            label += f" ({cand.percent:.0f}%)"
        if cand.red_flags:
            label += f" - {RED_FLAG_MARK}"
        closed_angles = [*angles, angles[0]]
        closed = [*values, values[0]]
        ax.plot(closed_angles, closed, color=colour, linewidth=2, label=label)
        ax.fill(
            closed_angles, [0 if math.isnan(v) else v for v in closed], color=colour, alpha=0.08
        )
        ax.scatter(angles, values, color=colour, s=18, zorder=3)
    legend = figure.legend(loc="outside right upper", fontsize=9, frameon=False)
    for text in legend.get_texts():
        if text.get_text().endswith(RED_FLAG_MARK):
            text.set_color("#c62828")
    ax.set_title("Mean rating per dimension (1-4)", fontsize=11, color="#323f4b", pad=18)
    return figure
