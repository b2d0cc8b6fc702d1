"""Control catalogs, their crosswalk, applicability and status per use case, evidence.

A :class:`ControlCatalog` (EU AI Act, NIST AI RMF, ISO/IEC 42001 Annex A, or one the
user imports) holds :class:`Control` rows; :class:`ControlMapping` rows are the crosswalk
between controls of different catalogs. :class:`ControlStatus` says whether a control
applies to a use case (or, with no use case, to the whole workspace) and how far its work
is; :class:`ControlProfile` holds a use case's EU AI Act role. :class:`EvidenceItem` rows
are files (kept in :class:`EvidenceBlob` by their SHA-256) or references, linked to the
controls they satisfy.
"""

from __future__ import annotations

import datetime as dt
import enum

from pydantic import model_validator
from sqlalchemy import JSON, CheckConstraint, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from . import common
from .common import Schema, TableMixin, TitledSchema, enum_checks, enum_field, parent_ref
from .validators import validate_date_order, validate_required, validate_stripped


class ControlState(enum.StrEnum):
    """How far the work on a control is, in order. (Each value is its name in lower
    case, as :class:`enum.StrEnum` makes it from ``auto()``; the schema stores them.)"""

    NOT_STARTED = enum.auto()
    IN_PROGRESS = enum.auto()
    IMPLEMENTED = enum.auto()
    VERIFIED = enum.auto()


#: Whether a control applies (``not_applicable`` always comes with a justification).
Applicability = enum.StrEnum("Applicability", ["APPLIES", "NOT_APPLICABLE"], module=__name__)

#: ``equivalent``: evidence for one satisfies the other; ``related``: it helps.
MappingStrength = enum.StrEnum("MappingStrength", ["EQUIVALENT", "RELATED"], module=__name__)

#: A file kept in the workspace, or a reference to something outside it.
EvidenceKind = enum.StrEnum("EvidenceKind", ["FILE", "URL", "DOCUMENT", "TICKET"], module=__name__)

#: How soon a missing control should be dealt with (gap lists sort by it).
ControlPriority = enum.StrEnum("ControlPriority", ["HIGH", "MEDIUM", "LOW"], module=__name__)

#: A use case's role under the EU AI Act (``both``: it builds and runs the system).
AiActRole = enum.StrEnum("AiActRole", ["PROVIDER", "DEPLOYER", "BOTH"], module=__name__)

#: ``use_case``: tracked per use case; ``organisation``: once for the workspace.
ControlScope = enum.StrEnum("ControlScope", ["USE_CASE", "ORGANISATION"], module=__name__)


# -- catalogs ----------------------------------------------------------------------------------


class ControlCatalogBase(Schema):
    """One catalog in one version (``key`` names it across versions)."""

    key: str = Field(max_length=60)
    name: str = Field(max_length=200)
    #: The catalog's own version ("1.0", "2024/1689"); ``version`` counts row edits.
    catalog_version: str = Field(max_length=40)
    published: dt.date | None = None
    source: str = Field(default="", max_length=500)
    licence: str = Field(default="", max_length=500)
    description: str = ""
    built_in: bool = False

    _required = validate_required("key", "name", "catalog_version", label="Catalog")


ControlCatalogUpdate = common.partial_model(ControlCatalogBase)


class ControlCatalog(ControlCatalogBase, TableMixin, table=True):
    __table_args__ = (UniqueConstraint("key", name="uq_control_catalog_key"),)


class ControlBase(Schema):
    """One control (an article, a subcategory, an Annex A control) of a catalog.

    ``applies_tiers`` / ``applies_answers`` let the EU AI Act tier check decide whether
    it applies to a use case (a tier in the list, or a yes to one of the questions);
    ``roles`` limits that to providers, deployers or both. ``notes`` holds text the user
    adds (e.g. the licensed wording of a standard).
    """

    catalog_id: int = parent_ref("control_catalog")
    ref: str = Field(max_length=60)
    title: str = Field(max_length=200)
    summary: str = ""
    section: str = Field(default="", max_length=200)
    priority: ControlPriority = enum_field(ControlPriority.MEDIUM)
    roles: AiActRole = enum_field(AiActRole.BOTH)
    scope: ControlScope = enum_field(ControlScope.USE_CASE)
    applies_tiers: list[str] = Field(default_factory=list, sa_type=JSON)
    applies_answers: list[str] = Field(default_factory=list, sa_type=JSON)
    notes: str = ""
    position: int = Field(default=0, ge=0)

    _required = validate_required("ref", "title", label="Control")


ControlUpdate = common.partial_model(ControlBase)


class Control(ControlBase, TableMixin, table=True):
    __table_args__ = (
        UniqueConstraint("catalog_id", "ref", name="uq_control_ref"),
        *enum_checks("control", priority=ControlPriority, roles=AiActRole, scope=ControlScope),
    )


class ControlMappingBase(Schema):
    """One crosswalk line between two controls (read in both directions)."""

    from_control_id: int = parent_ref("control")
    to_control_id: int = parent_ref("control")
    strength: MappingStrength = enum_field(MappingStrength.RELATED)
    note: str = Field(default="", max_length=500)

    @model_validator(mode="after")
    def _two_controls(self) -> ControlMappingBase:
        if self.from_control_id is not None and self.from_control_id == self.to_control_id:
            raise ValueError("a control cannot map to itself")
        return self


ControlMappingUpdate = common.partial_model(ControlMappingBase)


class ControlMapping(ControlMappingBase, TableMixin, table=True):
    __table_args__ = (
        UniqueConstraint("from_control_id", "to_control_id", name="uq_control_mapping_pair"),
        CheckConstraint("from_control_id <> to_control_id", name="ck_control_mapping_self"),
        *enum_checks("control_mapping", strength=MappingStrength),
    )


# -- applicability and status ------------------------------------------------------------------


class ControlProfileBase(Schema):
    """A use case's EU AI Act role (which obligations fall to it)."""

    use_case_id: int = parent_ref("use_case", index=False, unique=True)
    role: AiActRole = enum_field(AiActRole.BOTH)


ControlProfileUpdate = common.partial_model(ControlProfileBase)


class ControlProfile(ControlProfileBase, TableMixin, table=True):
    __table_args__ = enum_checks("control_profile", role=AiActRole)


class ControlStatusBase(Schema):
    """A control for one use case (or, without one, the workspace): does it apply
    (a "not applicable" needs a justification), how far is it, who owns it, by when."""

    control_id: int = parent_ref("control")
    use_case_id: int | None = parent_ref("use_case", default=None)
    applicability: Applicability = enum_field(Applicability.APPLIES)
    justification: str = ""
    status: ControlState = enum_field(ControlState.NOT_STARTED)
    owner: str = common.person_field()
    due_date: dt.date | None = None
    notes: str = ""

    _strip = validate_stripped("owner", "justification")

    @model_validator(mode="after")
    def _justified(self) -> ControlStatusBase:
        if (
            self.applicability == Applicability.NOT_APPLICABLE
            and not (self.justification or "").strip()
        ):
            raise ValueError("a control marked not applicable needs a justification")
        return self


ControlStatusUpdate = common.partial_model(ControlStatusBase)


class ControlStatus(ControlStatusBase, TableMixin, table=True):
    __table_args__ = enum_checks("control_status", applicability=Applicability, status=ControlState)


ControlStatusRiskLink = common.link_table("control_status", "risk", "the risks a control treats.")
ControlStatusMitigationActionLink = common.link_table(
    "control_status", "mitigation_action", "the mitigation actions that carry out a control."
)
ControlStatusLaunchCheckLink = common.link_table(
    "control_status", "launch_check", "the launch checks that confirm a control."
)


# -- evidence ----------------------------------------------------------------------------------


class EvidenceItemBase(TitledSchema):
    """A file kept in the workspace (by its SHA-256) or a reference (a URL, a document
    of the workspace, a ticket id), with who added it, when, how long it is valid and
    who reviewed it. Without a use case it serves the whole workspace."""

    kind: EvidenceKind = enum_field(EvidenceKind.FILE)
    use_case_id: int | None = common.use_case_ref()
    sha256: str = Field(default="", max_length=64, index=True)
    file_name: str = Field(default="", max_length=255)
    size_bytes: int | None = Field(default=None, ge=0)
    url: str = Field(default="", max_length=1000)
    document_id: int | None = common.optional_ref("document")
    ticket: str = Field(default="", max_length=100)
    added_by: str = common.person_field()
    added_on: dt.date = Field(default_factory=dt.date.today)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    reviewer: str = common.person_field()
    reviewed_on: dt.date | None = None
    notes: str = ""

    _strip = validate_stripped("added_by", "reviewer", "url", "ticket")
    _dates = validate_date_order("valid_from", "valid_until", "valid until is before valid from")

    @model_validator(mode="after")
    def _points_somewhere(self) -> EvidenceItemBase:
        needed = {
            EvidenceKind.FILE: ("sha256", "a file"),
            EvidenceKind.URL: ("url", "a URL"),
            EvidenceKind.DOCUMENT: ("document_id", "a document"),
            EvidenceKind.TICKET: ("ticket", "a ticket id"),
        }
        name, what = needed[EvidenceKind(self.kind)]
        if not getattr(self, name):
            raise ValueError(f"{self.kind} evidence needs {what}")
        if self.kind == EvidenceKind.URL and "://" not in self.url:
            raise ValueError("the URL needs a scheme, e.g. https://")
        return self


EvidenceItemUpdate = common.partial_model(EvidenceItemBase)


class EvidenceItem(EvidenceItemBase, TableMixin, table=True):
    __table_args__ = enum_checks("evidence_item", kind=EvidenceKind)


EvidenceItemControlLink = common.link_table(
    "evidence_item", "control", "the controls an evidence item satisfies directly."
)


class EvidenceBlob(SQLModel, table=True):
    """The bytes of an evidence file, once per content (its SHA-256 is the key).

    Blobs are written once and never changed. They are journaled like other rows (so
    undoing an evidence file's addition removes its blob, and undoing the removal of
    evidence brings the blob back: the undo history then holds a copy of the file until
    it is pruned), but get no change-log rows of their own: their evidence items do.
    """

    __tablename__ = "evidence_blob"

    sha256: str = Field(primary_key=True, max_length=64)
    size_bytes: int = Field(ge=0)
    data: bytes = Field(sa_type=LargeBinary)


__all__ = [
    "AiActRole",
    "Applicability",
    "Control",
    "ControlCatalog",
    "ControlCatalogUpdate",
    "ControlMapping",
    "ControlMappingUpdate",
    "ControlPriority",
    "ControlProfile",
    "ControlProfileUpdate",
    "ControlScope",
    "ControlState",
    "ControlStatus",
    "ControlStatusLaunchCheckLink",
    "ControlStatusMitigationActionLink",
    "ControlStatusRiskLink",
    "ControlStatusUpdate",
    "ControlUpdate",
    "EvidenceBlob",
    "EvidenceItem",
    "EvidenceItemControlLink",
    "EvidenceItemUpdate",
    "EvidenceKind",
    "MappingStrength",
]
