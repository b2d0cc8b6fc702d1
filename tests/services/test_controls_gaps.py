"""The gap overview of a small catalog counted by hand, on both back ends: coverage,
controls not applicable, missing controls by priority (counted before any row is built,
then listed high priority first in catalog order), evidence of another use case not
counting, workspace-wide evidence expiring, and the report as plain JSON."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from aipm_desktop.models import UseCase
from aipm_desktop.services import clock, records
from aipm_desktop.services import controls as ctl

pytestmark = pytest.mark.backends

PRIORITIES = ("high", "medium", "low", "high", "medium", "low")


def _catalog(ws) -> tuple[int, dict[str, int]]:
    """A catalog of six per-use-case controls C-1 ... C-6 (priorities as PRIORITIES)."""
    parsed = ctl.ParsedCatalog(
        fields={"key": "acme", "name": "Acme", "catalog_version": "1", "built_in": False},
        controls=[
            {"ref": f"C-{n}", "title": f"Control {n}", "summary": "", "section": "",
             "priority": priority, "roles": "both", "scope": "use_case", "applies_tiers": [],
             "applies_answers": [], "position": n, "notes": ""}
            for n, priority in enumerate(PRIORITIES, start=1)
        ],
    )  # fmt: skip
    ctl.load_catalog(ws=ws, parsed=parsed)
    catalog_id = ctl.find_catalog(ws=ws, ref="acme")
    return catalog_id, {c.ref: c.id for c in ctl.controls(ws=ws, catalog_id=catalog_id)}


def _use_case(ws, title: str) -> int:
    obj, _ = records.create(ws=ws, model=UseCase, data={"title": title})
    return int(obj.id)


def _status(ws, control_id: int, uc: int, **values) -> None:
    ctl.set_status(ws=ws, control_id=control_id, use_case_id=uc, values=values)


def _evidence(ws, ticket: str, control_id: int, uc: int | None, until: dt.date) -> None:
    about = ctl.About(use_case_id=uc, control_ids=(control_id,), valid_until=until)
    ctl.add_reference(ws=ws, kind="ticket", target=ticket, about=about)


def test_the_overview_counts_by_hand_and_lists_the_missing_on_demand(ws) -> None:
    catalog_id, ids = _catalog(ws)
    today = clock.today()
    claims, churn = _use_case(ws, "Claims triage"), _use_case(ws, "Churn signals")
    # Claims triage: C-1 implemented with current evidence (covered); C-2 in progress;
    # C-3 not applicable; C-4 verified but its evidence ran out; C-5 never set (not in
    # scope); C-6 not started, due on a date
    _status(ws, ids["C-1"], claims, status="implemented")
    _evidence(ws, "CL-1", ids["C-1"], claims, today + dt.timedelta(days=90))
    _status(ws, ids["C-2"], claims, status="in_progress", owner="Ana")
    _status(ws, ids["C-3"], claims, applicability="not_applicable", justification="No PII")
    _status(ws, ids["C-4"], claims, status="verified")
    _evidence(ws, "CL-4", ids["C-4"], claims, today - dt.timedelta(days=1))
    _status(ws, ids["C-6"], claims, due_date=dt.date(2027, 1, 15))
    # Churn signals: C-1 not started (the Claims evidence is not its own); C-5
    # implemented with workspace-wide evidence that expires in 5 days (covered)
    _status(ws, ids["C-1"], churn)
    _status(ws, ids["C-5"], churn, status="implemented")
    _evidence(ws, "ORG-5", ids["C-5"], None, today + dt.timedelta(days=5))

    reports = ctl.gap_overview(ws=ws, catalog_id=catalog_id, today=today)
    # the workspace level has no organisation-wide control here: left out
    assert [r.use_case for r in reports] == ["Claims triage", "Churn signals"]
    first, second = reports
    # Claims: applicable C-1, C-2, C-4, C-6 -> 1 of 4 covered; C-3 not applicable
    assert (first.applicable, first.covered, first.not_applicable) == (4, 1, 1)
    assert first.coverage_pct == 25.0
    assert first.missing_by_priority() == {"high": 1, "medium": 1, "low": 1}
    assert len(first.missing) == 3
    assert [(g.ref, g.priority, g.missing) for g in first.missing] == [
        ("C-4", "high", "evidence not current"),
        ("C-2", "medium", "in progress, no evidence"),
        ("C-6", "low", "not started, no evidence"),
    ]
    assert first.missing[1].owner == "Ana" and first.missing[2].due_date == dt.date(2027, 1, 15)
    assert first.expiring == ()
    # Churn: C-1 missing, C-5 covered -> 1 of 2; the workspace-wide item expires in 5 days
    assert (second.applicable, second.covered, second.coverage_pct) == (2, 1, 50.0)
    assert [(g.ref, g.missing) for g in second.missing] == [("C-1", "not started, no evidence")]
    assert [(e.title, e.days_left, e.controls) for e in second.expiring] == [("ORG-5", 5, ("C-5",))]
    # the overview and the one-level report agree
    alone = ctl.gap_report(ws=ws, catalog_id=catalog_id, use_case_id=claims, today=today)
    assert alone == first
    # and the controls list reads the same due date from the same rows
    rows = {r.name: r for r in ctl.control_rows(ws=ws, use_case_id=claims, catalog_id=catalog_id)}
    assert rows["acme:C-6"].due_date == dt.date(2027, 1, 15)


def test_a_gap_report_as_a_dict_is_plain_json(ws) -> None:
    catalog_id, ids = _catalog(ws)
    uc = _use_case(ws, "Claims triage")
    _status(ws, ids["C-2"], uc, status="in_progress", due_date=dt.date(2027, 3, 31))
    _evidence(ws, "CL-2", ids["C-2"], uc, clock.today() + dt.timedelta(days=3))
    (rep,) = ctl.gap_overview(ws=ws, catalog_id=catalog_id)
    data = rep.as_dict()
    assert json.loads(json.dumps(data)) == data  # nothing left as an object
    assert data["missing"] == [
        {
            "control_id": ids["C-2"],
            "ref": "C-2",
            "title": "Control 2",
            "priority": "medium",
            "status": "in_progress",
            "owner": "",
            "due_date": "2027-03-31",
            "missing": "in progress",
            "source": "set",
        }
    ]
    assert [e["title"] for e in data["expiring"]] == ["CL-2"]
    assert data["expiring"][0]["controls"] == ["C-2"]
