"""Reports as Word documents: opened with python-docx, the way a client's Word would see
the structure (headings, tables, pictures, styles, fields), reproducible, client-safe."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from aipm_desktop.services import reports
from aipm_desktop.services.reports import docx_out
from aipm_desktop.services.reports import model as m
from aipm_desktop.services.reports.flow import markdown_flow

from .office_reports import AS_OF, SECRET, docx_texts, rendered


@pytest.fixture(scope="module")
def assessment(internal_ws: Any) -> tuple[Any, bytes]:
    return rendered(internal_ws, docx_out.render, kind="assessment", client_safe=True)


def _open(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def _headings(document: Any) -> list[tuple[int, str]]:
    return [
        (int(p.style.name.split()[-1]), p.text)
        for p in document.paragraphs
        if p.style.name.startswith("Heading ")
    ]


def test_sections_and_subheadings_are_word_headings_in_outline_order(assessment: Any) -> None:
    report, data = assessment
    headings = _headings(_open(data))
    top = [(level, text) for level, text in headings if level <= 2]
    assert top == [(level + 1, text) for level, text in report.outline() if level <= 1]
    assert [t for lv, t in headings if lv == 1][:3] == [
        "Executive summary",
        "Portfolio",
        "Risk register",
    ]


def test_every_table_chart_and_note_is_there_with_the_report_table_style(assessment: Any) -> None:
    report, data = assessment
    document = _open(data)
    blocks = [b for s in report.sections for b in s.blocks]
    in_markdown = sum(
        isinstance(item, m.Table)
        for b in blocks
        if isinstance(b, m.Markdown)
        for item in markdown_flow(b.text)
    )
    expected = (
        1  # the cover's facts
        + sum(isinstance(b, m.Table | m.KeyFigures | m.Note) for b in blocks)
        + in_markdown
    )
    assert len(document.tables) == expected
    assert {t.style.name for t in document.tables} == {"Report Table"}
    pictures = document.inline_shapes
    assert len(pictures) == len(report.charts()) > 0
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert all(c.caption in captions for c in report.charts() if c.caption)


def test_a_table_keeps_its_cells_header_row_and_alignment(assessment: Any) -> None:
    report, data = assessment
    portfolio = next(s for s in report.sections if s.key == "portfolio")
    ranking = next(b for b in portfolio.blocks if isinstance(b, m.Table))
    table = next(t for t in _open(data).tables if t.rows[0].cells[0].text == ranking.header[0])
    assert tuple(c.text for c in table.rows[0].cells) == ranking.header
    assert tuple(c.text for c in table.rows[1].cells) == ranking.rows[0]
    assert len(table.rows) == len(ranking.rows) + 1
    # The header row repeats on every page; a right-aligned column stays right-aligned.
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    right = [c for c in range(ranking.columns) if ranking.alignment(c) == "right"]
    assert right
    assert table.rows[1].cells[right[0]].paragraphs[0].alignment == 2  # RIGHT


def test_cover_running_header_and_page_n_of_n_footer(assessment: Any) -> None:
    report, data = assessment
    document = _open(data)
    section = document.sections[0]
    assert section.different_first_page_header_footer  # the cover has no header
    assert section.header.paragraphs[0].text == report.meta.running_header
    footer = section.footer.paragraphs[0]
    instructions = [f.get(qn("w:instr")) for f in footer._p.iter(qn("w:fldSimple"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert report.meta.footer in footer.text and "Page" in footer.text
    cover = [p.text for p in document.paragraphs[:8]]
    assert report.meta.title in cover
    assert document.tables[0].rows[0].cells[1].text == report.meta.client
    # A4: 21.0 cm wide.
    assert abs(section.page_width.cm - 21.0) < 0.01


def test_the_contents_is_a_toc_field_listing_the_sections(assessment: Any) -> None:
    report, data = assessment
    document = _open(data)
    body = document.element.body
    instructions = [t.text for t in body.iter(qn("w:instrText"))]
    assert any(i.strip().startswith("TOC") for i in instructions)
    entries = [p.text for p in document.paragraphs if p.style.name == "TOC 1"]
    assert entries == [s.title for s in report.sections]


def test_paragraphs_use_named_styles_a_template_can_restyle(assessment: Any) -> None:
    _report, data = assessment
    document = _open(data)
    used = {p.style.name for p in document.paragraphs}
    assert {"Cover Title", "Report Lead", "Caption", "Heading 1", "Heading 2"} <= used
    cells = {p.style.name for t in document.tables for c in t.rows[0].cells for p in c.paragraphs}
    assert {"Table Header", "Key Figure Value"} <= cells


def test_dates_in_the_file_come_from_the_report_not_the_clock(assessment: Any) -> None:
    report, data = assessment
    core = _open(data).core_properties
    midnight = dt.datetime(2026, 12, 1)
    assert core.created.replace(tzinfo=None) == midnight
    assert core.modified.replace(tzinfo=None) == midnight
    assert core.title == report.meta.title


def test_the_same_report_gives_the_same_bytes(internal_ws: Any) -> None:
    _report, first = rendered(internal_ws, docx_out.render, kind="readout", page_size="letter")
    _report, second = rendered(internal_ws, docx_out.render, kind="readout", page_size="letter")
    assert first == second
    assert abs(_open(first).sections[0].page_width.inches - 8.5) < 0.01


def test_client_safe_leaves_out_every_seeded_internal_text(
    internal_ws: Any, assessment: Any
) -> None:
    _report, data = assessment
    _report, safe_pack = rendered(internal_ws, docx_out.render, kind="rai-pack", client_safe=True)
    for output in (data, safe_pack):
        assert not [t for t in docx_texts(output) if SECRET in t]
    # The same report without the profile does show them (so the check above can fail).
    _report, full = rendered(internal_ws, docx_out.render, kind="rai-pack")
    shown = docx_texts(full)
    assert len([t for t in shown if SECRET in t]) >= 2


def test_markdown_lists_and_tables_become_word_paragraphs_and_tables() -> None:
    meta = m.ReportMeta(
        kind="assessment", title="T", client="C", engagement="E", author="A", as_of=AS_OF
    )
    text = (
        "Intended use:\n- first **bold**\n- second\n\n1. one\n2. two\n\n"
        "| a | b |\n|---|--:|\n| 1 | 2 |"
    )
    report = m.Report(meta, [m.Section("x", "X").add(m.Markdown(text))])
    document = _open(docx_out.render(report, charts=reports.ChartCache()))
    texts = [p.text for p in document.paragraphs]
    assert "Intended use:" in texts
    assert "•\tfirst bold" in texts and "•\tsecond" in texts
    assert "1.\tone" in texts and "2.\ttwo" in texts
    bold = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert "bold" in bold
    table = document.tables[-1]
    assert [c.text for c in table.rows[1].cells] == ["1", "2"]


def test_a_key_value_table_has_no_header_row_and_its_keys_stand_out() -> None:
    meta = m.ReportMeta(
        kind="assessment", title="T", client="", engagement="E", author="", as_of=AS_OF
    )
    kv = m.Table((), (("Owner", "Maya"), ("Tier", "High")))
    report = m.Report(meta, [m.Section("x", "X").add(kv)])
    document = _open(docx_out.render(report, charts=reports.ChartCache()))
    last = document.tables[-1]
    assert [c.text for c in last.rows[0].cells] == ["Owner", "Maya"]
    assert len(last.rows) == 2
    assert last.rows[0].cells[0].paragraphs[0].style.name == "Table Header"
    assert last.rows[0].cells[1].paragraphs[0].style.name == "Table Text"


def test_narrow_columns_widen_to_hold_their_longest_word() -> None:
    from aipm_desktop.services.reports.office import fitted_widths

    # 200 pt wide, shares 9:1. At 10 pt a character is 6.2 pt, plus 12 pt of padding:
    # "Inherent" needs 8 * 6.2 + 12 = 61.6 pt, taken from the first column (200 - 61.6).
    block = m.Table(("Name", "Inherent"), (("a", "12"),), widths=(9, 1))
    first, second = fitted_widths(block, 200 * 12700, 10)
    assert abs(second - 61.6 * 12700) <= 2 and abs(first - 138.4 * 12700) <= 2
    # Wide enough already: the shares stay as given.
    roomy = m.Table(("A", "B"), (("x", "y"),), widths=(1, 1))
    assert fitted_widths(roomy, 200 * 12700, 10) == [100 * 12700, 100 * 12700]
