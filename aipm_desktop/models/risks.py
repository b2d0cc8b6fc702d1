"""Responsible-AI risk register: risks, mitigation actions, links to use cases."""

from __future__ import annotations

import datetime as dt

from pydantic import model_validator
from sqlmodel import Field

from .common import (
    Schema,
    TableMixin,
    TitledSchema,
    enum_checks,
    enum_field,
    link_table,
    parent_ref,
    partial_model,
    person_field,
    range_check,
)
from .enums import ActionStatus, RiskSource, RiskStatus, Treatment
from .validators import validate_required, validate_stripped


class RiskBase(TitledSchema):
    description: str = ""
    category: str = Field(default="", max_length=200)
    source: RiskSource = enum_field(RiskSource.REVIEW)
    owner: str = person_field()
    likelihood: int = Field(default=3, ge=1, le=5)
    impact: int = Field(default=3, ge=1, le=5)
    treatment: Treatment = enum_field(Treatment.MITIGATE)
    residual_likelihood: int | None = Field(default=None, ge=1, le=5)
    residual_impact: int | None = Field(default=None, ge=1, le=5)
    status: RiskStatus = enum_field(RiskStatus.OPEN)
    acceptance_rationale: str = ""
    approver: str = person_field()
    acceptance_expiry: dt.date | None = None
    review_cadence_days: int = Field(default=90, ge=1, le=3650)
    next_review: dt.date | None = None
    framework_refs: str = Field(default="", max_length=500)

    _strip = validate_stripped("category", "owner", "approver", "framework_refs")

    @model_validator(mode="after")
    def _accepted_needs_rationale(self) -> RiskBase:
        if self.status == RiskStatus.ACCEPTED and not (
            (self.acceptance_rationale or "").strip() and self.approver
        ):
            raise ValueError("an accepted risk needs a rationale and an approver")
        if (self.residual_likelihood is None) != (self.residual_impact is None):
            raise ValueError("residual likelihood and impact are set together")
        return self


class RiskCreate(RiskBase): ...


RiskUpdate = partial_model(RiskBase)


class Risk(RiskBase, TableMixin, table=True):
    __table_args__ = (
        *enum_checks("risk", source=RiskSource, treatment=Treatment, status=RiskStatus),
        range_check("likelihood", 1, 5),
        range_check("impact", 1, 5),
        range_check("residual_likelihood", 1, 5, nullable=True),
        range_check("residual_impact", 1, 5, nullable=True),
    )


RiskUseCaseLink = link_table("risk", "use_case", "which use cases a risk applies to.")


class MitigationActionBase(Schema):
    risk_id: int = parent_ref("risk")
    action: str = Field(max_length=500)
    owner: str = person_field()
    due_date: dt.date | None = None
    status: ActionStatus = enum_field(ActionStatus.TO_DO)

    _action = validate_required("action", label="Action")


MitigationActionUpdate = partial_model(MitigationActionBase)


class MitigationAction(MitigationActionBase, TableMixin, table=True):
    __table_args__ = enum_checks("mitigation_action", status=ActionStatus)
