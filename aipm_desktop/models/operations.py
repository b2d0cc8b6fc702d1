"""Experiments, incidents and AI unit-economics cost models."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field

from .common import (
    Schema,
    TableMixin,
    TitledSchema,
    enum_check,
    enum_field,
    partial_model,
    range_check,
    use_case_ref,
)
from .enums import ExperimentStatus, IncidentStatus, Severity
from .validators import validate_date_order, validate_required


class ExperimentBase(TitledSchema):
    hypothesis: str = ""
    use_case_id: int | None = use_case_ref()
    primary_metric: str = Field(default="", max_length=200)
    guardrails: str = ""
    design: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    status: ExperimentStatus = enum_field(ExperimentStatus.DRAFT)
    result: str = ""
    decision: str = Field(default="", max_length=300)

    _dates = validate_date_order("start", "end")


class ExperimentCreate(ExperimentBase): ...


ExperimentUpdate = partial_model(ExperimentBase)


class Experiment(ExperimentBase, TableMixin, table=True):
    __tablename__ = "experiment"
    __table_args__ = (enum_check("status", ExperimentStatus, "ck_experiment_status"),)


class IncidentBase(TitledSchema):
    severity: Severity = enum_field(Severity.SEV3)
    occurred_on: dt.date
    resolved_on: dt.date | None = None
    use_case_id: int | None = use_case_ref()
    description: str = ""
    root_cause: str = ""
    actions: str = ""
    rolled_back: bool = False
    status: IncidentStatus = enum_field(IncidentStatus.OPEN)

    _dates = validate_date_order(
        "occurred_on", "resolved_on", "an incident cannot be resolved before it occurred"
    )


class IncidentCreate(IncidentBase): ...


IncidentUpdate = partial_model(IncidentBase)


class Incident(IncidentBase, TableMixin, table=True):
    __tablename__ = "incident"
    __table_args__ = (
        enum_check("severity", Severity, "ck_incident_severity"),
        enum_check("status", IncidentStatus, "ck_incident_status"),
    )


class CostModelBase(Schema):
    """Unit economics of one AI feature: what a successful task costs."""

    name: str = Field(max_length=200)
    use_case_id: int | None = use_case_ref()
    requests_per_month: float = Field(default=0, ge=0)
    tokens_per_request: float = Field(default=0, ge=0)
    cost_per_1k_tokens: float = Field(default=0, ge=0)
    other_cost_per_request: float = Field(default=0, ge=0)
    fixed_monthly_cost: float = Field(default=0, ge=0)
    success_rate: float = Field(default=1.0, gt=0, le=1)
    target_cost_per_task: float | None = Field(default=None, ge=0)
    notes: str = ""

    _name = validate_required("name", label="Name")


class CostModelCreate(CostModelBase): ...


CostModelUpdate = partial_model(CostModelBase)


class CostModel(CostModelBase, TableMixin, table=True):
    __tablename__ = "cost_model"
    __table_args__ = (range_check("success_rate", 0.0001, 1),)
