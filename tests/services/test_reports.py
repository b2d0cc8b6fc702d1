"""Client reports (issue 18): every format opened with an independent reader, the same
bytes twice, and a client-safe report without any of the internal texts seeded here."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import text

from aipm_desktop.errors import UserError
from aipm_desktop.services import reports
from aipm_desktop.services.reports import ReportOptions, build_report, render
from aipm_desktop.services.reports.profile import INTERNAL_MARK, Profile

AS_OF = dt.date(2026, 12, 1)

#: Internal texts seeded into the sample workspace; none may reach a client-safe report.
SECRETS = {
    "score": "[internal] Client's CTO is sceptical; ZEBRA-SCORE-7781",
    "decision": "Internal: margin target is ZEBRA-DECISION-4412",
    "mitigation": "[Internal] Vendor owes us ZEBRA-MITIGATION-9034",
    "cost": "Negotiated discount ZEBRA-COST-5521 (do not share)",
    "document": "Internal: the sponsor may leave, ZEBRA-DOC-6618",
}


def _pdf_text(data: bytes) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


class _Html(HTMLParser):
    """Collects tags, URLs and visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href", "xlink:href", "action", "poster") and value:
                self.urls.append(value)
            if name == "style" and value and "url(" in value:
                self.urls.extend(re.findall(r"url\(([^)]*)\)", value))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse_html(data: bytes) -> _Html:
    parser = _Html()
    parser.feed(data.decode("utf-8"))
    return parser


class Rendered:
    """A report of the sample workspace and its three files, made once per module."""

    def __init__(self, ws, options: ReportOptions) -> None:
        self.report = build_report(ws=ws, options=options)
        cache = reports.ChartCache()
        self.pdf, self.html, self.json = (
            render(self.report, suffix, charts=cache) for suffix in (".pdf", ".html", ".json")
        )


@pytest.fixture(scope="module")
def sample_readonly(sample_template: Path):
    from aipm_desktop.store import open_workspace

    ws = open_workspace(sample_template, readonly=True)
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def assessment(sample_readonly) -> Rendered:
    return Rendered(sample_readonly, ReportOptions(kind="assessment", as_of=AS_OF))


@pytest.fixture
def seeded(sample_ws):
    """The sample workspace with an internal text in every place a report reads one."""
    ws = sample_ws
    with ws.write(label="Seed internal texts") as conn:
        conn.execute(
            text("UPDATE score SET rationale = :r WHERE id = (SELECT MIN(id) FROM score WHERE "
                 "use_case_id = (SELECT id FROM use_case WHERE title = 'Ticket auto-triage'))"),
            {"r": SECRETS["score"]},
        )  # fmt: skip
        conn.execute(
            text("UPDATE use_case SET decision_rationale = :r WHERE title = 'Agent reply drafts'"),
            {"r": SECRETS["decision"]},
        )
        conn.execute(
            text("UPDATE mitigation_action SET action = :r WHERE id = (SELECT MIN(id) FROM "
                 "mitigation_action)"),
            {"r": SECRETS["mitigation"]},
        )  # fmt: skip
        conn.execute(text("UPDATE cost_model SET notes = :r"), {"r": SECRETS["cost"]})
        conn.execute(
            text("INSERT INTO document (kind, title, body, status, approver, created_at, "
                 "updated_at, version) VALUES ('stakeholder_update', 'Executive summary', :b, "
                 "'draft', '', '2026-01-01', '2026-01-01', 1)"),
            {"b": "# Executive summary\n\nThe portfolio is healthy.\n\n" + SECRETS["document"]
                  + "\n\nThree use cases are ready to scale."},
        )  # fmt: skip
    return ws


def test_internal_mark_matches_the_documented_prefixes() -> None:
    assert INTERNAL_MARK.match("[internal] x") and INTERNAL_MARK.match("  Internal: x")
    assert not INTERNAL_MARK.match("An internal tool") and not INTERNAL_MARK.match("Internals")
    profile = Profile(client_safe=True, hide_names=True)
    assert profile.markdown("Keep.\n\nInternal: drop.\n\nAlso keep.", "paras") == (
        "Keep.\n\nAlso keep."
    )
    assert profile.person("Maya Okafor") == "(name withheld)"
    assert profile.notes("a note", "cost model notes") == ""
    assert profile.omitted()[:3] == ["Cost model notes: 1", "Paras: 1", "People's names: 1"]


def test_client_safe_reports_contain_no_internal_text(seeded) -> None:
    options = ReportOptions(kind="assessment", client_safe=True, as_of=AS_OF)
    report = build_report(ws=seeded, options=options)
    _pages, pdf_text = _pdf_text(render(report, ".pdf"))
    html = render(report, ".html").decode()
    data = render(report, ".json").decode()
    for output in (pdf_text, html, data):
        assert "ZEBRA" not in output
    # ... and the appendix says what was left out, with counts
    flat = " ".join(pdf_text.split())
    assert "Score rationales marked internal: 1" in flat
    assert "Cost model notes: 3" in flat
    assert "Interview data (candidates, ratings, feedback) is never part of a report." in flat
    assert "The portfolio is healthy." in flat and "Three use cases are ready" in flat


def test_the_full_report_keeps_what_client_safe_leaves_out(seeded) -> None:
    report = build_report(ws=seeded, options=ReportOptions(kind="assessment", as_of=AS_OF))
    data = json.dumps(report.to_dict(), ensure_ascii=False)
    for key in ("score", "decision", "cost", "document"):
        assert SECRETS[key].split()[-1] in data or SECRETS[key].split(",")[-1].strip() in data
    assert report.omitted == []


def test_names_withheld_on_request(sample_ws) -> None:
    options = ReportOptions(kind="readout", hide_names=True, as_of=AS_OF)
    html = render(build_report(ws=sample_ws, options=options), ".html").decode()
    assert "Maya Okafor" not in html and "(name withheld)" in html


def test_pdf_reads_back_with_cover_contents_header_and_footer(
    assessment: Rendered, sample_readonly
) -> None:
    pages, body = _pdf_text(assessment.pdf)
    assert pages >= 8
    assert "Client AI assessment" in body and "2026-12-01" in body
    assert f"Page 1 of {pages}" in body and f"Page {pages} of {pages}" in body
    assert "Confidential: internal" in body
    # the running header (client · report) on the pages after the cover
    with sample_readonly.engine.connect() as conn:
        name = conn.execute(text("SELECT client FROM workspace_settings")).scalar()
    assert body.count(f"{name} · Client AI assessment") == pages - 1
    # the contents give each section's page: the risk register starts where it says
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(assessment.pdf))
    contents = reader.pages[1].extract_text() + reader.pages[0].extract_text()
    listed = int(re.search(r"Risk register\s*(\d+)", contents).group(1))  # type: ignore[union-attr]
    assert "Risk register" in reader.pages[listed - 1].extract_text()
    # charts are vector drawings whose labels are text, not pictures
    assert "Quick wins" in body and "Likelihood" in body


def test_letter_pages_are_letter(sample_ws) -> None:
    from pypdf import PdfReader

    options = ReportOptions(kind="readout", page_size="letter", as_of=AS_OF)
    data = render(build_report(ws=sample_ws, options=options), ".pdf")
    box = PdfReader(io.BytesIO(data)).pages[1].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)


def test_long_tables_repeat_their_header_on_the_next_page(sample_ws) -> None:
    from aipm_desktop.services.reports.model import Report, ReportMeta, Section, table

    rows = [(f"Row {n}", str(n)) for n in range(140)]
    meta = ReportMeta("assessment", "Long", "Client", "Eng", "Me", AS_OF)
    report = Report(meta, [Section("x", "Numbers").add(table(("Item", "Count"), rows))])
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(render(report, ".pdf")))
    with_rows = [p.extract_text() for p in reader.pages if "Row 1" in p.extract_text()]
    assert len(with_rows) >= 2
    assert all("Item" in page and "Count" in page for page in with_rows)


def test_html_is_self_contained_and_safe(assessment: Rendered) -> None:
    report = assessment.report
    parsed = _parse_html(assessment.html)
    assert "script" not in parsed.tags and "iframe" not in parsed.tags
    assert "link" not in parsed.tags and "img" not in parsed.tags
    assert parsed.tags.count("svg") == len(report.charts()) >= 4
    remote = [u for u in parsed.urls if re.match(r"^(https?:)?//", u)]
    assert remote == []
    assert all(u.startswith("#") for u in parsed.urls)
    assert "meta" in parsed.tags  # the viewport line for phones
    html = assessment.html.decode()
    assert 'name="viewport"' in html
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "two charts share an id"


def test_json_is_the_representation(sample_ws) -> None:
    report = build_report(ws=sample_ws, options=ReportOptions(kind="readout", as_of=AS_OF))
    data = json.loads(render(report, ".json"))
    assert data["meta"]["kind"] == "readout" and data["meta"]["as_of"] == "2026-12-01"
    assert [s["key"] for s in data["sections"]] == [s.key for s in report.sections]
    types = {b["type"] for s in data["sections"] for b in s["blocks"]}
    assert {"table", "chart", "keyfigures"} <= types
    chart = next(b for s in data["sections"] for b in s["blocks"] if b["type"] == "chart")
    assert chart["svg"].lstrip().startswith("<?xml") and "<svg" in chart["svg"]
    assert len(data["manifest"]["workspace_content_sha256"]) == 64


def test_same_workspace_and_options_give_the_same_bytes(
    assessment: Rendered, sample_path: Path
) -> None:
    """A second build from a copy of the file, in the same process, gives the same bytes."""
    from aipm_desktop.store import open_workspace

    ws = open_workspace(sample_path)
    try:
        again = Rendered(ws, ReportOptions(kind="assessment", as_of=AS_OF))
    finally:
        ws.close()
    assert again.pdf == assessment.pdf
    assert again.html == assessment.html
    assert again.json == assessment.json


def test_content_hash_follows_content_not_bookkeeping(sample_ws) -> None:
    from aipm_desktop.services.reports.appendix import content_hash

    before = content_hash(sample_ws)
    with sample_ws.write(label="Touch") as conn:
        conn.execute(text("UPDATE use_case SET updated_at = '2030-01-01', version = version + 1"))
    assert content_hash(sample_ws) == before
    with sample_ws.write(label="Rename") as conn:
        conn.execute(text("UPDATE use_case SET title = title || '!' WHERE id = 1"))
    assert content_hash(sample_ws) != before


def test_sections_are_chosen_and_ordered(sample_ws) -> None:
    options = ReportOptions(kind="assessment", sections=("risks", "portfolio"), as_of=AS_OF)
    report = build_report(ws=sample_ws, options=options)
    assert [s.key for s in report.sections] == ["risks", "portfolio"]
    with pytest.raises(UserError, match="unknown section 'nope'"):
        build_report(ws=sample_ws, options=ReportOptions(sections=("nope",)))
    with pytest.raises(UserError, match="unknown report kind"):
        build_report(ws=sample_ws, options=ReportOptions(kind="poster"))
    with pytest.raises(UserError, match="no use case 'Nothing'"):
        build_report(ws=sample_ws, options=ReportOptions(use_cases=("Nothing",)))


def test_rai_pack_has_the_domain_headings_per_use_case(sample_ws) -> None:
    options = ReportOptions(
        kind="rai-pack", use_cases=("Help-center answer bot", "Agent reply drafts"), as_of=AS_OF
    )
    report = build_report(ws=sample_ws, options=options)
    titles = [s.title for s in report.sections]
    assert titles[:2] == [
        "Help-center answer bot: responsible-AI documentation",
        "Agent reply drafts: responsible-AI documentation",
    ]
    headings = [level_text for level_text in report.outline() if level_text[0] == 1]
    wanted = ["Intended and out-of-scope use", "Data sources and constraints",
              "Evaluation results", "Risks and mitigations", "Known limitations",
              "User disclosures", "Human oversight"]  # fmt: skip
    assert [t for _, t in headings][: len(wanted)] == wanted
    # the out-of-scope list comes from the bot's PRD
    data = render(report, ".json").decode()
    assert "Legal, medical, financial or safety advice." in data
    # every heading of the page has an id of its own (the same headings per use case)
    page = render(report, ".html").decode()
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids))
    assert page.count('href="#intended-and-out-of-scope-use-2"') == 1


def test_assessment_figures_match_the_workspace(assessment: Rendered, sample_readonly) -> None:
    """The key figures are counts a reader can check against the register."""
    report = assessment.report
    figures = next(b for b in report.sections[0].blocks if isinstance(b, reports.KeyFigures))
    by_label = {f.label: f.value for f in figures.items}
    with sample_readonly.engine.connect() as conn:
        use_cases = conn.execute(text("SELECT COUNT(*) FROM use_case")).scalar()
        live = conn.execute(
            text("SELECT COUNT(*) FROM risk WHERE status NOT IN ('closed')")
        ).scalar()
        overdue = conn.execute(
            text("SELECT COUNT(*) FROM risk WHERE status != 'closed' AND ((next_review IS NOT "
                 "NULL AND next_review < :d) OR (status = 'accepted' AND acceptance_expiry "
                 "< :d))"),
            {"d": AS_OF.isoformat()},
        ).scalar()  # fmt: skip
    assert by_label["Use cases"] == str(use_cases)
    assert by_label["Open risks"] == str(live)
    assert by_label["Overdue reviews"] == str(overdue)


def test_export_writes_the_file_whole_with_normal_permissions(sample_ws, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    reports.export_report(ws=sample_ws, options=ReportOptions(kind="readout", as_of=AS_OF), out=out)
    assert out.read_bytes().startswith(b"%PDF") and (out.stat().st_mode & 0o777) == 0o644 & ~0o022
    with pytest.raises(UserError, match=r"use \.pdf, \.html, \.json, \.docx or \.pptx"):
        reports.export_report(ws=sample_ws, options=ReportOptions(), out=tmp_path / "r.txt")
    assert not (tmp_path / "r.txt").exists()


def test_evaluation_figures_never_read_in_exponents() -> None:
    from aipm_desktop.services.reports.operations import _number

    assert [_number(v) for v in (0.02134, 4.2567, 721.4, 999.96, 1863.2, 0.000605)] == [
        "0.0213", "4.26", "721", "1,000", "1,863", "0.000605",
    ]  # fmt: skip
