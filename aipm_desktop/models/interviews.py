"""Interview case kit: exercises, scorecards, candidates and evaluations."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel

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
from .enums import Recommendation, SignalKind
from .validators import validate_level_count, validate_required


class CaseExerciseBase(Schema):
    key: str = Field(default="", max_length=60)
    title: str = Field(max_length=200)
    prompt: str = ""
    materials: str = ""
    expected_outputs: str = ""
    time_box_minutes: int = Field(default=45, ge=5, le=480)
    dimension_keys: list[str] = Field(default_factory=list, sa_type=JSON)
    built_in: bool = False

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


class ScorecardSignal(SQLModel, table=True):
    """A strong, weak or red-flag signal an interviewer can tick."""

    __tablename__ = "scorecard_signal"
    __table_args__ = enum_checks("scorecard_signal", kind=SignalKind)

    id: int | None = Field(default=None, primary_key=True)
    scorecard_id: int = parent_ref("scorecard")
    kind: SignalKind = enum_field()
    text: str = Field(max_length=500)
    position: int = 0


class CandidateBase(Schema):
    name: str = Field(max_length=200)
    role_level: str = Field(default="", max_length=100)
    interview_date: dt.date | None = None
    interviewers: str = Field(default="", max_length=500)

    _name = validate_required("name", label="Candidate name")


CandidateUpdate = partial_model(CandidateBase)


class Candidate(CandidateBase, TableMixin, table=True): ...


class EvaluationBase(Schema):
    candidate_id: int = parent_ref("candidate")
    exercise_id: int | None = optional_ref("case_exercise")
    scorecard_id: int = Field(foreign_key="scorecard.id", ondelete="RESTRICT")
    interviewer: str = Field(max_length=200)
    recommendation: Recommendation | None = enum_field(None, nullable=True)
    notes: str = ""
    signal_ids: list[int] = Field(default_factory=list, sa_type=JSON)

    _interviewer = validate_required("interviewer", label="Interviewer")


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
