"""How the Experiments area words and colours its figures: rates as percentages, lifts
of a rate in points, intervals, p-values, guardrail verdicts, statuses and their moves.
Plain functions (no widgets), shared by the area's tabs."""

from __future__ import annotations

from typing import Any

from ...services.experiments.design_doc import figure, margin_text, share

__all__ = ["figure", "margin_text", "share_text"]

#: The metric kinds as the area names them.
KIND_CHOICES = (("proportion", "Conversion rate"), ("mean", "Mean per unit"))
STATUS_LABELS = {
    "draft": "Draft",
    "running": "Running",
    "analysing": "Analysing",
    "decided": "Decided",
    "abandoned": "Abandoned",
}
#: The status chip's colour class per status (the style sheet's statusChip states).
STATUS_CHIP = {"running": "in_review", "analysing": "in_review", "decided": "approved"}
#: A button per status move: (label, tooltip).
MOVE_TEXT = {
    ("draft", "running"): ("Start running", "Start the experiment (stamps today as its start)"),
    ("running", "analysing"): ("Stop and analyse", "Stop collecting and read the results"),
    ("running", "draft"): ("Back to draft", "Return to planning"),
    ("analysing", "running"): ("Resume running", "Collect more data"),
    ("decided", "analysing"): ("Reopen", "Reopen the analysis (clears the decision)"),
    ("abandoned", "draft"): ("Revive as draft", "Plan it again"),
}
ABANDON_TEXT = ("Abandon", "End the experiment without a decision")
VERDICT_COLOURS = {"breach": "#c62828", "inconclusive": "#9a5b00", "ok": "#2e7d32"}
VERDICT_LABELS = {"breach": "Breach", "inconclusive": "Inconclusive", "ok": "OK"}
BETTER, WORSE, UNSURE = "#2e7d32", "#c62828", "#52606d"


def move_text(current: str, target: str) -> tuple[str, str]:
    """The label and tooltip of the button moving an experiment from ``current`` to
    ``target``."""
    if target == "abandoned":
        return ABANDON_TEXT
    return MOVE_TEXT.get((current, target), (STATUS_LABELS.get(target, target), ""))


def share_text(value: float | None, digits: int = 3) -> str:
    """0.5 -> "50%"."""
    return share(value, digits)


def value_text(kind: str, value: float | None) -> str:
    """A metric's value: a rate as a percentage, a mean as a number."""
    return share(value) if kind == "proportion" else figure(value, 4)


def signed(value: float, digits: int = 3) -> str:
    return ("+" if value > 0 else "") + figure(value, digits)


def lift_text(kind: str, lift: float, interval: tuple[float, float]) -> str:
    """An absolute lift over its interval (two lines): a rate's in points, a mean's in its
    units."""
    scale, unit = (100.0, " pts") if kind == "proportion" else (1.0, "")
    low, high = (figure(v * scale) for v in interval)
    return f"{signed(lift * scale)}{unit}\n{low} to {high}"


def relative_text(lift: float | None, interval: tuple[float, float] | None) -> str:
    """A relative lift over its interval (two lines), in percent."""
    if lift is None or interval is None:
        return "-"
    return f"{signed(lift * 100)}%\n{figure(interval[0] * 100)}% to {figure(interval[1] * 100)}%"


def p_text(p: float | None) -> str:
    if p is None:
        return "-"
    return "<0.001" if p < 0.001 else figure(p, 2)


def outcome(comparison: Any, higher_is_better: bool) -> tuple[str, str]:
    """The short verdict of a comparison and its colour: better, worse or no clear
    difference (after the correction)."""
    if not comparison.significant:
        return "No clear difference", UNSURE
    better = (comparison.abs_lift > 0) == higher_is_better
    return ("Better", BETTER) if better else ("Worse", WORSE)
