"""A runbook exported as Markdown, HTML or PDF.

:func:`runbook_pdf` lays a runbook out on A4 with fpdf2 in DejaVu Sans (shipped with
matplotlib, so any text prints): the title and its use case, release and owner, the
scope, the escalation path as a table (step, role, name, how to reach), the rollback
criteria, the safe-mode behaviour, each communication template (subject, and the body
with its ``{placeholders}`` as written) and the notes; every page carries the runbook's
title and its page number. Markdown is :func:`~.actions.runbook_markdown`, and HTML that
Markdown rendered as a self-contained page (:func:`runbook_html`).

:func:`export_runbook` is what ``aipm runbooks export`` calls: the format from ``fmt`` or
the file's suffix. :func:`write_runbook` writes an already read runbook (plain data: safe
in a worker thread; the GUI's export). Files are written whole or not at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import UserError
from ...models import CommunicationChannel
from .actions import runbook_markdown
from .data import CHANNEL_LABELS, RunbookInfo, get_runbook

if TYPE_CHECKING:
    from ...store import Workspace

#: The formats a runbook exports to, by the suffix of their file.
FORMATS = {"md": ".md", "html": ".html", "pdf": ".pdf"}
_SUFFIX_FORMATS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}


def export_format(out: Path | str, fmt: str | None = None) -> tuple[Path, str]:
    """``(path, format)`` of an export to ``out``: ``fmt`` (md, html or pdf; the suffix
    added when ``out`` has none) or else the suffix of ``out``. A suffix that says another
    format than ``fmt``, or no known format at all, is a plain error."""
    path = Path(out)
    by_suffix = _SUFFIX_FORMATS.get(path.suffix.lower())
    if fmt is None:
        if by_suffix is None:
            raise UserError(
                f"Export a runbook as .md, .html or .pdf, not {path.suffix or 'no suffix'}."
            )
        return path, by_suffix
    wanted = str(fmt).strip().lower().lstrip(".")
    wanted = "md" if wanted == "markdown" else wanted
    if wanted not in FORMATS:
        raise UserError(f"Unknown format {fmt!r}; choose md, html or pdf.")
    if not path.suffix:
        return path.with_suffix(FORMATS[wanted]), wanted
    if by_suffix != wanted:
        raise UserError(
            f"{path.name} ends in {path.suffix} but the format asked for is {wanted}; "
            f"name the file *{FORMATS[wanted]} or leave the format out."
        )
    return path, wanted


def runbook_html(info: RunbookInfo) -> str:
    """The runbook as a self-contained HTML page (the document export's renderer)."""
    from ..rendering import render_html, standalone_html, without_title

    return standalone_html(
        title=info.title,
        body_html=render_html(without_title(runbook_markdown(info), info.title), toc=False),
        subtitle=info.use_case,
    )


def write_runbook(
    info: RunbookInfo, out: Path | str, *, fmt: str | None = None, overwrite: bool = True
) -> Path:
    """Write the runbook ``info`` to ``out`` as Markdown, HTML or PDF (by ``fmt`` or the
    suffix), whole or not at all."""
    from ..outputs import write_bytes, write_text

    path, chosen = export_format(out, fmt)
    if chosen == "pdf":
        return write_bytes(path, runbook_pdf(info), overwrite=overwrite)
    text = runbook_html(info) if chosen == "html" else runbook_markdown(info)
    return write_text(path, text, overwrite=overwrite)


def export_runbook(
    *,
    ws: Workspace,
    runbook_id: int,
    out: Path | str,
    fmt: str | None = None,
    overwrite: bool = False,
) -> Path:
    """Write runbook ``runbook_id`` to ``out`` (format ``fmt``, else by suffix; see
    :func:`write_runbook`)."""
    info = get_runbook(ws=ws, runbook_id=runbook_id)
    return write_runbook(info, out, fmt=fmt, overwrite=overwrite)


# -- PDF -------------------------------------------------------------------------------------


def runbook_pdf(info: RunbookInfo) -> bytes:
    """The runbook as a PDF document (A4; see the module docstring)."""
    from ..pdf_doc import INK, MUTED, PdfDocument

    doc = PdfDocument(f"Runbook: {info.title}")
    heading, body = doc.heading, doc.body

    heading(info.title, 18)
    facts = [
        f"{label}: {value}"
        for label, value in (("Use case", info.use_case), ("Release", info.release))
        if value
    ]
    facts.append(f"Owner: {info.owner or 'not set'}")
    body("   ·   ".join(facts), colour=MUTED)
    if info.scope:
        heading("Scope")
        body(info.scope)

    heading("Escalation path")
    if info.contacts:
        rows = [("#", "Role", "Name", "How to reach")]
        rows += [
            (str(n), c.role, c.name or "-", c.reach or "-")
            for n, c in enumerate(info.contacts, start=1)
        ]
        doc.table((6, 44, 24, 40), ("RIGHT", "LEFT", "LEFT", "LEFT"), rows)
    else:
        body("No escalation path yet.", style="I")

    heading("Rollback criteria")
    if info.criteria:
        body("Roll back (or switch to safe mode) when any of these is met:")
        doc.pdf.ln(1)
        for criterion in info.criteria:
            body(f"•  {criterion.condition}")
    else:
        body("No rollback criteria yet.", style="I")

    heading("Safe mode")
    body(info.safe_mode or "Not described yet.", style="" if info.safe_mode else "I")

    heading("Communication templates")
    if not info.templates:
        body("No templates yet.", style="I")
    for template in info.templates:
        name = CHANNEL_LABELS.get(CommunicationChannel(template.channel), template.channel)
        doc.mono_box(template.body, keep_with=16)  # with its name and subject
        body(name, style="B", size=10.5, colour=INK)
        if template.subject:
            body(f"Subject: {template.subject}", size=9)
        doc.pdf.ln(1)
        doc.mono_text(template.body)
        doc.pdf.ln(3)
    if info.notes:
        heading("Notes")
        body(info.notes)
    return doc.output()
