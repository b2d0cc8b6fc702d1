"""The report sections on controls and evidence, runbooks and feedback triage: coverage
counted by hand, missing high-priority controls, evidence expiring within 30 days,
client-safe names, and the figures checked against the workspace's own rows."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from sqlalchemy import text

from aipm_desktop.models import UseCase
from aipm_desktop.services import controls as ctl
from aipm_desktop.services import records
from aipm_desktop.services.reports import ReportOptions, Table, build_report, render

AS_OF = dt.date(2026, 12, 1)
EVIDENCE_NOTE = "Reviewer's aside ZEBRA-EVIDENCE-2207"
STATUS_NOTE = "Auditor is unhappy ZEBRA-CONTROL-3391"


def _section(report, key: str):
    found = [s for s in report.sections if s.key == key]
    assert len(found) == 1, [s.key for s in report.sections]
    return found[0]


def _tables(section) -> dict[str, Table]:
    """The section's tables by the heading above each (the first by "")."""
    found, heading = {}, ""
    for block in section.blocks:
        if hasattr(block, "level"):
            heading = block.text
        elif isinstance(block, Table):
            found[heading] = block
    return found


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _seed_controls(ws, tmp_path: Path) -> int:
    """Two organisation-wide ISO/IEC 42001 controls (both high priority): A.2.2
    implemented with a policy file valid 10 more days, A.3.2 in progress without
    evidence; one use case with nothing set (no row of its own)."""
    obj, _ = records.create(ws=ws, model=UseCase, data={"title": "Invoice matcher"})
    statuses = {
        "A.2.2": {"status": "implemented", "notes": STATUS_NOTE},
        "A.3.2": {"status": "in_progress", "due_date": AS_OF},
    }
    ids = {ref: ctl.find_control(ws=ws, ref=f"iso_42001:{ref}") for ref in statuses}
    for ref, values in statuses.items():
        values = {**values, "owner": "Olga Owner"}
        ctl.set_status(ws=ws, control_id=ids[ref], use_case_id=None, values=values)
    policy = ids["A.2.2"]
    path = tmp_path / "ai-policy-v3.pdf"
    path.write_bytes(b"%PDF-1.4 policy")
    about = ctl.About(
        control_ids=(policy,),
        title="AI policy v3",
        valid_until=AS_OF + dt.timedelta(days=10),
        reviewer="Rita Reviewer",
        notes=EVIDENCE_NOTE,
    )
    ctl.add_file(ws=ws, path=path, about=about)
    return int(obj.id)


def test_controls_coverage_gaps_and_expiring_evidence(ws, tmp_path: Path) -> None:
    _seed_controls(ws, tmp_path)
    report = build_report(
        ws=ws, options=ReportOptions(kind="assessment", sections=("controls",), as_of=AS_OF)
    )
    section = _section(report, "controls")
    # 2 apply, 1 covered (implemented + current evidence) = 50%; 1 high missing; 1 expiring
    assert section.blocks[0].text.startswith(
        "2 controls apply across 1 catalog; 1 is covered (50%)"
    )
    assert (
        "1 high-priority control is missing; 1 evidence item expires within 30 days."
        in section.blocks[0].text
    )
    tables = _tables(section)
    coverage = tables["Coverage per catalog and use case"]
    assert coverage.rows == (
        ("ISO/IEC 42001:2023 Annex A", "Organisation-wide", "2", "1", "50%", "1", "1"),
    )
    missing = tables["Missing high-priority controls"]
    assert missing.rows == (
        ("ISO/IEC 42001 A.3.2: Define and assign AI roles and responsibilities",
         "Organisation-wide", "Olga Owner", "2026-12-01", "In progress, no evidence"),
    )  # fmt: skip
    expiring = tables["Evidence expiring within 30 days"]
    assert expiring.rows == (
        ("AI policy v3", "ai-policy-v3.pdf", "Organisation-wide", "2026-12-11 (10 days)",
         "A.2.2", "Rita Reviewer"),
    )  # fmt: skip
    pdf = _pdf_text(render(report, ".pdf"))
    assert "Controls and evidence" in pdf and "ai-policy-v3.pdf" in pdf


def test_the_traceability_matrix_follows_each_control_to_its_evidence(ws, tmp_path: Path) -> None:
    from aipm_desktop.models import Kpi, MitigationAction, Risk
    from aipm_desktop.services import risks

    uc = _seed_controls(ws, tmp_path)
    # the use case opts into ISO A.6.2.8 (event logs), linked to one of its two risks
    named, _ = records.create(ws=ws, model=Risk, data={"title": "Wrong invoice matched"})
    loose, _ = records.create(ws=ws, model=Risk, data={"title": "Supplier data leaks"})
    for risk in (named, loose):
        risks.set_links(ws=ws, risk_id=risk.id, use_case_ids=[uc])
    action = {"risk_id": loose.id, "action": "Mask bank details"}
    records.create(ws=ws, model=MitigationAction, data=action)
    records.create(ws=ws, model=Kpi, data={"name": "Match precision", "use_case_id": uc})
    logs = ctl.find_control(ws=ws, ref="iso_42001:A.6.2.8")
    ctl.set_status(
        ws=ws,
        control_id=logs,
        use_case_id=uc,
        values={"applicability": "applies", "status": "in_progress"},
        links={"risks": [named.id]},
    )
    options = ReportOptions(kind="rai-pack", as_of=AS_OF)
    assert "trace" in [s.key for s in build_report(ws=ws, options=options).sections]
    report = build_report(ws=ws, options=ReportOptions(kind="assessment", sections=("trace",),
                                                       as_of=AS_OF))  # fmt: skip
    section = _section(report, "trace")
    # 3 control lines (A.2.2 and A.3.2 for the workspace, A.6.2.8 for the use case), only
    # A.2.2 has evidence; "Supplier data leaks" is named by no control
    assert section.blocks[0].text.startswith(
        "3 control lines across 2 scopes, 1 with evidence (33%); 1 risk is named by no control."
    )
    headings = [b.text for b in section.blocks if hasattr(b, "level")]
    assert headings == ["Organisation-wide", "Invoice matcher"]
    assert "KPIs: Match precision." in [getattr(b, "text", "") for b in section.blocks]
    tables = [b for b in section.blocks if isinstance(b, Table)]
    assert [r[:2] + r[4:5] for r in tables[0].rows] == [
        ("ISO/IEC 42001 A.2.2: Have a documented AI policy", "Implemented", "AI policy v3"),
        ("ISO/IEC 42001 A.3.2: Define and assign AI roles and responsibilities", "In progress", ""),
    ]
    assert tables[0].highlight == frozenset({1})
    assert tables[1].rows == (
        (
            "ISO/IEC 42001 A.6.2.8: Record event logs",
            "In progress",
            "Wrong invoice matched",
            "",
            "",
            "",
        ),
    )
    assert tables[2].rows == (("Supplier data leaks", "Mask bank details"),)
    pdf = _pdf_text(render(report, ".pdf"))
    assert "Traceability matrix" in pdf and "Supplier data leaks" in pdf


def test_a_client_safe_report_keeps_file_names_and_withholds_names(ws, tmp_path: Path) -> None:
    _seed_controls(ws, tmp_path)
    options = ReportOptions(
        kind="assessment", sections=("controls",), client_safe=True, hide_names=True, as_of=AS_OF
    )
    report = build_report(ws=ws, options=options)
    html = render(report, ".html").decode()
    assert "ai-policy-v3.pdf" in html and "AI policy v3" in html
    for secret in ("Rita Reviewer", "Olga Owner", "ZEBRA-EVIDENCE", "ZEBRA-CONTROL"):
        assert secret not in html
    assert "(name withheld)" in html
    # names shown again without --hide-names; notes never
    shown = render(
        build_report(ws=ws, options=ReportOptions(kind="assessment", sections=("controls",),
                                                  as_of=AS_OF)),
        ".html",
    ).decode()  # fmt: skip
    assert "Rita Reviewer" in shown and "ZEBRA" not in shown


def test_a_workspace_without_controls_set_has_no_controls_section(ws) -> None:
    report = build_report(ws=ws, options=ReportOptions(kind="assessment", as_of=AS_OF))
    assert "controls" not in [s.key for s in report.sections]


def test_the_rai_pack_shows_the_chosen_use_case_and_organisation_wide_controls(
    sample_ws,
) -> None:
    options = ReportOptions(kind="rai-pack", use_cases=("Ticket auto-triage",), as_of=AS_OF)
    report = build_report(ws=sample_ws, options=options)
    scopes = {
        r[1]
        for r in _tables(_section(report, "controls"))["Coverage per catalog and use case"].rows
    }
    assert scopes == {"Organisation-wide", "Ticket auto-triage"}


def test_readout_shows_runbooks_and_feedback_counted_from_the_rows(sample_ws) -> None:
    report = build_report(ws=sample_ws, options=ReportOptions(kind="readout", as_of=AS_OF))
    incidents = _tables(_section(report, "incidents"))
    runbooks = incidents["Runbooks and rollback criteria"]
    # the demo's reply-draft latency has been above 5 s on its last two snapshots
    assert (
        "Reply drafts: AI incident runbook", "Agent reply drafts", "Maya Okafor",
        "Reply draft latency P95 > 5 s for 2 consecutive snapshots", "Met",
    ) in runbooks.rows  # fmt: skip
    assert {r[-1] for r in runbooks.rows} <= {"Met", "Not met", "No data"}
    feedback = _section(report, "feedback")
    with sample_ws.engine.connect() as conn:
        counts = dict(
            conn.execute(
                text("SELECT triage_class, COUNT(*) FROM feedback_item GROUP BY triage_class")
            ).all()
        )
    total = sum(counts.values())
    waiting = counts.get("untriaged", 0)
    assert feedback.blocks[0].text == (
        f"{total} feedback items; {total - waiting} triaged "
        f"({100 * (total - waiting) / total:.0f}%), {waiting} waiting."
    )
    by_class = {r[0]: int(r[1]) for r in _tables(feedback)["Items by class"].rows}
    assert by_class["Untriaged"] == waiting and sum(by_class.values()) == total
    assert by_class["Model"] == counts["model"]
