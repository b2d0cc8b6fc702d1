"""The 5x5 likelihood x impact risk heat map, inherent or residual, with movement arrows.

Impact runs along x (1 left), likelihood along y (1 at the bottom); cell ``(likelihood,
impact)`` is centred on data point ``(impact, likelihood)`` and spans half a unit each
way, so :func:`cell_at` maps a click in data coordinates back to a cell. Cells are
coloured by the workspace's appetite band for the cell's score under its scoring method
and show how many live (not closed) risks sit there. With ``movement`` every (inherent
cell -> residual cell) pair gets one arrow, thicker the more risks make that move, and
offset a little per pair so overlapping arrows stay visible; the counts then sit in
white badges in the cells' top-left corners, drawn above the arrows, so an arrow never
hides a count. The counts, colours and
arrows come from :func:`aipm_desktop.services.risks.heatmap` and
:func:`~aipm_desktop.services.risks.movements`, the one place scores are derived.

``build_figure`` is the chart registered for ``aipm chart FILE heatmap``.
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from typing import TYPE_CHECKING

from ...errors import NotFoundError
from ...models import UseCase
from .. import risks
from . import new_figure, wrap

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ...store import Workspace

#: The label of the heat-map axes in a figure (``figure.axes`` entry to hit-test).
AXES_LABEL = "heatmap"
EMPTY_CELL_ALPHA = 0.35
FILLED_CELL_ALPHA = 0.9
ARROW_COLOR = "#263238"
ARROW_ZORDER = 4
COUNT_ZORDER = 6  # counts above the arrows
SUBTITLE_WRAP = 100


def cell_at(x: float | None, y: float | None) -> tuple[int, int] | None:
    """The (likelihood, impact) cell under data point (x, y), or None outside the grid."""
    if x is None or y is None:
        return None
    impact, likelihood = math.floor(x + 0.5), math.floor(y + 0.5)
    if 1 <= impact <= 5 and 1 <= likelihood <= 5:
        return likelihood, impact
    return None


def _text_color(hex_color: str) -> str:
    """Black or white, whichever reads better on ``hex_color``."""
    value = hex_color.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    try:
        red, green, blue = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    except ValueError:
        return "#000000"
    luminance = 0.299 * red + 0.587 * green + 0.114 * blue
    return "#000000" if luminance > 150 else "#ffffff"


def _jitter(key: str) -> tuple[float, float]:
    """A small, deterministic offset for ``key`` (the same figure every time), kept
    clear of the cells' top-left corners where the counts are."""
    digest = zlib.crc32(key.encode("utf-8"))
    dx = -0.1 + 0.35 * (digest & 0xFFFF) / 0xFFFF
    dy = 0.1 - 0.35 * ((digest >> 16) & 0xFFFF) / 0xFFFF
    return dx, dy


def _use_case_title(ws: Workspace, use_case_id: int) -> str:
    with ws.session() as session:
        use_case = session.get(UseCase, use_case_id)
    if use_case is None:
        raise NotFoundError(f"No use case with id {use_case_id}.")
    return use_case.title


def draw_grid(
    ax: Axes,
    data: risks.HeatmapData,
    *,
    selected: tuple[int, int] | None = None,
    corner_counts: bool = False,
) -> None:
    """Draw the coloured 5x5 grid with counts and level names on ``ax``.

    ``corner_counts`` puts the counts in the cells' top-left corners (room for arrows).
    """
    from matplotlib.patches import Rectangle

    for likelihood in range(1, 6):
        for impact in range(1, 6):
            count = data.counts[likelihood - 1][impact - 1]
            color = data.colors[(likelihood, impact)]
            ax.add_patch(
                Rectangle(
                    (impact - 0.5, likelihood - 0.5),
                    1,
                    1,
                    facecolor=color,
                    alpha=FILLED_CELL_ALPHA if count else EMPTY_CELL_ALPHA,
                    edgecolor="white",
                    linewidth=2,
                )
            )
            if count and corner_counts:  # a badge above the arrows, clear of their heads
                ax.text(
                    impact - 0.42,
                    likelihood + 0.4,
                    f"{count:,}",
                    ha="left",
                    va="top",
                    fontsize=10,
                    fontweight="bold",
                    color="#1f2933",
                    zorder=COUNT_ZORDER,
                    bbox={
                        "boxstyle": "round,pad=0.25",
                        "facecolor": "white",
                        "edgecolor": "#90a4ae",
                        "linewidth": 0.6,
                    },
                )
            elif count:
                ax.text(
                    impact,
                    likelihood,
                    f"{count:,}",
                    ha="center",
                    va="center",
                    fontsize=13 if count < 1000 else 11,
                    fontweight="bold",
                    color=_text_color(color),
                )
    if selected is not None:
        likelihood, impact = selected
        ax.add_patch(
            Rectangle(
                (impact - 0.5, likelihood - 0.5),
                1,
                1,
                fill=False,
                edgecolor="#1565c0",
                linewidth=3,
                zorder=5,
            )
        )
    ax.set_xlim(0.5, 5.5)
    ax.set_ylim(0.5, 5.5)
    ax.set_aspect("equal")
    ax.set_xticks(range(1, 6))
    ax.set_yticks(range(1, 6))
    ax.set_xticklabels([f"{i}\n{name}" for i, name in enumerate(risks.IMPACT_NAMES, 1)])
    ax.set_yticklabels([f"{name} {i}" for i, name in enumerate(risks.LIKELIHOOD_NAMES, 1)])
    ax.tick_params(length=0, labelsize=9)
    ax.set_xlabel("Impact", fontsize=10, labelpad=6)
    ax.set_ylabel("Likelihood", fontsize=10, labelpad=6)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)


def draw_movements(ax: Axes, moves: list[risks.Movement]) -> int:
    """Draw one arrow per (inherent cell -> residual cell) pair, thicker for more risks
    (relative to the busiest pair); returns how many arrows."""
    from matplotlib import patheffects
    from matplotlib.patches import FancyArrowPatch

    pairs = Counter((m.inherent, m.residual) for m in moves if m.inherent != m.residual)
    most = max(pairs.values(), default=1)
    for (start, end), count in sorted(pairs.items()):
        dx, dy = _jitter(f"{start}->{end}")
        width = 1.2 + 2.8 * (math.log1p(count) / math.log1p(most) if most > 1 else 0.0)
        ax.add_patch(
            FancyArrowPatch(
                (start[1] + dx, start[0] + dy),
                (end[1] + dx, end[0] + dy),
                arrowstyle="-|>",
                mutation_scale=10 + 2 * width,
                linewidth=width,
                color=ARROW_COLOR,
                alpha=0.85,
                shrinkA=2,
                shrinkB=2,
                zorder=ARROW_ZORDER,
                path_effects=[patheffects.withStroke(linewidth=width + 2.5, foreground="white")],
            )
        )
    return len(pairs)


def draw_legend(ax: Axes, data: risks.HeatmapData) -> None:
    from matplotlib.patches import Patch

    handles = [
        Patch(facecolor=band.color, edgecolor="none", label=band.label) for band in data.bands
    ]
    ax.legend(
        handles=handles,
        # On two lines: one line was wider than the bands and ran off a narrow figure.
        title=f"Appetite\n({risks.METHODS.get(data.method, data.method)})",
        loc="upper left",
        bbox_to_anchor=(1.02, 1.0),
        frameon=False,
        fontsize=9,
        title_fontsize=9,
        alignment="left",
    )


def build_figure(
    *,
    ws: Workspace,
    residual: bool = False,
    use_case_id: int | None = None,
    movement: bool = False,
    selected: tuple[int, int] | None = None,
    include_closed: bool = False,
    width: float = 9.0,
    height: float = 6.5,
) -> Figure:
    """The heat map figure: inherent (default) or ``residual`` exposure, for the whole
    portfolio or the risks linked to ``use_case_id``; ``movement`` draws the arrows
    from inherent to residual cells over the residual counts."""
    scope = _use_case_title(ws, use_case_id) if use_case_id is not None else "Portfolio"
    data = risks.heatmap(
        ws=ws,
        residual=residual or movement,
        use_case_id=use_case_id,
        include_closed=include_closed,
    )
    figure = new_figure(width, height)
    ax = figure.add_subplot(1, 1, 1, label=AXES_LABEL)
    draw_grid(ax, data, selected=selected, corner_counts=movement)
    if movement:
        title = "Risk movement: inherent to residual"
        moves = risks.movements(ws=ws, use_case_id=use_case_id, include_closed=include_closed)
        arrows = draw_movements(ax, moves)
        detail = (
            f"{arrows} move{'s' if arrows != 1 else ''} drawn; counts show residual cells"
            if arrows
            else "No risk has moved to another cell yet"
        )
    else:
        title = "Residual risk" if residual else "Inherent risk"
        detail = ""
    total = data.total
    noun = "live risk" if total == 1 else "live risks"
    subtitle = f"{scope} · {total:,} {noun}"
    if detail:
        subtitle += f" · {detail}"
    if not total:
        subtitle += " · add risks to see them here"
    subtitle = wrap(subtitle, SUBTITLE_WRAP)
    lines = subtitle.count("\n") + 1
    ax.set_title(title + "\n" * lines, fontsize=14, fontweight="bold", loc="left")
    ax.text(0.0, 1.02, subtitle, transform=ax.transAxes, fontsize=9, color="#546e7a", va="bottom")
    draw_legend(ax, data)
    return figure
