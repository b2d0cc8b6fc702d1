"""Evaluation charts: a metric's trend across runs with its threshold band, the slice
bars of a run with their intervals, and a run's reliability diagram.

The ``draw_*`` functions draw service data (:mod:`aipm_desktop.services.evaluations`) on
any figure (the GUI's canvas too); the ``build_*`` functions are ``aipm chart FILE eval``
(the trend), ``eval_slices`` and ``eval_reliability`` with ``--suite S --metric M
[--run V]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import new_figure, wrap
from .experiment import GRID, MUTED, TEXT_COLOUR, style_axes

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ...store import Workspace
    from ..evaluations.data import Trend
    from ..evaluations.metrics import MetricResult, ReliabilityBin

LINE = "#1565c0"
PASS = "#2e9d5b"
FAIL = "#c0392b"
BAND = "#fdecea"
TITLE_CHARS = 70


def _empty(ax: Axes, message: str) -> None:
    ax.set_axis_off()
    ax.text(0.5, 0.5, wrap(message, 60), ha="center", va="center", fontsize=11, color=MUTED,
            transform=ax.transAxes)  # fmt: skip


def _failing_band(ax: Axes, threshold: float | None, lower_is_better: bool) -> None:
    """Shade the side of the threshold that fails, and draw the threshold line."""
    if threshold is None:
        return
    low, high = ax.get_ylim()
    if lower_is_better:
        top = max(high, threshold * 1.05 if threshold else 0.05)
        ax.axhspan(threshold, top, color=BAND, zorder=0, linewidth=0)
        ax.set_ylim(low, top)
    else:
        bottom = min(low, threshold * 0.95)
        ax.axhspan(bottom, threshold, color=BAND, zorder=0, linewidth=0)
        ax.set_ylim(bottom, high)
    ax.axhline(threshold, color=FAIL, linewidth=1.0, linestyle="--")
    ax.annotate(f"threshold {threshold:g}", (0, threshold), xycoords=("axes fraction", "data"),
                xytext=(2, 3), textcoords="offset points", fontsize=8, color=FAIL)  # fmt: skip


def draw_trend(figure: Figure, data: Trend) -> None:
    """The metric on each run (oldest left) with its 95 % interval, the threshold line
    and the failing side of it shaded; failing runs' points are red."""
    figure.clear()
    spec = data.spec
    figure.suptitle(wrap(f"{data.suite}: {spec.name} across runs", TITLE_CHARS), fontsize=11,
                    color=TEXT_COLOUR)  # fmt: skip
    ax = figure.subplots()
    points = [p for p in data.points if p.value is not None]
    if not points:
        _empty(ax, "No run has a value for this metric yet: import a run's results first.")
        return
    xs = list(range(len(points)))
    values = [float(p.value) for p in points]  # type: ignore[arg-type]
    ax.plot(xs, values, color=LINE, linewidth=1.6, zorder=2)
    for x, value, p in zip(xs, values, points, strict=True):
        colour = FAIL if p.passed is False else PASS if p.passed else LINE
        if p.low is not None and p.high is not None:
            spread = [[value - p.low], [p.high - value]]
            ax.errorbar(x, value, yerr=spread, color=colour, capsize=4, linewidth=1.2, zorder=3)
        ax.plot(x, value, "o", color=colour, markersize=6, zorder=4)
        ax.annotate(f"{value:.3g}", (x, value), xytext=(6, 4), textcoords="offset points",
                    fontsize=8, color=colour)  # fmt: skip
    ax.set_xticks(xs, [wrap(p.run, 14) for p in points], fontsize=8)
    ax.margins(x=0.12)
    _failing_band(ax, spec.threshold, spec.lower_is_better)
    ax.set_ylabel(wrap(f"{spec.name} ({spec.kind})", 30), fontsize=9, color=TEXT_COLOUR)
    side = "above" if spec.lower_is_better else "below"
    note = f"95% bootstrap intervals; shaded: {side} the threshold (fails)"
    note += " — blocking" if spec.blocking else ""
    ax.set_title(note, fontsize=9, color=MUTED, loc="left")
    style_axes(ax)


def draw_slices(figure: Figure, result: MetricResult, title: str = "") -> None:
    """The metric per slice value of one run: bars with 95 % intervals, the overall value
    and the threshold as lines; the worst slice named, failing slices red."""
    figure.clear()
    spec = result.spec
    figure.suptitle(wrap(title or f"{spec.name} by slice", TITLE_CHARS), fontsize=11,
                    color=TEXT_COLOUR)  # fmt: skip
    ax = figure.subplots()
    shown = [s for s in result.slices if s.value is not None]
    if not shown:
        _empty(ax, "No slice to show: give the suite slice columns (language, tier ...) and "
                   "import results that have them.")  # fmt: skip
        return
    labels = [f"{s.column}={s.label}" for s in shown]
    ys = list(range(len(shown)))
    colours = [FAIL if s.passed is False else LINE for s in shown]
    values = [float(s.value) for s in shown]  # type: ignore[arg-type]
    errors = [
        [v - (s.low if s.low is not None else v) for v, s in zip(values, shown, strict=True)],
        [(s.high if s.high is not None else v) - v for v, s in zip(values, shown, strict=True)],
    ]
    ax.barh(ys, values, color=colours, alpha=0.85, height=0.6)
    ax.errorbar(values, ys, xerr=errors, fmt="none", ecolor=TEXT_COLOUR, capsize=3, linewidth=1)
    for y, v, s in zip(ys, values, shown, strict=True):
        ax.annotate(f"{v:.3g}  (n={s.n:,})", (s.high if s.high is not None else v, y),
                    xytext=(5, 0), textcoords="offset points", va="center", fontsize=8,
                    color=TEXT_COLOUR)  # fmt: skip
    ax.set_yticks(ys, [wrap(label, 24) for label in labels], fontsize=8)
    ax.invert_yaxis()
    if result.value is not None:
        ax.axvline(result.value, color=MUTED, linewidth=1, linestyle=":")
    if spec.threshold is not None:
        ax.axvline(spec.threshold, color=FAIL, linewidth=1, linestyle="--")
    ax.margins(x=0.25)
    notes = [f"overall {result.value:.3g} (dotted)" if result.value is not None else ""]
    if spec.threshold is not None:
        notes.append(f"threshold {spec.threshold:g} (dashed)")
    if result.worst_slice:
        notes.append(f"worst slice: {result.worst_slice}")
    ax.set_title("; ".join(n for n in notes if n), fontsize=9, color=MUTED, loc="left")
    ax.grid(axis="x", color=GRID, linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.tick_params(labelsize=8)


def draw_reliability(figure: Figure, bins: Sequence[ReliabilityBin], title: str = "") -> None:
    """Accuracy against mean confidence per confidence bin (points sized by examples),
    the diagonal of perfect calibration, and the bins' shares of examples below."""
    figure.clear()
    figure.suptitle(wrap(title or "Reliability diagram", TITLE_CHARS), fontsize=11,
                    color=TEXT_COLOUR)  # fmt: skip
    top, bottom = figure.subplots(2, 1, sharex=True, height_ratios=(3, 1))
    filled = [b for b in bins if b.n]
    if not filled:
        bottom.set_axis_off()
        _empty(top, "No confidences to show: map the results' probability column on import.")
        return
    total = sum(b.n for b in filled)
    top.plot([0, 1], [0, 1], color=MUTED, linewidth=1, linestyle="--", label="perfect calibration")
    xs = [float(b.confidence) for b in filled]  # type: ignore[arg-type]
    ys = [float(b.accuracy) for b in filled]  # type: ignore[arg-type]
    top.plot(xs, ys, color=LINE, linewidth=1.4, marker="o", label="this run")
    for b in filled:
        top.plot([b.confidence, b.confidence], [b.confidence, b.accuracy], color=FAIL,
                 linewidth=1, alpha=0.6)  # fmt: skip
    ece = sum(b.n * abs(y - x) for b, x, y in zip(filled, xs, ys, strict=True)) / total
    top.set_title(f"ECE {ece:.3g} (10 equal-width bins; red: the gap in each bin)",
                  fontsize=9, color=MUTED, loc="left")  # fmt: skip
    top.set_ylabel("Accuracy", fontsize=9, color=TEXT_COLOUR)
    top.set_xlim(0, 1)
    top.set_ylim(0, 1.02)
    top.legend(fontsize=8, frameon=False, loc="upper left")
    style_axes(top)
    centres = [(b.low + b.high) / 2 for b in bins]
    bottom.bar(centres, [b.n / total for b in bins], width=0.09, color=LINE, alpha=0.6)
    bottom.set_ylabel("Share", fontsize=9, color=TEXT_COLOUR)
    bottom.set_xlabel("Confidence", fontsize=9, color=TEXT_COLOUR)
    style_axes(bottom)


def _chosen(ws: Workspace, suite: str | int | None, what: str) -> int:
    from ...errors import UserError
    from ..evaluations import find_suite

    if suite is None:
        raise UserError(f"the {what} chart needs the suite: --suite NAME (or id).")
    return find_suite(ws=ws, ref=suite)


def build_trend(
    *, ws: Workspace, suite: str | int | None = None, metric: str | None = None
) -> Figure:
    """``aipm chart FILE eval --suite S --metric M``: the metric across the suite's runs."""
    from ..evaluations.data import find_metric, trend

    suite_id = _chosen(ws, suite, "eval")
    spec = find_metric(ws=ws, suite_id=suite_id, ref=metric)
    figure = new_figure(9.0, 5.5)
    draw_trend(figure, trend(ws=ws, suite_id=suite_id, metric_id=spec.id))
    return figure


def build_slices(
    *,
    ws: Workspace,
    suite: str | int | None = None,
    metric: str | None = None,
    run: str | None = None,
) -> Figure:
    """``aipm chart FILE eval_slices --suite S --metric M [--run V]``."""
    from ..evaluations.data import find_metric, find_run
    from ..evaluations.imports import load_results
    from ..evaluations.metrics import metric_report

    suite_id = _chosen(ws, suite, "eval_slices")
    spec = find_metric(ws=ws, suite_id=suite_id, ref=metric)
    chosen = find_run(ws=ws, suite_id=suite_id, ref=run)
    result = metric_report(spec, load_results(ws=ws, run_id=chosen.id))
    figure = new_figure(9.0, max(4.0, 1.6 + 0.35 * len(result.slices)))
    draw_slices(figure, result, f"{spec.name} by slice, run {chosen.name}")
    return figure


def build_reliability(
    *, ws: Workspace, suite: str | int | None = None, run: str | None = None
) -> Figure:
    """``aipm chart FILE eval_reliability --suite S [--run V]``."""
    from ..evaluations.data import find_run
    from ..evaluations.imports import load_results
    from ..evaluations.metrics import reliability

    suite_id = _chosen(ws, suite, "eval_reliability")
    chosen = find_run(ws=ws, suite_id=suite_id, ref=run)
    figure = new_figure(7.5, 7.0)
    bins = reliability(load_results(ws=ws, run_id=chosen.id))
    draw_reliability(figure, bins, f"Reliability diagram, run {chosen.name}")
    return figure
