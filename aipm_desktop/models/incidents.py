"""Incident work and runbooks: severity definitions, the failure-category triage list,
an incident's timeline, actions and links, and runbooks (escalation path, rollback
criteria as KPI conditions, communication templates).

"""

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
    use_case_ref,
)
from .enums import (
    CommunicationChannel,
    ComparisonOp,
    IncidentActionKind,
    IncidentStatus,
    RootCauseClass,
    Severity,
)
from .validators import validate_aware, validate_finite, validate_required, validate_stripped

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


class SeverityDefinitionCreate(SeverityDefinitionBase): ...


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


class FailureCategoryCreate(FailureCategoryBase): ...


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


class IncidentTimelineEntryCreate(IncidentTimelineEntryBase): ...


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


class IncidentActionCreate(IncidentActionBase): ...


IncidentActionUpdate = partial_model(IncidentActionBase)


class IncidentAction(IncidentActionBase, TableMixin, table=True):
    __table_args__ = enum_checks("incident_action", kind=IncidentActionKind)


IncidentUseCaseLink = link_table("incident", "use_case", "the use cases an incident affected.")
IncidentKpiLink = link_table("incident", "kpi", "the KPIs an incident moved.")
IncidentRiskLink = link_table("incident", "risk", "the risk-register entries an incident bears on.")


# -- runbooks ----------------------------------------------------------------------------------


class RunbookBase(TitledSchema):
    """What to do when a use case's (or a release's) AI misbehaves."""

    use_case_id: int | None = use_case_ref()
    release_id: int | None = optional_ref("release", index=True)
    owner: str = person_field()
    scope: str = ""
    #: What the feature does in reduced-capability "safe mode".
    safe_mode: str = ""
    notes: str = ""

    _strip = validate_stripped("owner")


class RunbookCreate(RunbookBase): ...


RunbookUpdate = partial_model(RunbookBase)


class Runbook(RunbookBase, TableMixin, table=True): ...


class RunbookContactBase(Schema):
    """One step of a runbook's escalation path: a role, a person, how to reach them."""

    runbook_id: int = parent_ref("runbook")
    position: int = Field(default=0, ge=0)
    role: str = Field(max_length=200)
    name: str = person_field()
    reach: str = Field(default="", max_length=300)

    _role = validate_required("role", label="Role")
    _strip = validate_stripped("name", "reach")


class RunbookContactCreate(RunbookContactBase): ...


RunbookContactUpdate = partial_model(RunbookContactBase)


class RunbookContact(RunbookContactBase, TableMixin, table=True): ...


#: The most consecutive snapshots a rollback criterion may ask for.
MAX_CONSECUTIVE = 52


class RollbackCriterionBase(Schema):
    """A rollback criterion as a KPI condition: the KPI's value compared with a threshold
    (in ``unit``, e.g. ``s`` for a KPI kept in ms) on ``consecutive`` latest snapshots
    in a row. ``text`` is how the user wrote it."""

    runbook_id: int = parent_ref("runbook")
    position: int = Field(default=0, ge=0)
    kpi_id: int | None = optional_ref("kpi", index=True)
    op: ComparisonOp = enum_field(ComparisonOp.GT)
    threshold: float
    unit: str = Field(default="", max_length=20)
    consecutive: int = Field(default=1, ge=1, le=MAX_CONSECUTIVE)
    text: str = Field(default="", max_length=300)

    _finite = validate_finite("threshold")


class RollbackCriterionCreate(RollbackCriterionBase): ...


RollbackCriterionUpdate = partial_model(RollbackCriterionBase)


class RollbackCriterion(RollbackCriterionBase, TableMixin, table=True):
    __table_args__ = enum_checks("rollback_criterion", op=ComparisonOp)


class CommunicationTemplateBase(Schema):
    """A message ready to send during an incident, with ``{placeholders}`` filled from
    it (see ``services.runbooks.PLACEHOLDERS``)."""

    runbook_id: int = parent_ref("runbook")
    channel: CommunicationChannel = enum_field()
    subject: str = Field(default="", max_length=300)
    body: str = ""


class CommunicationTemplateCreate(CommunicationTemplateBase): ...


CommunicationTemplateUpdate = partial_model(CommunicationTemplateBase)


class CommunicationTemplate(CommunicationTemplateBase, TableMixin, table=True):
    __table_args__ = (
        *enum_checks("communication_template", channel=CommunicationChannel),
        UniqueConstraint("runbook_id", "channel", name="uq_communication_template_channel"),
    )


__all__ = [
    "MAX_CONSECUTIVE",
    "CommunicationTemplate",
    "CommunicationTemplateCreate",
    "CommunicationTemplateUpdate",
    "FailureCategory",
    "FailureCategoryCreate",
    "FailureCategoryUpdate",
    "IncidentAction",
    "IncidentActionCreate",
    "IncidentActionUpdate",
    "IncidentKpiLink",
    "IncidentRiskLink",
    "IncidentTimelineEntry",
    "IncidentTimelineEntryCreate",
    "IncidentTimelineEntryUpdate",
    "IncidentUseCaseLink",
    "RollbackCriterion",
    "RollbackCriterionCreate",
    "RollbackCriterionUpdate",
    "Runbook",
    "RunbookContact",
    "RunbookContactCreate",
    "RunbookContactUpdate",
    "RunbookCreate",
    "RunbookUpdate",
    "SeverityDefinition",
    "SeverityDefinitionCreate",
    "SeverityDefinitionUpdate",
]
