"""A report as PDF, through the one PDF engine (:mod:`aipm_desktop.services.pdf_doc`).

Page 1 is the cover (title, client, engagement, author, date, version, confidentiality);
the contents with page numbers follow, then the sections. Every page but the cover has
the running header (client · report), every page the footer (confidentiality · version,
"Page n of N"). Charts are vector drawings (SVG), tables repeat their header row on the
next page. A section starts a new page only when the current one is already two thirds
full, so no page is left nearly empty by a forced break.

The contents are drawn last into room kept for them (below the cover when they fit,
else on pages of their own), so one layout pass knows every page number.
The creation date is the report's as-of date: the same report gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from ..pdf_doc import PdfDocument
from ..rendering import render_html
from . import model as m
from .charts import ChartCache

_ALIGN = {"left": "L", "right": "R", "center": "C"}
#: A section starts a new page when less than this share of the page is left.
_NEW_PAGE_BELOW = 0.33


def _cover(pdf: PdfDocument, report: m.Report) -> None:
    meta = report.meta
    doc = pdf.pdf
    doc.set_y(doc.h * 0.28)
    doc.set_draw_color(26, 86, 184)
    doc.set_line_width(1.2)
    doc.line(doc.l_margin, doc.get_y() - 6, doc.l_margin + 30, doc.get_y() - 6)
    doc.set_line_width(0.2)
    if meta.client:
        pdf.body(meta.client, "B", 12, (97, 110, 124))
        doc.ln(2)
    pdf.body(meta.title, "B", 24, (31, 41, 51))
    doc.ln(2)
    if meta.subtitle:
        pdf.body(meta.subtitle, "", 13, (50, 63, 75))
    doc.ln(10)
    pdf.facts(
        [
            ("Engagement", meta.engagement),
            ("Author", meta.author),
            ("Date", meta.as_of.isoformat()),
            ("Version", meta.version),
            ("Classification", meta.confidentiality),
        ]
    )
    if meta.client_safe:
        pdf.body(
            "Client-safe edition: internal notes and texts marked internal are left out "
            "(see the appendix).",
            "I",
            8.5,
            (97, 110, 124),
        )


def _widths(pdf: PdfDocument, block: m.Table) -> tuple[float, ...]:
    """The columns' widths (mm): the block's shares, but never narrower than the longest
    word of a column's heading or than its short cells (a date, an amount, a status: up
    to :data:`_WHOLE_CHARS` characters are never broken); the room comes from the columns
    with the most to spare."""
    doc = pdf.pdf
    widths = [share * pdf.width for share in block.relative_widths()]
    least = [0.0] * len(widths)
    doc.set_font("DejaVu", "B", 8.5)
    for column, text in enumerate(block.header[: len(widths)]):
        words = [doc.get_string_width(word) for word in text.split()]
        least[column] = max(words, default=0) + 4
    doc.set_font("DejaVu", "", 8.5)
    for row in block.rows:
        for column, text in enumerate(row[: len(widths)]):
            if len(text) <= _WHOLE_CHARS:
                least[column] = max(least[column], doc.get_string_width(text) + 4)
    if sum(least) > pdf.width:
        return tuple(widths)
    for column, need in enumerate(least):
        short = need - widths[column]
        if short > 0:
            widest = max(range(len(widths)), key=lambda c: widths[c] - least[c])
            widths[widest] -= short
            widths[column] = need
    return tuple(round(w, 2) for w in widths)


def _table(pdf: PdfDocument, block: m.Table) -> None:
    if not block.rows:
        return
    widths = _widths(pdf, block)
    align = tuple(_ALIGN[block.alignment(c)] for c in range(block.columns))
    if pdf.room() < 20:  # a heading row alone at the foot of a page
        pdf.new_page()
    pdf.grid(widths, align, block.header, block.rows, highlight=block.highlight)
    pdf.pdf.ln(2)
    pdf.caption(block.caption)


#: Height (mm) of a contents line and of the contents heading.
_LINE_MM = 5.2
_CONTENTS_HEADING_MM = 16
#: Contents entries at most with the headings; more, and only the sections are listed.
_CONTENTS_MAX = 45
_HEADING_MM = 14
#: Room for a table's header and first rows, and for a short paragraph.
_TABLE_START_MM = 24
_PARAGRAPH_MM = 12
#: A cell this short is kept on one line (dates, amounts, statuses).
_WHOLE_CHARS = 16


def _contents(pdf: PdfDocument, report: m.Report) -> None:
    """Room for the contents, filled in when the document is complete (fpdf2's ToC
    placeholder, so one layout pass knows every page number): below the cover when they
    fit there, else on pages of their own."""
    doc = pdf.pdf
    outline = report.outline()
    # A long contents lists the sections only (one RAI pack of many use cases).
    deepest = 1 if sum(1 for level, _ in outline if level <= 1) <= _CONTENTS_MAX else 0
    entries = sum(1 for level, _ in outline if level <= deepest)
    need = _CONTENTS_HEADING_MM + entries * _LINE_MM
    if pdf.room() < need + 10:
        pdf.new_page()
        pages = max(1, math.ceil(need / doc.eph))
    else:
        doc.ln(8)
        pages = 1
    pdf.heading("Contents", 14)

    def draw(doc: Any, outline: list[Any]) -> None:
        pdf.contents([(s.level, s.name, s.page_number) for s in outline if s.level <= deepest])

    doc.insert_toc_placeholder(draw, pages=pages)


def render(report: m.Report, *, charts: ChartCache) -> bytes:
    meta = report.meta
    pdf = PdfDocument(
        meta.title,
        footer=meta.footer,
        header=meta.running_header,
        page_format=meta.page_size,
        created=dt.datetime.combine(meta.as_of, dt.time(), tzinfo=dt.UTC),
    )
    _cover(pdf, report)
    _contents(pdf, report)
    page_height = pdf.pdf.eph
    first = True
    for section in report.sections:
        if not first and section.new_page and pdf.room() < page_height * _NEW_PAGE_BELOW:
            pdf.new_page()
        elif not first:
            pdf.pdf.ln(6)
        first = False
        _keep_with_next(pdf, section.blocks[:2], charts)
        pdf.heading(section.title, 16, section=0)
        for index, block in enumerate(section.blocks):
            if isinstance(block, m.Heading):
                _keep_with_next(pdf, section.blocks[index + 1 : index + 3], charts)
            _block(pdf, block, charts)
    return pdf.output()


def _keep_with_next(pdf: PdfDocument, following: list[Any], charts: ChartCache) -> None:
    """A heading goes to the next page with what follows it when that would not start
    below it: a chart whole, a table with its header and first rows (an intro paragraph
    between them counted too)."""
    need = float(_HEADING_MM)
    for block in following[:2]:
        if isinstance(block, m.Chart):
            need += pdf.svg_size(charts.svg(block), pdf.width * block.width)[1]
            break
        if isinstance(block, m.Table):
            need += _TABLE_START_MM
            break
        if not isinstance(block, m.Paragraph):
            return
        need += _PARAGRAPH_MM
    else:
        return
    if pdf.room() < need < pdf.pdf.eph:
        pdf.new_page()


def _block(pdf: PdfDocument, block: Any, charts: ChartCache) -> None:
    if isinstance(block, m.Heading):
        size = 12.5 if block.level <= 1 else 11
        pdf.heading(block.text, size, section=block.level if block.level <= 1 else None)
    elif isinstance(block, m.Paragraph):
        size = 10.5 if block.tone == "lead" else 9.5
        colour = (97, 110, 124) if block.tone == "muted" else (50, 63, 75)
        pdf.body(block.text, "", size, colour)
        pdf.pdf.ln(2)
    elif isinstance(block, m.Markdown):
        pdf.html(render_html(block.text, toc=False))
    elif isinstance(block, m.KeyFigures):
        pdf.figures([(i.label, i.value, i.detail, i.tone) for i in block.items])
    elif isinstance(block, m.Table):
        _table(pdf, block)
    elif isinstance(block, m.Chart):
        pdf.svg(charts.svg(block), width=pdf.width * block.width)
        pdf.caption(block.caption)
    elif isinstance(block, m.Note):
        pdf.note(block.text, warning=block.kind == "warning")
    elif isinstance(block, m.PageBreak):
        pdf.new_page()
