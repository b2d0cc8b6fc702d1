"""A report as a Word document (python-docx), editable by the client.

Real structure rather than looks: section titles are "Heading 1", sub-headings "Heading 2"
and "Heading 3" (Markdown headings below them), tables use the table style "Report Table"
with a header row repeated on every page, charts are PNG pictures at 150 dpi with a
"Caption" below, and every other paragraph has a named style ("Report Lead", "Report
Note", "Key Figure Value", "Table Text" ...; see :data:`STYLES`), so a firm's template
can restyle the whole report by redefining the styles. The cover page has no header;
the other pages carry the running header (client, report) and a footer with the
confidentiality and "Page n of N" (Word fields). The contents is a Word TOC field whose
shown entries are the report's outline (Word fills in page numbers on "Update field").

The same report gives the same bytes: core properties are dated from the report's as-of
date and the zip is rewritten with fixed times (:mod:`.office`).
"""

from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Inches, Pt, RGBColor

from . import model as m
from .charts import ChartCache
from .flow import Line, Run, markdown_flow
from .office import cover_lines, fitted_widths, picture, reproducible_zip, set_core_properties

PAGES = {"a4": (Cm(21.0), Cm(29.7)), "letter": (Inches(8.5), Inches(11.0))}
MARGIN = Cm(2.0)
INK = RGBColor(0x1F, 0x29, 0x37)
MUTED = RGBColor(0x6B, 0x72, 0x80)
ACCENT = RGBColor(0x1D, 0x4E, 0x89)
#: Cell fills (hex): the header row, a highlighted row, and key figures by tone.
HEADER_FILL = "DCE6F2"
HIGHLIGHT_FILL = "FFF3CD"
TONE_FILL = {"neutral": "F3F4F6", "good": "DCFCE7", "warn": "FEF3C7", "bad": "FEE2E2"}
NOTE_FILL = {"info": "EFF6FF", "warning": "FEF3C7", "omitted": "F3F4F6"}
ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
}

#: The report's own paragraph styles: name -> (base style, size pt, bold, italic, colour).
STYLES: dict[str, tuple[str, float, bool, bool, RGBColor | None]] = {
    "Cover Title": ("Normal", 28, True, False, ACCENT),
    "Cover Subtitle": ("Normal", 14, False, False, INK),
    "Report Lead": ("Normal", 12, False, False, INK),
    "Report Muted": ("Normal", 9, False, False, MUTED),
    "Report Note": ("Normal", 10, False, False, INK),
    "Report Code": ("Normal", 9, False, False, INK),
    "Report Quote": ("Normal", 10.5, False, True, MUTED),
    "Report List": ("Normal", 10.5, False, False, None),
    "Key Figure Value": ("Normal", 18, True, False, INK),
    "Key Figure Label": ("Normal", 9, False, False, MUTED),
    "Table Text": ("Normal", 9, False, False, None),
    "Table Header": ("Normal", 9, True, False, INK),
    "TOC 1": ("Normal", 11, True, False, None),
    "TOC 2": ("Normal", 10, False, False, None),
}
TABLE_STYLE = "Report Table"
TABLE_PT = 9
#: Contents entries that fit one page; more, and only the section titles are listed.
MAX_CONTENTS = 36


def render(report: m.Report, *, charts: ChartCache) -> bytes:
    """The report as DOCX bytes (``charts`` is unused: Word gets PNG pictures)."""
    doc = Document()
    _styles(doc)
    _page_setup(doc, report)
    writer = _Writer(doc, _text_width(report))
    writer.cover(report)
    writer.contents(report)
    for section in report.sections:
        writer.section(section)
    writer.close()
    set_core_properties(doc.core_properties, report.meta)
    buffer = io.BytesIO()
    doc.save(buffer)
    return reproducible_zip(buffer.getvalue())


def _text_width(report: m.Report) -> Emu:
    return Emu(PAGES[report.meta.page_size][0] - 2 * MARGIN)


def _styles(doc: Any) -> None:
    styles = doc.styles
    normal = styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(6)
    for name, (base, size, bold, italic, colour) in STYLES.items():
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base]
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = italic
        if colour is not None:
            style.font.color.rgb = colour
        style.quick_style = True
    styles["Report Code"].font.name = "Consolas"
    styles["Report List"].paragraph_format.left_indent = Cm(0.6)
    styles["Report List"].paragraph_format.first_line_indent = Cm(-0.4)
    styles["Report List"].paragraph_format.space_after = Pt(2)
    styles["Report Quote"].paragraph_format.left_indent = Cm(0.8)
    for name in ("Table Text", "Table Header", "Key Figure Value", "Key Figure Label"):
        styles[name].paragraph_format.space_after = Pt(1)
    for name in ("Cover Title", "Cover Subtitle"):
        styles[name].paragraph_format.space_after = Pt(12)
    styles["TOC 2"].paragraph_format.left_indent = Cm(0.6)
    for level in (1, 2, 3):
        styles[f"Heading {level}"].font.color.rgb = ACCENT
        styles[f"Heading {level}"].paragraph_format.keep_with_next = True
    table_style = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.TABLE)
    table_style.base_style = styles["Table Grid"]
    table_style.font.size = Pt(9)
    _cell_margins(table_style)


def _page_setup(doc: Any, report: m.Report) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = PAGES[report.meta.page_size]
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    section.header_distance = section.footer_distance = Cm(1.0)
    section.different_first_page_header_footer = True  # the cover has neither
    header = section.header.paragraphs[0]
    header.text = report.meta.running_header
    header.style = doc.styles["Report Muted"]
    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["Report Muted"]
    footer.add_run(f"{report.meta.footer}\tPage ")
    _field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES", "1")
    _right_tab(footer, Emu(section.page_width - 2 * MARGIN))


def _field(paragraph: Any, instruction: str, shown: str) -> None:
    """A simple Word field (PAGE, NUMPAGES) with ``shown`` as its last known result."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = shown
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _right_tab(paragraph: Any, position: Emu) -> None:
    from docx.enum.text import WD_TAB_ALIGNMENT

    paragraph.paragraph_format.tab_stops.add_tab_stop(position, WD_TAB_ALIGNMENT.RIGHT)


def _fill(cell: Any, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def _row_flags(row: Any, *tags: str) -> None:
    """Row properties: "w:tblHeader" (repeat on every page), "w:cantSplit"."""
    properties = row._tr.get_or_add_trPr()
    for tag in tags:
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        properties.append(element)


def _cell_margins(style: Any) -> None:
    """Room above and below the text of every cell of a table style (in twips)."""
    margins = OxmlElement("w:tblCellMar")
    for side, width in (("top", 30), ("left", 80), ("bottom", 30), ("right", 80)):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), str(width))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    properties = OxmlElement("w:tblPr")  # after the style's rPr (set before this)
    properties.append(margins)
    style.element.append(properties)


def _complex_field(paragraph: Any, part: str, instruction: str = "") -> None:
    """One piece of a multi-paragraph field: "begin" (with its instruction), "separate"
    or "end"."""
    run = paragraph.add_run()
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), part)
    run._r.append(char)
    if part == "begin":
        code = paragraph.add_run()
        text = OxmlElement("w:instrText")
        text.set(qn("xml:space"), "preserve")
        text.text = f" {instruction} "
        code._r.append(text)
        _complex_field(paragraph, "separate")


def _is_short(section: m.Section) -> bool:
    """A section of at most a few lines: no chart, no table of more than five rows, and
    at most three blocks."""
    if len(section.blocks) > 3:
        return False
    return not any(
        isinstance(b, m.Chart) or (isinstance(b, m.Table) and len(b.rows) > 5)
        for b in section.blocks
    )


class _Writer:
    def __init__(self, doc: Any, width: Emu) -> None:
        self.doc = doc
        self.width = width
        # Assigning a style by name makes python-docx search every style each time (a
        # third of the rendering time); the ids are looked up once.
        self.ids = {style.name: style.style_id for style in doc.styles}
        #: The Word heading level of the last heading written (Markdown nests below it).
        self.depth = 1
        self.first = True
        #: The section just written fills only a few lines.
        self.short = False
        #: A table was the last thing written (see :meth:`separate`).
        self.gap = False

    def paragraph(self, text: str = "", style: str = "Normal", container: Any = None) -> Any:
        """A new paragraph of ``style`` at the end of the document (or of ``container``)."""
        paragraph = (container or self.doc).add_paragraph(text)
        self.restyle(paragraph, style)
        return paragraph

    def restyle(self, paragraph: Any, style: str) -> None:
        if style != "Normal":
            paragraph._p.get_or_add_pPr().style = self.ids[style]

    def heading(self, text: str, level: int) -> Any:
        return self.paragraph(text, f"Heading {level}")

    # -- cover and contents ---------------------------------------------------------
    def cover(self, report: m.Report) -> None:
        meta = report.meta
        for _ in range(4):
            self.paragraph(style="Report Muted")
        self.paragraph(meta.title, "Cover Title")
        if meta.subtitle:
            self.paragraph(meta.subtitle, "Cover Subtitle")
        self.table(m.Table((), tuple(cover_lines(meta)), widths=(1, 3)))
        self.gap = False
        if meta.client_safe:
            remark = self.paragraph(
                "Client-safe edition: internal notes and texts marked internal are left "
                "out (the appendix lists what).",
                "Report Muted",
            )
            remark.paragraph_format.space_before = Pt(8)

    def contents(self, report: m.Report) -> None:
        title = self.paragraph("Contents", "TOC Heading")
        title.paragraph_format.page_break_before = True
        entries = [(level, text) for level, text in report.outline() if level <= 1]
        depth = 2
        if len(entries) > MAX_CONTENTS:  # one page of contents: section titles only
            entries, depth = [(lv, t) for lv, t in entries if lv == 0], 1
        if not entries:
            return
        paragraphs = [self.paragraph(style=f"TOC {level + 1}") for level, _ in entries]
        _complex_field(paragraphs[0], "begin", f'TOC \\o "1-{depth}" \\h \\z \\u')
        for paragraph, (_, text) in zip(paragraphs, entries, strict=True):
            paragraph.add_run(text)
        _complex_field(paragraphs[-1], "end")

    # -- blocks -----------------------------------------------------------------------
    def section(self, section: m.Section) -> None:
        heading = self.heading(section.title, 1)
        # The first section follows the contents page; the others start a page if asked,
        # unless the section before was only a few lines (no near-empty pages).
        heading.paragraph_format.page_break_before = self.first or (
            section.new_page and not self.short
        )
        self.first = False
        self.short = _is_short(section)
        self.depth = 1
        self.gap = False
        for block in section.blocks:
            self.block(block)

    def close(self) -> None:
        """Word wants a paragraph, not a table, at the end of the body: a one-point one."""
        if self.gap:
            end = self.paragraph(style="Report Muted")
            end.paragraph_format.space_after = end.paragraph_format.space_before = Pt(0)
            end.paragraph_format.line_spacing = Pt(1)

    def separate(self) -> None:
        """The space after a table, before what follows it in the same section (two
        tables need a paragraph between them, or Word joins them). Never at the end of
        a section: there it could spill onto a page of its own before a page break."""
        if self.gap:
            self.paragraph(style="Report Muted")
            self.gap = False

    def block(self, block: Any) -> None:
        doc = self.doc
        if isinstance(block, m.Heading):
            self.gap = False  # a heading has room above it
            self.depth = min(block.level + 1, 3)
            self.heading(block.text, self.depth)
            return
        self.separate()
        if isinstance(block, m.Paragraph):
            style = {"lead": "Report Lead", "muted": "Report Muted"}.get(block.tone, "Normal")
            self.paragraph(block.text, style)
        elif isinstance(block, m.Markdown):
            self.markdown(block.text)
        elif isinstance(block, m.KeyFigures):
            self.key_figures(block)
        elif isinstance(block, m.Table):
            self.table(block)
        elif isinstance(block, m.Chart):
            self.chart(block)
        elif isinstance(block, m.Note):
            self.note(block)
        elif isinstance(block, m.PageBreak):
            doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def runs(self, paragraph: Any, runs: tuple[Run, ...]) -> None:
        for run in runs:
            added = paragraph.add_run(run.text)
            added.bold = run.bold or None
            added.italic = run.italic or None
            if run.code:
                added.font.name = "Consolas"

    def markdown(self, text: str) -> None:
        flow = markdown_flow(text)
        levels = [i.level for i in flow if isinstance(i, Line) and i.kind == "heading"]
        shift = self.depth + 1 - min(levels, default=1)
        for item in flow:
            self.separate()
            if isinstance(item, m.Table):
                self.table(item)
                continue
            if item.kind == "heading":
                paragraph = self.heading("", min(item.level + shift, 6))
            elif item.kind == "item":
                paragraph = self.paragraph(style="Report List")
                paragraph.paragraph_format.left_indent = Cm(0.6 * item.level)
                paragraph.add_run(f"{item.number}.\t" if item.number else "•\t")
            else:
                style = {"quote": "Report Quote", "code": "Report Code"}.get(item.kind, "Normal")
                paragraph = self.paragraph(style=style)
            self.runs(paragraph, item.runs)

    def note(self, block: m.Note) -> None:
        table = self.doc.add_table(rows=1, cols=1)
        table.style = self.doc.styles[TABLE_STYLE]
        _row_flags(table.rows[0], "w:cantSplit")
        cell = table.cell(0, 0)
        _fill(cell, NOTE_FILL.get(block.kind, NOTE_FILL["info"]))
        paragraph = cell.paragraphs[0]
        self.restyle(paragraph, "Report Note")
        label = {"warning": "Note: ", "omitted": "Left out: "}.get(block.kind, "")
        if label:
            paragraph.add_run(label).bold = True
        paragraph.add_run(block.text)
        self.gap = True

    def key_figures(self, block: m.KeyFigures) -> None:
        per_row = 4
        items = list(block.items)
        rows = [items[i : i + per_row] for i in range(0, len(items), per_row)]
        table = self.doc.add_table(rows=len(rows), cols=min(per_row, len(items)))
        table.style = self.doc.styles[TABLE_STYLE]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for r, chunk in enumerate(rows):
            _row_flags(table.rows[r], "w:cantSplit")
            for c, item in enumerate(chunk):
                cell = table.cell(r, c)
                _fill(cell, TONE_FILL.get(item.tone, TONE_FILL["neutral"]))
                self.restyle(cell.paragraphs[0], "Key Figure Value")
                cell.paragraphs[0].add_run(item.value)
                self.paragraph(item.label, "Key Figure Label", cell)
                if item.detail:
                    self.paragraph(item.detail, "Key Figure Label", cell)
        self.gap = True

    def table(self, block: m.Table) -> None:
        columns = block.columns
        if columns == 0:
            return
        header = 1 if block.header else 0
        table = self.doc.add_table(rows=len(block.rows) + header, cols=columns)
        table.style = self.doc.styles[TABLE_STYLE]
        table.autofit = False
        widths = [Emu(w) for w in fitted_widths(block, int(self.width), TABLE_PT)]
        for c, width in enumerate(widths):
            table.columns[c].width = width
        if header:
            _row_flags(table.rows[0], "w:tblHeader", "w:cantSplit")
            for c, text in enumerate(block.header):
                self._cell(table.cell(0, c), text, "Table Header", block.alignment(c), widths[c])
                _fill(table.cell(0, c), HEADER_FILL)
        for r, row in enumerate(block.rows):
            _row_flags(table.rows[r + header], "w:cantSplit")
            cells = table.rows[r + header].cells
            for c in range(columns):
                text = row[c] if c < len(row) else ""
                style = "Table Header" if not header and c == 0 else "Table Text"
                self._cell(cells[c], text, style, block.alignment(c), widths[c])
                if r in block.highlight:
                    _fill(cells[c], HIGHLIGHT_FILL)
        if block.caption:
            self.paragraph(block.caption, "Caption")
        else:
            self.gap = True

    def _cell(self, cell: Any, text: str, style: str, align: str, width: Emu) -> None:
        cell.width = width
        paragraph = cell.paragraphs[0]
        self.restyle(paragraph, style)
        paragraph.alignment = ALIGN[align]
        lines = text.split("\n")
        paragraph.add_run(lines[0])
        for line in lines[1:]:
            self.paragraph(line, style, cell).alignment = ALIGN[align]

    def chart(self, block: m.Chart) -> None:
        data, aspect = picture(block)
        width = self.width
        height_limit = Cm(14)
        if width * aspect > height_limit:
            width = Emu(int(height_limit / aspect))
        self.doc.add_picture(io.BytesIO(data), width=width)
        self.doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.doc.paragraphs[-1].paragraph_format.keep_with_next = True
        if block.caption:
            self.paragraph(block.caption, "Caption")
