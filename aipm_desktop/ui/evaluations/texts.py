"""How the Evaluations area words and colours its figures: a metric's value in its own
unit (a rate in percent, a latency in milliseconds, a cost per item), an interval, a
difference, a p-value and a pass / fail verdict. Plain functions (no widgets), shared by
the area's tabs, the Overview card and the launch checklist."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ...models import evaluations as models_evaluations
from ...services.experiments.stats_common import number

#: Colours of a verdict: passes, fails (or regresses), not judged.
PASS, FAIL, UNSURE = "#2e7d32", "#c62828", "#52606d"
#: The metric kinds as the area names them, in the order the kind choice lists them.
KIND_LABELS = {
    "accuracy": "Accuracy",
    "precision": "Precision (positive class)",
    "recall": "Recall (positive class)",
    "f1": "F1 (positive class)",
    "macro_precision": "Precision, macro average",
    "macro_recall": "Recall, macro average",
    "macro_f1": "F1, macro average",
    "ece": "Expected calibration error (10 bins)",
    "pass_rate": "Pass rate of a boolean column",
    "mean_score": "Mean of a numeric score",
    "latency_p50": "Latency p50",
    "latency_p95": "Latency p95",
    "cost_per_item": "Cost per item",
}
#: Kinds whose value is a share of 1 (ECE too), shown in percent.
SHARE_KINDS = frozenset(kind.value for kind in models_evaluations.SHARE_KINDS)


def figure(value: float | None, digits: int = 3) -> str:
    """A number with ``digits`` significant digits, thousands separated, no exponent:
    1234.5 -> "1,235", 0.0523 -> "0.0523"; "-" for none."""
    if value is None or math.isnan(value):
        return "-"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return number(value, digits)


def is_rate(kind: str) -> bool:
    """Whether a metric of ``kind`` is a share of 1 (shown in percent)."""
    return str(kind) in SHARE_KINDS


def value_text(kind: str, value: float | None) -> str:
    """A metric's value: a rate (accuracy, pass rate, ECE …) in percent, a latency in ms,
    a cost per item and a mean as numbers."""
    if value is None:
        return "-"
    if is_rate(kind):
        return f"{figure(value * 100)}%"
    if str(kind).startswith("latency"):
        return f"{figure(value)} ms"
    return figure(value, 4)


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(str(kind), str(kind).replace("_", " "))


def interval_text(kind: str, interval: tuple[float, float] | None) -> str:
    """``"89.1% to 92.4%"`` ("" without an interval)."""
    if interval is None:
        return ""
    low, high = interval
    return f"{value_text(kind, low)} to {value_text(kind, high)}"


def with_interval(kind: str, value: float | None, interval: tuple[float, float] | None) -> str:
    """A value over its 95 % interval, on two lines."""
    text = value_text(kind, value)
    bounds = interval_text(kind, interval)
    return f"{text}\n{bounds}" if bounds else text


def difference_text(kind: str, value: float | None, *, unit: bool = True) -> str:
    """A signed difference between two runs: a rate's in points, otherwise in the
    metric's unit (left out without ``unit``)."""
    if value is None:
        return "-"
    sign = "+" if value > 0 else ""
    if is_rate(kind):
        return f"{sign}{figure(value * 100)}" + (" pts" if unit else "")
    shown = value_text(kind, value) if unit else figure(value, 4)
    return sign + shown


def difference_with_interval(
    kind: str, value: float | None, interval: tuple[float, float] | None
) -> str:
    """A difference over its paired interval (in the same unit), on two lines."""
    text = difference_text(kind, value)
    if interval is None:
        return text
    low, high = (difference_text(kind, v, unit=False) for v in interval)
    return f"{text}\n{low} to {high}"


def p_text(p: float | None) -> str:
    """A p-value: "<0.001" below that, two significant digits otherwise."""
    if p is None:
        return "-"
    return "<0.001" if p < 0.001 else figure(p, 2)


def threshold_text(kind: str, threshold: float | None, higher_is_better: bool) -> str:
    """``"≥ 90%"`` / ``"≤ 800 ms"``, "no threshold" without one."""
    if threshold is None:
        return "no threshold"
    return f"{'≥' if higher_is_better else '≤'} {value_text(kind, threshold)}"


def verdict(passed: bool | None) -> tuple[str, str]:
    """A pass / fail verdict's text and colour (None: no threshold to judge against)."""
    if passed is None:
        return "Not judged", UNSURE
    return ("Pass", PASS) if passed else ("Fail", FAIL)


def plural(count: int, noun: str, nouns: str = "") -> str:
    """``"1 run"``, ``"3 runs"``."""
    return f"{count:,} {noun if count == 1 else (nouns or noun + 's')}"


@dataclass(frozen=True)
class Named:
    """A record as a delete question names it: its id and its title."""

    id: int
    title: str
