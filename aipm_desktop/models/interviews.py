"""Interview case kit: exercises, scorecards, candidates and evaluations."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import model_validator
from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field

from .common import (
    Schema,
    TableMixin,
    enum_check,
    enum_checks,
    enum_field,
    optional_ref,
    parent_ref,
    partial_model,
    range_check,
    weight_check,
    weight_field,
)
from .enums import HiringDecision, Recommendation, SignalKind
from .validators import validate_aware, validate_level_count, validate_required


class CaseExerciseBase(Schema):
    key: str = Field(default="", max_length=60)
    title: str = Field(max_length=200)
    prompt: str = ""
    materials: str = ""
    expected_outputs: str = ""
    time_box_minutes: int = Field(default=45, ge=5, le=480)
    dimension_keys: list[str] = Field(default_factory=list, sa_type=JSON)
    built_in: bool = False
    #: A recorded answer to the case (markdown), scored in calibration sessions.
    sample_answer: str = ""
    #: The scorecard the case is scored on; None: the workspace's default scorecard.
    scorecard_id: int | None = optional_ref("scorecard")

    _title = validate_required("title", label="Title")


CaseExerciseUpdate = partial_model(CaseExerciseBase)


class CaseExercise(CaseExerciseBase, TableMixin, table=True):
    __table_args__ = (range_check("time_box_minutes", 5, 480),)


class ScorecardBase(Schema):
    key: str = Field(default="", max_length=60)
    name: str = Field(max_length=200)
    rating_scale: list[dict[str, object]] = Field(default_factory=list, sa_type=JSON)

    _name = validate_required("name", label="Scorecard name")


ScorecardUpdate = partial_model(ScorecardBase)


class Scorecard(ScorecardBase, TableMixin, table=True): ...


class ScorecardDimensionBase(Schema):
    scorecard_id: int = parent_ref("scorecard")
    key: str = Field(max_length=60)
    name: str = Field(max_length=200)
    weight: float = weight_field()
    meets_bar: str = ""
    levels: list[str] = Field(default_factory=list, sa_type=JSON)
    position: int = 0
    _levels = validate_level_count(4, "a scorecard dimension")


ScorecardDimensionUpdate = partial_model(ScorecardDimensionBase)


class ScorecardDimension(ScorecardDimensionBase, TableMixin, table=True):
    __table_args__ = (
        UniqueConstraint("scorecard_id", "key", name="uq_scorecard_dimension_key"),
        weight_check(),
    )


class ScorecardSignal(TableMixin, table=True):
    """A strong, weak or red-flag signal an interviewer can tick (edited on its own in
    the case library, so it carries its own version: schema 0016)."""

    __table_args__ = enum_checks("scorecard_signal", kind=SignalKind)

    scorecard_id: int = parent_ref("scorecard")
    kind: SignalKind = enum_field()
    text: str = Field(max_length=500)
    position: int = 0


class CandidateBase(Schema):
    name: str = Field(max_length=200)
    role_level: str = Field(default="", max_length=100)
    interview_date: dt.date | None = None
    interviewers: str = Field(default="", max_length=500)
    #: "Compare now": a lead showed the panel's ratings before every evaluation was
    #: submitted; when, who and why.
    revealed_at: dt.datetime | None = None
    revealed_by: str = Field(default="", max_length=200)
    reveal_reason: str = ""
    #: The panel's decision after the debrief, its rationale, who made it and when.
    decision: HiringDecision | None = enum_field(None, nullable=True)
    decision_rationale: str = ""
    decided_by: str = Field(default="", max_length=200)
    decided_at: dt.datetime | None = None

    _name = validate_required("name", label="Candidate name")
    _aware = validate_aware("revealed_at", "decided_at")


CandidateUpdate = partial_model(CandidateBase)


class Candidate(CandidateBase, TableMixin, table=True):
    __table_args__ = (
        enum_check("decision", HiringDecision, "ck_candidate_decision", nullable=True),
    )


class EvaluationBase(Schema):
    #: The candidate evaluated; None for a practice evaluation (of a case's sample answer).
    candidate_id: int | None = Field(
        default=None, foreign_key="candidate.id", ondelete="CASCADE", index=True
    )
    exercise_id: int | None = optional_ref("case_exercise")
    scorecard_id: int = Field(foreign_key="scorecard.id", ondelete="RESTRICT")
    interviewer: str = Field(max_length=200)
    recommendation: Recommendation | None = enum_field(None, nullable=True)
    notes: str = ""
    signal_ids: list[int] = Field(default_factory=list, sa_type=JSON)
    #: When the interviewer submitted it; until then its ratings are hidden from the
    #: other interviewers and from the comparison (blind scoring).
    submitted_at: dt.datetime | None = None
    #: A calibration exercise on a case's sample answer, never a hiring figure.
    practice: bool = False

    _interviewer = validate_required("interviewer", label="Interviewer")
    _aware = validate_aware("submitted_at")

    @model_validator(mode="after")
    def _practice_has_no_candidate(self) -> Any:
        if self.practice and self.candidate_id is not None:
            raise ValueError("a practice evaluation scores a sample answer, not a candidate")
        if self.practice is False and self.candidate_id is None:
            raise ValueError("an evaluation needs a candidate (or is a practice one)")
        return self


EvaluationUpdate = partial_model(EvaluationBase)


class Evaluation(EvaluationBase, TableMixin, table=True):
    __table_args__ = (
        UniqueConstraint(
            "candidate_id", "exercise_id", "interviewer", name="uq_evaluation_per_interviewer"
        ),
        enum_check("recommendation", Recommendation, "ck_evaluation_recommendation", nullable=True),
    )


class RatingBase(Schema):
    evaluation_id: int = parent_ref("evaluation")
    dimension_id: int = parent_ref("scorecard_dimension", index=False)
    rating: int = Field(ge=1, le=4)
    evidence: str = ""


RatingUpdate = partial_model(RatingBase)


class Rating(RatingBase, TableMixin, table=True):
    __table_args__ = (
        UniqueConstraint("evaluation_id", "dimension_id", name="uq_rating_dimension"),
        range_check("rating", 1, 4),
    )


class ReferenceRatingBase(Schema):
    exercise_id: int = parent_ref("case_exercise")
    #: The dimension by its key on the case's scorecard (kept when it is renamed).
    dimension_key: str = Field(max_length=60)
    _key = validate_required("dimension_key", label="Dimension")
    #: Why the sample answer deserves it; shown once a practice evaluation is submitted.
    rationale: str = ""
    rating: int = Field(ge=1, le=4)


class ReferenceRatingCreate(ReferenceRatingBase): ...


ReferenceRatingUpdate = partial_model(ReferenceRatingBase)


class ReferenceRating(ReferenceRatingBase, TableMixin, table=True):
    """The rating a case's sample answer deserves on one dimension (calibration)."""

    __table_args__ = (
        range_check("rating", 1, 4),
        UniqueConstraint("exercise_id", "dimension_key", name="uq_reference_rating_dimension"),
    )
