"""The operation history: every write as an undoable operation, and the entity kinds.

An :class:`Operation` is one committed write (a label, an actor, the kinds of entity it
touched); its :class:`OperationRow` rows hold the before-image of every row it inserted,
changed or deleted, cascades included, in the order they happened. Undo and redo are
themselves operations (``kind`` ``undo`` / ``redo`` with ``target_id`` the operation they
reverse), so history is a plain list the GUI, the CLI and a reopened file share.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from .common import enum_checks, parent_ref, utcnow


class EntityKind(enum.StrEnum):
    """What an operation may touch: one member per table of the workspace.

    Views subscribe to kinds; an operation's kinds come from the tables it actually
    wrote (cascades included), never from a list kept by hand.
    """

    SETTINGS = "settings"
    USE_CASE = "use_case"
    SCORING_MODEL = "scoring_model"
    CRITERION = "criterion"
    SCORE = "score"
    RISK = "risk"
    RISK_USE_CASE = "risk_use_case"
    MITIGATION_ACTION = "mitigation_action"
    RISK_TAXONOMY = "risk_taxonomy"
    RISK_TAXONOMY_ITEM = "risk_taxonomy_item"
    DOCUMENT = "document"
    DOCUMENT_REVISION = "document_revision"
    DELIVERABLE_KIND = "deliverable_kind"
    KPI = "kpi"
    KPI_SNAPSHOT = "kpi_snapshot"
    KPI_CATALOG = "kpi_catalog"
    ROADMAP_ITEM = "roadmap_item"
    ROADMAP_DEPENDENCY = "roadmap_dependency"
    RELEASE = "release"
    ROLLOUT_STAGE = "rollout_stage"
    LAUNCH_CHECK = "launch_check"
    LAUNCH_CHECKLIST_TEMPLATE = "launch_checklist_template"
    EXPERIMENT = "experiment"
    EXPERIMENT_VARIANT = "experiment_variant"
    EXPERIMENT_GUARDRAIL = "experiment_guardrail"
    EXPERIMENT_RESULT = "experiment_result"
    INCIDENT = "incident"
    INCIDENT_TIMELINE_ENTRY = "incident_timeline_entry"
    INCIDENT_ACTION = "incident_action"
    INCIDENT_USE_CASE = "incident_use_case"
    INCIDENT_KPI = "incident_kpi"
    INCIDENT_RISK = "incident_risk"
    SEVERITY_DEFINITION = "severity_definition"
    FAILURE_CATEGORY = "failure_category"
    RUNBOOK = "runbook"
    RUNBOOK_CONTACT = "runbook_contact"
    ROLLBACK_CRITERION = "rollback_criterion"
    COMMUNICATION_TEMPLATE = "communication_template"
    FEEDBACK_IMPORT = "feedback_import"
    FEEDBACK_ITEM = "feedback_item"
    COST_MODEL = "cost_model"
    MODEL_PRICE = "model_price"
    CASE_EXERCISE = "case_exercise"
    SCORECARD = "scorecard"
    SCORECARD_DIMENSION = "scorecard_dimension"
    SCORECARD_SIGNAL = "scorecard_signal"
    CANDIDATE = "candidate"
    EVALUATION = "evaluation"
    RATING = "rating"
    REFERENCE_RATING = "reference_rating"
    AI_ACT_ASSESSMENT = "ai_act_assessment"
    COMPLIANCE_OBLIGATION = "compliance_obligation"
    EVAL_SUITE = "eval_suite"
    EVAL_METRIC = "eval_metric"
    EVAL_RUN = "eval_run"
    EVAL_RUN_RESULTS = "eval_run_results"
    SAVED_REPORT = "saved_report"
    CONTROL_CATALOG = "control_catalog"
    CONTROL = "control"
    CONTROL_MAPPING = "control_mapping"
    CONTROL_PROFILE = "control_profile"
    CONTROL_STATUS = "control_status"
    CONTROL_STATUS_RISK = "control_status_risk"
    CONTROL_STATUS_MITIGATION_ACTION = "control_status_mitigation_action"
    CONTROL_STATUS_LAUNCH_CHECK = "control_status_launch_check"
    EVIDENCE_ITEM = "evidence_item"
    EVIDENCE_ITEM_CONTROL = "evidence_item_control"
    EVIDENCE_BLOB = "evidence_blob"


#: Tables whose name differs from their kind.
_TABLE_ALIASES = {"workspace_settings": EntityKind.SETTINGS}

#: Tables never journaled: the history itself, the change log and Alembic's bookkeeping.
#: (Evidence file blobs are journaled: removing an orphan blob is undone like any edit;
#: they get no change-log rows of their own, their evidence items do.)
UNJOURNALED_TABLES = frozenset({"operation", "operation_row", "change_log", "alembic_version"})


def kind_of_table(table: str) -> EntityKind:
    """The entity kind of a table (``ValueError`` for a table that has none)."""
    return _TABLE_ALIASES.get(table) or EntityKind(table)


class OperationKind(enum.StrEnum):
    DO = "do"
    UNDO = "undo"
    REDO = "redo"


class OperationState(enum.StrEnum):
    """``active``: applied (do/redo) or redoable (undo); ``undone``: a do/redo reversed;
    ``redone``: an undo reversed; ``closed``: an undo that can no longer be redone."""

    ACTIVE = "active"
    UNDONE = "undone"
    REDONE = "redone"
    CLOSED = "closed"


class Operation(SQLModel, table=True):
    """One committed write."""

    __tablename__ = "operation"
    __table_args__ = enum_checks("operation", kind=OperationKind, state=OperationState)

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, nullable=False)
    actor: str = Field(default="", max_length=200)
    label: str = Field(default="", max_length=300)
    kind: str = Field(default=OperationKind.DO, max_length=10)
    target_id: int | None = Field(default=None)
    state: str = Field(default=OperationState.ACTIVE, max_length=10, index=True)
    kinds: list[str] = Field(default_factory=list, sa_type=JSON)
    row_count: int = Field(default=0)


class OperationRow(SQLModel, table=True):
    """The before-image of one row an operation touched (``I`` insert, ``U``, ``D``)."""

    __tablename__ = "operation_row"
    __table_args__ = (Index("ix_operation_row_tbl_pk", "tbl", "pk"),)

    id: int | None = Field(default=None, primary_key=True)
    op_id: int = parent_ref("operation")
    seq: int = Field(nullable=False)
    tbl: str = Field(max_length=60)
    action: str = Field(max_length=1)
    pk: str = Field(max_length=200)
    before: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    #: On the first entry of each record: True, with ``after`` the record as the
    #: operation left it (``None``: gone). Undo and redo check a record is still so.
    head: bool = Field(default=False)
    after: dict[str, Any] | None = Field(default=None, sa_type=JSON)


__all__ = [
    "UNJOURNALED_TABLES",
    "EntityKind",
    "Operation",
    "OperationKind",
    "OperationRow",
    "OperationState",
    "kind_of_table",
]
