"""Tornado chart: which inputs move a cost model's cost per successful task most.

One horizontal bar per input, from the cost per successful task with the input set low
to the one with it set high (each input -/+ 20 % by default, or the low / high values the
user stored for it, marked "your range"), around a line at the model's own figure; the
largest spread on top. The rows come from
:func:`~aipm_desktop.services.costs.sensitivity`; :func:`draw_tornado` draws them on any
figure (the GUI's canvas too), :func:`build_figure` is ``aipm chart FILE tornado --model``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from . import new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from ...store import Workspace
    from ..costs import Sensitivity

#: Bars drawn at most (the rest have the smallest impact).
MAX_ROWS = 12
LOW_COLOUR = "#2e9d5b"  # the input set low
HIGH_COLOUR = "#c0392b"  # the input set high
TEXT_COLOUR = "#323f4b"
MUTED = "#616e7c"


def _amount(value: float) -> str:
    """A bar-end label: three significant figures below 1 (``0.0343``), so labels stay
    short beside the bars; ``aipm costs show`` prints the full figures."""
    from ..costs import format_amount

    if 1e-4 <= abs(value) < 1:
        return f"{value:.3g}"
    return format_amount(value)


def _value(row_field: str, value: float) -> str:
    from ..costs import SPEC_BY_FIELD, format_input

    return format_input(SPEC_BY_FIELD[row_field], value)


def _mark(user_low: bool, user_high: bool) -> str:
    """What a bar's label adds when the user set its bounds."""
    if user_low and user_high:
        return " (your range)"
    if user_low:
        return " (your low)"
    if user_high:
        return " (your high)"
    return ""


def draw_tornado(figure: Figure, data: Sensitivity, *, title: str = "", currency: str = "") -> None:
    """Draw the tornado of ``data`` on ``figure`` (cleared first)."""
    figure.clear()
    ax = figure.add_subplot()
    rows = [
        r
        for r in data.rows
        if r.result_low is not None and r.result_high is not None and r.impact > 0
    ][:MAX_ROWS]
    base = data.base_result
    if base is None or not rows:
        ax.set_axis_off()
        message = " ".join(data.problems) or "No input changes the cost per successful task."
        ax.text(0.5, 0.5, message, ha="center", va="center", wrap=True, fontsize=11, color=MUTED)
        return
    rows.reverse()  # largest impact on top
    labels = []
    for y, row in enumerate(rows):
        assert row.result_low is not None and row.result_high is not None
        for result, colour in ((row.result_low, LOW_COLOUR), (row.result_high, HIGH_COLOUR)):
            ax.barh(y, result - base, left=base, height=0.6, color=colour, alpha=0.85)
        labels.append(
            f"{row.label}\n{_value(row.field, row.low_value)} \u2013 "
            f"{_value(row.field, row.high_value)}{_mark(row.user_low, row.user_high)}"
        )
        for result in (row.result_low, row.result_high):
            side = "left" if result >= base else "right"
            pad = 1 if result >= base else -1
            ax.annotate(
                _amount(result),
                (result, y),
                xytext=(4 * pad, 0),
                textcoords="offset points",
                ha=side,
                va="center",
                fontsize=7.5,
                color=MUTED,
            )
    ax.axvline(base, color=TEXT_COLOUR, linewidth=1)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels(labels, fontsize=8)
    results = [v for r in rows for v in (r.result_low, r.result_high) if v is not None]
    low, high = min(results), max(results)
    span = max(high - low, abs(base) * 0.01, 1e-12)
    ax.set_xlim(low - 0.3 * span, high + 0.3 * span)
    unit = f" ({currency})" if currency else ""
    ax.set_xlabel(f"Cost per successful task{unit}", fontsize=9, color=TEXT_COLOUR)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color="#e4e7eb", linewidth=0.6)
    ax.set_axisbelow(True)
    swing = f"±{data.swing * 100:g} %" if math.isfinite(data.swing) else ""
    if any(r.user_set for r in data.rows):
        swing += " or your range"
    heading = title or "Cost per successful task"
    # On the figure, not the axes: a narrow canvas (the GUI's, beside its table) keeps
    # the whole title in view, centred over the chart and its labels.
    figure.suptitle(
        f"{heading}\n{_amount(base)} in the {data.scenario} scenario\n"
        f"each input {swing} (green: input low, red: high)",
        fontsize=10,
        color=TEXT_COLOUR,
    )


def build_figure(*, ws: Workspace, model: str | int, scenario: str = "base") -> Figure:
    """The tornado of the cost model ``model`` (its name or id), with its stored ranges."""
    from ..costs import find_model, load_inputs, sensitivity

    inputs = load_inputs(ws=ws, model_id=find_model(ws=ws, ref=model))
    figure = new_figure(9.0, 6.5)
    # The inputs carry the model's stored low / high values; sensitivity uses them.
    draw_tornado(figure, sensitivity(inputs, scenario), title=inputs.name, currency=inputs.currency)
    return figure
