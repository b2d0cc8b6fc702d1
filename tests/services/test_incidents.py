"""Incidents: CRUD with links, status transitions and their timestamps, timeline and
actions, the post-incident review, the risk register, quarterly figures (worked example),
undo of every write, and bad input refused with nothing written."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select

from aipm_desktop.errors import UserError, ValidationError
from aipm_desktop.models import (
    Document,
    Incident,
    IncidentAction,
    IncidentTimelineEntry,
    Risk,
    UseCase,
)
from aipm_desktop.services import documents, incidents, records
from aipm_desktop.services.incidents import IncidentFacts, Quarter, compute_stats, percentile
from aipm_desktop.services.review import review

T0 = dt.datetime(2026, 10, 5, 9, 0, tzinfo=dt.UTC)


def _count(ws, model) -> int:
    with ws.session() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def _use_case(ws, title: str = "Reply drafts") -> int:
    obj, _ = records.create(ws=ws, model=UseCase, data={"title": title})
    assert obj.id is not None
    return obj.id


def _incident(ws, **data) -> int:
    values = {"title": "Drafts quote wrong refund windows", "severity": "sev2", "detected_at": T0}
    values.update(data)
    incident_id, _ = incidents.create_incident(ws=ws, data=values)
    return incident_id


# -- reference lists --------------------------------------------------------------------------


def test_new_workspace_has_severity_definitions_and_the_triage_list(ws) -> None:
    severities = incidents.severity_definitions(ws=ws)
    assert [s.severity for s in severities] == ["sev1", "sev2", "sev3", "sev4"]
    assert all(s.definition for s in severities)
    names = [c.name for c in incidents.failure_categories(ws=ws)]
    assert names[:5] == [
        "Wrong answer",
        "Unsafe response",
        "Latency spike",
        "Irrelevant recommendation",
        "Data mismatch",
    ]


def test_severity_definitions_and_categories_are_editable_and_undoable(ws) -> None:
    incidents.update_severity_definition(ws=ws, severity="sev2", data={"name": "High"})
    assert incidents.severity_definitions(ws=ws)[1].name == "High"
    ws.undo()
    assert incidents.severity_definitions(ws=ws)[1].name == "Major"
    category_id, _ = incidents.add_category(ws=ws, name="Tone problem")
    assert incidents.failure_categories(ws=ws)[-1].name == "Tone problem"
    with pytest.raises(ValidationError):
        incidents.add_category(ws=ws, name="Tone problem")  # unique
    incident_id = _incident(ws, category_id=category_id)
    incidents.delete_category(ws=ws, category_id=category_id, clear=True)
    assert incidents.detail(ws=ws, incident_id=incident_id).category == ""
    ws.undo()
    assert incidents.detail(ws=ws, incident_id=incident_id).category == "Tone problem"


# -- CRUD and transitions ---------------------------------------------------------------------


def test_create_with_links_and_show(ws) -> None:
    uc = _use_case(ws)
    wrong = incidents.find_category(ws=ws, ref="wrong answer")
    incident_id = _incident(
        ws,
        use_case_ids=[uc],
        category_id=wrong,
        root_cause_class="model",
        owner="Maya",
        customer_impact="41 drafts sent",
    )
    info = incidents.detail(ws=ws, incident_id=incident_id)
    assert info.use_cases == ((uc, "Reply drafts"),)
    assert (info.category, info.root_cause_class, info.status) == ("Wrong answer", "model", "open")
    assert info.severity_name == "Major"
    assert incidents.find_incident(ws=ws, ref="drafts quote wrong refund windows") == incident_id
    assert [s.id for s in incidents.summaries(ws=ws, open_only=True)] == [incident_id]
    ws.undo()
    assert _count(ws, Incident) == 0


def test_status_transitions_stamp_their_timestamps(ws) -> None:
    incident_id = _incident(ws)
    mitigated = T0 + dt.timedelta(minutes=50)
    incidents.set_status(ws=ws, incident_id=incident_id, status="mitigated", at=mitigated)
    info = incidents.detail(ws=ws, incident_id=incident_id)
    assert info.status == "mitigated"
    assert info.mitigated_at == mitigated and info.acknowledged_at == mitigated
    resolved = T0 + dt.timedelta(days=2)
    incidents.set_status(ws=ws, incident_id=incident_id, status="resolved", at=resolved)
    info = incidents.detail(ws=ws, incident_id=incident_id)
    assert (info.mitigated_at, info.resolved_at) == (mitigated, resolved)  # kept, then stamped
    incidents.set_status(ws=ws, incident_id=incident_id, status="reviewed", at=resolved)
    assert incidents.detail(ws=ws, incident_id=incident_id).reviewed_at == resolved
    ws.undo()
    info = incidents.detail(ws=ws, incident_id=incident_id)
    assert (info.status, info.reviewed_at) == ("resolved", None)


def test_resolving_an_open_incident_stamps_every_step(ws) -> None:
    incident_id = _incident(ws)
    at = T0 + dt.timedelta(hours=3)
    incidents.set_status(ws=ws, incident_id=incident_id, status="resolved", at=at)
    info = incidents.detail(ws=ws, incident_id=incident_id)
    assert info.acknowledged_at == info.mitigated_at == info.resolved_at == at


def test_timestamps_out_of_order_are_refused_and_nothing_is_written(ws) -> None:
    incident_id = _incident(ws)
    with pytest.raises(ValidationError, match="acknowledged cannot be before detected"):
        incidents.set_status(
            ws=ws, incident_id=incident_id, status="mitigated", at=T0 - dt.timedelta(hours=1)
        )
    info = incidents.detail(ws=ws, incident_id=incident_id)
    assert (info.status, info.mitigated_at, info.acknowledged_at) == ("open", None, None)
    with pytest.raises(ValidationError, match="status"):
        incidents.set_status(ws=ws, incident_id=incident_id, status="closed")
    with pytest.raises(ValidationError, match="resolved cannot be before acknowledged"):
        incidents.update_incident(
            ws=ws,
            incident_id=incident_id,
            data={"acknowledged_at": T0 + dt.timedelta(hours=2), "resolved_at": T0},
        )
    assert incidents.detail(ws=ws, incident_id=incident_id).version == 1


def test_bad_input_is_refused_with_nothing_written(ws) -> None:
    with pytest.raises(ValidationError, match="Title"):
        _incident(ws, title="  ")
    with pytest.raises(ValidationError, match="severity"):
        _incident(ws, severity="sev5")
    with pytest.raises(ValidationError, match="root_cause_class"):
        _incident(ws, root_cause_class="gremlins")
    with pytest.raises(ValidationError, match="no use case with id 99"):
        _incident(ws, use_case_ids=[99])
    assert _count(ws, Incident) == 0
    incident_id = _incident(ws)
    with pytest.raises(ValidationError, match="kind"):
        incidents.add_action(ws=ws, incident_id=incident_id, kind="prayer")
    with pytest.raises(ValidationError, match="What happened"):
        incidents.add_timeline_entry(ws=ws, incident_id=incident_id, what=" ")
    assert (_count(ws, IncidentAction), _count(ws, IncidentTimelineEntry)) == (0, 0)


def test_timeline_entries_and_actions_are_one_undo_step_each(ws) -> None:
    incident_id = _incident(ws)
    incidents.add_timeline_entry(
        ws=ws, incident_id=incident_id, what="Agents report drafts", who="Support", at=T0
    )
    incidents.add_action(
        ws=ws,
        incident_id=incident_id,
        kind="feature-flag rollback",
        who="Kofi",
        at=T0 + dt.timedelta(minutes=40),
        notes="Previous model version",
    )
    info = incidents.detail(ws=ws, incident_id=incident_id)
    assert [e.what for e in info.timeline] == ["Agents report drafts"]
    assert [(a.kind, a.label, a.who) for a in info.actions] == [
        ("feature_flag_rollback", "Feature-flag rollback", "Kofi")
    ]
    assert info.rolled_back
    ws.undo()
    info = incidents.detail(ws=ws, incident_id=incident_id)
    assert info.actions == () and not info.rolled_back and len(info.timeline) == 1
    ws.undo()
    assert incidents.detail(ws=ws, incident_id=incident_id).timeline == ()


def test_update_links_and_delete_are_undoable(ws) -> None:
    a, b = _use_case(ws, "A"), _use_case(ws, "B")
    incident_id = _incident(ws, use_case_ids=[a])
    incidents.update_incident(ws=ws, incident_id=incident_id, data={"use_case_ids": [b]})
    assert incidents.detail(ws=ws, incident_id=incident_id).use_cases == ((b, "B"),)
    ws.undo()
    assert incidents.detail(ws=ws, incident_id=incident_id).use_cases == ((a, "A"),)
    incidents.add_timeline_entry(ws=ws, incident_id=incident_id, what="Found", at=T0)
    incidents.delete_incident(ws=ws, incident_id=incident_id)
    assert _count(ws, IncidentTimelineEntry) == 0
    ws.undo()
    assert len(incidents.detail(ws=ws, incident_id=incident_id).timeline) == 1


# -- review and risk register -----------------------------------------------------------------


def test_post_incident_review_is_a_document_with_the_facts_and_timeline(ws) -> None:
    uc = _use_case(ws)
    incident_id = _incident(ws, use_case_ids=[uc], customer_impact="41 drafts were sent.")
    incidents.add_timeline_entry(
        ws=ws, incident_id=incident_id, what="Agents report drafts", at=T0 + dt.timedelta(1)
    )
    incidents.add_action(
        ws=ws, incident_id=incident_id, kind="safe_mode", who="Kofi", at=T0 + dt.timedelta(2)
    )
    doc_id, _ = incidents.post_incident_review(ws=ws, incident_id=incident_id)
    doc = documents.get_document(ws=ws, document_id=doc_id)
    assert doc.kind == "post_incident_review" and doc.use_case_id == uc
    assert doc.title == "Post-incident review: Drafts quote wrong refund windows"
    body = doc.body
    for text in ("SEV2 (Major)", "41 drafts were sent.", "Agents report drafts", "Safe mode"):
        assert text in body
    assert "## Timeline" in body and "Time to acknowledge: not yet" in body
    findings = {f.rule for f in review(body, kind="post_incident_review").findings}
    assert "required_section_missing" not in findings
    assert incidents.detail(ws=ws, incident_id=incident_id).review_document_id == doc_id
    with pytest.raises(UserError, match="already has its review"):
        incidents.post_incident_review(ws=ws, incident_id=incident_id)
    ws.undo()
    assert _count(ws, Document) == 0
    assert incidents.detail(ws=ws, incident_id=incident_id).review_document_id is None


def test_add_to_risk_register_creates_or_links_a_risk(ws) -> None:
    uc = _use_case(ws)
    incident_id = _incident(ws, use_case_ids=[uc])
    created = incidents.add_to_risk_register(ws=ws, incident_id=incident_id)
    assert created.created
    risk = records.get(ws=ws, model=Risk, id=created.risk_id)
    assert (risk.source, risk.likelihood, risk.impact) == ("incident", 4, 4)
    assert incidents.linked_incidents(ws=ws, risk_id=created.risk_id) == [incident_id]
    ws.undo()
    assert _count(ws, Risk) == 0
    existing, _ = records.create(
        ws=ws, model=Risk, data={"title": "Vendor regression", "likelihood": 2}
    )
    linked = incidents.add_to_risk_register(ws=ws, incident_id=incident_id, risk_id=existing.id)
    assert not linked.created and "likelihood (now 2 of 5)" in linked.prompt
    assert incidents.detail(ws=ws, incident_id=incident_id).risks == (
        (existing.id, "Vendor regression"),
    )
    with pytest.raises(UserError, match="already linked"):
        incidents.add_to_risk_register(ws=ws, incident_id=incident_id, risk_id=existing.id)


# -- figures ---------------------------------------------------------------------------------


def test_percentile_is_linear_interpolation_between_closest_ranks() -> None:
    assert percentile([], 0.5) is None
    assert percentile([7.0], 0.9) == 7.0
    assert percentile([1, 2, 4, 10], 0.5) == 3.0  # halfway between 2 and 4
    assert percentile([1, 2, 4, 10], 0.9) == pytest.approx(8.2)  # h = 2.7: 4 + 0.7 x 6
    assert percentile([10, 1, 4, 2], 0.0) == 1 and percentile([10, 1, 4, 2], 1.0) == 10


def _fact(i: int, severity: str, category: str | None, ack_h, mit_h, reviewed=False, day=5):
    detected = dt.datetime(2026, 10, day, 8, tzinfo=dt.UTC)
    return IncidentFacts(
        id=i,
        severity=severity,
        category=category,
        status="reviewed" if reviewed else "resolved",
        detected_at=detected,
        acknowledged_at=None if ack_h is None else detected + dt.timedelta(hours=ack_h),
        mitigated_at=None if mit_h is None else detected + dt.timedelta(hours=mit_h),
        reviewed_at=detected + dt.timedelta(days=5) if reviewed else None,
    )


def test_stats_worked_example() -> None:
    """Five incidents in 2026Q4 and one in Q3 (left out).

    Time to acknowledge (hours): 0.5, 1, 2, 4 (one not acknowledged):
      median: h = 3 x 0.5 = 1.5 -> 1 + 0.5 x (2 - 1) = 1.5
      p90:    h = 3 x 0.9 = 2.7 -> 2 + 0.7 x (4 - 2) = 3.4
    Time to mitigate (hours): 1, 3, 6, 10, 20:
      median: h = 2 -> 6;  p90: h = 3.6 -> 10 + 0.6 x 10 = 16
    Reviewed: 2 of 5 = 40 %.
    """
    facts = [
        _fact(1, "sev1", "Unsafe response", 0.5, 1, reviewed=True),
        _fact(2, "sev2", "Wrong answer", 1, 3, reviewed=True),
        _fact(3, "sev2", "Wrong answer", 2, 6),
        _fact(4, "sev3", "Latency spike", 4, 10),
        _fact(5, "sev4", None, None, 20),
        dataclasses.replace(  # 23:00 UTC on 30 September: the third quarter
            _fact(6, "sev1", "Wrong answer", 9, 9),
            detected_at=dt.datetime(2026, 9, 30, 23, tzinfo=dt.UTC),
            acknowledged_at=None,
            mitigated_at=None,
        ),
    ]
    figures = compute_stats(facts, Quarter.parse("2026Q4"), ["Wrong answer", "Data mismatch"])
    assert figures.total == 5 and figures.incident_ids == (1, 2, 3, 4, 5)
    assert figures.by_severity == {"sev1": 1, "sev2": 2, "sev3": 1, "sev4": 1}
    assert figures.by_category == {
        "Wrong answer": 2,
        "Data mismatch": 0,
        "Unsafe response": 1,
        "Latency spike": 1,
        "(no category)": 1,
    }
    assert (figures.acknowledge.count, figures.acknowledge.pending) == (4, 1)
    assert figures.acknowledge.median_hours == pytest.approx(1.5)
    assert figures.acknowledge.p90_hours == pytest.approx(3.4)
    assert figures.mitigate.median_hours == pytest.approx(6.0)
    assert figures.mitigate.p90_hours == pytest.approx(16.0)
    assert (figures.reviewed, figures.share_reviewed) == (2, 0.4)


def test_stats_from_the_workspace_and_quarter_parsing(ws) -> None:
    first = _incident(ws, title="One")
    incidents.set_status(
        ws=ws, incident_id=first, status="mitigated", at=T0 + dt.timedelta(hours=2)
    )
    _incident(ws, title="Two", detected_at=dt.datetime(2026, 7, 1, tzinfo=dt.UTC))
    q4 = incidents.stats(ws=ws, quarter="2026-q4")
    assert (q4.quarter, q4.total, q4.mitigate.median_hours) == ("2026Q4", 1, 2.0)
    assert incidents.stats(ws=ws, quarter="2026Q3").total == 1
    empty = incidents.stats(ws=ws, quarter="2025Q1")
    assert (empty.total, empty.share_reviewed, empty.mitigate.median_hours) == (0, None, None)
    with pytest.raises(UserError, match="2026Q4"):
        Quarter.parse("Q4 of 2026")


def test_changing_only_the_links_is_an_edit_of_the_incident(ws) -> None:
    a = _use_case(ws, "A")
    incident_id = _incident(ws)
    assert ws.history(limit=1)[0]["label"] == "Open incident Drafts quote wrong refund windows"
    incidents.update_incident(ws=ws, incident_id=incident_id, data={"use_case_ids": [a]})
    assert incidents.detail(ws=ws, incident_id=incident_id).version == 2
    assert ws.history(limit=1)[0]["label"] == "Edit incident Drafts quote wrong refund windows"
    with pytest.raises(ValidationError, match="unknown field"):
        incidents.update_incident(ws=ws, incident_id=incident_id, data={"nonsense": 1})


def test_taking_back_a_rollback_clears_the_rolled_back_mark(ws) -> None:
    incident_id = _incident(ws)

    def rollback(kind: str = "feature-flag rollback") -> int:
        action_id, _changes = incidents.add_action(
            ws=ws, incident_id=incident_id, kind=kind, who="Kofi", at=T0
        )
        return action_id

    def rolled_back() -> bool:
        return incidents.detail(ws=ws, incident_id=incident_id).rolled_back

    first, second = rollback(), rollback()
    safe_mode = rollback("safe mode")
    incidents.delete_action(ws=ws, action_id=safe_mode)
    incidents.delete_action(ws=ws, action_id=first)
    assert rolled_back()  # the second rollback still stands
    incidents.delete_action(ws=ws, action_id=second)
    assert not rolled_back()
    assert ws.history(limit=1)[0]["label"] == "Delete incident action: Feature-flag rollback"
    ws.undo()  # the action and the mark come back together
    assert rolled_back() and len(incidents.detail(ws=ws, incident_id=incident_id).actions) == 1
    incidents.update_action(ws=ws, action_id=second, data={"kind": "hotfix"})
    assert not rolled_back()
    ws.undo()
    assert rolled_back()
