"""Workspace-wide settings (one row) and the change log."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from pydantic import field_validator
from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from .common import Schema, TableMixin, enum_check, partial_model, utcnow
from .enums import ChangeAction
from .roadmap import DEFAULT_LANES
from .validators import validate_required, validate_stripped

DEFAULT_RISK_BANDS: list[dict[str, Any]] = [
    {"name": "low", "max": 4, "color": "#4caf50"},
    {"name": "medium", "max": 9, "color": "#ffc107"},
    {"name": "high", "max": 16, "color": "#ff7043"},
    {"name": "critical", "max": 25, "color": "#c62828"},
]
#: The default size limit of one evidence file (MB) and the highest one allowed.
DEFAULT_EVIDENCE_MAX_MB = 50
MAX_EVIDENCE_MAX_MB = 2048


class WorkspaceSettingsBase(Schema):
    name: str = Field(max_length=200)
    client: str = Field(default="", max_length=200)
    owner_name: str = Field(default="", max_length=200)
    active_scoring_model_id: int | None = Field(
        default=None, foreign_key="scoring_model.id", ondelete="SET NULL"
    )
    risk_method: str = Field(default="multiply", max_length=40)
    risk_bands: list[dict[str, Any]] = Field(
        default_factory=lambda: [dict(b) for b in DEFAULT_RISK_BANDS], sa_type=JSON
    )
    roadmap_lanes: list[str] = Field(
        default_factory=lambda: list(DEFAULT_LANES),
        sa_type=JSON,
        sa_column_kwargs={"server_default": json.dumps(list(DEFAULT_LANES))},
    )
    #: The size limit of one evidence file stored in the workspace, in MB.
    evidence_max_mb: int = Field(
        default=DEFAULT_EVIDENCE_MAX_MB,
        ge=1,
        le=MAX_EVIDENCE_MAX_MB,
        sa_column_kwargs={"server_default": str(DEFAULT_EVIDENCE_MAX_MB)},
    )

    _name = validate_required("name", label="Workspace name")
    _strip = validate_stripped("client", "owner_name")

    @field_validator("risk_bands")
    @classmethod
    def _bands(cls, v: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
        if v is None:
            return v
        previous = 0
        for band in v:
            upper = int(band.get("max", 0))
            if upper <= previous:
                raise ValueError("risk bands must have increasing upper bounds")
            previous = upper
        if previous != 25:
            raise ValueError("the last risk band must end at 25")
        return v

    @field_validator("roadmap_lanes")
    @classmethod
    def _lanes(cls, v: list[str] | None) -> list[str] | None:
        """Lane names: stripped, non-empty, unique (ignoring case), at least one."""
        if v is None:
            return v
        cleaned: list[str] = []
        seen: set[str] = set()
        for name in v:
            text = str(name or "").strip()
            if not text:
                raise ValueError("a roadmap lane needs a name")
            if len(text) > 100:
                raise ValueError(f"the lane name {text[:40]!r}... is longer than 100 characters")
            if text.casefold() in seen:
                raise ValueError(f"the lane {text!r} is listed twice")
            seen.add(text.casefold())
            cleaned.append(text)
        if not cleaned:
            raise ValueError("the roadmap needs at least one lane")
        return cleaned


WorkspaceSettingsUpdate = partial_model(WorkspaceSettingsBase)


class WorkspaceSettings(WorkspaceSettingsBase, TableMixin, table=True): ...


class ChangeLog(SQLModel, table=True):
    """One row per edit: which entity, what changed, when and by whom (hash-chained)."""

    __tablename__ = "change_log"
    __table_args__ = (
        enum_check("action", ChangeAction),
        #: Who last changed a record: the newest entry naming it, one seek per record.
        Index("ix_change_log_entity_record", "entity", "entity_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, nullable=False, index=True)
    who: str = Field(default="", max_length=200)
    entity: str = Field(max_length=60, index=True)
    entity_id: int = Field(nullable=False)
    action: str = Field(max_length=20)
    label: str = Field(default="", max_length=300, sa_column_kwargs={"server_default": ""})
    changes: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    #: The operation that wrote it (a plain number: the undo history is pruned, the
    #: change log never is) and its hash chained over the previous entry (store/audit.py).
    op_id: int | None = Field(default=None)
    entry_hash: str | None = Field(default=None, max_length=64)


__all__ = [
    "DEFAULT_RISK_BANDS",
    "ChangeLog",
    "WorkspaceSettings",
    "WorkspaceSettingsBase",
    "WorkspaceSettingsUpdate",
]
