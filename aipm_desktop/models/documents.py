"""Documents (PRDs and the other deliverables) and their revisions."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from .common import (
    Schema,
    TableMixin,
    enum_checks,
    enum_field,
    parent_ref,
    partial_model,
    person_field,
    use_case_ref,
    utcnow,
)
from .enums import DocumentStatus
from .validators import validate_required


class DocumentBase(Schema):
    kind: str = Field(max_length=60)
    title: str = Field(max_length=300)
    body: str = ""
    status: DocumentStatus = enum_field(DocumentStatus.DRAFT)
    use_case_id: int | None = use_case_ref()
    approver: str = person_field()
    approved_on: dt.date | None = None

    _title = validate_required("title", label="Title")
    _kind = validate_required("kind", label="Kind")


DocumentUpdate = partial_model(DocumentBase)


class Document(DocumentBase, TableMixin, table=True):
    __table_args__ = enum_checks("document", status=DocumentStatus)


class DocumentRevision(SQLModel, table=True):
    """An immutable copy of a document's title and body at a point in time."""

    __tablename__ = "document_revision"

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = parent_ref("document")
    created_at: dt.datetime = Field(default_factory=utcnow, nullable=False)
    title: str = Field(max_length=300)
    body: str = ""
    note: str = Field(default="", max_length=300)
