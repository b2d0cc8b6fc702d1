"""Client-ready reports (no Qt): build a format-neutral :class:`~.model.Report` from a
workspace (:func:`build_report`), then render it by file suffix (:data:`RENDERERS`).

A renderer is ``render(report: Report, *, charts: ChartCache) -> bytes`` in a module
imported when first used; a new format registers its suffix in :data:`RENDERERS` (see
/work/briefs/report_ir.md for the representation).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import UserError
from .build import (
    KINDS,
    MODEL_CARD,
    SECTIONS,
    Context,
    Kind,
    Progress,
    build_report,
    kind_of,
    section_keys,
)
from .charts import ChartCache, png_of, svg_of
from .model import (
    Block,
    Chart,
    Heading,
    KeyFigure,
    KeyFigures,
    Markdown,
    Note,
    PageBreak,
    Paragraph,
    Report,
    ReportMeta,
    Section,
    Table,
)
from .profile import Profile, ReportOptions

if TYPE_CHECKING:
    from ...store import Workspace

#: File suffix -> ``"module:function"`` rendering a report to bytes in that format.
RENDERERS: dict[str, str] = {
    ".pdf": f"{__name__}.pdf:render",
    ".html": f"{__name__}.html:render",
    ".json": f"{__name__}.json_out:render",
    ".docx": f"{__name__}.docx_out:render",
    ".pptx": f"{__name__}.pptx_out:render",
}


def render(report: Report, suffix: str, *, charts: ChartCache | None = None) -> bytes:
    """``report`` as the bytes of a ``suffix`` file (".pdf", ".html", ".json", ...)."""
    target = RENDERERS.get(suffix.lower())
    if target is None:
        raise UserError(
            f"Cannot write a report as {suffix or 'a file without suffix'}; "
            f"use {', '.join(sorted(RENDERERS))}."
        )
    module, _, name = target.partition(":")
    renderer = getattr(importlib.import_module(module), name)
    return renderer(report, charts=charts or ChartCache())  # type: ignore[no-any-return,unused-ignore]


def outline(*, ws: Workspace, options: ReportOptions) -> list[tuple[int, str]]:
    """``(level, heading)`` of what ``options`` would write, in order (charts are not
    drawn): a report's sections and headings, or a model card's Markdown headings."""
    if options.kind == MODEL_CARD:
        from .model_card import build_card, card_markdown

        text = card_markdown(build_card(ws=ws, options=options))
        return [
            (len(hashes) - 1, title)
            for hashes, _, title in (
                line.partition(" ") for line in text.splitlines() if line.startswith("#")
            )
        ]
    return build_report(ws=ws, options=options).outline()


def export_report(
    *,
    ws: Workspace,
    options: ReportOptions,
    out: Path | str,
    overwrite: bool = True,
    progress: Progress | None = None,
) -> Path:
    """Build the report ``options`` ask for and write it to ``out`` (format by suffix),
    whole or not at all; a model card (kind ``model-card``) goes to ``.md`` or ``.json``."""
    from ..outputs import check_target, write_bytes

    if options.kind == MODEL_CARD:
        from .model_card import export_model_card

        section_keys(options)  # a card has no sections
        return export_model_card(ws=ws, options=options, out=out, overwrite=overwrite)
    target = check_target(out, overwrite=overwrite, suffixes=tuple(RENDERERS), what="a report")
    report = build_report(ws=ws, options=options, progress=progress)
    return write_bytes(target, render(report, target.suffix), overwrite=overwrite)


__all__ = [
    "KINDS",
    "MODEL_CARD",
    "RENDERERS",
    "SECTIONS",
    "Block",
    "Chart",
    "ChartCache",
    "Context",
    "Heading",
    "KeyFigure",
    "KeyFigures",
    "Kind",
    "Markdown",
    "Note",
    "PageBreak",
    "Paragraph",
    "Profile",
    "Progress",
    "Report",
    "ReportMeta",
    "ReportOptions",
    "Section",
    "Table",
    "build_report",
    "export_report",
    "kind_of",
    "outline",
    "png_of",
    "render",
    "section_keys",
    "svg_of",
]
