"""A report as a 16:9 slide deck (python-pptx), editable by the client.

A title slide (title, subtitle, client, engagement, author, date, version,
confidentiality), an agenda slide, then per section one slide per chart, per table and
per row of key figures; a part of a section with text but nothing to show becomes a
bullet slide. Tables are native PowerPoint tables (editable), split over as many slides
as their rows need, the header row repeated and the title marked "(continued)". Every
slide's speaker notes carry the text of its part of the section (paragraphs, Markdown as
plain text, notes, captions), so the presenter has what the written report says. Slides
carry the confidentiality and "n / N" at the foot.

The same report gives the same bytes: core properties are dated from the report's as-of
date and the zip is rewritten with fixed times (:mod:`.office`).
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from typing import Any

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from . import model as m
from .charts import ChartCache
from .flow import plain_text
from .office import (
    block_text,
    cover_lines,
    fitted_widths,
    picture,
    reproducible_zip,
    set_core_properties,
)

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
LEFT = Inches(0.6)
TOP = Inches(1.55)
BODY_WIDTH = Emu(WIDTH - 2 * LEFT)
BODY_HEIGHT = Inches(5.25)
FOOT_TOP = Inches(7.0)
INK = RGBColor(0x1F, 0x29, 0x37)
MUTED = RGBColor(0x6B, 0x72, 0x80)
HIGHLIGHT = RGBColor(0xFF, 0xF3, 0xCD)
TONE_FILL = {
    "neutral": RGBColor(0xF3, 0xF4, 0xF6),
    "good": RGBColor(0xDC, 0xFC, 0xE7),
    "warn": RGBColor(0xFE, 0xF3, 0xC7),
    "bad": RGBColor(0xFE, 0xE2, 0xE2),
}
ALIGN = {"left": PP_ALIGN.LEFT, "right": PP_ALIGN.RIGHT, "center": PP_ALIGN.CENTER}
TABLE_PT = 11
#: Layouts of the default template used here.
TITLE, TITLE_AND_CONTENT, TITLE_ONLY = 0, 1, 5
BULLETS_PER_SLIDE = 12
#: A paragraph up to this long can lead a slide (under its title).
LEAD_CHARS = 220
#: A slide title longer than this is split: the section above, the heading as the title.
LONG_TITLE = 62
KEY_FIGURES_PER_SLIDE = 4


@dataclass
class _Part:
    """A part of a section: its heading (none for the part before the first heading),
    its text blocks (for notes and bullet slides) and what gets a slide of its own."""

    heading: str
    text: list[m.Block] = field(default_factory=list)
    shown: list[m.Block] = field(default_factory=list)


def render(report: m.Report, *, charts: ChartCache) -> bytes:
    """The report as PPTX bytes (``charts`` is unused: slides get PNG pictures)."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    _widen_template(deck)
    _title_slide(deck, report)
    _agenda(deck, report)
    for section in report.sections:
        _section_slides(deck, section)
    _footers(deck, report)
    set_core_properties(deck.core_properties, report.meta)
    buffer = io.BytesIO()
    deck.save(buffer)
    return reproducible_zip(buffer.getvalue())


def _widen_template(deck: Any) -> None:
    """The default template is 4:3: stretch its master and layouts to 16:9 (the
    placeholders keep their places relative to the slide)."""
    factor = WIDTH / Inches(10)
    for shapes in [deck.slide_master.shapes, *(layout.shapes for layout in deck.slide_layouts)]:
        for shape in shapes:
            # A layout's placeholder may inherit its place from the master: read all four
            # (inherited) values before giving it a place of its own.
            left, top, width, height = shape.left, shape.top, shape.width, shape.height
            shape.left, shape.top = Emu(round(left * factor)), top
            shape.width, shape.height = Emu(round(width * factor)), height


def _title_slide(deck: Any, report: m.Report) -> None:
    meta = report.meta
    slide = deck.slides.add_slide(deck.slide_layouts[TITLE])
    slide.shapes.title.text = meta.title
    lines = [meta.subtitle] if meta.subtitle else []
    lines += [" · ".join(v for k, v in cover_lines(meta) if k != "Confidentiality")]
    lines.append(meta.confidentiality)
    body = slide.placeholders[1].text_frame
    body.text = lines[0]
    for line in lines[1:]:
        body.add_paragraph().text = line
    for paragraph in body.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(18)
            run.font.color.rgb = MUTED
    notes = [f"{k}: {v}" for k, v in cover_lines(meta)]
    if meta.client_safe:
        notes.append("Client-safe edition: internal notes and texts marked internal are left out.")
    _notes(slide, "\n".join(notes))


def _agenda(deck: Any, report: m.Report) -> None:
    slide = _slide(deck, "Agenda", TITLE_AND_CONTENT)
    body = slide.placeholders[1]
    body.left, body.top, body.width, body.height = LEFT, TOP, BODY_WIDTH, BODY_HEIGHT
    titles = [s.title for s in report.sections]
    frame = slide.placeholders[1].text_frame
    room = BULLETS_PER_SLIDE
    if len(titles) > BULLETS_PER_SLIDE:  # a long report: the agenda in two columns
        room *= 2
        frame._txBody.bodyPr.set("numCol", "2")
        frame._txBody.bodyPr.set("spcCol", str(int(Inches(0.4))))
    _bullets(frame, titles[:room] + (["…"] if len(titles) > room else []))
    _notes(slide, "\n".join(titles))


def _parts(section: m.Section) -> list[_Part]:
    parts = [_Part("")]
    for block in section.blocks:
        if isinstance(block, m.Heading):
            parts.append(_Part(block.text))
        elif isinstance(block, m.Table | m.Chart | m.KeyFigures):
            parts[-1].shown.append(block)
            if isinstance(block, m.KeyFigures):
                parts[-1].text.append(block)
        elif isinstance(block, m.Paragraph | m.Markdown | m.Note):
            parts[-1].text.append(block)
    return [p for p in parts if p.text or p.shown]


def _lead(part: _Part) -> str:
    """The part's first short paragraph: shown under the title of its first slide."""
    for block in part.text:
        if isinstance(block, m.Paragraph) and len(block.text) <= LEAD_CHARS:
            return block.text
    return ""


def _section_slides(deck: Any, section: m.Section) -> None:
    parts = _parts(section)
    # Text before the first heading with nothing to show of its own leads the next part.
    if len(parts) > 1 and not parts[0].heading and not parts[0].shown:
        parts[1].text[:0] = parts[0].text
        del parts[0]
    for part in parts:
        title = f"{section.title}: {part.heading}" if part.heading else section.title
        kicker = ""
        if part.heading and len(title) > LONG_TITLE:  # the section goes above the title
            title, kicker = part.heading, section.title
        notes = "\n\n".join(t for t in (block_text(b) for b in part.text) if t)
        if not part.shown:
            _text_slide(deck, title, part.text, notes, kicker)
        lead = _lead(part)
        for block in part.shown:
            caption = getattr(block, "caption", "")
            slide_notes = "\n\n".join(t for t in (notes, caption) if t)
            if isinstance(block, m.Chart):
                _chart_slide(deck, title, block, slide_notes, lead, kicker)
            elif isinstance(block, m.Table):
                _table_slides(deck, title, block, slide_notes, lead, kicker)
            elif isinstance(block, m.KeyFigures):
                _figure_slides(deck, title, block, slide_notes, lead, kicker)
            lead = ""


def _slide(
    deck: Any, title: str, layout: int = TITLE_ONLY, lead: str = "", kicker: str = ""
) -> Any:
    """A slide with ``title`` (left-aligned, smaller when long), ``lead`` under it and
    ``kicker`` (the section of a long title) above it."""
    slide = deck.slides.add_slide(deck.slide_layouts[layout])
    heading = slide.shapes.title
    heading.left, heading.top, heading.width, heading.height = (
        LEFT, Inches(0.3), BODY_WIDTH, Inches(0.75),
    )  # fmt: skip
    heading.text = title
    frame = heading.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.BOTTOM
    for paragraph in frame.paragraphs:
        paragraph.alignment = PP_ALIGN.LEFT
        for run in paragraph.runs:
            run.font.size = Pt(28 if len(title) <= 45 else 22 if len(title) <= LONG_TITLE else 18)
            run.font.bold = True
            run.font.color.rgb = INK
    if kicker:
        _remark(slide, kicker, Inches(0.12), Inches(0.3), bold=True)
    if lead:
        _remark(slide, lead, Inches(1.0), Inches(0.5))
    return slide


def _notes(slide: Any, text: str) -> None:
    if text:
        slide.notes_slide.notes_text_frame.text = text


def _bullets(frame: Any, lines: list[str], size: int = 20) -> None:
    frame.word_wrap = True
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        depth = (len(line) - len(line.lstrip(" "))) // 2
        paragraph.text = line.strip()
        paragraph.level = min(depth, 4)
        for run in paragraph.runs:
            run.font.size = Pt(size - 2 * min(depth, 2))


def _text_lines(blocks: list[m.Block]) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, m.Markdown):
            text = plain_text(block.text)
            lines.extend(
                line.replace("- ", "", 1) if line.lstrip().startswith("- ") else line
                for line in text.splitlines()
                if line.strip()
            )
        else:
            text = block_text(block)
            if text:
                lines.append(text)
    return lines


def _text_slide(deck: Any, title: str, blocks: list[m.Block], notes: str, kicker: str = "") -> None:
    lines = _text_lines(blocks)
    if not lines:
        return
    shown = lines[:BULLETS_PER_SLIDE]
    if len(lines) > BULLETS_PER_SLIDE:
        shown.append("… (the rest is in the speaker notes)")
    slide = _slide(deck, title, TITLE_AND_CONTENT, kicker=kicker)
    body = slide.placeholders[1]
    body.left, body.top, body.width, body.height = LEFT, TOP, BODY_WIDTH, BODY_HEIGHT
    longest = max(len(line) for line in shown)
    _bullets(body.text_frame, shown, 20 if len(shown) <= 6 and longest < 160 else 16)
    _notes(slide, notes)


def _chart_slide(
    deck: Any, title: str, block: m.Chart, notes: str, lead: str, kicker: str = ""
) -> None:
    slide = _slide(deck, title, lead=lead, kicker=kicker)
    data, aspect = picture(block)
    room = BODY_HEIGHT - Inches(0.4 if block.caption else 0)
    width = BODY_WIDTH
    if width * aspect > room:
        width = Emu(int(room / aspect))
    height = Emu(int(width * aspect))
    left = Emu(int((WIDTH - width) / 2))
    slide.shapes.add_picture(io.BytesIO(data), left, TOP, width=width, height=height)
    if block.caption:
        _remark(slide, block.caption, Emu(TOP + height + Inches(0.05)), Inches(0.35), italic=True)
    _notes(slide, notes)


def _remark(
    slide: Any, text: str, top: int, height: int, *, bold: bool = False, italic: bool = False
) -> None:
    """A line of small grey text across the slide: a section above the title, a lead
    under it, a caption under a chart or table."""
    box = slide.shapes.add_textbox(LEFT, top, BODY_WIDTH, height)
    frame = box.text_frame
    frame.word_wrap = True
    frame.text = text
    for run in frame.paragraphs[0].runs:
        run.font.size = Pt(12)
        run.font.bold = bold
        run.font.italic = italic
        run.font.color.rgb = MUTED


def _row_height(cells: tuple[str, ...], widths: list[float]) -> float:
    """The height of a table row in inches, estimated from its longest cell."""
    char = TABLE_PT * 0.48 / 72  # the width of an average character, inches
    line = TABLE_PT * 1.2 / 72
    lines = 1
    for text, width in zip(cells, widths, strict=False):
        per_line = max(1, int((width - 0.2) / char))
        lines = max(
            lines, sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))
        )
    return lines * line + 0.12


def table_pages(block: m.Table, room: float = 5.0) -> list[range]:
    """The body rows of each slide of a table: as many as fit in ``room`` inches under
    the header (a row taller than the room gets a slide of its own)."""
    widths = [w / 914400 for w in fitted_widths(block, BODY_WIDTH, TABLE_PT)]
    header = _row_height(block.header, widths) if block.header else 0.0
    pages: list[range] = []
    start, used = 0, header
    for index, row in enumerate(block.rows):
        height = _row_height(row, widths)
        if index > start and used + height > room:
            pages.append(range(start, index))
            start, used = index, header
        used += height
    pages.append(range(start, len(block.rows)))
    return pages


def _table_slides(
    deck: Any, title: str, block: m.Table, notes: str, lead: str, kicker: str = ""
) -> None:
    if block.columns == 0:
        return
    pages = table_pages(block, room=(BODY_HEIGHT / 914400) - (0.45 if block.caption else 0.1))
    for number, rows in enumerate(pages, start=1):
        shown = title if number == 1 else f"{title} (continued, {number} of {len(pages)})"
        slide = _slide(deck, shown, lead=lead if number == 1 else "", kicker=kicker)
        _table(slide, block, rows)
        if block.caption and number == len(pages):
            _remark(
                slide,
                block.caption,
                Emu(TOP + BODY_HEIGHT - Inches(0.35)),
                Inches(0.35),
                italic=True,
            )
        _notes(slide, notes)


def _table(slide: Any, block: m.Table, rows: range) -> None:
    header = 1 if block.header else 0
    shape = slide.shapes.add_table(
        len(rows) + header, block.columns, LEFT, TOP, BODY_WIDTH, Inches(0.3)
    )
    grid = shape.table
    grid.first_row = bool(header)
    grid.first_col = not header and block.columns > 1  # key/value: the keys stand out
    grid.horz_banding = bool(header)
    for column, width in enumerate(fitted_widths(block, BODY_WIDTH, TABLE_PT)):
        grid.columns[column].width = Emu(width)
    cells = [block.header] if header else []
    cells += [block.rows[i] for i in rows]
    for r, values in enumerate(cells):
        grid.rows[r].height = Inches(0.3)
        for c in range(block.columns):
            cell = grid.cell(r, c)
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            frame = cell.text_frame
            frame.word_wrap = True
            frame.text = values[c] if c < len(values) else ""
            for paragraph in frame.paragraphs:
                paragraph.alignment = ALIGN[block.alignment(c)]
                for run in paragraph.runs:
                    run.font.size = Pt(TABLE_PT)
            body_index = rows[r - header] if r >= header else None
            if body_index is not None and body_index in block.highlight:
                cell.fill.solid()
                cell.fill.fore_color.rgb = HIGHLIGHT


def _figure_slides(
    deck: Any, title: str, block: m.KeyFigures, notes: str, lead: str, kicker: str = ""
) -> None:
    items = list(block.items)
    for start in range(0, len(items), KEY_FIGURES_PER_SLIDE):
        slide = _slide(deck, title, lead=lead if start == 0 else "", kicker=kicker)
        chunk = items[start : start + KEY_FIGURES_PER_SLIDE]
        gap = Inches(0.3)
        width = Emu(int((BODY_WIDTH - gap * (len(chunk) - 1)) / len(chunk)))
        for index, item in enumerate(chunk):
            _figure_box(slide, item, Emu(LEFT + index * (width + gap)), width)
        _notes(slide, notes)


def _figure_box(slide: Any, item: m.KeyFigure, left: Emu, width: Emu) -> None:
    box = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, left, Inches(2.2), width, Inches(2.6))
    box.fill.solid()
    box.fill.fore_color.rgb = TONE_FILL.get(item.tone, TONE_FILL["neutral"])
    box.line.fill.background()
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    lines = [(item.value, 40, True, INK), (item.label, 16, False, INK)]
    if item.detail:
        lines.append((item.detail, 13, False, MUTED))
    for index, (text, size, bold, colour) in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = PP_ALIGN.CENTER
        run = paragraph.add_run()
        run.text = text
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = colour


def _footers(deck: Any, report: m.Report) -> None:
    """The confidentiality and "n / N" at the foot of every slide but the title slide."""
    total = len(deck.slides)
    for number, slide in enumerate(deck.slides, start=1):
        if number == 1:
            continue
        for text, left, width, align in (
            (report.meta.footer, LEFT, Inches(8), PP_ALIGN.LEFT),
            (f"{number} / {total}", Emu(WIDTH - LEFT - Inches(3)), Inches(3), PP_ALIGN.RIGHT),
        ):
            box = slide.shapes.add_textbox(left, FOOT_TOP, width, Inches(0.3))
            box.text_frame.word_wrap = True  # else LibreOffice centres the text on the box
            box.text_frame.text = text
            paragraph = box.text_frame.paragraphs[0]
            paragraph.alignment = align
            for run in paragraph.runs:
                run.font.size = Pt(10)
                run.font.color.rgb = MUTED
