"""Weighted scores on the 1-4 scale and how people read them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ...models.enums import Recommendation, SignalKind

if TYPE_CHECKING:
    pass


LEVELS = (1, 2, 3, 4)
DISAGREEMENT_LEVELS = 2
DEFAULT_SCORECARD_KEY = "ai_pm_default"

RECOMMENDATION_LABELS: dict[str, str] = {
    Recommendation.STRONG_NO: "Strong no",
    Recommendation.NO: "No",
    Recommendation.LEAN_NO: "Lean no",
    Recommendation.LEAN_YES: "Lean yes",
    Recommendation.YES: "Yes",
    Recommendation.STRONG_YES: "Strong yes",
}

SIGNAL_LABELS: dict[str, str] = {
    SignalKind.STRONG: "Strong signal",
    SignalKind.WEAK: "Weak signal",
    SignalKind.RED_FLAG: "Red flag",
}


# --------------------------------------------------------------------------- maths


def normalised_weights(weights: Mapping[Any, float]) -> dict[Any, float]:
    """Weights scaled to fractions summing to 1 (an all-zero input stays zero)."""
    total = sum(max(float(w), 0.0) for w in weights.values())
    if total <= 0:
        return {k: 0.0 for k in weights}
    return {k: max(float(w), 0.0) / total for k, w in weights.items()}


def weighted_score(ratings: Mapping[Any, int | None], weights: Mapping[Any, float]) -> float | None:
    """Weighted mean rating (1-4) over the dimensions of ``weights``; None when any is missing."""
    if not weights:
        return None
    shares = normalised_weights(weights)
    total = 0.0
    for key, share in shares.items():
        rating = ratings.get(key)
        if rating is None:
            return None
        total += share * rating
    return total


def score_percent(score: float | None) -> float | None:
    """A 1-4 score as 0-100 % (1 -> 0, 4 -> 100). Not for display: people read a percent
    next to a score out of 4 as score / 4; show :func:`score_text` instead."""
    if score is None:
        return None
    return (score - LEVELS[0]) / (LEVELS[-1] - LEVELS[0]) * 100.0


#: The rating scale as people read it: "1-4" with an en dash.
SCALE = f"{LEVELS[0]}\u2013{LEVELS[-1]}"


def nearest_level(score: float) -> int:
    """The level a weighted score is closest to (halves round up: 2.5 -> 3)."""
    return min(LEVELS[-1], max(LEVELS[0], int(score + 0.5)))


def score_text(
    score: float | None,
    labels: Mapping[int, str] | None = None,
    *,
    short: bool = False,
    empty: str = "not scored yet",
) -> str:
    """A weighted score as people should read it: on the 1-4 scale, with the level it is
    closest to. ``"2.05 on the 1-4 scale (closest level: 2 Below bar)"``; ``short`` (for a
    column headed "Weighted score (1-4)"): ``"2.05 · 2 Below bar"``; ``empty`` for None."""
    if score is None:
        return empty
    level = nearest_level(score)
    name = (labels or {}).get(level, "")
    closest = f"{level} {name}".strip()
    if short:
        return f"{score:.2f} \u00b7 {closest}"
    return f"{score:.2f} on the {SCALE} scale (closest level: {closest})"


def recommendation_label(value: str | None) -> str:
    if not value:
        return "No recommendation"
    return RECOMMENDATION_LABELS.get(value, str(value).replace("_", " ").capitalize())
