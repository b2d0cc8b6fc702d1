"""Saved reports: named choices of kind, sections, use cases and options, saved as undoable
operations and run again with the same result."""

from __future__ import annotations

import datetime as dt

import pytest

from aipm_desktop.errors import NotFoundError, UserError
from aipm_desktop.services.reports import ReportOptions, build_report, render
from aipm_desktop.services.reports import saved as saved_reports


def test_save_find_replace_and_undo(ws) -> None:
    first = ReportOptions(kind="readout", sections=("kpis", "costs"), client_safe=True)
    report_id, changes = saved_reports.save_report(ws=ws, name="Monthly review", options=first)
    assert changes.action == "create"
    found = saved_reports.find_saved(ws=ws, name="MONTHLY REVIEW")
    assert (found.id, found.kind, found.options) == (report_id, "readout", first)
    second = ReportOptions(kind="assessment", page_size="letter", as_of=dt.date(2026, 3, 31))
    same_id, _ = saved_reports.save_report(ws=ws, name="monthly review", options=second)
    assert same_id == report_id
    assert saved_reports.find_saved(ws=ws, name="Monthly review").options == second
    ws.undo()  # the replacement is one operation: undo gives the first choice back
    assert saved_reports.find_saved(ws=ws, name="Monthly review").options == first
    saved_reports.delete_saved(ws=ws, name="Monthly review")
    assert saved_reports.saved_reports(ws=ws) == []
    ws.undo()
    assert [i.name for i in saved_reports.saved_reports(ws=ws)] == ["Monthly review"]


def test_bad_choices_are_refused_before_anything_is_saved(ws) -> None:
    with pytest.raises(UserError, match="unknown section 'charts'"):
        saved_reports.save_report(
            ws=ws, name="Bad", options=ReportOptions(sections=("kpis", "charts"))
        )
    with pytest.raises(UserError, match="no use case 'Ghost'"):
        saved_reports.save_report(ws=ws, name="Bad", options=ReportOptions(use_cases=("Ghost",)))
    with pytest.raises(UserError, match="Report name"):
        saved_reports.save_report(ws=ws, name="  ", options=ReportOptions())
    assert saved_reports.saved_reports(ws=ws) == []
    with pytest.raises(NotFoundError, match="none saved yet"):
        saved_reports.find_saved(ws=ws, name="Bad")


def test_a_saved_report_runs_as_saved(sample_ws) -> None:
    options = ReportOptions(
        kind="assessment",
        sections=("risks", "ai-act"),
        use_cases=("Help-center answer bot",),
        as_of=dt.date(2026, 12, 1),
    )
    saved_reports.save_report(ws=sample_ws, name="Bot risks", options=options)
    again = saved_reports.options_of(ws=sample_ws, name="bot risks")
    assert again == options
    direct = render(build_report(ws=sample_ws, options=options), ".json")
    assert render(build_report(ws=sample_ws, options=again), ".json") == direct
    later = saved_reports.options_of(ws=sample_ws, name="Bot risks", as_of=dt.date(2027, 1, 1))
    assert later.as_of == dt.date(2027, 1, 1) and later.sections == options.sections
