"""Scoring models: weighted 0-100 scores, ranking, score edits and ranking stability.

A scoring model is a list of criteria, each with a group (value, feasibility, risk), a
weight and a direction. A use case scores each criterion on a level from 1 to 5. The
level becomes a utility in ``[0, 1]``: ``(v - 1) / 4`` for a benefit criterion and
``(5 - v) / 4`` for a cost criterion (risk criteria count against), and the overall score
is ``100 * sum(w * u) / sum(w)``. A use case missing any score of the model is
*incomplete*: it has no score, is ranked apart (after the complete ones) and is never
treated as zero.

Ranking reads rows with SQLAlchemy Core (10,000 use cases x 8 criteria in well under
100 ms); :func:`stability` perturbs the weights many times with numpy and reports how
often each use case keeps its place.

The package, by concern (every public name is importable from here):

- :mod:`.models`: scoring models and criteria (list, active, copy, delete);
- :mod:`.ranking`: the 0-100 score, ranking, the risk-register feed;
- :mod:`.scores`: reading and setting scores and rationales;
- :mod:`.sensitivity`: ranking stability under weight perturbations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports
from .models import (
    LEVELS,
    CriterionInfo,
    active_model_id,
    check_model_deletable,
    copy_model,
    delete_model,
    list_models,
    model_by_name,
    model_criteria,
    model_name,
    score_count,
    set_active_model,
)
from .ranking import (
    RankedUseCase,
    exposure_level,
    level_matrix,
    rank,
    rank_key,
    register_levels,
    risk_feed_criterion,
    round_places,
    score_value,
    scored_rows,
)
from .scores import rationales, score_slot, set_score, stored_levels, use_case_scores

# The ranking-stability analysis loads on first use (see services/lazy.py).
__getattr__ = lazy_exports(
    __name__,
    {
        "MAX_RANK_POSITIONS": "sensitivity",
        "STABILITY_METHODS": "sensitivity",
        "StabilityResult": "sensitivity",
        "stability": "sensitivity",
    },
)

if TYPE_CHECKING:
    from .sensitivity import MAX_RANK_POSITIONS, STABILITY_METHODS, StabilityResult, stability

__all__ = [
    "LEVELS",
    "MAX_RANK_POSITIONS",
    "STABILITY_METHODS",
    "CriterionInfo",
    "RankedUseCase",
    "StabilityResult",
    "active_model_id",
    "check_model_deletable",
    "copy_model",
    "delete_model",
    "exposure_level",
    "level_matrix",
    "list_models",
    "model_by_name",
    "model_criteria",
    "model_name",
    "rank",
    "rank_key",
    "rationales",
    "register_levels",
    "risk_feed_criterion",
    "round_places",
    "score_count",
    "score_slot",
    "score_value",
    "scored_rows",
    "set_active_model",
    "set_score",
    "stability",
    "stored_levels",
    "use_case_scores",
]
