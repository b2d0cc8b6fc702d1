"""The one PDF engine (fpdf2, no Qt): documents, runbooks, debriefs and feedback summaries.

A4 or US Letter in DejaVu Sans (shipped with matplotlib, found without importing it) so
any text prints. Every page but the first carries a running header (when one is given)
and every page a footer: the document's name on the left, "Page n of N" on the right.
The building blocks are headings, body text, tables with horizontal rules (rows may be
highlighted; a table that runs over a page repeats its header row), a tinted warning
box, a monospaced box kept on one page, and Markdown already rendered to safe HTML
(:func:`aipm_desktop.services.rendering.render_html`) laid out with fpdf2's HTML writer.

Output is reproducible: the creation date is fixed by the caller (``created``), so the
same input gives the same bytes.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import importlib.util
import re
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

INK = (31, 41, 51)
TEXT = (50, 63, 75)
MUTED = (97, 110, 124)
WARN = (122, 75, 0)
RULE = (203, 210, 217)
BOX = (244, 246, 248)
HEADER_FILL = (238, 241, 245)
HIGHLIGHT_FILL = (255, 241, 204)
FLAG_FILL = (253, 236, 234)
FLAG_LINE = (198, 40, 40)
FLAG_TEXT = (150, 24, 24)
LINK = (26, 86, 184)
CODE = (106, 27, 154)

GOOD = (46, 125, 50)
BAD = (198, 40, 40)
TONES = {"good": GOOD, "warn": WARN, "bad": BAD, "neutral": INK}

PAGE_FORMATS = {"a4": "A4", "letter": "Letter"}
#: A fixed creation date for callers without one of their own (reproducible bytes).
EPOCH = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def font_dir() -> Path:
    """matplotlib's DejaVu fonts, found without importing matplotlib (~0.5 s)."""
    spec = importlib.util.find_spec("matplotlib")
    assert spec is not None and spec.submodule_search_locations, "matplotlib is installed"
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


#: Fonts added when first chosen (parsing a TrueType file costs ~25 ms; most documents
#: never show code): family -> ``(style, file stem)``.
_ON_FIRST_USE = {
    "dejavumono": (("", "DejaVuSansMono"), ("B", "DejaVuSansMono-Bold")),
}


def _new_fpdf(page_format: str, footer: str, header: str) -> Any:
    from fpdf import FPDF

    pending = dict(_ON_FIRST_USE)

    class Pages(FPDF):
        def set_font(self, family: str | None = None, style: Any = "", size: float = 0) -> None:
            wanted = pending.pop((family or "").lower(), ())
            for font_style, name in wanted:
                self.add_font(family, font_style, str(font_dir() / f"{name}.ttf"))
            super().set_font(family, style, size)

        def header(self) -> None:
            if not header or self.page_no() == 1:
                return
            self.set_y(7)
            self.set_font("DejaVu", "", 7.5)
            self.set_text_color(*MUTED)
            self.cell(self.epw, 4, header[:140], align="R")
            self.set_y(self.t_margin)

        def footer(self) -> None:
            self.set_y(-12)
            self.set_draw_color(*RULE)
            self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
            self.ln(1)
            self.set_font("DejaVu", "", 7.5)
            self.set_text_color(*MUTED)
            self.cell(self.epw * 0.8, 5, footer[:120], align="L")
            self.cell(self.epw * 0.2, 5, f"Page {self.page_no()} of {{nb}}", align="R")

    return Pages(format=PAGE_FORMATS.get(page_format.lower(), "A4"))


class PdfDocument:
    """A document being written top to bottom."""

    def __init__(
        self,
        title: str,
        *,
        footer: str | None = None,
        header: str = "",
        page_format: str = "a4",
        created: dt.datetime | None = None,
    ) -> None:
        pdf = _new_fpdf(page_format, title if footer is None else footer, header)
        pdf.set_title(title)
        pdf.set_creator("AIPM Desktop")
        pdf.set_producer("AIPM Desktop")
        pdf.set_creation_date(created or EPOCH)
        fonts = font_dir()
        for family, style, name in (
            ("DejaVu", "", "DejaVuSans"),
            ("DejaVu", "B", "DejaVuSans-Bold"),
            ("DejaVu", "I", "DejaVuSans-Oblique"),
            ("DejaVu", "BI", "DejaVuSans-BoldOblique"),
        ):
            pdf.add_font(family, style, str(fonts / f"{name}.ttf"))
        pdf.set_margins(18, 16, 18)
        pdf.set_auto_page_break(True, margin=18)
        pdf.add_page()
        self.pdf: Any = pdf
        self.width: float = pdf.epw

    # -- blocks -------------------------------------------------------------------------

    def heading(self, text: str, size: float = 13, *, section: int | None = None) -> None:
        """A heading; with ``section`` (a level, 0 = top) it is also a PDF bookmark."""
        pdf = self.pdf
        if pdf.get_y() > pdf.page_break_trigger - KEEP_MM:
            pdf.add_page()  # never the last line of a page
        else:
            pdf.ln(3)
        if section is not None:
            pdf.start_section(text, section, strict=False)
        pdf.set_font("DejaVu", "B", size)
        pdf.set_text_color(*INK)
        pdf.multi_cell(self.width, size * 0.55, text, new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.ln(1.5)

    def body(
        self, text: str, style: str = "", size: float = 9.5, colour: Sequence[int] = TEXT
    ) -> None:
        pdf = self.pdf
        pdf.set_font("DejaVu", style, size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(self.width, size * 0.5, text, new_x="LMARGIN", new_y="NEXT", align="L")

    def rule(self) -> None:
        pdf = self.pdf
        pdf.ln(1)
        pdf.set_draw_color(*RULE)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.ln(2)

    def new_page(self) -> None:
        self.pdf.add_page()

    def flag_box(self, title: str, lines: Sequence[str]) -> None:
        """A tinted box: ``title`` in bold, then one bullet per line."""
        pdf = self.pdf
        pdf.ln(3)
        pdf.set_fill_color(*FLAG_FILL)
        pdf.set_draw_color(*FLAG_LINE)
        pdf.set_text_color(*FLAG_TEXT)
        pdf.set_font("DejaVu", "B", 11)
        border = "LTR" if lines else 1
        pdf.multi_cell(
            self.width, 7, title, border=border, fill=True, new_x="LMARGIN", new_y="NEXT",
            padding=(1, 3, 0, 3), align="L",
        )  # fmt: skip
        pdf.set_font("DejaVu", "", 9.5)
        for index, line in enumerate(lines):
            last = index == len(lines) - 1
            pdf.multi_cell(
                self.width, 5, f"• {line}", border="LRB" if last else "LR", fill=True,
                align="L", new_x="LMARGIN", new_y="NEXT", padding=(0, 3, 2 if last else 0, 3),
            )  # fmt: skip
        # The box leaves its colours set; what follows starts from neutral ones.
        pdf.set_fill_color(255, 255, 255)
        pdf.set_draw_color(*RULE)

    def mono_box(self, text: str, *, keep_with: float = 0) -> None:
        """``text`` in a tinted monospaced box; the box starts a new page rather than split
        when it (and ``keep_with`` mm of what comes before it) fits on one page."""
        pdf = self.pdf
        text = text.rstrip("\n") or " "
        pdf.set_font("DejaVuMono", "", 8.5)
        box = pdf.multi_cell(self.width, 4.4, text, dry_run=True, output="HEIGHT", padding=(2, 3))
        needed = box + keep_with
        if needed < pdf.eph and pdf.get_y() + needed > pdf.page_break_trigger:
            pdf.add_page()

    def mono_text(self, text: str) -> None:
        """The box of :meth:`mono_box` itself (call :meth:`mono_box` first to keep it whole)."""
        pdf = self.pdf
        pdf.set_font("DejaVuMono", "", 8.5)
        pdf.set_text_color(*TEXT)
        pdf.set_fill_color(*BOX)
        pdf.multi_cell(
            self.width, 4.4, text.rstrip("\n") or " ", fill=True, new_x="LMARGIN",
            new_y="NEXT", align="L", padding=(2, 3, 2, 3),
        )  # fmt: skip
        pdf.set_fill_color(255, 255, 255)

    def table(
        self,
        widths: tuple[float, ...],
        align: str | tuple[str, ...],
        rows: Sequence[Sequence[str]],
        *,
        highlight: Collection[int] = (),
        size: float = 9,
        headings: bool = True,
    ) -> None:
        """A table of ``rows``, the first its headings (unless ``headings`` is false); the
        rows numbered in ``highlight`` (1 = the first after the headings) on an amber
        ground. A table longer than the page repeats its headings on the next."""
        from fpdf.fonts import FontFace

        pdf = self.pdf
        pdf.set_font("DejaVu", "", size)
        pdf.set_text_color(*TEXT)
        pdf.set_draw_color(*RULE)
        header = FontFace(emphasis="BOLD", color=INK, fill_color=HEADER_FILL)
        marked = FontFace(fill_color=HIGHLIGHT_FILL)
        with pdf.table(
            col_widths=widths,
            text_align=align,
            headings_style=header,
            first_row_as_headings=headings,
            line_height=5.5,
            padding=1.5,
            borders_layout="HORIZONTAL_LINES",
        ) as grid:
            for index, cells in enumerate(rows):
                row = grid.row()
                style = marked if index in highlight else None
                for text in cells:
                    row.cell(text, style=style)

    def grid(
        self,
        widths: Sequence[float],
        align: Sequence[str],
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        highlight: Collection[int] = (),
        size: float = 8.5,
    ) -> None:
        """A table of ``rows`` in columns ``widths`` mm wide (``align``: "L", "R" or "C"
        per column) under ``header`` (none when empty; repeated at the top of every page
        the table runs onto); rows numbered in ``highlight`` (0 = the first) on an amber
        ground, horizontal rules between rows. Laid out line by line (a cell breaks only
        when its text is wider than the column): many times quicker than fpdf2's tables,
        for the long tables of reports."""
        pdf = self.pdf
        line, pad = size * 0.5, 1.4

        def lines_of(text: str, width: float) -> list[str]:
            room = width - 2 * pad
            if "\n" not in text and pdf.get_string_width(text) <= room:
                return [text]
            found = pdf.multi_cell(room, line, text, dry_run=True, output="LINES", padding=0)
            return [str(part) for part in found] or [""]

        def draw(cells: Sequence[str], *, bold: bool, fill: Sequence[int] | None) -> None:
            pdf.set_font("DejaVu", "B" if bold else "", size)
            laid = [lines_of(text, w) for text, w in zip(cells, widths, strict=False)]
            most = int((pdf.eph - 20) / line)
            laid = [lines[:most] for lines in laid]
            height = max(len(lines) for lines in laid) * line + 2 * pad
            if pdf.get_y() + height > pdf.page_break_trigger:
                pdf.add_page()
                if header and not bold:
                    draw(header, bold=True, fill=HEADER_FILL)
                    pdf.set_font("DejaVu", "", size)
            top, x = pdf.get_y(), pdf.l_margin
            if fill is not None:
                pdf.set_fill_color(*fill)
                pdf.rect(x, top, sum(widths), height, style="F")
            pdf.set_text_color(*(INK if bold else TEXT))
            for lines, width, how in zip(laid, widths, align, strict=False):
                for n, text in enumerate(lines):
                    pdf.set_xy(x + pad, top + pad + n * line)
                    pdf.cell(width - 2 * pad, line, text, align=how)
                x += width
            pdf.set_draw_color(*RULE)
            pdf.line(pdf.l_margin, top + height, pdf.l_margin + sum(widths), top + height)
            pdf.set_xy(pdf.l_margin, top + height)

        if header:
            draw(header, bold=True, fill=HEADER_FILL)
        for index, cells in enumerate(rows):
            draw(cells, bold=False, fill=HIGHLIGHT_FILL if index in highlight else None)
        pdf.set_fill_color(255, 255, 255)

    def contents(self, entries: Sequence[tuple[int, str, int | None]]) -> None:
        """A contents list: ``(level, text, page)`` per line, indented by level, the page
        number on the right (blank while unknown) and a link to it."""
        pdf = self.pdf
        for level, text, page in entries:
            pdf.set_font("DejaVu", "B" if level <= 0 else "", 9.5 if level <= 0 else 9)
            pdf.set_text_color(*(INK if level <= 0 else TEXT))
            indent = 6 * max(level, 0)
            link = pdf.add_link(page=page) if page else ""
            pdf.set_x(pdf.l_margin + indent)
            room = self.width - indent - 16
            if pdf.get_string_width(text) > room:
                while text and pdf.get_string_width(text + "…") > room:
                    text = text[:-1]
                text = text.rstrip() + "…"
            pdf.cell(room + 2, 5.2, text, link=link)
            pdf.cell(14, 5.2, str(page or ""), align="R", link=link, new_x="LMARGIN", new_y="NEXT")

    def facts(self, rows: Sequence[tuple[str, str]]) -> None:
        """A two-column key/value table (no header row); empty values are left out."""
        kept = [(key, value) for key, value in rows if value]
        if kept:
            self.table((22, 78), "LEFT", kept, headings=False)
            self.pdf.ln(2)

    def html(self, fragment: str, *, folder: Path | None = None) -> None:
        """Safe HTML from :func:`~aipm_desktop.services.rendering.render_html`, laid out
        with the house style; headings become bookmarks. Local images are read from
        ``folder`` (the workspace's); anything else shows as its alt text."""
        from fpdf.fonts import FontFace, TextStyle

        def block(
            size: float,
            *,
            style: str = "",
            colour: Sequence[int] = TEXT,
            top: float = 0,
            bottom: float = 2,
            family: str = "DejaVu",
        ) -> Any:
            # fpdf2 reads a top margin of 0 as "one line": a hair keeps blocks close.
            top = max(top, 0.01)
            return TextStyle(
                font_family=family, font_style=style, font_size_pt=size, color=colour,
                t_margin=top, b_margin=bottom,
            )  # fmt: skip

        styles = {
            # A heading's bottom margin is a share of its own height (fpdf2's rule).
            "h1": block(16, style="B", colour=INK, top=4, bottom=0.3),
            "h2": block(13, style="B", colour=INK, top=4, bottom=0.3),
            "h3": block(11.5, style="B", colour=INK, top=3, bottom=0.25),
            "h4": block(10.5, style="B", colour=TEXT, top=2, bottom=0.2),
            "h5": block(10, style="B", colour=TEXT, top=2, bottom=0.2),
            "h6": block(9.5, style="B", colour=MUTED, top=2, bottom=0.2),
            "p": block(9.5, top=2, bottom=1),
            "li": TextStyle(
                font_family="DejaVu", font_size_pt=9.5, color=TEXT, l_margin=5, t_margin=0.6
            ),
            "ul": block(9.5, bottom=2.5),
            "ol": block(9.5, bottom=2.5),
            "blockquote": TextStyle(
                font_family="DejaVu",
                font_style="I",
                font_size_pt=9.5,
                color=MUTED,
                l_margin=6,
                t_margin=1,
                b_margin=2,
            ),
            "pre": block(8.5, family="DejaVuMono", top=1, bottom=2),
            "code": FontFace(family="DejaVuMono", color=CODE),
            "a": FontFace(color=LINK),
            "dt": block(9.5, style="B", top=1, bottom=0),
            "dd": TextStyle(font_family="DejaVu", font_size_pt=9.5, color=TEXT, l_margin=6),
        }
        pdf = self.pdf
        # One call per heading and what follows it, so that a heading never ends a page
        # without at least a few lines of its text below it.
        ready = _LEADING.sub(r'<\1 style="line-height: 1.3"\2', pdf_ready_html(fragment, folder))
        for part in _HEADING_START.split(ready):
            if not part.strip():
                continue
            if _HEADING_START.match(part) and pdf.get_y() > pdf.page_break_trigger - KEEP_MM:
                pdf.add_page()
            pdf.set_font("DejaVu", "", 9.5)
            pdf.set_text_color(*TEXT)
            pdf.set_draw_color(*RULE)
            pdf.write_html(
                part,
                font_family="DejaVu",
                tag_styles=styles,
                ul_bullet_char="•",
                li_prefix_color=TEXT,
                table_line_separators=True,
                warn_on_tags_not_matching=False,
            )
        pdf.set_text_color(*TEXT)

    def svg(self, data: bytes, *, width: float | None = None) -> None:
        """An SVG drawing (vector paths and text) ``width`` mm wide (default: the text
        width, never taller than the page), on this page if it fits, else at the top of
        the next."""
        import io

        pdf = self.pdf
        w, h = self.svg_size(data, width)
        if pdf.get_y() + h > pdf.page_break_trigger:
            pdf.add_page()
        x = pdf.l_margin + (self.width - w) / 2
        # matplotlib names DejaVu Sans and fallbacks; the engine has it as "DejaVu".
        # The engine draws a text without a fill colour invisibly; SVG's default is black.
        data = _FONT_FAMILY.sub(b"font-family: DejaVu", data).replace(
            b'<text style="', b'<text style="fill: #000000; '
        )
        pdf.image(io.BytesIO(data), x=x, y=pdf.get_y(), w=w, h=h)
        pdf.set_y(pdf.get_y() + h + 1)

    def svg_size(self, data: bytes, width: float | None = None) -> tuple[float, float]:
        """``(width, height)`` in mm that :meth:`svg` gives the drawing."""
        ratio = svg_ratio(data)
        w = min(width or self.width, self.width, (self.pdf.eph - 12) / ratio)
        return w, w * ratio

    def caption(self, text: str) -> None:
        if text:
            self.body(text, "I", 8.5, MUTED)
            self.pdf.ln(2)

    def figures(self, items: Sequence[tuple[str, str, str, str]]) -> None:
        """Key figures side by side: ``(label, value, detail, tone)`` each in a tinted
        box (tone "good", "warn", "bad" or "neutral" colours the value)."""
        pdf = self.pdf
        if not items:
            return
        gap = 3.0
        w = (self.width - gap * (len(items) - 1)) / len(items)
        h = 24.0
        if pdf.get_y() + h > pdf.page_break_trigger:
            pdf.add_page()
        top = pdf.get_y()
        for n, (label, value, detail, tone) in enumerate(items):
            x = pdf.l_margin + n * (w + gap)
            pdf.set_fill_color(*BOX)
            pdf.rect(x, top, w, h, style="F")
            pdf.set_xy(x + 3, top + 2.5)
            pdf.set_font("DejaVu", "", 8)
            pdf.set_text_color(*MUTED)
            pdf.cell(w - 6, 4, label)
            pdf.set_xy(x + 3, top + 7.5)
            pdf.set_font("DejaVu", "B", 16)
            pdf.set_text_color(*TONES.get(tone, INK))
            pdf.cell(w - 6, 8, value)
            pdf.set_xy(x + 3, top + 16.5)
            pdf.set_font("DejaVu", "", 7.5)
            pdf.set_text_color(*MUTED)
            pdf.multi_cell(w - 6, 3.4, detail, max_line_height=3.4, align="L")
        pdf.set_fill_color(255, 255, 255)
        pdf.set_xy(pdf.l_margin, top + h + 4)

    def note(self, text: str, *, warning: bool = False) -> None:
        """A remark in a tinted box (amber for a warning)."""
        pdf = self.pdf
        pdf.ln(1)
        pdf.set_fill_color(*(HIGHLIGHT_FILL if warning else BOX))
        pdf.set_text_color(*(WARN if warning else TEXT))
        pdf.set_font("DejaVu", "", 9)
        pdf.multi_cell(
            self.width, 4.8, text, fill=True, new_x="LMARGIN", new_y="NEXT", align="L",
            padding=(2, 3, 2, 3),
        )  # fmt: skip
        pdf.set_fill_color(255, 255, 255)
        pdf.ln(2)

    def room(self) -> float:
        """What is left of this page (mm) above the footer."""
        return float(self.pdf.page_break_trigger - self.pdf.get_y())

    def sections(self) -> list[tuple[str, int]]:
        """``(name, page)`` of every bookmark written so far, in order."""
        return [(s.name, s.page_number) for s in self.pdf._outline]

    def output(self) -> bytes:
        return bytes(self.pdf.output())


# -- HTML for fpdf2's writer ----------------------------------------------------------------

_IMG = re.compile(r"<img\b([^>]*)>", re.I)
_ATTR = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
_CHECKBOX = re.compile(r"<input\b[^>]*>", re.I)
_TABLE = re.compile(r"<table\b[^>]*>(.*?)</table>", re.I | re.S)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.I | re.S)
_CELL = re.compile(r"<(t[hd])\b([^>]*)>(.*?)</t[hd]>", re.I | re.S)
_TAGS = re.compile(r"<[^>]+>")
_DROPPED_BLOCKS = re.compile(
    r"</?(div|span|details|summary|thead|tbody|tfoot|colgroup|col)\b[^>]*>", re.I
)
_HEADING_START = re.compile(r"(?=<h[1-6][ >])", re.I)
_BETWEEN_BLOCKS = re.compile(
    r"(</?(?:p|ul|ol|li|h[1-6]|table|tr|td|th|blockquote|hr|dl|dt|dd)\b[^>]*>)\s+(?=<)", re.I
)
#: Room (mm) a heading needs below it on its page; less, and it starts the next page.
KEEP_MM = 22
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".bmp"}


def _image(match: re.Match[str], folder: Path | None) -> str:
    attrs = dict(_ATTR.findall(match.group(1)))
    src, alt = attrs.get("src", ""), attrs.get("alt", "")
    fallback = f"<i>[image{': ' + html.escape(alt) if alt else ''}]</i>"
    if src.startswith("data:image/"):
        try:
            base64.b64decode(src.split(",", 1)[1], validate=True)
        except (IndexError, ValueError):
            return fallback
        return f'<img src="{src}">'
    if folder is None or not src:
        return fallback
    from urllib.parse import unquote

    path = (folder / unquote(html.unescape(src))).resolve()
    inside = folder.resolve() in path.parents
    if not inside or not path.is_file() or path.suffix.lower() not in _IMAGE_SUFFIXES:
        return fallback
    return f'<img src="{html.escape(str(path))}">'


def _column_widths(table: str) -> list[int]:
    """Percent widths for a table's columns, by the longest text in each (bounded)."""
    longest: list[int] = []
    words: list[int] = []
    for row in _ROW.findall(table):
        for col, (_tag, _attrs, cell) in enumerate(_CELL.findall(row)):
            text = html.unescape(_TAGS.sub("", cell)).strip()
            size = min(max(len(text), 4), 60)
            word = min(max((len(w) for w in text.split()), default=0), 24)
            if col >= len(longest):
                longest.append(size)
                words.append(word)
            else:
                longest[col] = max(longest[col], size)
                words[col] = max(words[col], word)
    total = sum(longest) or 1
    # Share by length, but never so narrow that the longest word has to break.
    widths = [max(8, round(100 * n / total), 2 * w) for n, w in zip(longest, words, strict=True)]
    while sum(widths) > 100 and max(widths) > 8:
        widths[widths.index(max(widths))] -= 1
    widths[-1] += 100 - sum(widths) if widths else 0
    return widths


def _table(match: re.Match[str]) -> str:
    inner = _DROPPED_BLOCKS.sub("", match.group(1))
    widths = _column_widths(inner)
    rows = []
    for index, row in enumerate(_ROW.findall(inner)):
        cells = []
        for col, (tag, attrs, cell) in enumerate(_CELL.findall(row)):
            found = dict(_ATTR.findall(attrs))
            align = found.get("align", "left")
            width = f' width="{widths[col]}%"' if index == 0 and col < len(widths) else ""
            text = html.escape(" ".join(html.unescape(_TAGS.sub("", cell)).split()))
            cells.append(f'<{tag} align="{align}"{width}>{text}</{tag}>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f'<table width="100%" align="left">{"".join(rows)}</table>'


def pdf_ready_html(fragment: str, folder: Path | None) -> str:
    """Safe HTML made fit for fpdf2's writer: checkboxes as ☐/☑, local images resolved
    (others as their alt text), tables as wide as the text with columns sized by content,
    left-aligned plain-text cells, and wrapper tags dropped."""
    text = _CHECKBOX.sub(lambda m: "☑ " if "checked" in m.group(0) else "☐ ", fragment)
    text = _IMG.sub(lambda m: _image(m, folder), text)
    text = _TABLE.sub(_table, text)
    return _BETWEEN_BLOCKS.sub(r"\1", _DROPPED_BLOCKS.sub("", text))


_SVG_SIZE = re.compile(
    rb'<svg\b[^>]*?\bwidth="([\d.]+)(?:pt|px)?"[^>]*?\bheight="([\d.]+)(?:pt|px)?"', re.S
)


#: Paragraphs and lists get a line height of 1.3 (fpdf2's 1.0 set the lines of a
#: paragraph touching).
_LEADING = re.compile(r"<(p|ul|ol)(>|\s(?![^>]*style=))")
_FONT_FAMILY = re.compile(rb"font-family:\s*'DejaVu Sans'[^;\"]*")


def svg_ratio(data: bytes) -> float:
    """Height over width of an SVG drawing (from its root ``width``/``height``)."""
    match = _SVG_SIZE.search(data[:4000])
    if match is None:
        return 0.75
    return float(match.group(2)) / max(float(match.group(1)), 1e-6)


def contents_pages(
    entries: Sequence[tuple[int, str]], sections: Sequence[tuple[str, int]]
) -> list[int]:
    """The page of each contents entry, matched in order against the bookmarks of a
    first layout pass (:meth:`PdfDocument.sections`); an entry without its bookmark gets
    the page of the one before."""
    found = iter(sections)
    pages: list[int] = []
    for _level, text in entries:
        page = next((p for name, p in found if name == text), pages[-1] if pages else 1)
        pages.append(page)
    return pages
