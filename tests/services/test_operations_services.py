"""The core behind the Operations area: the incident log's order and columns, the status
moves, quarterly figures and their table and charts, the runbook editor's writes, and the
runbook exported as PDF or Markdown (no Qt)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from aipm_desktop.errors import UserError, ValidationError
from aipm_desktop.models import IncidentStatus
from aipm_desktop.services import incidents, runbooks
from aipm_desktop.services.charts import new_figure
from aipm_desktop.services.charts.incidents import EMPTY_TEXT, draw_incident_figures
from aipm_desktop.services.incidents import quarterly, workflow
from aipm_desktop.services.listing import fetch_rows, query_ids
from aipm_desktop.services.runbooks import editing
from aipm_desktop.services.runbooks.export import export_format, runbook_pdf

#: The same tests on SQLite and on PostgreSQL (see tests/pg_cluster.py).
pytestmark = pytest.mark.backends

UTC = dt.UTC


@pytest.fixture
def demo(sample_ws):
    return sample_ws


def _incident(ws, title: str, status: str, detected: dt.datetime, **more) -> int:
    data = {"title": title, "status": status, "detected_at": detected, **more}
    incident_id, _changes = incidents.create_incident(ws=ws, data=data)
    return incident_id


def test_the_log_lists_unresolved_first_newest_first_within_a_status(ws) -> None:
    day = dt.datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    old_open = _incident(ws, "old open", "open", day)
    new_open = _incident(ws, "new open", "open", day + dt.timedelta(days=5))
    mitigated = _incident(
        ws, "mitigated", "mitigated", day, mitigated_at=day + dt.timedelta(minutes=90)
    )
    resolved = _incident(
        ws,
        "resolved",
        "resolved",
        day + dt.timedelta(days=9),
        mitigated_at=day + dt.timedelta(days=10),
        resolved_at=day + dt.timedelta(days=11),
    )
    spec = workflow.incident_log_spec()
    assert query_ids(ws=ws, spec=spec) == [new_open, old_open, mitigated, resolved]
    row = fetch_rows(ws=ws, spec=spec, ids=[mitigated])[mitigated]
    assert row[1:4] == ("SEV3", "Mitigated", "")
    assert row[5] == "90 min"
    assert fetch_rows(ws=ws, spec=spec, ids=[resolved])[resolved][5] == "24.0 h"
    assert fetch_rows(ws=ws, spec=spec, ids=[old_open])[old_open][5] == ""
    kept = query_ids(ws=ws, spec=spec, filters={"status": list(workflow.OPEN_STATUSES)})
    assert kept == [new_open, old_open, mitigated]
    assert {"incident", "failure_category"} <= spec.kinds


def test_allowed_moves_go_forward_or_reopen() -> None:
    moves = {s.value: [m.status for m in workflow.allowed_moves(s.value)] for s in IncidentStatus}
    assert moves == {
        "open": ["mitigated", "resolved"],
        "mitigated": ["resolved", "open"],
        "resolved": ["reviewed", "open"],
        "reviewed": ["open"],
    }
    assert workflow.allowed_moves("nonsense") == ()
    assert all(m.tip for s in IncidentStatus for m in workflow.allowed_moves(s.value))


def test_quarterly_figures_line_up_quarters_since_the_first_incident(ws) -> None:
    _incident(
        ws,
        "spring",
        "resolved",
        dt.datetime(2026, 2, 10, 8, 0, tzinfo=UTC),
        acknowledged_at=dt.datetime(2026, 2, 10, 9, 0, tzinfo=UTC),
        mitigated_at=dt.datetime(2026, 2, 10, 12, 0, tzinfo=UTC),
        severity="sev2",
    )
    stats = quarterly.quarterly_stats(ws=ws, count=None, today=dt.date(2026, 8, 1))
    assert [s.quarter for s in stats] == ["2026Q1", "2026Q2", "2026Q3"]
    assert [s.total for s in stats] == [1, 0, 0]
    assert [
        s.quarter for s in quarterly.quarterly_stats(ws=ws, count=2, today=dt.date(2026, 8, 1))
    ] == [
        "2026Q2",
        "2026Q3",
    ]
    headers, rows = quarterly.figures_table(stats)
    assert headers == ["2026Q1", "2026Q2", "2026Q3"]
    by = {(r.group, r.label): r.values for r in rows}
    assert by[("Incidents", "Detected")] == ("1", "0", "0")
    assert by[("Severity", "SEV2")] == ("1", "0", "0")
    assert by[("To acknowledge", "Median")] == ("60 min", "-", "-")
    assert by[("To mitigate", "p90")] == ("4.0 h", "-", "-")
    assert by[("Review", "Completed")] == ("0% (0 of 1)", "-", "-")
    assert ("Category", "Wrong answer") in by  # every category of the triage list, at 0


def test_a_workspace_without_incidents_has_the_current_quarter_and_an_empty_chart(ws) -> None:
    stats = quarterly.quarterly_stats(ws=ws, today=dt.date(2026, 5, 5))
    assert [s.quarter for s in stats] == ["2026Q2"] and stats[0].total == 0
    figure = new_figure()
    draw_incident_figures(figure, stats)
    assert [t.get_text() for t in figure.axes[0].texts] == [EMPTY_TEXT]


def test_the_charts_draw_four_panels_of_the_demo(demo) -> None:
    figure = new_figure()
    draw_incident_figures(figure, quarterly.quarterly_stats(ws=demo, count=None))
    titles = [ax.get_title(loc="left") for ax in figure.axes]
    assert titles == [
        "By severity",
        "By failure category",
        "Hours to acknowledge, to mitigate",
        "Review completed",
    ]
    assert sum(len(ax.patches) for ax in figure.axes[:1]) >= 2  # stacked bars drawn


def test_update_criterion_changes_it_in_place_or_refuses(demo) -> None:
    met = runbooks.met_criteria(ws=demo)
    assert [r.condition for r in met] == [
        "Reply draft latency P95 > 5 s for 2 consecutive snapshots"
    ]
    criterion = met[0].criterion_id
    editing.update_criterion(ws=demo, criterion_id=criterion, data={"threshold": 6.0})
    assert runbooks.met_criteria(ws=demo) == []
    with pytest.raises(ValidationError, match=r">, >=, < or <="):
        editing.update_criterion(ws=demo, criterion_id=criterion, data={"op": "=="})
    with pytest.raises(ValidationError, match="cannot be changed here"):
        editing.update_criterion(ws=demo, criterion_id=criterion, data={"runbook_id": 2})
    with pytest.raises(ValidationError):
        editing.update_criterion(ws=demo, criterion_id=criterion, data={"consecutive": 0})
    assert next(r for r in runbooks.check(ws=demo) if r.criterion_id == criterion).threshold == 6.0


def test_set_template_writes_one_channel_and_removes_an_empty_one(demo) -> None:
    runbook_id = runbooks.find_runbook(ws=demo, ref="Reply drafts: AI incident runbook")
    before = runbooks.get_runbook(ws=demo, runbook_id=runbook_id)
    editing.set_template(ws=demo, runbook_id=runbook_id, channel="internal", subject="", body="")
    after = runbooks.get_runbook(ws=demo, runbook_id=runbook_id)
    assert after.template("internal") is None
    assert after.template("customer") == before.template("customer")
    editing.set_template(
        ws=demo, runbook_id=runbook_id, channel="status-page", subject="Down: {title}", body="x"
    )
    assert runbooks.get_runbook(ws=demo, runbook_id=runbook_id).template("status_page").subject == (
        "Down: {title}"
    )
    with pytest.raises(ValidationError, match="channel"):
        editing.set_template(ws=demo, runbook_id=runbook_id, channel="fax", body="x")
    ops = demo.history(limit=1)
    demo.undo(ops[0]["id"])
    assert runbooks.get_runbook(ws=demo, runbook_id=runbook_id).template("status_page") == (
        before.template("status_page")
    )


def test_the_runbook_list_counts_steps_and_criteria(demo) -> None:
    spec = editing.runbook_list_spec()
    rows = fetch_rows(ws=demo, spec=spec, ids=query_ids(ws=demo, spec=spec))
    assert sorted(r[0] for r in rows.values()) == [
        "Answer bot: AI incident runbook",
        "Reply drafts: AI incident runbook",
    ]
    reply = next(r for r in rows.values() if r[0].startswith("Reply"))
    assert reply[1] == "Agent reply drafts" and reply[4:] == ("5", "4")


def test_export_format_follows_the_suffix_or_the_format_asked() -> None:
    assert export_format("a.pdf") == (Path("a.pdf"), "pdf")
    assert export_format("a", "md") == (Path("a.md"), "md")
    assert export_format("a.MARKDOWN") == (Path("a.MARKDOWN"), "md")
    for out, fmt, words in (
        ("a.txt", None, "as .md, .html or .pdf"),
        ("a.pdf", "md", "ends in .pdf"),
        ("a", "docx", "Unknown format"),
    ):
        with pytest.raises(UserError, match=words):
            export_format(out, fmt)


def test_the_pdf_holds_the_escalation_path_criteria_and_templates(demo, tmp_path) -> None:
    runbook_id = runbooks.find_runbook(ws=demo, ref="Reply drafts: AI incident runbook")
    out = runbooks.export_runbook(ws=demo, runbook_id=runbook_id, out=tmp_path / "rb", fmt="pdf")
    assert out.name == "rb.pdf" and out.read_bytes().startswith(b"%PDF")
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = " ".join(
        subprocess.run([tool, str(out), "-"], capture_output=True, text=True).stdout.split()
    )
    info = runbooks.get_runbook(ws=demo, runbook_id=runbook_id)
    for contact in info.contacts:
        assert contact.name in text and contact.reach in text
    for criterion in info.criteria:
        assert criterion.condition in text
    assert "Customer notice" in text and "{next_update}" in text and "Page 1 of" in text
    with pytest.raises(UserError, match="already exists"):
        runbooks.export_runbook(ws=demo, runbook_id=runbook_id, out=out)


def test_an_empty_runbook_exports_with_what_is_missing(ws, tmp_path) -> None:
    runbook_id, _changes = runbooks.create_runbook(ws=ws, data={"title": "Bare"})
    pdf = runbook_pdf(runbooks.get_runbook(ws=ws, runbook_id=runbook_id))
    assert pdf.startswith(b"%PDF")
    md = runbooks.export_runbook(ws=ws, runbook_id=runbook_id, out=tmp_path / "bare.md")
    assert "No escalation path yet." in md.read_text(encoding="utf-8")
