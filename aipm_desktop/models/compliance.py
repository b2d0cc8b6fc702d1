"""Regulatory compliance per use case: the EU AI Act tier check and its obligations."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel

from .common import TableMixin, enum_checks, enum_field, parent_ref, partial_model, person_field
from .enums import CheckStatus
from .validators import validate_required, validate_stripped


class AiActTier(enum.StrEnum):
    """The risk tiers of the EU AI Act, most severe first."""

    PROHIBITED = "prohibited"
    HIGH = "high"
    LIMITED = "limited"
    MINIMAL = "minimal"


class AiActAssessmentBase(SQLModel):
    """The answers of the tier questionnaire for one use case and the tier they lead to.

    ``answers`` maps question keys to yes (true) / no (false); ``reasons`` lists, in
    words, the answers that decided the tier. Both are written by
    :func:`aipm_desktop.services.ai_act.save_assessment`, which derives the tier.
    """

    use_case_id: int = parent_ref("use_case", index=False, unique=True)
    answers: dict[str, bool] = Field(default_factory=dict, sa_type=JSON)
    tier: AiActTier = enum_field(AiActTier.MINIMAL)
    reasons: list[str] = Field(default_factory=list, sa_type=JSON)
    assessor: str = person_field()
    assessed_on: dt.date = Field(default_factory=dt.date.today)

    _strip = validate_stripped("assessor")


AiActAssessmentUpdate = partial_model(AiActAssessmentBase)


class AiActAssessment(AiActAssessmentBase, TableMixin, table=True):
    __table_args__ = enum_checks("ai_act_assessment", tier=AiActTier)


class ComplianceObligationBase(SQLModel):
    """One trackable obligation of a use case (e.g. "Art. 14 Human oversight")."""

    use_case_id: int = parent_ref("use_case")
    article: str = Field(max_length=40)
    title: str = Field(max_length=200)
    description: str = ""
    status: CheckStatus = enum_field(CheckStatus.OPEN)
    owner: str = person_field()
    due_date: dt.date | None = None
    evidence: str = ""

    _article = validate_required("article", label="Article")
    _title = validate_required("title", label="Title")
    _strip = validate_stripped("owner")


ComplianceObligationUpdate = partial_model(ComplianceObligationBase)


class ComplianceObligation(ComplianceObligationBase, TableMixin, table=True):
    __table_args__ = (
        UniqueConstraint("use_case_id", "article", name="uq_compliance_obligation_article"),
        *enum_checks("compliance_obligation", status=CheckStatus),
    )
