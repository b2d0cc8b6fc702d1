"""Reference data loaded into every new workspace (and replaceable per workspace)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel

from .common import enum_checks, enum_field, parent_ref
from .enums import Frequency, KpiDirection


class KpiCatalogEntry(SQLModel, table=True):
    """One metric of the built-in KPI framework."""

    __tablename__ = "kpi_catalog"
    __table_args__ = enum_checks("kpi_catalog", direction=KpiDirection, frequency=Frequency)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=60, unique=True)
    name: str = Field(max_length=200)
    what: str = ""
    why: str = ""
    example_target: str = ""
    frequency: Frequency = enum_field(Frequency.WEEKLY)
    unit: str = Field(default="", max_length=40)
    direction: KpiDirection = enum_field(KpiDirection.HIGHER_IS_BETTER)
    category: str = Field(default="", max_length=60)


class DeliverableKind(SQLModel, table=True):
    """A kind of document an AI PM produces (AI PRD, evaluation plan, ...)."""

    __tablename__ = "deliverable_kind"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=60, unique=True)
    name: str = Field(max_length=200)
    description: str = ""


class RiskTaxonomy(SQLModel, table=True):
    __tablename__ = "risk_taxonomy"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=60, unique=True)
    name: str = Field(max_length=200)
    source: str = Field(default="", max_length=300)
    enabled: bool = True


class RiskTaxonomyItem(SQLModel, table=True):
    __tablename__ = "risk_taxonomy_item"

    id: int | None = Field(default=None, primary_key=True)
    taxonomy_id: int = parent_ref("risk_taxonomy")
    key: str = Field(max_length=60)
    name: str = Field(max_length=200)
    description: str = ""


class LaunchChecklistTemplate(SQLModel, table=True):
    """The default launch-readiness checklist, copied into each new release."""

    __tablename__ = "launch_checklist_template"

    id: int | None = Field(default=None, primary_key=True)
    function: str = Field(max_length=100)
    item: str = Field(max_length=300)
    description: str = ""
    position: int = 0
