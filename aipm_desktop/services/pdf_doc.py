"""The look of the short reports written with fpdf2 (feedback summary, debrief; no Qt).

A4, DejaVu Sans (shipped with matplotlib, found without importing it) so any text
prints; headings, body text, tables with horizontal rules (rows may be highlighted) and
a tinted warning box for red flags.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

INK = (31, 41, 51)
TEXT = (50, 63, 75)
MUTED = (97, 110, 124)
WARN = (122, 75, 0)
RULE = (203, 210, 217)
HEADER_FILL = (238, 241, 245)
HIGHLIGHT_FILL = (255, 241, 204)
FLAG_FILL = (253, 236, 234)
FLAG_LINE = (198, 40, 40)
FLAG_TEXT = (150, 24, 24)


def font_dir() -> Path:
    """matplotlib's DejaVu fonts, found without importing matplotlib (~0.5 s)."""
    spec = importlib.util.find_spec("matplotlib")
    assert spec is not None and spec.submodule_search_locations, "matplotlib is installed"
    return Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"


class PdfDocument:
    """An A4 document being written top to bottom."""

    def __init__(self, title: str) -> None:
        from fpdf import FPDF

        pdf = FPDF(format="A4")
        pdf.set_title(title)
        pdf.set_creator("AIPM Desktop")
        fonts = font_dir()
        for style, name in (
            ("", "DejaVuSans"),
            ("B", "DejaVuSans-Bold"),
            ("I", "DejaVuSans-Oblique"),
        ):
            pdf.add_font("DejaVu", style, str(fonts / f"{name}.ttf"))
        pdf.set_margins(18, 16, 18)
        pdf.set_auto_page_break(True, margin=16)
        pdf.add_page()
        self.pdf: Any = pdf
        self.width: float = pdf.epw

    def heading(self, text: str, size: float = 13) -> None:
        pdf = self.pdf
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", size)
        pdf.set_text_color(*INK)
        pdf.multi_cell(self.width, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)

    def body(
        self, text: str, style: str = "", size: float = 9.5, colour: Sequence[int] = TEXT
    ) -> None:
        pdf = self.pdf
        pdf.set_font("DejaVu", style, size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(self.width, size * 0.5, text, new_x="LMARGIN", new_y="NEXT", align="L")

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

    def table(
        self,
        widths: tuple[int, ...],
        align: str | tuple[str, ...],
        rows: Sequence[Sequence[str]],
        *,
        highlight: Collection[int] = (),
        size: float = 9,
    ) -> None:
        """A table of ``rows``, the first its headings; the rows numbered in
        ``highlight`` (1 = the first after the headings) on an amber ground."""
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
            line_height=5.5,
            padding=1.5,
            borders_layout="HORIZONTAL_LINES",
        ) as grid:
            for index, cells in enumerate(rows):
                row = grid.row()
                style = marked if index in highlight else None
                for text in cells:
                    row.cell(text, style=style)

    def output(self) -> bytes:
        return bytes(self.pdf.output())
