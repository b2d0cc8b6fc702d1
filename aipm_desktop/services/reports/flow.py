"""Markdown as a flow of simple paragraphs, for renderers that build documents by hand
(DOCX, PPTX, the model card's plain text).

The Markdown goes through :func:`aipm_desktop.services.rendering.render_html` (the same
parsing and sanitising as the preview, HTML and PDF, so a list right after a paragraph
line is a list everywhere), and the sanitised HTML is walked into :class:`Line` items:
headings, paragraphs, list items (with depth and number), quotes and code, each a tuple
of :class:`Run` (text with bold / italic / code), and tables as
:class:`~.model.Table` blocks. Images and raw HTML are not carried over (a report's
Markdown never holds a local image a client could open).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Literal

from .model import Table, table

LineKind = Literal["heading", "paragraph", "item", "quote", "code"]


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    code: bool = False


@dataclass(frozen=True)
class Line:
    """One paragraph of the flow. ``level``: the heading level (1-6) or the list depth
    (1 = top level); ``number``: the item's number in an ordered list (0: a bullet)."""

    kind: LineKind
    runs: tuple[Run, ...]
    level: int = 1
    number: int = 0

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


Flow = list[Line | Table]

_BLOCKS = {"p", "div", "hr"}
_STYLE = {"strong": "bold", "b": "bold", "em": "italic", "i": "italic", "code": "code"}


@dataclass
class _List:
    ordered: bool
    next_number: int = 1


@dataclass
class _TableBuild:
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    align: list[str] = field(default_factory=list)
    in_head: bool = False


class _Walker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.flow: Flow = []
        self.runs: list[Run] = []
        self.styles: dict[str, int] = {"bold": 0, "italic": 0, "code": 0}
        self.lists: list[_List] = []
        self.quote = 0
        self.pre = False
        self.heading = 0
        self.item_number = 0
        self.table: _TableBuild | None = None
        self.cell: list[str] | None = None

    # -- paragraphs -------------------------------------------------------------------
    def _flush(self) -> None:
        runs = _tidy(self.runs, keep_breaks=self.pre)
        self.runs = []
        if not runs:
            return
        if self.heading:
            self.flow.append(Line("heading", runs, self.heading))
        elif self.pre:
            self.flow.append(Line("code", runs))
        elif self.lists:
            self.flow.append(Line("item", runs, len(self.lists), self.item_number))
            self.item_number = 0  # a second paragraph of the item is not numbered again
        elif self.quote:
            self.flow.append(Line("quote", runs))
        else:
            self.flow.append(Line("paragraph", runs))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _STYLE:
            self.styles[_STYLE[tag]] += 1
        elif tag in ("ul", "ol"):
            self._flush()
            start = dict(attrs).get("start") or "1"
            self.lists.append(_List(tag == "ol", int(start) if start.isdigit() else 1))
        elif tag == "li":
            self._flush()
            current = self.lists[-1] if self.lists else None
            if current is not None and current.ordered:
                self.item_number = current.next_number
                current.next_number += 1
            else:
                self.item_number = 0
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._flush()
            self.heading = int(tag[1])
        elif tag == "pre":
            self._flush()
            self.pre = True
        elif tag == "blockquote":
            self._flush()
            self.quote += 1
        elif tag == "table":
            self._flush()
            self.table = _TableBuild()
        elif tag == "thead" and self.table is not None:
            self.table.in_head = True
        elif tag == "tbody" and self.table is not None:
            self.table.in_head = False
        elif tag == "tr" and self.table is not None:
            if not self.table.in_head:
                self.table.rows.append([])
        elif tag in ("td", "th") and self.table is not None:
            self.cell = []
            if self.table.in_head:
                self.table.align.append(dict(attrs).get("align") or "left")
        elif tag == "br":
            self.runs.append(Run("\n"))
        elif tag == "input" and "checked" in dict(attrs):
            self.runs.append(Run("☑ "))
        elif tag == "input":
            self.runs.append(Run("☐ "))
        elif tag in _BLOCKS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _STYLE:
            self.styles[_STYLE[tag]] = max(0, self.styles[_STYLE[tag]] - 1)
        elif tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._flush()
            self.heading = 0
        elif tag == "pre":
            self._flush()
            self.pre = False
        elif tag == "blockquote":
            self._flush()
            self.quote = max(0, self.quote - 1)
        elif tag in ("td", "th") and self.table is not None and self.cell is not None:
            text = " ".join("".join(self.cell).split())
            if self.table.in_head:
                self.table.header.append(text)
            else:
                self.table.rows[-1].append(text)
            self.cell = None
        elif tag == "table" and self.table is not None:
            self.flow.append(_as_table(self.table))
            self.table = None
        elif tag in ("p", "li"):
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
            return
        if self.table is not None:
            return  # whitespace between cells
        self.runs.append(
            Run(
                data,
                bold=self.styles["bold"] > 0,
                italic=self.styles["italic"] > 0,
                code=self.styles["code"] > 0 or self.pre,
            )
        )


def _as_table(build: _TableBuild) -> Table:
    width = max([len(build.header), *(len(r) for r in build.rows)], default=0)
    rows = [r + [""] * (width - len(r)) for r in build.rows]
    header = build.header + [""] * (width - len(build.header)) if build.header else []
    letters = {"left": "l", "right": "r", "center": "c"}
    align = "".join(letters.get(a, "l") for a in build.align)[:width].ljust(width, "l")
    return table(header, rows, align=align)


def _tidy(runs: list[Run], *, keep_breaks: bool) -> tuple[Run, ...]:
    """Runs with HTML's whitespace collapsed (kept in code blocks), neighbours of the same
    style merged, and nothing empty at the ends."""
    merged: list[Run] = []
    for run in runs:
        text = run.text if keep_breaks or run.text == "\n" else " ".join(run.text.split(" "))
        if not keep_breaks and run.text != "\n":
            text = _collapse(text)
        if merged and (merged[-1].bold, merged[-1].italic, merged[-1].code) == (
            run.bold,
            run.italic,
            run.code,
        ):
            merged[-1] = Run(merged[-1].text + text, run.bold, run.italic, run.code)
        else:
            merged.append(Run(text, run.bold, run.italic, run.code))
    if keep_breaks:
        if merged:
            merged[-1] = Run(merged[-1].text.rstrip("\n"), *_style(merged[-1]))
        return tuple(r for r in merged if r.text)
    if merged:
        merged[0] = Run(merged[0].text.lstrip(), *_style(merged[0]))
        merged[-1] = Run(merged[-1].text.rstrip(), *_style(merged[-1]))
    return tuple(r for r in merged if r.text)


def _style(run: Run) -> tuple[bool, bool, bool]:
    return run.bold, run.italic, run.code


def _collapse(text: str) -> str:
    """Runs of whitespace as one space (the way HTML shows text)."""
    if not text:
        return text
    inner = " ".join(text.split())
    lead = " " if text[0].isspace() else ""
    tail = " " if text[-1].isspace() and inner else ""
    return f"{lead}{inner}{tail}" if inner else " "


def markdown_flow(text: str) -> Flow:
    """``text`` (GitHub Markdown) as lines and tables, in order."""
    from ..rendering import render_html

    walker = _Walker()
    walker.feed(render_html(text, toc=False))
    walker.close()
    walker._flush()
    return walker.flow


def plain_text(text: str) -> str:
    """``text`` (Markdown) as plain text: one line per paragraph or item ("- " or "1. "
    before items), tables as " | "-separated rows. For speaker notes and plain fields."""
    out: list[str] = []
    for item in markdown_flow(text):
        if isinstance(item, Table):
            out.extend(" | ".join(row) for row in ((item.header,) if item.header else ()))
            out.extend(" | ".join(row) for row in item.rows)
        elif item.kind == "item":
            mark = f"{item.number}." if item.number else "-"
            out.append(f"{'  ' * (item.level - 1)}{mark} {item.text}")
        else:
            out.append(item.text)
    return "\n".join(out)
