"""Runbooks: CRUD with escalation path, criteria as text or fields, templates; the live
check with consecutive snapshots (worked example), units and no data; communication
templates, opening an incident from a breach, export; undo and bad input."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from aipm_desktop.errors import UserError, ValidationError
from aipm_desktop.models import Incident, Kpi, RollbackCriterion, Runbook, UseCase
from aipm_desktop.services import incidents, kpis, records, runbooks
from aipm_desktop.services.launch.criteria import Condition, parse_condition

DAY = dt.date(2026, 11, 30)


def _count(ws, model) -> int:
    with ws.session() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def _kpi(ws, name: str, unit: str, values: list[float], use_case_id=None) -> int:
    obj, _ = records.create(
        ws=ws,
        model=Kpi,
        data={
            "name": name,
            "unit": unit,
            "direction": "lower_is_better",
            "use_case_id": use_case_id,
        },
    )
    assert obj.id is not None
    for i, value in enumerate(values):
        day = DAY - dt.timedelta(weeks=len(values) - 1 - i)
        kpis.set_snapshot(ws=ws, kpi_id=obj.id, day=day, value=value)
    return obj.id


@pytest.fixture
def setup(ws):
    uc, _ = records.create(ws=ws, model=UseCase, data={"title": "Reply drafts"})
    # oldest first; the latest two are 4.6 and 4.3
    hall = _kpi(ws, "Hallucination rate", "%", [2.0, 7.4, 3.9, 4.6, 4.3], uc.id)
    latency = _kpi(ws, "Reply draft latency P95", "ms", [4200, 5600, 4900], uc.id)
    _kpi(ws, "Agent report rate", "per 1k", [], uc.id)
    runbook_id, _ = runbooks.create_runbook(
        ws=ws,
        data={
            "title": "Reply drafts runbook",
            "use_case_id": uc.id,
            "owner": "Maya",
            "safe_mode": "Snippets only, no generated text.",
            "contacts": [
                {"role": "On-call ML engineer", "name": "Kofi", "reach": "PagerDuty"},
                {"role": "AI PM", "name": "Maya", "reach": "#inc"},
            ],
            "criteria": [
                "Hallucination rate > 4% for 2 consecutive snapshots",
                "Hallucination rate > 4% for 3 consecutive snapshots",
                "Hallucination rate > 6%",
                "P95 latency > 5 s",
                "Agent report rate > 3 per 1k",
            ],
            "templates": {
                "internal": {"subject": "[{severity}] {title}", "body": "Impact: {impact}"},
                "status_page": "Degraded since {started}; next update {next_update}. {nothing}",
            },
        },
    )
    return ws, uc.id, runbook_id, hall, latency


def test_parse_condition_reads_consecutive_snapshots() -> None:
    assert parse_condition("hallucination rate > 4% for 2 consecutive snapshots") == Condition(
        "hallucination rate", ">", 4.0, "%", 2
    )
    assert parse_condition("P95 latency > 5 s") == Condition("p95 latency", ">", 5.0, "s", 1)
    assert parse_condition("Escalations >= 12 for 3 weeks").consecutive == 3  # type: ignore[union-attr]
    assert parse_condition("report rate > 3 twice in a row").consecutive == 2  # type: ignore[union-attr]
    assert parse_condition("roll back when it feels wrong") is None


def test_create_reads_the_criteria_and_matches_kpis(setup) -> None:
    ws, _uc, runbook_id, hall, latency = setup
    info = runbooks.get_runbook(ws=ws, runbook_id=runbook_id)
    assert [c.role for c in info.contacts] == ["On-call ML engineer", "AI PM"]
    assert [(c.kpi_id, c.op, c.threshold, c.unit, c.consecutive) for c in info.criteria][:4] == [
        (hall, ">", 4.0, "%", 2),
        (hall, ">", 4.0, "%", 3),
        (hall, ">", 6.0, "%", 1),
        (latency, ">", 5.0, "s", 1),
    ]
    assert info.criteria[0].condition == "Hallucination rate > 4% for 2 consecutive snapshots"
    assert [t.channel for t in info.templates] == ["internal", "status_page"]
    assert runbooks.find_runbook(ws=ws, ref="reply drafts runbook") == runbook_id


def test_check_worked_example_with_consecutive_snapshots(setup) -> None:
    """Hallucination (newest first): 4.3, 4.6, 3.9, 7.4, 2.0.
    > 4% for 2: 4.3 and 4.6 both above -> met (streak 2).
    > 4% for 3: the third latest, 3.9, is not -> not met (streak 2).
    > 6%: the latest, 4.3, is not -> not met (7.4 three weeks ago does not count).
    P95 latency in ms (4900 latest) against 5 s: 4.9 s -> not met.
    Agent report rate has no snapshot -> no data."""
    ws, *_ = setup
    results = runbooks.check(ws=ws)
    summary = [(r.state, r.streak, [v for _, v in r.values]) for r in results]
    assert summary == [
        ("met", 2, [4.3, 4.6]),
        ("not met", 2, [4.3, 4.6, 3.9]),
        ("not met", 0, [4.3]),
        ("not met", 0, [4.9]),
        ("no data", 0, []),
    ]
    assert results[0].latest_date == DAY
    assert [r.criterion_id for r in runbooks.met_criteria(ws=ws)] == [results[0].criterion_id]


def test_a_new_snapshot_changes_the_verdict_and_fewer_snapshots_are_not_met(setup) -> None:
    ws, _uc, _rb, hall, latency = setup
    kpis.set_snapshot(ws=ws, kpi_id=latency, day=DAY + dt.timedelta(weeks=1), value=5200)
    kpis.set_snapshot(ws=ws, kpi_id=hall, day=DAY + dt.timedelta(weeks=1), value=3.0)
    states = [r.state for r in runbooks.check(ws=ws)]
    assert states[:4] == ["not met", "not met", "not met", "met"]
    single = _kpi(ws, "Tone complaints", "%", [9.0])
    runbook_id = runbooks.find_runbook(ws=ws, ref="Reply drafts runbook")
    runbooks.add_criterion(
        ws=ws,
        runbook_id=runbook_id,
        criterion={"kpi_id": single, "op": ">", "threshold": 5, "consecutive": 2},
    )
    last = runbooks.check(ws=ws, runbook_id=runbook_id)[-1]
    assert (last.state, last.streak) == ("not met", 1)  # only one snapshot so far


def test_deleting_the_kpi_leaves_the_criterion_without_data(setup) -> None:
    ws, _uc, _rb, _hall, latency = setup
    records.delete(ws=ws, model=Kpi, id=latency)
    result = runbooks.check(ws=ws)[3]
    assert (result.kpi_id, result.state) == (None, "no data")


def test_bad_criteria_are_refused_with_nothing_written(ws) -> None:
    with pytest.raises(ValidationError, match="not a KPI condition"):
        runbooks.create_runbook(ws=ws, data={"title": "R", "criteria": ["when it breaks"]})
    with pytest.raises(ValidationError, match="no tracked KPI"):
        runbooks.create_runbook(ws=ws, data={"title": "R", "criteria": ["Unicorns > 3"]})
    with pytest.raises(ValidationError, match="consecutive"):
        runbooks.create_runbook(
            ws=ws, data={"title": "R", "criteria": [{"op": ">", "threshold": 1, "consecutive": 0}]}
        )
    with pytest.raises(ValidationError, match="role"):
        runbooks.create_runbook(ws=ws, data={"title": "R", "contacts": [{"name": "Kofi"}]})
    with pytest.raises(ValidationError, match="channel"):
        runbooks.create_runbook(ws=ws, data={"title": "R", "templates": {"pager": "x"}})
    assert (_count(ws, Runbook), _count(ws, RollbackCriterion)) == (0, 0)


def test_every_write_is_one_undo_step(setup) -> None:
    ws, _uc, runbook_id, _hall, _lat = setup
    runbooks.update_runbook(
        ws=ws, runbook_id=runbook_id, data={"criteria": ["Hallucination rate > 9%"]}
    )
    assert len(runbooks.get_runbook(ws=ws, runbook_id=runbook_id).criteria) == 1
    ws.undo()
    assert len(runbooks.get_runbook(ws=ws, runbook_id=runbook_id).criteria) == 5
    runbooks.add_criterion(ws=ws, runbook_id=runbook_id, criterion="Hallucination rate > 8%")
    assert len(runbooks.get_runbook(ws=ws, runbook_id=runbook_id).criteria) == 6
    ws.undo()
    runbooks.delete_runbook(ws=ws, runbook_id=runbook_id)
    assert _count(ws, RollbackCriterion) == 0
    ws.undo()
    assert len(runbooks.get_runbook(ws=ws, runbook_id=runbook_id).criteria) == 5
    ws.undo()  # the runbook's creation
    assert _count(ws, Runbook) == 0


def test_communication_fills_the_placeholders(setup) -> None:
    ws, uc, runbook_id, *_ = setup
    incident_id, _ = incidents.create_incident(
        ws=ws,
        data={
            "title": "Wrong refunds",
            "severity": "sev2",
            "customer_impact": "41 drafts sent",
            "detected_at": dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC),
            "use_case_ids": [uc],
        },
    )
    subject, body = runbooks.communication(
        ws=ws, runbook_id=runbook_id, incident_id=incident_id, channel="internal"
    )
    assert (subject, body) == ("[SEV2] Wrong refunds", "Impact: 41 drafts sent")
    _, page = runbooks.communication(
        ws=ws,
        runbook_id=runbook_id,
        incident_id=incident_id,
        channel="status-page",
        next_update="14:00 UTC",
    )
    assert page.startswith("Degraded since ") and "next update 14:00 UTC. {nothing}" in page
    with pytest.raises(UserError, match="no customer notice template"):
        runbooks.communication(
            ws=ws, runbook_id=runbook_id, incident_id=incident_id, channel="customer"
        )
    with pytest.raises(ValidationError, match="channel"):
        runbooks.communication(ws=ws, runbook_id=runbook_id, incident_id=incident_id, channel="fax")


def test_open_incident_from_breach_is_prefilled_and_undoable(setup) -> None:
    ws, uc, _rb, hall, _lat = setup
    met = runbooks.check(ws=ws)[0]
    incident_id, _ = runbooks.open_incident_from_breach(ws=ws, criterion_id=met.criterion_id)
    info = incidents.detail(ws=ws, incident_id=incident_id)
    assert info.title == "Hallucination rate breached its rollback criterion"
    assert (info.severity, info.status, info.owner, info.category) == (
        "sev2",
        "open",
        "Maya",
        "Wrong answer",
    )
    assert info.use_cases == ((uc, "Reply drafts"),) and info.kpis == (
        (hall, "Hallucination rate"),
    )
    assert "4.3% on 2026-11-30" in info.timeline[0].what
    ws.undo()  # one step: the incident and its first timeline entry
    assert _count(ws, Incident) == 0
    not_met = runbooks.check(ws=ws)[2]
    with pytest.raises(UserError, match="not met"):
        runbooks.open_incident_from_breach(ws=ws, criterion_id=not_met.criterion_id)


def test_export_markdown_and_html(setup, tmp_path: Path) -> None:
    ws, _uc, runbook_id, *_ = setup
    text = runbooks.runbook_markdown(runbooks.get_runbook(ws=ws, runbook_id=runbook_id))
    assert text.startswith("# Reply drafts runbook\n")
    for part in ("## Escalation path", "| 1 | On-call ML engineer | Kofi | PagerDuty |",
                 "- Hallucination rate > 4% for 2 consecutive snapshots", "## Safe mode",
                 "### Status page"):  # fmt: skip
        assert part in text
    md = runbooks.export_runbook(ws=ws, runbook_id=runbook_id, out=tmp_path / "rb.md")
    assert md.read_text(encoding="utf-8") == text
    html = runbooks.export_runbook(ws=ws, runbook_id=runbook_id, out=tmp_path / "rb.html")
    assert "<h2" in html.read_text(encoding="utf-8") and "<script" not in html.read_text()
    with pytest.raises(UserError, match="already exists"):
        runbooks.export_runbook(ws=ws, runbook_id=runbook_id, out=tmp_path / "rb.md")
    with pytest.raises(UserError, match=r"\.md, \.html or \.pdf"):
        runbooks.export_runbook(ws=ws, runbook_id=runbook_id, out=tmp_path / "rb.docx")
