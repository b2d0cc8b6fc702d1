"""Migration 0013 (controls): an older file gains the built-in catalogs and crosswalk, and
its high-risk use case's controls follow from its stored tier check; the downgrade drops
the new tables and leaves every older row as it was."""

from __future__ import annotations

import json
from pathlib import Path

from aipm_desktop.services import controls as ctl
from aipm_desktop.store import head_revision, known_revisions, open_workspace

from .migration_files import file_at, stamped

#: The revision under test and the one before it (renumbered together at a merge).
REVISION, PREVIOUS = "0013_controls", "0012_reports"
NEW_TABLES = {
    "control_catalog", "control", "control_mapping", "control_profile", "control_status",
    "control_status_risk", "control_status_mitigation_action", "control_status_launch_check",
    "evidence_item", "evidence_item_control", "evidence_blob",
}  # fmt: skip
#: The older file: a use case the tier check found high-risk, Art. 9 done by Dana.
OLD_ROWS: dict[str, list[dict[str, object]]] = {
    "workspace_settings": [
        stamped(id=1, name="Legacy", client="", owner_name="", risk_method="multiply",
                risk_bands="[]", roadmap_lanes='["Data"]'),
    ],
    "use_case": [
        stamped(id=1, title="CV screening", problem="", target_users="", value_hypothesis="",
                metric_name="", metric_unit="", status="idea", owner="", area="", tags="",
                data_sources="", data_availability="", latency_requirement="",
                safety_constraints="", human_in_loop="", decision="undecided",
                decision_rationale=""),
    ],
    "ai_act_assessment": [
        stamped(id=1, use_case_id=1, answers=json.dumps({"employment": True}), tier="high",
                reasons="[]", assessor="Dana", assessed_on="2025-01-01"),
    ],
    "compliance_obligation": [
        stamped(id=1, use_case_id=1, article="Art. 9", title="Risk management system",
                description="", status="done", owner="Dana", evidence="risk file"),
    ],
}  # fmt: skip


def test_an_old_file_gains_the_catalogs_and_its_controls(tmp_path: Path) -> None:
    order = known_revisions()
    assert order.index(REVISION) == order.index(PREVIOUS) + 1
    file_at(tmp_path / "legacy.aipm", PREVIOUS, OLD_ROWS)
    ws = open_workspace(tmp_path / "legacy.aipm")
    try:
        assert (ws.migrated_from, ws.revision) == (PREVIOUS, head_revision())
        assert {c.key: c.controls for c in ctl.catalogs(ws=ws)} == {
            "eu_ai_act": 20,
            "nist_ai_rmf": 72,
            "iso_42001": 38,
        }
        assert len(ctl.mappings(ws=ws)) == len(ctl.builtin_crosswalk())
        eu = ctl.find_catalog(ws=ws, ref="eu_ai_act")
        rep = ctl.gap_report(ws=ws, catalog_id=eu, use_case_id=1)
        # high-risk, role both: 16 use-case articles; Art. 9 comes from its obligation item
        assert rep.applicable == 16
        art9 = ctl.ControlsState.load(ws=ws).entry(ctl.find_control(ws=ws, ref="Art. 9"), 1)
        assert (art9.status, art9.owner, art9.source) == ("implemented", "Dana", "obligation item")
    finally:
        ws.close()


def test_downgrade_drops_the_new_tables_and_keeps_the_old_rows(
    tmp_path: Path, read_rows, downgrade
) -> None:
    path = tmp_path / "legacy.aipm"
    file_at(path, PREVIOUS, OLD_ROWS)
    queries = [f"SELECT * FROM {t} ORDER BY id" for t in OLD_ROWS]
    before = {q: read_rows(path, q) for q in queries}
    ws = open_workspace(path)
    try:
        evidence = tmp_path / "risk.md"
        evidence.write_text("risk file")
        ctl.add_file(
            ws=ws,
            path=evidence,
            about=ctl.About(use_case_id=1, control_ids=(ctl.find_control(ws=ws, ref="Art. 9"),)),
        )
        ctl.set_status(
            ws=ws,
            control_id=ctl.find_control(ws=ws, ref="Art. 10"),
            use_case_id=1,
            values={"status": "in_progress"},
        )
    finally:
        ws.close()
    tables = downgrade(path, PREVIOUS)
    assert not tables & NEW_TABLES and "use_case" in tables
    assert {q: read_rows(path, q) for q in queries} == before
    assert read_rows(path, "PRAGMA foreign_key_check") == []
    ws = open_workspace(path)  # and up again: seeded afresh
    try:
        assert len(ctl.catalogs(ws=ws)) == 3 and ctl.evidence_items(ws=ws) == []
    finally:
        ws.close()
