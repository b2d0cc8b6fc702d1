"""Saved reports: a named choice of report kind, sections, use cases and options that
``aipm report FILE --saved NAME`` and File ▸ Export report… run again."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field

from .common import Schema, TableMixin
from .validators import validate_required


class SavedReportBase(Schema):
    name: str = Field(max_length=200)
    kind: str = Field(max_length=40)
    #: :meth:`aipm_desktop.services.reports.ReportOptions.to_dict` of the report.
    options: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)

    _name = validate_required("name", label="Report name")


class SavedReport(SavedReportBase, TableMixin, table=True):
    __table_args__ = (UniqueConstraint("name", name="uq_saved_report_name"),)
