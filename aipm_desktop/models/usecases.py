"""Use cases, scoring models, criteria and per-use-case scores."""

from __future__ import annotations

import datetime as dt

from pydantic import model_validator
from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field

from .common import (
    Schema,
    TableMixin,
    TitledSchema,
    enum_checks,
    enum_field,
    parent_ref,
    partial_model,
    person_field,
    range_check,
    weight_check,
    weight_field,
)
from .enums import CriterionGroup, Decision, Direction, UseCaseStatus
from .validators import validate_level_count, validate_required, validate_stripped

COST_FIELDS = (
    "cost_build_oneoff",
    "cost_build_yearly",
    "cost_partner_oneoff",
    "cost_partner_yearly",
    "cost_buy_oneoff",
    "cost_buy_yearly",
)


class UseCaseBase(TitledSchema):
    problem: str = ""
    target_users: str = ""
    value_hypothesis: str = ""
    metric_name: str = Field(default="", max_length=200)
    metric_baseline: float | None = None
    metric_target: float | None = None
    metric_unit: str = Field(default="", max_length=40)
    metric_date: dt.date | None = None
    status: UseCaseStatus = enum_field(UseCaseStatus.IDEA)
    owner: str = person_field()
    area: str = Field(default="", max_length=200)
    tags: str = Field(default="", max_length=500)
    data_sources: str = ""
    data_availability: str = ""
    latency_requirement: str = Field(default="", max_length=200)
    safety_constraints: str = ""
    human_in_loop: str = ""
    decision: Decision = enum_field(Decision.UNDECIDED)
    decision_rationale: str = ""
    cost_build_oneoff: float | None = Field(default=None, ge=0)
    cost_build_yearly: float | None = Field(default=None, ge=0)
    cost_partner_oneoff: float | None = Field(default=None, ge=0)
    cost_partner_yearly: float | None = Field(default=None, ge=0)
    cost_buy_oneoff: float | None = Field(default=None, ge=0)
    cost_buy_yearly: float | None = Field(default=None, ge=0)

    _strip = validate_stripped("metric_name", "metric_unit", "owner", "area", "tags")

    @model_validator(mode="after")
    def _metric_rules(self) -> UseCaseBase:
        has_metric = bool(self.metric_name) or self.metric_target is not None
        if has_metric:
            if self.metric_target is None:
                raise ValueError("an outcome metric needs a target number")
            if not self.metric_unit:
                raise ValueError("an outcome metric needs a unit")
        if self.status == UseCaseStatus.LAUNCHED and not has_metric:
            raise ValueError("a launched use case needs an outcome metric")
        return self


class UseCaseCreate(UseCaseBase): ...


UseCaseUpdate = partial_model(UseCaseBase)


class UseCase(UseCaseBase, TableMixin, table=True):
    __table_args__ = enum_checks("use_case", status=UseCaseStatus, decision=Decision)


class ScoringModelBase(Schema):
    key: str = Field(default="", max_length=60)
    name: str = Field(max_length=200)
    description: str = ""
    is_preset: bool = False

    _name = validate_required("name", label="Model name")


ScoringModelUpdate = partial_model(ScoringModelBase)


class ScoringModel(ScoringModelBase, TableMixin, table=True): ...


class CriterionBase(Schema):
    model_id: int = parent_ref("scoring_model")
    key: str = Field(max_length=60)
    name: str = Field(max_length=200)
    group: CriterionGroup = enum_field()
    weight: float = weight_field()
    direction: Direction = enum_field(Direction.BENEFIT)
    description: str = ""
    levels: list[str] = Field(default_factory=list, sa_type=JSON)
    position: int = 0

    _name = validate_required("name", label="Criterion name")
    _levels = validate_level_count(5, "a criterion")


class CriterionCreate(CriterionBase): ...


CriterionUpdate = partial_model(CriterionBase)


class Criterion(CriterionBase, TableMixin, table=True):
    __table_args__ = (
        UniqueConstraint("model_id", "key", name="uq_criterion_model_key"),
        *enum_checks("criterion", group=CriterionGroup, direction=Direction),
        weight_check(),
    )


class ScoreBase(Schema):
    use_case_id: int = parent_ref("use_case")
    criterion_id: int = parent_ref("criterion")
    value: int = Field(ge=1, le=5)
    rationale: str = ""


ScoreUpdate = partial_model(ScoreBase)


class Score(ScoreBase, TableMixin, table=True):
    __table_args__ = (
        UniqueConstraint("use_case_id", "criterion_id", name="uq_score_use_case_criterion"),
        range_check("value", 1, 5),
    )
