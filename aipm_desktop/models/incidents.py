"""Incident work: the incident, severity definitions, the failure-category triage list,
an incident's timeline, actions and links. Runbooks are in :mod:`.runbooks`."""

from __future__ import annotations

import datetime as dt

from pydantic import model_validator
from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from .common import (
    Schema,
    TableMixin,
    TitledSchema,
    enum_check,
    enum_checks,
    enum_field,
    link_table,
    optional_ref,
    parent_ref,
    partial_model,
    person_field,
)
from .enums import (
    IncidentActionKind,
    IncidentStatus,
    RootCauseClass,
    Severity,
)
from .validators import validate_aware, validate_required, validate_stripped

# -- the incident ------------------------------------------------------------------------------

#: An incident's timestamps, in the order they must happen.
INCIDENT_TIMESTAMPS = (
    "detected_at",
    "acknowledged_at",
    "mitigated_at",
    "resolved_at",
    "reviewed_at",
)


class IncidentBase(TitledSchema):
    """An AI incident: what failed, how badly, where, and when each step of the response
    happened (detected <= acknowledged <= mitigated <= resolved <= reviewed).

    ``severity`` is SEV1-4 (the workspace's :class:`SeverityDefinition` rows say what
    each means); ``category_id`` names the failure category of the triage list;
    ``root_cause_class`` is UX, data, model, policy, infrastructure or vendor. Affected
    use cases and KPIs are link rows (``incident_use_case``, ``incident_kpi``).
    """

    severity: Severity = enum_field(Severity.SEV3)
    status: IncidentStatus = enum_field(IncidentStatus.OPEN)
    category_id: int | None = optional_ref("failure_category", index=True)
    root_cause_class: RootCauseClass | None = enum_field(None, nullable=True)
    release_id: int | None = optional_ref("release", index=True)
    owner: str = person_field()
    customer_impact: str = ""
    detected_at: dt.datetime
    acknowledged_at: dt.datetime | None = None
    mitigated_at: dt.datetime | None = None
    resolved_at: dt.datetime | None = None
    reviewed_at: dt.datetime | None = None
    description: str = ""
    root_cause: str = ""
    #: Free-text summary of what was done (the structured actions are ``incident_action``).
    actions: str = ""
    rolled_back: bool = False
    review_document_id: int | None = optional_ref("document")

    _strip = validate_stripped("owner")
    _aware = validate_aware(*INCIDENT_TIMESTAMPS)

    @model_validator(mode="after")
    def _timestamps_in_order(self) -> IncidentBase:
        previous: tuple[str, dt.datetime] | None = None
        for name in INCIDENT_TIMESTAMPS:
            value = getattr(self, name, None)
            if value is None:
                continue
            if previous is not None and value < previous[1]:
                raise ValueError(
                    f"{name.removesuffix('_at')} cannot be before {previous[0].removesuffix('_at')}"
                )
            previous = (name, value)
        return self


IncidentUpdate = partial_model(IncidentBase)


class Incident(IncidentBase, TableMixin, table=True):
    __table_args__ = (
        *enum_checks("incident", severity=Severity, status=IncidentStatus),
        enum_check("root_cause_class", RootCauseClass, "ck_incident_root_cause", nullable=True),
    )


# -- reference lists a workspace edits ---------------------------------------------------------


class SeverityDefinitionBase(Schema):
    """What SEV1-SEV4 mean in this workspace, and how fast each must be acknowledged."""

    severity: Severity = enum_field()
    name: str = Field(max_length=100)
    definition: str = ""
    #: Hours within which an incident of this severity should be acknowledged.
    acknowledge_within_hours: float | None = Field(default=None, ge=0, le=10_000)

    _name = validate_required("name", label="Name")


SeverityDefinitionUpdate = partial_model(SeverityDefinitionBase)


class SeverityDefinition(SeverityDefinitionBase, TableMixin, table=True):
    __table_args__ = (
        *enum_checks("severity_definition", severity=Severity),
        UniqueConstraint("severity", name="uq_severity_definition_severity"),
    )


class FailureCategoryBase(Schema):
    """One entry of the triage list ("wrong answer", "unsafe response", ...)."""

    name: str = Field(max_length=100)
    description: str = ""
    position: int = Field(default=0, ge=0)

    _name = validate_required("name", label="Name")


FailureCategoryUpdate = partial_model(FailureCategoryBase)


class FailureCategory(FailureCategoryBase, TableMixin, table=True):
    __table_args__ = (UniqueConstraint("name", name="uq_failure_category_name"),)


# -- an incident's timeline, actions and links -------------------------------------------------


class IncidentTimelineEntryBase(Schema):
    """One line of an incident's timeline: who did or saw what, when."""

    incident_id: int = parent_ref("incident")
    at: dt.datetime
    who: str = person_field()
    what: str = Field(max_length=2000)

    _what = validate_required("what", label="What happened")
    _strip = validate_stripped("who")
    _aware = validate_aware("at")


IncidentTimelineEntryUpdate = partial_model(IncidentTimelineEntryBase)


class IncidentTimelineEntry(IncidentTimelineEntryBase, TableMixin, table=True): ...


class IncidentActionBase(Schema):
    """A mitigation taken: a feature-flag rollback, safe mode, a prompt update ..."""

    incident_id: int = parent_ref("incident")
    kind: IncidentActionKind = enum_field()
    at: dt.datetime
    who: str = person_field()
    notes: str = ""

    _strip = validate_stripped("who")
    _aware = validate_aware("at")


IncidentActionUpdate = partial_model(IncidentActionBase)


class IncidentAction(IncidentActionBase, TableMixin, table=True):
    __table_args__ = enum_checks("incident_action", kind=IncidentActionKind)


IncidentUseCaseLink = link_table("incident", "use_case", "the use cases an incident affected.")
IncidentKpiLink = link_table("incident", "kpi", "the KPIs an incident moved.")
IncidentRiskLink = link_table("incident", "risk", "the risk-register entries an incident bears on.")


__all__ = [
    "INCIDENT_TIMESTAMPS",
    "FailureCategory",
    "FailureCategoryUpdate",
    "Incident",
    "IncidentAction",
    "IncidentActionUpdate",
    "IncidentBase",
    "IncidentKpiLink",
    "IncidentRiskLink",
    "IncidentTimelineEntry",
    "IncidentTimelineEntryUpdate",
    "IncidentUpdate",
    "IncidentUseCaseLink",
    "SeverityDefinition",
    "SeverityDefinitionUpdate",
]
