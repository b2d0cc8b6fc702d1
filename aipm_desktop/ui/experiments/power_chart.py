"""The Power tab's chart: the smallest detectable effect against the experiment's
duration, with the planned effect and the days it needs marked. Drawn with matplotlib on
any figure (the tab's canvas, an export); no Qt here."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

LINE = "#1565c0"
MARK = "#c0392b"
TEXT = "#323f4b"
MUTED = "#616e7c"
GRID = "#e4e7eb"


@dataclass(frozen=True)
class CurveData:
    """What the chart shows: ``(day, effect)`` points in the unit ``unit`` (points, %
    relative or the metric's units), the planned effect and the days it needs (None
    when unknown), and the traffic it assumes."""

    points: Sequence[tuple[int, float]]
    unit: str
    planned_effect: float | None
    needed_days: int | None
    daily: float


def draw_mde_curve(figure: Figure, data: CurveData | None, empty_text: str = "") -> None:
    """Draw ``data`` on ``figure`` (cleared first); ``empty_text`` when there is none."""
    figure.clear()
    ax = figure.add_subplot(1, 1, 1)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    points = [(d, e) for d, e in (data.points if data is not None else ()) if math.isfinite(e)]
    if data is None or not points:
        ax.set_axis_off()
        ax.text(
            0.5,
            0.5,
            empty_text or "Nothing to chart yet.",
            ha="center",
            va="center",
            wrap=True,
            fontsize=10,
            color=MUTED,
            transform=ax.transAxes,
        )
        return
    days = [d for d, _e in points]
    effects = [e for _d, e in points]
    ax.plot(days, effects, color=LINE, linewidth=1.8)
    if data.planned_effect is not None:
        ax.axhline(data.planned_effect, color=MARK, linewidth=0.9, linestyle="--")
        ax.annotate(
            f"planned MDE {data.planned_effect:.3g}",
            (days[-1], data.planned_effect),
            xytext=(0, 4),
            textcoords="offset points",
            ha="right",
            fontsize=8,
            color=MARK,
        )
    if data.needed_days is not None and days[0] <= data.needed_days <= days[-1]:
        ax.axvline(data.needed_days, color=MARK, linewidth=0.9, linestyle=":")
        ax.annotate(
            f"{data.needed_days} days",
            (data.needed_days, max(effects)),
            xytext=(4, -10),
            textcoords="offset points",
            fontsize=8,
            color=MARK,
        )
    ax.set_xlabel(f"Days at {data.daily:,.0f} eligible units a day", fontsize=9, color=TEXT)
    ax.set_ylabel(f"Detectable effect ({data.unit})", fontsize=9, color=TEXT)
    ax.set_title(
        "The smallest effect the test detects, by how long it runs",
        fontsize=9,
        color=MUTED,
        loc="left",
    )
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=8)
    ax.set_ylim(bottom=0)
    ax.set_xlim(left=0)
