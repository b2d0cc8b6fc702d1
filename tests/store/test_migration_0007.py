"""Migration 0007 (incidents and runbooks): a 0006 file's incidents (the demo's three, as
0006 stored them) keep their data, their use case as a link and their day on KPI charts;
the reference lists are seeded; the downgrade gives the 0006 rows back (and keeps the
review kind while a document uses it); a 0006 JSON dump imports the same way."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import text

from aipm_desktop.models import Kpi, UseCase
from aipm_desktop.services import incidents, kpis, records, transfer
from aipm_desktop.store import head_revision, known_revisions, open_workspace
from aipm_desktop.store.engine import APPLICATION_ID, make_engine
from aipm_desktop.store.migrate import upgrade

STAMP = "'2025-01-01 00:00:00'"
#: The tables 0007 adds beside the rebuilt incident table.
NEW_TABLES = (
    "severity_definition",
    "failure_category",
    "incident_timeline_entry",
    "incident_action",
    "incident_use_case",
    "incident_kpi",
    "incident_risk",
    "runbook",
    "runbook_contact",
    "rollback_criterion",
    "communication_template",
)
#: The incident columns of schema 0006.
OLD_COLUMNS = (
    "SELECT id, title, severity, occurred_on, resolved_on, use_case_id, description,"
    " root_cause, actions, rolled_back, status FROM incident ORDER BY id"
)
#: The demo's three incidents as schema 0006 stored them.
OLD_INCIDENTS = [
    (1, "Drafts quoted refund windows that do not exist after the model upgrade", "sev2",
     "2026-07-22", "2026-07-25", 7, "Hallucination rate 7.4%.", "Vendor weighting.",
     "Rolled back within 40 minutes.", 1, "resolved"),
    (2, "Handoff summary included a customer's full card number", "sev3", "2026-09-29",
     "2026-10-01", 8, "Card number in a summary.", "Redactor pattern.", "Redactor fixed.", 0,
     "resolved"),
    (3, "Draft latency spike during EU morning peak", "sev4", "2026-11-24", None, 7,
     "P95 7.8 s.", "Vendor rate limiting.", "Raised the rate limit tier.", 0, "mitigated"),
]  # fmt: skip


def _make_0006_workspace(path: Path) -> None:
    engine = make_engine(path)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        upgrade(conn, "0006")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO workspace_settings (id, created_at, updated_at, version, name,"
                " client, owner_name, risk_method, risk_bands, roadmap_lanes) VALUES (1,"
                f" {STAMP}, {STAMP}, 1, 'Legacy', '', '', 'multiply',"
                ' \'[{"name": "low", "max": 25, "color": "#4caf50"}]\', \'["Data"]\')'
            )
        )
        conn.execute(
            text(
                "INSERT INTO deliverable_kind (key, name, description)"
                " VALUES ('ai_prd', 'AI PRD', '')"
            )
        )
        for uc_id, title in ((7, "Agent reply drafts"), (8, "Handoff conversation summaries")):
            conn.execute(
                text(
                    "INSERT INTO use_case (id, created_at, updated_at, version, title, problem,"
                    " target_users, value_hypothesis, metric_name, metric_unit, status, owner,"
                    " area, tags, data_sources, data_availability, latency_requirement,"
                    " safety_constraints, human_in_loop, decision, decision_rationale) VALUES"
                    f" ({uc_id}, {STAMP}, {STAMP}, 1, :title, '', '', '', '', '', 'launched',"
                    " '', '', '', '', '', '', '', '', 'undecided', '')"
                ),
                {"title": title},
            )
        for row in OLD_INCIDENTS:
            conn.execute(
                text(
                    "INSERT INTO incident (id, created_at, updated_at, version, title, severity,"
                    " occurred_on, resolved_on, use_case_id, description, root_cause, actions,"
                    f" rolled_back, status) VALUES (:id, {STAMP}, {STAMP}, 3, :title, :sev,"
                    " :occurred, :resolved, :uc, :desc, :cause, :actions, :rb, :status)"
                ),
                dict(
                    zip(
                        ("id", "title", "sev", "occurred", "resolved", "uc", "desc", "cause",
                         "actions", "rb", "status"),
                        row,
                        strict=True,
                    )
                ),
            )  # fmt: skip
    engine.dispose()


def test_0007_is_known_and_follows_0006() -> None:
    revisions = known_revisions()
    assert revisions.index("0007") == revisions.index("0006") + 1


def test_0006_incidents_keep_their_data(tmp_path: Path) -> None:
    path = tmp_path / "legacy.aipm"
    _make_0006_workspace(path)
    ws = open_workspace(path)
    try:
        assert ws.migrated_from == "0006" and ws.revision == head_revision()
        found = {i.id: i for i in incidents.summaries(ws=ws)}
        assert sorted(found) == [1, 2, 3]
        for (iid, title, sev, occurred, resolved, uc, desc, cause, actions, rb, status) in (
            OLD_INCIDENTS
        ):  # fmt: skip
            info = incidents.detail(ws=ws, incident_id=iid)
            assert (info.title, info.severity, info.status) == (title, sev, status)
            assert (info.description, info.root_cause, info.actions_text) == (desc, cause, actions)
            assert info.rolled_back is bool(rb) and info.version == 3
            assert info.detected_at == dt.datetime.fromisoformat(occurred).replace(tzinfo=dt.UTC)
            expected = (
                None
                if resolved is None
                else dt.datetime.fromisoformat(resolved).replace(tzinfo=dt.UTC)
            )
            assert info.resolved_at == expected
            assert [u for u, _ in info.use_cases] == [uc]
            assert info.acknowledged_at is None and info.category == ""
        # KPI chart markers: still on the day each incident occurred, for its use case
        kpi, _ = records.create(
            ws=ws, model=Kpi, data={"name": "Hallucination rate", "use_case_id": 7}
        )
        marks = [(m.date, m.entity_id) for m in kpis.markers(ws=ws, kpi_id=kpi.id)]
        assert marks == [(dt.date(2026, 7, 22), 1), (dt.date(2026, 11, 24), 3)]
        # the reference lists came with the upgrade, and so did the new deliverable kind
        assert len(incidents.severity_definitions(ws=ws)) == 4
        assert incidents.failure_categories(ws=ws)[0].name == "Wrong answer"
        with ws.engine.connect() as conn:
            keys = {k for (k,) in conn.execute(text("SELECT key FROM deliverable_kind"))}
            created = conn.execute(text("SELECT created_at FROM incident WHERE id = 1")).scalar()
        assert keys == {"ai_prd", "post_incident_review"}
        assert str(created).startswith("2025-01-01 00:00:00")
        # the new columns take edits
        incidents.set_status(ws=ws, incident_id=3, status="resolved")
        assert incidents.detail(ws=ws, incident_id=3).resolved_at is not None
    finally:
        ws.close()


def test_a_0006_dump_imports_with_converted_incidents(ws, tmp_path: Path) -> None:
    uc, _ = records.create(ws=ws, model=UseCase, data={"title": "Drafts"})
    dump = tmp_path / "dump.json"
    transfer.export_json(ws=ws, out=dump)
    doc = json.loads(dump.read_text(encoding="utf-8"))
    doc["schema_version"] = "0006"
    for table in NEW_TABLES:
        doc["tables"].pop(table)
    doc["tables"]["incident"] = [
        {
            "id": 4,
            "created_at": "2025-01-01T00:00:00",
            "updated_at": "2025-01-01T00:00:00",
            "version": 1,
            "title": "Wrong refunds",
            "severity": "sev2",
            "occurred_on": "2026-07-22",
            "resolved_on": "2026-07-25",
            "use_case_id": uc.id,
            "description": "",
            "root_cause": "",
            "actions": "",
            "rolled_back": True,
            "status": "resolved",
        }
    ]
    dump.write_text(json.dumps(doc), encoding="utf-8")
    restored = transfer.import_json(source=dump, dest=tmp_path / "restored.aipm")
    try:
        info = incidents.detail(ws=restored, incident_id=4)
        assert info.detected_at == dt.datetime(2026, 7, 22, tzinfo=dt.UTC)
        assert info.resolved_at == dt.datetime(2026, 7, 25, tzinfo=dt.UTC)
        assert info.use_cases == ((uc.id, "Drafts"),) and info.rolled_back
        assert len(incidents.severity_definitions(ws=restored)) == 4
        assert len(incidents.failure_categories(ws=restored)) >= 5
    finally:
        restored.close()


def test_downgrade_gives_the_0006_incidents_back(tmp_path: Path, read_rows, downgrade) -> None:
    path = tmp_path / "legacy.aipm"
    _make_0006_workspace(path)
    before = read_rows(path, OLD_COLUMNS)
    assert [r[0] for r in before] == [1, 2, 3]
    ws = open_workspace(path)  # upgraded to the head
    try:
        t = dt.datetime(2026, 11, 26, 15, 30, tzinfo=dt.UTC)
        # incident 3 is resolved and reviewed, gets a second use case, a timeline and an
        # action; incident 1 gets its review document and a category
        incidents.set_status(ws=ws, incident_id=3, status="resolved", at=t)
        incidents.set_status(ws=ws, incident_id=3, status="reviewed", at=t)
        incidents.update_incident(ws=ws, incident_id=3, data={"use_case_ids": [8, 7]})
        incidents.add_timeline_entry(ws=ws, incident_id=3, what="Rate limit raised", at=t)
        incidents.add_action(ws=ws, incident_id=3, kind="vendor escalation", at=t)
        wrong = incidents.find_category(ws=ws, ref="Wrong answer")
        incidents.update_incident(ws=ws, incident_id=1, data={"category_id": wrong})
        review_id, _ = incidents.post_incident_review(ws=ws, incident_id=1)
    finally:
        ws.close()
    tables = downgrade(path, "0006")
    after = read_rows(path, OLD_COLUMNS)
    # Unchanged incidents come back as 0006 stored them; the edited one keeps its edits in
    # the old columns (reviewed reads as resolved, the day it was resolved, the first use
    # case by id).
    expected = [list(r) for r in before]
    expected[2][4] = "2026-11-26"
    expected[2][10] = "resolved"
    assert [list(r) for r in after] == expected
    assert not set(NEW_TABLES) & tables
    columns = {r[1] for r in read_rows(path, "PRAGMA table_info(incident)")}
    kinds = {k for (k,) in read_rows(path, "SELECT key FROM deliverable_kind")}
    ((review_kind,),) = read_rows(path, "SELECT kind FROM document WHERE id = :id", id=review_id)
    assert "detected_at" not in columns and "occurred_on" in columns
    # the review document stays, and so does its kind (a document still uses it)
    assert review_kind == "post_incident_review" and "post_incident_review" in kinds
    # and up again: the same incidents, the reference lists seeded afresh
    ws = open_workspace(path)
    try:
        assert ws.migrated_from == "0006"
        info = incidents.detail(ws=ws, incident_id=3)
        assert (info.status, info.resolved_at) == (
            "resolved",
            dt.datetime(2026, 11, 26, tzinfo=dt.UTC),
        )
        assert [u for u, _ in info.use_cases] == [7] and info.timeline == ()
        assert len(incidents.severity_definitions(ws=ws)) == 4
        assert incidents.detail(ws=ws, incident_id=1).category == ""
    finally:
        ws.close()


def test_downgrade_without_a_review_removes_the_review_kind(ws, read_rows, downgrade) -> None:
    incident_id, _ = incidents.create_incident(
        ws=ws, data={"title": "Wrong refunds", "severity": "sev2"}
    )
    path = ws.path
    ws.close()
    downgrade(path, "0006")
    kinds = {k for (k,) in read_rows(path, "SELECT key FROM deliverable_kind")}
    assert "post_incident_review" not in kinds and kinds
    row = read_rows(
        path,
        "SELECT title, severity, status, use_case_id FROM incident WHERE id = :id",
        id=incident_id,
    )
    assert row == [("Wrong refunds", "sev2", "open", None)]
