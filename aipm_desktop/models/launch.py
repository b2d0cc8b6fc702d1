"""Releases, their rollout stages and launch-gate checks."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field

from .common import (
    Schema,
    TableMixin,
    enum_check,
    enum_field,
    partial_model,
    range_check,
    validate_required,
)
from .enums import CheckStatus, StageStatus


class ReleaseBase(Schema):
    name: str = Field(max_length=200)
    target_date: dt.date | None = None
    feature_flag: str = Field(default="", max_length=200)
    description: str = ""
    use_case_id: int | None = Field(
        default=None, foreign_key="use_case.id", ondelete="SET NULL", index=True
    )
    roadmap_item_id: int | None = Field(
        default=None, foreign_key="roadmap_item.id", ondelete="SET NULL"
    )

    _name = validate_required("name", label="Release name")


class ReleaseCreate(ReleaseBase):
    pass


ReleaseUpdate = partial_model(ReleaseBase)


class Release(ReleaseBase, TableMixin, table=True):
    __tablename__ = "release"


class RolloutStageBase(Schema):
    release_id: int = Field(foreign_key="release.id", ondelete="CASCADE", index=True)
    position: int = 0
    name: str = Field(max_length=200)
    audience_pct: float | None = Field(default=None, ge=0, le=100)
    entry_criteria: str = ""
    exit_criteria: str = ""
    rollback_criteria: str = ""
    status: StageStatus = enum_field(StageStatus.PENDING)

    _name = validate_required("name", label="Stage name")


class RolloutStageCreate(RolloutStageBase):
    pass


RolloutStageUpdate = partial_model(RolloutStageBase)


class RolloutStage(RolloutStageBase, TableMixin, table=True):
    __tablename__ = "rollout_stage"
    __table_args__ = (
        enum_check("status", StageStatus, "ck_rollout_stage_status"),
        range_check("audience_pct", 0, 100, nullable=True),
    )


class LaunchCheckBase(Schema):
    release_id: int = Field(foreign_key="release.id", ondelete="CASCADE", index=True)
    function: str = Field(max_length=100)
    item: str = Field(max_length=300)
    owner: str = Field(default="", max_length=200)
    status: CheckStatus = enum_field(CheckStatus.OPEN)
    blocking: bool = True
    evidence_url: str = Field(default="", max_length=500)
    evidence_document_id: int | None = Field(
        default=None, foreign_key="document.id", ondelete="SET NULL"
    )
    signed_off_by: str = Field(default="", max_length=200)
    signed_off_on: dt.date | None = None

    _required = validate_required("function", "item", label="Check")


class LaunchCheckCreate(LaunchCheckBase):
    pass


LaunchCheckUpdate = partial_model(LaunchCheckBase)


class LaunchCheck(LaunchCheckBase, TableMixin, table=True):
    __tablename__ = "launch_check"
    __table_args__ = (enum_check("status", CheckStatus, "ck_launch_check_status"),)
