"""Releases, their rollout stages and launch-gate checks."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field

from .common import (
    Schema,
    TableMixin,
    enum_checks,
    enum_field,
    optional_ref,
    parent_ref,
    partial_model,
    person_field,
    range_check,
    use_case_ref,
)
from .enums import CheckStatus, StageStatus
from .validators import validate_required


class ReleaseBase(Schema):
    name: str = Field(max_length=200)
    target_date: dt.date | None = None
    feature_flag: str = Field(default="", max_length=200)
    description: str = ""
    use_case_id: int | None = use_case_ref()
    roadmap_item_id: int | None = optional_ref("roadmap_item")

    _name = validate_required("name", label="Release name")


ReleaseUpdate = partial_model(ReleaseBase)


class Release(ReleaseBase, TableMixin, table=True): ...


class RolloutStageBase(Schema):
    release_id: int = parent_ref("release")
    position: int = 0
    name: str = Field(max_length=200)
    audience_pct: float | None = Field(default=None, ge=0, le=100)
    entry_criteria: str = ""
    exit_criteria: str = ""
    rollback_criteria: str = ""
    status: StageStatus = enum_field(StageStatus.PENDING)

    _name = validate_required("name", label="Stage name")


RolloutStageUpdate = partial_model(RolloutStageBase)


class RolloutStage(RolloutStageBase, TableMixin, table=True):
    __table_args__ = (
        *enum_checks("rollout_stage", status=StageStatus),
        range_check("audience_pct", 0, 100, nullable=True),
    )


class LaunchCheckBase(Schema):
    release_id: int = parent_ref("release")
    function: str = Field(max_length=100)
    item: str = Field(max_length=300)
    owner: str = person_field()
    status: CheckStatus = enum_field(CheckStatus.OPEN)
    blocking: bool = True
    evidence_url: str = Field(default="", max_length=500)
    evidence_document_id: int | None = optional_ref("document")
    signed_off_by: str = person_field()
    signed_off_on: dt.date | None = None

    _required = validate_required("function", "item", label="Check")


LaunchCheckUpdate = partial_model(LaunchCheckBase)


class LaunchCheck(LaunchCheckBase, TableMixin, table=True):
    __table_args__ = enum_checks("launch_check", status=CheckStatus)
