"""Reports as slide decks: opened with python-pptx - 16:9, a title slide, one slide per
chart and table (long tables over several slides with their header), speaker notes with
the section's text, reproducible, client-safe."""

from __future__ import annotations

import io
from typing import Any

import pptx
import pytest

from aipm_desktop.services import reports
from aipm_desktop.services.reports import (
    Heading,
    KeyFigure,
    KeyFigures,
    Paragraph,
    Table,
    pptx_out,
)
from aipm_desktop.services.reports.model import Report, ReportMeta, Section

from .office_reports import AS_OF, SECRET, pptx_texts, rendered


@pytest.fixture(scope="module")
def assessment(internal_ws: Any) -> tuple[Any, Any]:
    report, data = rendered(internal_ws, pptx_out.render, kind="assessment", client_safe=True)
    return report, pptx.Presentation(io.BytesIO(data))


def _title(slide: Any) -> str:
    return slide.shapes.title.text if slide.shapes.title is not None else ""


def _tables(slide: Any) -> list[Any]:
    return [s.table for s in slide.shapes if s.has_table]


def _meta(title: str = "Deck") -> ReportMeta:
    return ReportMeta(
        kind="readout", title=title, client="Acme", engagement="E", author="A", as_of=AS_OF
    )


def test_a_16_9_deck_opening_with_the_title_slide(assessment: Any) -> None:
    report, deck = assessment
    assert (deck.slide_width, deck.slide_height) == (
        pptx.util.Inches(13.333),
        pptx.util.Inches(7.5),
    )
    first = deck.slides[0]
    assert _title(first) == report.meta.title
    subtitle = first.placeholders[1].text_frame.text
    assert report.meta.client in subtitle and report.meta.confidentiality in subtitle
    assert _title(deck.slides[1]) == "Agenda"
    agenda = deck.slides[1].placeholders[1].text_frame.text.splitlines()
    assert agenda == [s.title for s in report.sections]
    # more than 12 sections: two columns, so the agenda still fits its slide
    columns = deck.slides[1].placeholders[1].text_frame._txBody.bodyPr.get("numCol")
    assert len(report.sections) > 12 and columns == "2"


def test_one_slide_per_chart_with_its_picture_and_caption_in_the_notes(assessment: Any) -> None:
    report, deck = assessment
    picture_slides = [
        slide for slide in deck.slides if any(s.shape_type == 13 for s in slide.shapes)
    ]  # 13: MSO_SHAPE_TYPE.PICTURE
    assert len(picture_slides) == len(report.charts()) > 0
    for slide, chart in zip(picture_slides, report.charts(), strict=True):
        assert sum(s.shape_type == 13 for s in slide.shapes) == 1
        assert chart.caption in slide.notes_slide.notes_text_frame.text


def test_every_table_is_an_editable_native_table_with_all_its_rows(assessment: Any) -> None:
    report, deck = assessment
    shown: list[tuple[str, ...]] = []
    for slide in deck.slides:
        for table in _tables(slide):
            shown.extend(tuple(c.text for c in row.cells) for row in table.rows)
    for section in report.sections:
        for block in section.blocks:
            if isinstance(block, Table):
                for row in block.rows:
                    assert row in shown, (section.key, row)


def test_a_long_table_continues_over_slides_with_its_header_repeated(assessment: Any) -> None:
    report, deck = assessment
    rationales = [
        slide for slide in deck.slides if _title(slide).startswith("Portfolio: Score rationales")
    ]
    assert len(rationales) > 1
    assert "(continued, 2 of" in _title(rationales[1])
    block = next(
        b
        for s in report.sections
        if s.key == "portfolio"
        for b in s.blocks
        if isinstance(b, Table) and b.header and b.header[-1] == "Rationale"
    )
    body: list[tuple[str, ...]] = []
    for slide in rationales:
        (table,) = _tables(slide)
        assert tuple(c.text for c in table.rows[0].cells) == block.header
        body.extend(tuple(c.text for c in row.cells) for row in list(table.rows)[1:])
    assert body == list(block.rows)  # every row once, in order


def test_table_pages_split_by_height_and_keep_every_row() -> None:
    short = Table(("A", "B"), tuple((str(i), "x") for i in range(5)))
    assert pptx_out.table_pages(short) == [range(0, 5)]
    many = Table(("A", "B"), tuple((str(i), "x") for i in range(60)))
    pages = pptx_out.table_pages(many)
    assert len(pages) > 1
    assert [i for page in pages for i in page] == list(range(60))
    # Long cells take more room: fewer rows per slide.
    wordy = Table(("A", "B"), tuple((str(i), "word " * 80) for i in range(60)))
    assert len(pptx_out.table_pages(wordy)) > len(pages)


def test_speaker_notes_carry_the_sections_text(assessment: Any) -> None:
    report, deck = assessment
    risks = next(s for s in report.sections if s.key == "risks")
    lead = next(b.text for b in risks.blocks if isinstance(b, Paragraph))
    notes = [
        slide.notes_slide.notes_text_frame.text
        for slide in deck.slides
        if _title(slide).startswith("Risk register") and slide.has_notes_slide
    ]
    assert notes and lead in notes[0]


def test_key_figures_get_a_slide_of_boxes_and_the_footer_numbers_slides(assessment: Any) -> None:
    report, deck = assessment
    figures = next(b for s in report.sections for b in s.blocks if isinstance(b, KeyFigures))
    slide = next(s for s in deck.slides if _title(s) == "Executive summary")
    texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
    for item in figures.items:
        assert any(item.value in t and item.label in t for t in texts)
    total = len(deck.slides)
    assert f"3 / {total}" in texts
    assert report.meta.footer in texts


def test_text_only_parts_become_bullets_and_a_lead_paragraph_sits_under_the_title() -> None:
    section = Section("decisions", "Decisions needed").add(
        Paragraph("Two things to decide this month."),
        Heading("Ranking"),
        Paragraph("Ranked by value."),
        Table(("Use case", "Score"), (("Drafts", "80"),)),
        Heading("Asks"),
        Paragraph("Approve the pilot budget."),
        Paragraph("Name an owner for the answer bot."),
    )
    report = Report(_meta(), [section])
    deck = pptx.Presentation(io.BytesIO(pptx_out.render(report, charts=reports.ChartCache())))
    titles = [_title(s) for s in deck.slides]
    assert titles == ["Deck", "Agenda", "Decisions needed: Ranking", "Decisions needed: Asks"]
    ranking = deck.slides[2]
    texts = [s.text_frame.text for s in ranking.shapes if s.has_text_frame]
    # The section's opening text leads its first slide; the notes hold all of the part.
    assert "Two things to decide this month." in texts
    notes = ranking.notes_slide.notes_text_frame.text
    assert "Two things to decide this month." in notes and "Ranked by value." in notes
    asks = deck.slides[3].placeholders[1].text_frame.text.splitlines()
    assert asks == ["Approve the pilot budget.", "Name an owner for the answer bot."]


def test_key_figures_past_four_continue_on_another_slide() -> None:
    items = tuple(KeyFigure(f"label {i}", str(i)) for i in range(6))
    report = Report(_meta(), [Section("summary", "Summary").add(KeyFigures(items))])
    deck = pptx.Presentation(io.BytesIO(pptx_out.render(report, charts=reports.ChartCache())))
    assert [_title(s) for s in deck.slides][2:] == ["Summary", "Summary"]


def test_the_same_report_gives_the_same_bytes(internal_ws: Any) -> None:
    _report, first = rendered(internal_ws, pptx_out.render, kind="readout")
    _report, second = rendered(internal_ws, pptx_out.render, kind="readout")
    assert first == second
    core = pptx.Presentation(io.BytesIO(first)).core_properties
    assert core.modified.date() == AS_OF and core.created.date() == AS_OF


def test_client_safe_leaves_out_every_seeded_internal_text(internal_ws: Any) -> None:
    for kind in ("assessment", "rai-pack"):
        _report, data = rendered(internal_ws, pptx_out.render, kind=kind, client_safe=True)
        assert not [t for t in pptx_texts(data) if SECRET in t]
    _report, data = rendered(internal_ws, pptx_out.render, kind="rai-pack")
    assert len([t for t in pptx_texts(data) if SECRET in t]) >= 2


def test_a_long_title_puts_the_section_above_the_heading() -> None:
    section = Section("rai-3", "Help-center answer bot: responsible-AI documentation").add(
        Heading("Risks and mitigations"), Table(("Risk", "Owner"), (("Hallucination", "Dan"),))
    )
    deck = pptx.Presentation(
        io.BytesIO(pptx_out.render(Report(_meta(), [section]), charts=reports.ChartCache()))
    )
    slide = deck.slides[2]
    assert _title(slide) == "Risks and mitigations"
    texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
    assert section.title in texts
