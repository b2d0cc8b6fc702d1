"""The Overview's card of failing blocking metrics: for each suite, the blocking metrics
its latest run misses, with the value beside the bar and the use case whose launch they
hold. A click opens the metric in the Evaluations area (its suite's report).

The Overview is built at start-up: it imports this module only when it fills the card,
in a worker, after its first paint (loading the evaluation models and services the first
time costs a few hundred ms, which start-up does not wait for).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ...services import evaluations
from ...services.dashboard import DashboardItem
from .texts import threshold_text, value_text

EMPTY = "Every blocking metric passes on the latest run of its suite."
NOTHING_YET = (
    "No evaluation metrics yet. In Evaluations, add a suite for a use case, mark the "
    "metrics that must pass as blocking and import the results of a version."
)


@dataclass(frozen=True)
class CardContent:
    """The card's items (at most the limit), how many there are and its empty text."""

    items: list[DashboardItem]
    total: int
    empty: str


def item_for(failing: Any) -> DashboardItem:
    """A failing metric as a dashboard line (a click opens the metric)."""
    higher = str(failing.direction) != "lower_is_better"
    value = value_text(failing.kind, failing.value) if failing.value is not None else "no value"
    bar = threshold_text(failing.kind, failing.threshold, higher)
    where = f"blocks the launch of {failing.use_case}" if failing.use_case else "no use case"
    return DashboardItem(
        kind="eval_metric",
        entity_id=int(failing.metric_id),
        title=f"{failing.metric} on {failing.suite}",
        detail=f"{value}, needs {bar} · run {failing.run} · {where}",
        severity="critical",
    )


def card_content(*, ws: Any, limit: int) -> CardContent:
    """What the card shows for the workspace ``ws`` (safe in a worker)."""
    found = evaluations.failing_blocking(ws=ws)
    empty = EMPTY
    if not found and not any(suite.metrics for suite in evaluations.suites(ws=ws)):
        empty = NOTHING_YET
    return CardContent([item_for(f) for f in found[:limit]], len(found), empty)
