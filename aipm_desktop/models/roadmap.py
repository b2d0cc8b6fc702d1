"""Roadmap items and the finish-to-start dependencies between them."""

from __future__ import annotations

import datetime as dt

from pydantic import model_validator
from sqlalchemy import CheckConstraint, UniqueConstraint
from sqlmodel import Field, SQLModel

from .common import (
    TableMixin,
    TitledSchema,
    enum_checks,
    enum_field,
    parent_ref,
    partial_model,
    person_field,
    range_check,
    use_case_ref,
)
from .enums import ItemKind, ItemStatus
from .validators import validate_date_order, validate_stripped

DEFAULT_LANES = (
    "Data readiness",
    "Model iteration",
    "Product and UX",
    "Evaluation and safety",
    "Launch and GTM",
)


class RoadmapItemBase(TitledSchema):
    lane: str = Field(default=DEFAULT_LANES[2], max_length=100)
    kind: ItemKind = enum_field(ItemKind.WORK)
    start: dt.date
    end: dt.date
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    status: ItemStatus = enum_field(ItemStatus.PLANNED)
    progress: int = Field(default=0, ge=0, le=100)
    owner: str = person_field()
    use_case_id: int | None = use_case_ref()

    _strip = validate_stripped("lane", "owner")

    _dates = validate_date_order("start", "end")

    @model_validator(mode="after")
    def _milestone_one_day(self) -> RoadmapItemBase:
        if self.kind == ItemKind.MILESTONE and self.start != self.end and self.end is not None:
            raise ValueError("a milestone starts and ends on the same day")
        return self


class RoadmapItemCreate(RoadmapItemBase): ...


RoadmapItemUpdate = partial_model(RoadmapItemBase)


class RoadmapItem(RoadmapItemBase, TableMixin, table=True):
    __table_args__ = (
        *enum_checks("roadmap_item", kind=ItemKind, status=ItemStatus),
        range_check("progress", 0, 100),
        CheckConstraint('"end" >= start', name="ck_roadmap_item_dates"),
    )


class RoadmapDependency(SQLModel, table=True):
    """Finish-to-start: ``successor`` cannot start before ``predecessor`` ends."""

    __tablename__ = "roadmap_dependency"
    __table_args__ = (
        UniqueConstraint("predecessor_id", "successor_id", name="uq_roadmap_dependency"),
        CheckConstraint("predecessor_id <> successor_id", name="ck_roadmap_dependency_self"),
    )

    id: int | None = Field(default=None, primary_key=True)
    predecessor_id: int = parent_ref("roadmap_item")
    successor_id: int = parent_ref("roadmap_item")
