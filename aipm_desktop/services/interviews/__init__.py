"""Interview case kit: scorecards, weighted scores, candidate summaries and comparison.

Scoring rules (one place for the GUI, the CLI, the chart and the feedback report):

* Dimension weights are normalised to 100 % within a scorecard, whatever they add up to.
* An evaluation's weighted score is ``sum(weight% x rating)`` on the 1-4 scale. People
  read it as :func:`score_text` writes it, "2.05 on the 1-4 scale (closest level: 2 Below
  bar)": on the scale, with the level it is closest to, never as a percentage (2.05 / 4
  reads as 51 %, and the old 1 -> 0 % mapping said 35 %). An evaluation missing a rating
  for any dimension of its scorecard is *incomplete*: it has no score (never a zero) and
  says what is missing.
* Per candidate and dimension: the mean of every given rating (an incomplete evaluation
  contributes the ratings it has), the spread (max - min) and a disagreement flag when
  ratings differ by :data:`DISAGREEMENT_LEVELS` or more. The overall score is the mean of
  the complete evaluations' weighted scores.
* A ticked red-flag signal is listed with who ticked it, whatever the score.

The package: :mod:`.scores` (the maths and how scores read), :mod:`.library`
(scorecards and case exercises), :mod:`.evaluations` (candidates, evaluations, ratings,
signals), :mod:`.summaries` (per-candidate summaries and the comparison). Writes go
through :mod:`..records` or one ``ws.write()`` operation, and return
:class:`Changes`.
"""

from __future__ import annotations

from .evaluations import (
    CandidateInfo,
    EvaluationScore,
    RatingInfo,
    evaluation_to_open,
    evaluations,
    find_evaluation,
    get_evaluation,
    interviewer_names,
    list_candidates,
    resolve_candidate,
    set_rating,
    set_signals,
    start_evaluation,
)
from .library import (
    DimensionInfo,
    ExerciseInfo,
    ScorecardInfo,
    SignalInfo,
    default_scorecard_id,
    get_exercise,
    list_exercises,
    list_scorecards,
    new_dimension_key,
    scorecard_info,
)
from .scores import (
    DEFAULT_SCORECARD_KEY,
    DISAGREEMENT_LEVELS,
    LEVELS,
    RECOMMENDATION_LABELS,
    SCALE,
    SIGNAL_LABELS,
    nearest_level,
    normalised_weights,
    recommendation_label,
    score_percent,
    score_text,
    weighted_score,
)
from .summaries import (
    CandidateSummary,
    Comparison,
    DimensionSummary,
    InterviewerRating,
    RedFlag,
    candidate_summaries,
    candidate_summary,
    comparison,
    summary_dict,
)

__all__ = [
    "DEFAULT_SCORECARD_KEY",
    "DISAGREEMENT_LEVELS",
    "LEVELS",
    "RECOMMENDATION_LABELS",
    "SCALE",
    "SIGNAL_LABELS",
    "CandidateInfo",
    "CandidateSummary",
    "Comparison",
    "DimensionInfo",
    "DimensionSummary",
    "EvaluationScore",
    "ExerciseInfo",
    "InterviewerRating",
    "RatingInfo",
    "RedFlag",
    "ScorecardInfo",
    "SignalInfo",
    "candidate_summaries",
    "candidate_summary",
    "comparison",
    "default_scorecard_id",
    "evaluation_to_open",
    "evaluations",
    "find_evaluation",
    "get_evaluation",
    "get_exercise",
    "interviewer_names",
    "list_candidates",
    "list_exercises",
    "list_scorecards",
    "nearest_level",
    "new_dimension_key",
    "normalised_weights",
    "recommendation_label",
    "resolve_candidate",
    "score_percent",
    "score_text",
    "scorecard_info",
    "set_rating",
    "set_signals",
    "start_evaluation",
    "summary_dict",
    "weighted_score",
]
