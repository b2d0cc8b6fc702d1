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

* Blind scoring: ratings stay hidden from the other interviewers and the comparison
  until submitted (:mod:`.blind`).

The package: :mod:`.scores` (the maths and how scores read), :mod:`.library`
(scorecards and case exercises), :mod:`.evaluations` (candidates, evaluations, ratings,
signals), :mod:`.blind` (who sees what, submitting, "compare now", the decision),
:mod:`.summaries` (per-candidate summaries and the comparison), :mod:`.practice`
(calibration sessions on a sample answer). Imported on their own, as they need more:
:mod:`.agreement` (inter-rater agreement, with :mod:`.reliability`), :mod:`.debrief`
and :mod:`.case_pack`. Writes go through :mod:`..records` or one ``ws.write()``
operation, and return :class:`Changes`.
"""

from __future__ import annotations

from .blind import (
    DECISION_LABELS,
    can_see,
    decision_label,
    panel_open,
    record_decision,
    reopen_evaluation,
    reveal_ratings,
    submit_evaluation,
)
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
    same_person,
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
from .practice import (
    Distance,
    PracticeResult,
    ReferenceInfo,
    calibration_cases,
    practice_result,
    practice_results,
    reference_ratings,
    set_reference_rating,
    start_practice,
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
    SubmittedRating,
    candidate_summaries,
    candidate_summary,
    comparison,
    submitted_ratings,
    summary_dict,
    withheld,
)

__all__ = [
    "DECISION_LABELS",
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
    "Distance",
    "EvaluationScore",
    "ExerciseInfo",
    "InterviewerRating",
    "PracticeResult",
    "RatingInfo",
    "RedFlag",
    "ReferenceInfo",
    "ScorecardInfo",
    "SignalInfo",
    "SubmittedRating",
    "calibration_cases",
    "can_see",
    "candidate_summaries",
    "candidate_summary",
    "comparison",
    "decision_label",
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
    "panel_open",
    "practice_result",
    "practice_results",
    "recommendation_label",
    "record_decision",
    "reference_ratings",
    "reopen_evaluation",
    "resolve_candidate",
    "reveal_ratings",
    "same_person",
    "score_percent",
    "score_text",
    "scorecard_info",
    "set_rating",
    "set_reference_rating",
    "set_signals",
    "start_evaluation",
    "start_practice",
    "submit_evaluation",
    "submitted_ratings",
    "summary_dict",
    "weighted_score",
    "withheld",
]
