"""The report representation: format-neutral, built once from a workspace, rendered by
any number of renderers (PDF, HTML, JSON here; DOCX and PPTX beside them).

A :class:`Report` is its :class:`ReportMeta` (client, engagement, author, as-of date,
version, confidentiality, page size, profile) and an ordered list of :class:`Section`;
each section an ordered list of blocks:

- :class:`Heading` (a sub-heading inside the section, level 1 or 2),
- :class:`Paragraph` (plain text; ``tone`` "body", "lead" or "muted"),
- :class:`Markdown` (text the user wrote, GitHub-flavoured; renderers turn it into safe
  HTML with :func:`aipm_desktop.services.rendering.render_html`),
- :class:`KeyFigures` (a few large numbers with a label and a tone),
- :class:`Table` (header, rows of strings, column alignments and relative widths; no
  header means a key/value table),
- :class:`Chart` (a function returning a matplotlib Figure, or SVG bytes, and a caption;
  :mod:`.charts` turns it into reproducible SVG or PNG),
- :class:`Note` (a boxed remark: "info", "warning" or "omitted"),
- :class:`PageBreak` (a hint for paged formats; HTML ignores it).

Everything is plain data (strings, tuples, dates): a report can be turned into JSON
(:meth:`Report.to_dict`) and compared. Nothing here imports matplotlib or Qt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "Block", "Chart", "Heading", "KeyFigure", "KeyFigures", "Markdown", "Note", "PageBreak",
    "Paragraph", "Report", "ReportMeta", "Section", "Table", "facts", "table",
]  # fmt: skip

Align = Literal["left", "right", "center"]
Tone = Literal["neutral", "good", "warn", "bad"]


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1 or 2: under the section's own title (level 0)


@dataclass(frozen=True)
class Paragraph:
    """Plain text (no markup); a "lead" paragraph opens a section, a "muted" one
    explains a table or chart."""

    text: str
    tone: Literal["body", "lead", "muted"] = "body"


@dataclass(frozen=True)
class Markdown:
    """Markdown the user wrote (a document's text, a rationale); already filtered by the
    profile (paragraphs marked internal removed in a client-safe report)."""

    text: str


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    detail: str = ""
    tone: Tone = "neutral"


@dataclass(frozen=True)
class KeyFigures:
    items: tuple[KeyFigure, ...]


@dataclass(frozen=True)
class Table:
    """A table of strings. ``header`` empty: a key/value table without a header row.
    ``align`` and ``widths`` (relative, any scale) have one entry per column;
    ``highlight`` holds row indexes (0 = the first row after the header) to mark;
    ``caption`` is printed under the table."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    align: tuple[Align, ...] = ()
    widths: tuple[float, ...] = ()
    caption: str = ""
    highlight: frozenset[int] = frozenset()

    @property
    def columns(self) -> int:
        return len(self.header) if self.header else max((len(r) for r in self.rows), default=0)

    def alignment(self, column: int) -> Align:
        return self.align[column] if column < len(self.align) else "left"

    def relative_widths(self) -> tuple[float, ...]:
        """The column widths as shares summing to 1 (equal when none were given)."""
        count = self.columns
        given = self.widths if len(self.widths) == count else (1.0,) * count
        total = sum(given) or 1.0
        return tuple(w / total for w in given)


@dataclass(frozen=True)
class Chart:
    """A chart: ``figure`` builds it (called once per rendering, see :mod:`.charts`), or
    ``svg`` holds it already drawn. ``key`` names it (unique within a report; used for
    ids in HTML and for the SVG hash salt), ``caption`` is printed below it and ``width``
    is the share of the text width it takes."""

    key: str
    caption: str
    figure: Callable[[], Figure] | None = field(default=None, compare=False)
    svg: bytes | None = None
    #: Share of the text width the chart takes (0-1]; renderers may ignore it.
    width: float = 1.0


@dataclass(frozen=True)
class Note:
    """A boxed remark: "warning" for a gap the reader should see (nothing documented),
    "omitted" for what a profile left out."""

    text: str
    kind: Literal["info", "warning", "omitted"] = "info"


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Markdown | KeyFigures | Table | Chart | Note | PageBreak


@dataclass
class Section:
    """One section: ``key`` is its name in a kind's section list (``--sections``),
    ``title`` its heading (a top-level contents entry)."""

    key: str
    title: str
    blocks: list[Block] = field(default_factory=list)
    #: Start on a new page in paged formats.
    new_page: bool = True

    def add(self, *blocks: Block) -> Section:
        self.blocks.extend(blocks)
        return self


@dataclass(frozen=True)
class ReportMeta:
    kind: str  # "assessment" | "readout" | "rai-pack" (and kinds added later)
    title: str
    client: str
    engagement: str
    author: str
    as_of: dt.date
    version: str = "1.0"
    confidentiality: str = "Confidential"
    page_size: Literal["a4", "letter"] = "a4"
    client_safe: bool = False
    hide_names: bool = False
    #: The use cases the report covers (titles, in report order); empty: the portfolio.
    use_cases: tuple[str, ...] = ()
    subtitle: str = ""

    @property
    def running_header(self) -> str:
        """What every page but the cover carries at its top: client and report."""
        return " · ".join(p for p in (self.client, self.title) if p)

    @property
    def footer(self) -> str:
        """The footer text beside "Page n of N": confidentiality (and version)."""
        return (
            f"{self.confidentiality} · Version {self.version}"
            if self.version
            else (self.confidentiality)
        )


@dataclass
class Report:
    meta: ReportMeta
    sections: list[Section]
    #: What the client-safe profile left out, one line per kind of content (with counts).
    omitted: list[str] = field(default_factory=list)
    #: Workspace content hash, app version, reference-data versions, options.
    manifest: dict[str, Any] = field(default_factory=dict)

    def outline(self) -> list[tuple[int, str]]:
        """``(level, text)`` of every section title (0) and heading (1, 2), in order."""
        found: list[tuple[int, str]] = []
        for section in self.sections:
            found.append((0, section.title))
            found.extend((b.level, b.text) for b in section.blocks if isinstance(b, Heading))
        return found

    def charts(self) -> list[Chart]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Chart)]

    def to_dict(self, *, chart_svg: Callable[[Chart], bytes] | None = None) -> dict[str, Any]:
        """The report as JSON-ready data; charts as SVG text when ``chart_svg`` is given
        (else their key and caption only)."""
        meta = {
            name: (value.isoformat() if isinstance(value, dt.date) else value)
            for name, value in vars(self.meta).items()
        }
        meta["use_cases"] = list(self.meta.use_cases)
        return {
            "meta": meta,
            "sections": [
                {
                    "key": s.key,
                    "title": s.title,
                    "blocks": [block_dict(b, chart_svg) for b in s.blocks],
                }
                for s in self.sections
            ],
            "omitted": list(self.omitted),
            "manifest": self.manifest,
        }


def block_dict(block: Block, chart_svg: Callable[[Chart], bytes] | None = None) -> dict[str, Any]:
    """One block as JSON-ready data: ``{"type": "table", ...fields}``."""
    name = type(block).__name__.lower()
    if isinstance(block, Chart):
        data: dict[str, Any] = {"key": block.key, "caption": block.caption, "width": block.width}
        if chart_svg is not None:
            data["svg"] = chart_svg(block).decode("utf-8")
        return {"type": name, **data}
    if isinstance(block, KeyFigures):
        return {"type": name, "items": [vars(item) for item in block.items]}
    if isinstance(block, Table):
        return {
            "type": name,
            "header": list(block.header),
            "rows": [list(r) for r in block.rows],
            "align": [block.alignment(c) for c in range(block.columns)],
            "widths": list(block.relative_widths()),
            "caption": block.caption,
            "highlight": sorted(block.highlight),
        }
    return {"type": name, **vars(block)}


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    align: str = "",
    widths: Sequence[float] = (),
    caption: str = "",
    highlight: Sequence[int] = (),
) -> Table:
    """A :class:`Table` from any cells (``None`` as empty, others as ``str``); ``align``
    spells one letter per column: ``l``, ``r`` or ``c`` (e.g. ``"lrr"``)."""
    letters = {"l": "left", "r": "right", "c": "center"}
    return Table(
        header=tuple(header),
        rows=tuple(tuple("" if c is None else str(c) for c in row) for row in rows),
        align=tuple(letters[ch] for ch in align),  # type: ignore[misc]
        widths=tuple(float(w) for w in widths),
        caption=caption,
        highlight=frozenset(highlight),
    )


def facts(pairs: Sequence[tuple[str, Any]]) -> Table:
    """A key/value table (no header row) of the pairs with a value."""
    kept = [(k, str(v)) for k, v in pairs if v not in (None, "")]
    return table((), kept, align="ll", widths=(1.4, 3))
