"""Runbooks for AI incidents: escalation path (contacts), rollback criteria as KPI
conditions, communication templates. The overview checks the criteria at start-up, so
they live apart from the incident classes it does not need."""

from __future__ import annotations

from sqlalchemy import UniqueConstraint
from sqlmodel import Field

from .common import (
    Schema,
    TableMixin,
    TitledSchema,
    enum_checks,
    enum_field,
    optional_ref,
    parent_ref,
    partial_model,
    person_field,
    use_case_ref,
)
from .enums import (
    CommunicationChannel,
    ComparisonOp,
)
from .validators import validate_finite, validate_required, validate_stripped

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
    "RollbackCriterion",
    "RollbackCriterionCreate",
    "RollbackCriterionUpdate",
    "Runbook",
    "RunbookContact",
    "RunbookContactCreate",
    "RunbookContactUpdate",
    "RunbookCreate",
    "RunbookUpdate",
]
