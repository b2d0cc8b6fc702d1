"""Feedback triage: customer feedback and support tickets imported into an inbox, each
classified as a UX, data, model or policy problem (or not about the AI at all), grouped
into a failure cluster and linked to the use case, risk, incident or roadmap item it
bears on.

Not to be confused with the interview candidate feedback (``services.feedback``).
"""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Index, text
from sqlmodel import Field

from .common import (
    Schema,
    TableMixin,
    enum_checks,
    enum_field,
    optional_ref,
    partial_model,
    person_field,
)
from .validators import validate_aware, validate_required, validate_stripped


class FeedbackClass(enum.StrEnum):
    """What a feedback item is about: the domain's UX / data / model / policy split, not
    about the AI at all, or not triaged yet."""

    UNTRIAGED = "untriaged"
    UX = "ux"
    DATA = "data"
    MODEL = "model"
    POLICY = "policy"
    NOT_AI = "not_ai"


#: The links of an item to the records it bears on.
LINK_COLUMNS = ("use_case_id", "risk_id", "incident_id", "roadmap_item_id")
#: The longest feedback text kept (a ticket thread pasted whole is still far below it).
MAX_FEEDBACK_TEXT = 20_000


class FeedbackImportBase(Schema):
    """One imported file: its name, SHA-256 and how many items it added."""

    file_name: str = Field(max_length=300)
    sha256: str = Field(default="", max_length=64, index=True)
    row_count: int = Field(default=0, ge=0)
    added: int = Field(default=0, ge=0)

    _name = validate_required("file_name", label="File name")


class FeedbackImport(FeedbackImportBase, TableMixin, table=True): ...


class FeedbackItemBase(Schema):
    """A piece of customer feedback or a support ticket, and how it was triaged."""

    text: str = Field(max_length=MAX_FEEDBACK_TEXT)
    date: dt.date
    source: str = Field(default="", max_length=100)
    customer: str = Field(default="", max_length=200)
    tags: str = Field(default="", max_length=500)
    triage_class: FeedbackClass = enum_field(FeedbackClass.UNTRIAGED)
    #: The failure cluster (free text, e.g. "refund policy hallucination").
    cluster: str = Field(default="", max_length=200)
    use_case_id: int | None = optional_ref("use_case")
    risk_id: int | None = optional_ref("risk")
    incident_id: int | None = optional_ref("incident")
    roadmap_item_id: int | None = optional_ref("roadmap_item")
    triaged_at: dt.datetime | None = None
    triaged_by: str = person_field()
    import_id: int | None = optional_ref("feedback_import", index=True)

    _text = validate_required("text", label="Text")
    _strip = validate_stripped("source", "customer", "tags", "cluster", "triaged_by")
    _aware = validate_aware("triaged_at")


FeedbackItemUpdate = partial_model(FeedbackItemBase)


class FeedbackItem(FeedbackItemBase, TableMixin, table=True):
    """Indexes serve the inbox at 200,000 items: newest first (date descending, then id:
    the order the inbox lists them in, read from an index without sorting), within a
    class or a source; the counts per class and cluster over time (read from the index
    alone); the cluster names for completion. The links and the clusters are indexed only
    where set, so an import of untriaged items adds nothing to those indexes."""

    __table_args__ = (
        *enum_checks("feedback_item", triage_class=FeedbackClass),
        Index("ix_feedback_item_date_class_cluster", "date", "triage_class", "cluster"),
        Index("ix_feedback_item_cluster", "cluster", sqlite_where=text("cluster <> ''")),
        *(
            Index(f"ix_feedback_item_{name}", name, sqlite_where=text(f"{name} IS NOT NULL"))
            for name in LINK_COLUMNS
        ),
    )


_DATE = FeedbackItem.__table__.c.date  # type: ignore[attr-defined]
Index("ix_feedback_item_date", _DATE.desc())
Index("ix_feedback_item_class_date", FeedbackItem.__table__.c.triage_class, _DATE.desc())  # type: ignore[attr-defined]
Index("ix_feedback_item_source_date", FeedbackItem.__table__.c.source, _DATE.desc())  # type: ignore[attr-defined]

__all__ = [
    "MAX_FEEDBACK_TEXT",
    "FeedbackClass",
    "FeedbackImport",
    "FeedbackItem",
    "FeedbackItemUpdate",
]
