"""What the Controls area reads from the core: controls as they stand for a use case,
a catalog file previewed then loaded (one undo step), what a status may link to, the
use case's role, and gap rows that keep their due dates as dates after the faster read."""

from __future__ import annotations

import datetime as dt
import json

from aipm_desktop.models import Risk, UseCase
from aipm_desktop.services import ai_act, records, risks
from aipm_desktop.services import controls as ctl


def _use_case(ws, title: str) -> int:
    obj, _ = records.create(ws=ws, model=UseCase, data={"title": title})
    return int(obj.id)


def test_control_rows_say_why_each_control_applies(ws) -> None:
    uc = _use_case(ws, "CV screening")
    ai_act.save_assessment(ws=ws, use_case_id=uc, answers={"employment": True})
    ctl.set_role(ws=ws, use_case_id=uc, role="deployer")
    iso = ctl.find_catalog(ws=ws, ref="iso_42001")
    a628 = ctl.find_control(ws=ws, ref="iso_42001:A.6.2.8")
    ctl.set_status(
        ws=ws,
        control_id=a628,
        use_case_id=uc,
        values={"status": "in_progress", "owner": "Ana", "due_date": dt.date(2027, 3, 31)},
    )
    rows = {r.name: r for r in ctl.control_rows(ws=ws, use_case_id=uc)}
    assert len(rows) == 130
    assert rows["eu_ai_act:Art. 26"].applies and rows["eu_ai_act:Art. 26"].decided_by
    assert not rows["eu_ai_act:Art. 9"].applies  # a provider's duty; this is a deployer
    chosen = rows["iso_42001:A.6.2.8"]
    assert (chosen.decided_by, chosen.status, chosen.owner) == ("set", "in_progress", "Ana")
    assert chosen.due_date == dt.date(2027, 3, 31) and chosen.status_id is not None
    assert rows["iso_42001:A.2.2"].applicability == "(other level)"
    assert rows["nist_ai_rmf:GOVERN 1.1"].applicability == "-"
    only_iso = ctl.control_rows(ws=ws, use_case_id=uc, catalog_id=iso)
    assert {r.catalog for r in only_iso} == {"iso_42001"} and len(only_iso) == 38
    # the same due date comes back as a date in the gap rows (read as text, parsed there)
    report = ctl.gap_report(ws=ws, catalog_id=iso, use_case_id=uc)
    gap = next(g for g in report.missing if g.ref == "A.6.2.8")
    assert gap.due_date == dt.date(2027, 3, 31) and gap.missing == "in progress, no evidence"
    assert gap.as_dict()["due_date"] == "2027-03-31"


def test_a_catalog_is_previewed_then_loaded_as_one_operation(ws, tmp_path) -> None:
    path = tmp_path / "acme.json"
    doc = {"key": "acme", "name": "ACME", "catalog_version": "1"}
    path.write_text(json.dumps({**doc, "controls": [{"ref": "A-1", "title": "Inventory"}]}))
    preview = ctl.preview_catalog(ws=ws, path=path)
    assert (preview.source, preview.to_write, preview.rejected) == ("acme.json", 1, 0)
    assert preview.summary() == "a new catalog, ACME 1, with 1 controls"
    assert "acme" not in [c.key for c in ctl.catalogs(ws=ws)]
    changes, count = ctl.apply_preview(ws=ws, preview=preview)
    assert count == 1 and changes.kind == "control_catalog"
    assert "acme" in [c.key for c in ctl.catalogs(ws=ws)]
    again = ctl.preview_catalog(ws=ws, path=path)
    assert again.to_write == 0 and again.summary() == "ACME 1 is already loaded, unchanged"
    ws.undo(ws.history(limit=1)[0]["id"])
    assert "acme" not in [c.key for c in ctl.catalogs(ws=ws)]


def test_link_choices_are_the_use_cases_risks_their_actions_and_every_check(ws) -> None:
    from aipm_desktop.models import MitigationAction

    uc = _use_case(ws, "Claims triage")
    other = _use_case(ws, "Churn signals")
    mine, _ = records.create(ws=ws, model=Risk, data={"title": "Misrouted claims"})
    theirs, _ = records.create(ws=ws, model=Risk, data={"title": "False churn alarms"})
    risks.set_links(ws=ws, risk_id=mine.id, use_case_ids=[uc])
    risks.set_links(ws=ws, risk_id=theirs.id, use_case_ids=[other])
    records.create(
        ws=ws, model=MitigationAction, data={"risk_id": mine.id, "action": "Human review"}
    )
    records.create(
        ws=ws, model=MitigationAction, data={"risk_id": theirs.id, "action": "Threshold"}
    )
    found = ctl.link_choices(ws=ws, use_case_id=uc)
    assert [t for _i, t in found.risks] == ["Misrouted claims"]
    assert [t for _i, t in found.mitigations] == ["Human review"]
    everything = ctl.link_choices(ws=ws, use_case_id=None)
    assert [t for _i, t in everything.risks] == ["Misrouted claims", "False churn alarms"]
    assert ctl.role_of(ws=ws, use_case_id=uc) == "both"
    ctl.set_role(ws=ws, use_case_id=uc, role="provider")
    assert ctl.role_of(ws=ws, use_case_id=uc) == "provider"
