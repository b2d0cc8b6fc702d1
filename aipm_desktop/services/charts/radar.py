"""Radar chart: candidates side by side on the scorecard dimensions (mean rating, 1-4).

A candidate with a red flag is marked in the legend, whatever the score. Dimension names
sit outside the outer ring, wrapped, aligned away from the centre by where their spoke
points (right side: left-aligned, left side: right-aligned, top and bottom: centred), and
pushed further out until no two names overlap. :class:`RadarLayout` sizes the ring so the
names, the title and the legend fit the figure at any size (matplotlib's constrained
layout cannot: the ring keeps its aspect inside a wider box).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from matplotlib.layout_engine import LayoutEngine

from . import new_figure, text_size, wrap

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ...store import Workspace

COLOURS = ("#2f6fd6", "#e07b00", "#2e9d5b", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d")
RED_FLAG_MARK = "red flag"
TITLE = "Mean rating per dimension (1-4)"
NAME_WRAP = 18
NAME_FONT_PT = 9
NAME_GAP = 0.1  # names start this share of the radius outside the outer ring
NAME_STEP = 0.06  # a name that overlaps another moves out by this share, step by step
MARGIN_IN = 0.12
TITLE_IN = 0.42  # the band at the top for the title


def _alignment(angle: float) -> tuple[str, str]:
    """(ha, va) for a name at ``angle`` (clockwise from the top): away from the centre."""
    x, y = math.sin(angle), math.cos(angle)
    ha = "center" if abs(x) < 0.2 else "left" if x > 0 else "right"
    va = "center" if abs(y) < 0.35 else "bottom" if y > 0 else "top"
    return ha, va


class RadarLayout(LayoutEngine):
    """Places the ring (as big as fits), the title above it and the legend at its right,
    and spreads the dimension names around the ring (see :func:`spread_names`) so they
    stay apart and inside the figure at any size; ``rect`` (figure fractions: left,
    bottom, width, height) is the part of the figure to use."""

    _adjust_compatible = False
    _colorbar_gridspec = False

    def __init__(self, names: Sequence[tuple[float, str, float, float]]) -> None:
        """``names``: (angle, text, width, height in inches) of each dimension name."""
        super().__init__()
        self._params: dict[str, Any] = {"rect": (0.0, 0.0, 1.0, 1.0)}
        self.names = list(names)
        self.texts: list[Any] = []  # the name artists, moved out when they would overlap

    def set(self, *, rect: tuple[float, float, float, float] | None = None) -> None:
        if rect is not None:
            self._params["rect"] = tuple(rect)

    def execute(self, fig: Any) -> None:
        width, height = fig.get_size_inches()
        left, bottom, w, h = self._params["rect"]
        box_x0, box_y0 = left * width + MARGIN_IN, bottom * height + MARGIN_IN
        box_x1 = (left + w) * width - MARGIN_IN
        box_y1 = (bottom + h) * height - MARGIN_IN
        for text in fig.texts:
            if text.get_gid() == "radar-title":
                text.set_position((box_x0 / width, box_y1 / height))
        legend_w = 0.0
        for legend in fig.legends:
            legend_w = legend.get_window_extent().width / fig.dpi
            legend.set_bbox_to_anchor((box_x1 / width, (box_y1 - TITLE_IN) / height))
        room_w = max(box_x1 - box_x0 - legend_w - MARGIN_IN, 0.5)
        room_h = max(box_y1 - box_y0 - TITLE_IN, 0.5)
        diameter = min(room_w, room_h)
        while True:
            shares = spread_names(self.names, diameter)
            x0, y0, x1, y1 = _extent(self.names, shares, diameter)
            if diameter <= 0.4 or (x1 - x0 <= room_w and y1 - y0 <= room_h):
                break
            diameter *= 0.97
        centre_x = box_x0 + (room_w - (x1 - x0)) / 2 - x0
        centre_y = box_y0 + (room_h - (y1 - y0)) / 2 - y0
        for ax in fig.axes:
            ax.set_position(
                (
                    (centre_x - diameter / 2) / width,
                    (centre_y - diameter / 2) / height,
                    diameter / width,
                    diameter / height,
                )
            )
            top = ax.get_ylim()[1]
            for text, (angle, _name, _w, _h), share in zip(
                self.texts, self.names, shares, strict=False
            ):
                text.set_position((angle, top * share))


def _box(
    name: tuple[float, str, float, float], share: float, radius: float
) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of a name ``share`` radii out, around the ring's centre."""
    angle, _text, width, height = name
    ha, va = _alignment(angle)
    x = radius * share * math.sin(angle)
    y = radius * share * math.cos(angle)
    left = {"left": x, "right": x - width, "center": x - width / 2}[ha]
    bottom = {"bottom": y, "top": y - height, "center": y - height / 2}[va]
    return left, bottom, left + width, bottom + height


def spread_names(names: Sequence[tuple[float, str, float, float]], diameter: float) -> list[float]:
    """How far out (in radii) each name goes on a ring ``diameter`` inches across: just
    outside the ring, or further out, step by step, where it would overlap a name placed
    before it."""
    radius = diameter / 2
    placed: list[tuple[float, float, float, float]] = []
    shares: list[float] = []
    for name in names:
        share = 1 + NAME_GAP
        box = _box(name, share, radius)
        for _step in range(12):
            if not any(
                box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]
                for other in placed
            ):
                break
            share += NAME_STEP
            box = _box(name, share, radius)
        placed.append(box)
        shares.append(share)
    return shares


def _extent(
    names: Sequence[tuple[float, str, float, float]], shares: Sequence[float], diameter: float
) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of the ring and its names, around the ring's centre."""
    radius = diameter / 2
    x0, y0, x1, y1 = -radius, -radius, radius, radius
    for name, share in zip(names, shares, strict=True):
        left, bottom, right, top = _box(name, share, radius)
        x0, y0, x1, y1 = min(x0, left), min(y0, bottom), max(x1, right), max(y1, top)
    return x0, y0, x1, y1


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
    ax.set_xticklabels([])  # the names are placed by hand, below
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
            label += f" ({cand.score:.2f})"
        if cand.red_flags:
            label += f" - {RED_FLAG_MARK}"
        closed_angles = [*angles, angles[0]]
        closed = [*values, values[0]]
        ax.plot(closed_angles, closed, color=colour, linewidth=2, label=label)
        ax.fill(
            closed_angles, [0 if math.isnan(v) else v for v in closed], color=colour, alpha=0.08
        )
        ax.scatter(angles, values, color=colour, s=18, zorder=3)
    legend = figure.legend(
        loc="upper right", fontsize=9, frameon=False, title="Score (1-4)", title_fontsize=9
    )
    for entry in legend.get_texts():
        if entry.get_text().endswith(RED_FLAG_MARK):
            entry.set_color("#c62828")
    figure.text(
        0.0, 1.0, TITLE, ha="left", va="top", fontsize=11, color="#323f4b", gid="radar-title"
    )
    names = []
    for angle, (_key, name, _weight) in zip(angles, data.dimensions, strict=True):
        text = wrap(name, NAME_WRAP)
        width, height = text_size(text, NAME_FONT_PT)
        names.append((angle, text, width / 72 + 0.02, height / 72 + 0.02))
    engine = RadarLayout(names)
    figure.set_layout_engine(engine)
    for index, (angle, text, _width, _height) in enumerate(names, start=1):
        ha, va = _alignment(angle)
        engine.texts.append(
            ax.text(
                angle,
                LEVELS[-1] * (1 + NAME_GAP),
                text,
                ha=ha,
                va=va,
                fontsize=NAME_FONT_PT,
                color="#1f2933",
                linespacing=1.2,
                clip_on=False,
                gid=f"radar-dimension-{index}",  # SVG ids are unique in a file
            )
        )
    return figure
