"""Agreement chart: how consistently the interview panel scores, per dimension.

Left, one row per scorecard dimension (and the overall figure at the bottom):
Krippendorff's alpha (ordinal) and ICC(2,1), each a dot with its 95 % interval, against
a dashed line at alpha = 0.667 (below it agreement is poor; those names are drawn red).
Right, on the same rows, each interviewer's mean offset from the rest of the panel (a
diverging heat map: red rates high, blue rates low, the value written in each cell).
:func:`draw_agreement` draws on any figure (the GUI's canvas); :func:`build_figure`
computes the figures from a workspace.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import new_figure, wrap

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ...store import Workspace
    from ..interviews.agreement import Agreement

ALPHA_COLOUR = "#2f6fd6"
ICC_COLOUR = "#e07b00"
POOR_COLOUR = "#b71c1c"
TEXT_COLOUR = "#323f4b"
MUTED = "#616e7c"
OFFSET_LIMIT = 1.5  # levels: the ends of the offset colour scale
NAME_WRAP = 22
ALPHA = "\u03b1"


def draw_agreement(figure: Figure, data: Agreement) -> None:
    """Draw the agreement of ``data`` on ``figure`` (cleared first)."""
    from ..interviews.agreement import POOR_ALPHA, offset_text

    figure.clear()
    if data.empty:
        figure.text(
            0.5,
            0.5,
            "No candidate has been scored by two or more interviewers who all submitted yet.",
            ha="center",
            va="center",
            color=MUTED,
            fontsize=10,
            wrap=True,
        )
        return
    rows = [*data.dimensions, data.overall]
    grid = figure.add_gridspec(1, 2, width_ratios=(3, max(1.4, 0.7 * len(data.offsets))))
    forest = figure.add_subplot(grid[0, 0])
    heat = figure.add_subplot(grid[0, 1], sharey=forest)
    ys = list(range(len(rows)))[::-1]  # the first dimension on top, overall at the bottom

    lows = [-0.2]
    for y, row in zip(ys, rows, strict=True):
        for value, ci, shift, colour in (
            (row.alpha, row.alpha_ci, 0.14, ALPHA_COLOUR),
            (row.icc, row.icc_ci, -0.14, ICC_COLOUR),
        ):
            if value is None:
                continue
            if ci is not None:
                forest.plot(ci, (y + shift, y + shift), color=colour, lw=2, alpha=0.55)
                lows.append(ci[0])
            forest.plot(value, y + shift, "o", color=colour, ms=6, zorder=3)
    forest.axvline(POOR_ALPHA, color=POOR_COLOUR, ls="--", lw=1)
    forest.text(
        POOR_ALPHA, -0.58, f" {ALPHA} = {POOR_ALPHA}", color=POOR_COLOUR, fontsize=7.5,
        va="bottom", ha="left",
    )  # fmt: skip
    forest.axhline(0.5, color="#cbd2d9", lw=0.8)  # overall below the line
    forest.set_xlim(max(-1.0, min(lows) - 0.05), 1.05)
    forest.set_ylim(-0.6, len(rows) - 0.4)
    forest.set_yticks(ys, [wrap(r.name, NAME_WRAP) for r in rows], fontsize=8.5)
    for label, row in zip(forest.get_yticklabels(), rows, strict=True):
        label.set_color(POOR_COLOUR if row.poor else TEXT_COLOUR)
        if row.key == "overall":
            label.set_fontweight("bold")
    forest.set_xlabel("Agreement (dot: estimate, bar: 95% interval)", fontsize=8.5)
    forest.tick_params(axis="x", labelsize=8)
    forest.grid(axis="x", color="#eef1f5")
    forest.spines[["top", "right"]].set_visible(False)
    forest.plot([], [], "o", color=ALPHA_COLOUR, label=f"Krippendorff's {ALPHA}")
    forest.plot([], [], "o", color=ICC_COLOUR, label="ICC(2,1)")
    forest.legend(
        loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, fontsize=7.5, frameon=False,
        borderaxespad=0.2, handletextpad=0.3, columnspacing=1.0,
    )  # fmt: skip

    keys = [r.key for r in data.dimensions]
    values = [[o.by_dimension.get(k) for o in data.offsets] for k in keys] + [
        [o.offset for o in data.offsets]
    ]
    grid_values = [[float("nan") if v is None else v for v in row] for row in values]
    heat.imshow(
        grid_values,  # row 0 on top, as the dimensions
        cmap="RdBu_r",
        vmin=-OFFSET_LIMIT,
        vmax=OFFSET_LIMIT,
        aspect="auto",
        extent=(-0.5, len(data.offsets) - 0.5, -0.5, len(rows) - 0.5),
    )
    for y, offsets in zip(ys, values, strict=True):
        for x, value in enumerate(offsets):
            strong = value is not None and abs(value) >= 0.9
            heat.text(
                x, y, offset_text(value), ha="center", va="center", fontsize=8,
                color="white" if strong else TEXT_COLOUR,
            )  # fmt: skip
    heat.set_xticks(
        range(len(data.offsets)), [wrap(o.interviewer, 7) for o in data.offsets], fontsize=7.5
    )
    heat.xaxis.tick_top()
    heat.tick_params(axis="y", left=False, labelleft=False)
    heat.set_xlabel("Offset from the\npanel (levels)", fontsize=8.5)
    for spine in heat.spines.values():
        spine.set_visible(False)
    figure.suptitle(
        f"Agreement over {len(data.units)} candidate(s), {len(data.interviewers)} interviewers",
        fontsize=10.5,
        color=TEXT_COLOUR,
        x=0.01,
        ha="left",
    )


def build_figure(*, ws: Workspace, width: float = 9.0, height: float = 5.2) -> Figure:
    """The agreement chart of a workspace's submitted ratings."""
    from ..interviews.agreement import agreement

    figure = new_figure(width, height)
    draw_agreement(figure, agreement(ws=ws))
    return figure
