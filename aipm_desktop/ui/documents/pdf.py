"""PDF export of documents with Qt's PDF writer (QTextDocument + QPdfWriter).

One document, or several (e.g. every document of a use case), into one A4 PDF: a title
block (title, kind, status, use case, date), a table of contents with page numbers, each
document starting on a new page, tables as wide as the text (never wider), and a footer
with the title and "Page n of N". The file is written whole or not at all (a temporary
file beside the target, then ``os.replace``).

Works headless: without a running Qt application one ``QApplication`` is created, on
the ``offscreen`` platform when there is no display. The CLI imports this lazily.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import UserError
from ...services import clock, documents, rendering
from ...services.dates import format_date
from ...store import Workspace

PAGE_MARGINS_MM = (18.0, 16.0, 18.0, 14.0)  # left, top, right, bottom
RESOLUTION = 96
FOOTER_PX = 34
PDF_CSS = """
body { color: #1f2933; font-size: 10pt; }
h1 { font-size: 18pt; color: #1f2933; }
h2 { font-size: 14pt; color: #1f2933; margin-top: 14px; }
h3 { font-size: 12pt; color: #323f4b; margin-top: 10px; }
h4, h5, h6 { font-size: 11pt; color: #323f4b; }
code { font-family: monospace; color: #6a1b9a; }
pre { font-family: monospace; background-color: #f5f7fa; }
th { background-color: #eef1f5; font-weight: 600; }
blockquote { color: #52606d; }
a { color: #1a56b8; text-decoration: none; }
.meta td { color: #52606d; }
.toc td { padding: 2px; }
"""

_app: Any = None
_BREAK = "page-break-before: always;"


def ensure_gui_app() -> Any:
    """The running Qt application, or a new one (offscreen without a display).

    A ``QApplication`` rather than a bare ``QGuiApplication``: a process that exports a PDF
    and later shows a widget (tests, scripts) would otherwise abort.
    """
    global _app
    from PySide6.QtCore import QCoreApplication

    app = QCoreApplication.instance()
    if app is not None:
        return app
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    _app = QApplication(["aipm"])
    return _app


@dataclass(frozen=True)
class _Doc:
    id: int
    title: str
    kind: str
    status: str
    use_case: str
    approver: str
    approved_on: dt.date | None
    body: str


def _label(value: str) -> str:
    text = str(value).replace("_", " ")
    return text[:1].upper() + text[1:]


def _kind_name(kind: str) -> str:
    from ...resources import load_json

    for entry in load_json("deliverable_kinds"):
        if entry["key"] == kind:
            return str(entry["name"])
    return _label(kind)


def _load(ws: Workspace, document_ids: list[int]) -> list[_Doc]:
    return [
        _Doc(
            id=r["id"],
            title=r["title"],
            kind=r["kind"],
            status=str(r["status"]),
            use_case=r["use_case"] or "",
            approver=r["approver"] or "",
            approved_on=r["approved_on"],
            body=r["body"] or "",
        )
        for r in documents.export_records(ws=ws, document_ids=document_ids)
    ]


def _meta_table(rows: list[tuple[str, str]]) -> str:
    cells = "".join(
        f'<tr><td width="22%"><b>{html.escape(k)}</b></td><td>{html.escape(v)}</td></tr>'
        for k, v in rows
        if v
    )
    return f'<table class="meta" width="100%" cellspacing="0" cellpadding="3">{cells}</table>'


def _doc_meta(doc: _Doc) -> list[tuple[str, str]]:
    status = _label(doc.status)
    if doc.status == "approved" and doc.approver:
        when = f" on {format_date(doc.approved_on)}" if doc.approved_on else ""
        status += f" by {doc.approver}{when}"
    return [("Kind", _kind_name(doc.kind)), ("Status", status), ("Use case", doc.use_case)]


def _headings(body_html: str) -> list[tuple[int, str]]:
    """(level, text) of the h1-h3 headings of an HTML fragment, in order."""
    import re

    found = []
    for match in re.finditer(r"<h([1-3])[^>]*>(.*?)</h\1>", body_html, re.S | re.I):
        text = html.unescape(re.sub(r"<[^>]+>", "", match.group(2))).strip()
        if text:
            found.append((int(match.group(1)), text))
    return found


def _without_title(body_html: str, title: str) -> str:
    """The body without a leading ``<h1>`` that only repeats the document's title."""
    import re

    match = re.match(r"\s*<h1[^>]*>(.*?)</h1>", body_html, re.S | re.I)
    if match:
        text = html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()
        if text.casefold() == title.strip().casefold():
            return body_html[match.end() :]
    return body_html


def _build_html(
    docs: list[_Doc], title: str, pages: list[int] | None
) -> tuple[str, list[tuple[int, str]]]:
    """The whole PDF as HTML, and its TOC entries (level, text) in order.

    ``pages`` holds the page number of each TOC entry (None: a placeholder of the same
    width, for the first layout pass).
    """
    from .markup import fit_tables

    today = format_date(clock.today())
    single = len(docs) == 1
    parts: list[str] = [f"<h1>{html.escape(title)}</h1>"]
    if single:
        meta = [*_doc_meta(docs[0]), ("Date", today)]
    else:
        cases = sorted({d.use_case for d in docs if d.use_case})
        meta = [
            ("Use case", ", ".join(cases)),
            ("Documents", str(len(docs))),
            ("Date", today),
        ]
    parts.append(_meta_table(meta))

    entries: list[tuple[int, str]] = []
    bodies: list[str] = []
    for doc in docs:
        body = _without_title(fit_tables(rendering.render_html(doc.body, toc=False)), doc.title)
        heads = _headings(body)
        if not single:
            entries.append((0, doc.title))
        entries.extend(heads)
        bodies.append(body)

    if entries:
        rows = []
        for i, (level, text) in enumerate(entries):
            page = "000" if pages is None or i >= len(pages) else str(pages[i])
            indent = "&nbsp;" * (4 * (level - 1 if single else level))
            weight = "<b>{}</b>" if level <= (1 if single else 0) else "{}"
            label = weight.format(html.escape(text))
            rows.append(
                f'<tr><td>{indent}{label}</td><td width="10%" align="right">{page}</td></tr>'
            )
        parts.append("<h2>Contents</h2>")
        parts.append(
            f'<table class="toc" width="100%" cellspacing="0" cellpadding="2">{"".join(rows)}'
            "</table>"
        )

    for doc, body in zip(docs, bodies, strict=True):
        if single:
            parts.append(f'<p style="{_BREAK} margin: 0; font-size: 2pt;">&nbsp;</p>')
        else:
            parts.append(f'<h1 style="{_BREAK}">{html.escape(doc.title)}</h1>')
            parts.append(_meta_table(_doc_meta(doc)))
            parts.append("<hr>")
        parts.append(body)
    return "".join(parts), entries


def _entry_pages(
    document: Any, entries: list[tuple[int, str]], single: bool, page_h: float
) -> list[int]:
    """Page number (1-based) of each TOC entry, found in the laid-out document."""
    layout = document.documentLayout()
    pages: list[int] = []
    block = document.begin()
    # Skip the title block and the contents: entries start after the first page break.
    seen_break = False
    index = 0
    while block.isValid() and index < len(entries):
        fmt = block.blockFormat()
        if fmt.pageBreakPolicy() & fmt.PageBreakFlag.PageBreak_AlwaysBefore:
            seen_break = True
        level = fmt.headingLevel()
        if seen_break and level:
            text = block.text().strip()
            want_text = entries[index][1]
            if text == want_text:
                y = layout.blockBoundingRect(block).top()
                pages.append(int(y // page_h) + 1)
                index += 1
        block = block.next()
    while len(pages) < len(entries):
        pages.append(pages[-1] if pages else 1)
    return pages


def export_pdf(
    *,
    ws: Workspace,
    document_ids: list[int],
    out: Path,
    title: str | None = None,
    overwrite: bool = True,
) -> Path:
    """Write the documents ``document_ids`` (in that order) to the PDF ``out``."""
    from ...services.outputs import check_target

    if not document_ids:
        raise UserError("Choose at least one document to export.")
    out = check_target(out, overwrite=overwrite, what="a PDF")
    docs = _load(ws, list(document_ids))
    ensure_gui_app()

    from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt, QUrl
    from PySide6.QtGui import (
        QFont,
        QPageLayout,
        QPageSize,
        QPainter,
        QPdfWriter,
        QTextDocument,
    )

    from .markup import local_image

    folder = ws.path.parent

    class PdfDocument(QTextDocument):
        def loadResource(self, kind: int, url: QUrl) -> object:  # local images only
            if kind != QTextDocument.ResourceType.ImageResource.value:
                return None
            return local_image(url, folder)

    if title is None:
        if len(docs) == 1:
            title = docs[0].title
        else:
            cases = sorted({d.use_case for d in docs if d.use_case})
            title = f"{cases[0]}: documents" if len(cases) == 1 else "Documents"

    fd, tmp_name = tempfile.mkstemp(prefix=".aipm-", suffix=".pdf.tmp", dir=str(out.parent))
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        writer = QPdfWriter(str(tmp))
        writer.setResolution(RESOLUTION)
        writer.setTitle(title)
        writer.setCreator("AIPM Desktop")
        left, top, right, bottom = PAGE_MARGINS_MM
        writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Portrait,
                QMarginsF(left, top, right, bottom),
                QPageLayout.Unit.Millimeter,
            )
        )
        rect = writer.pageLayout().paintRectPixels(RESOLUTION)
        width, height = float(rect.width()), float(rect.height())
        body_h = height - FOOTER_PX

        def laid_out(device: Any, pages: list[int] | None) -> tuple[Any, list[tuple[int, str]]]:
            document = PdfDocument()
            document.documentLayout().setPaintDevice(device)
            document.setDefaultStyleSheet(PDF_CSS)
            font = QFont()
            font.setPointSizeF(10)
            document.setDefaultFont(font)
            text, entries = _build_html(docs, title, pages)
            document.setHtml(text)
            document.setPageSize(QSizeF(width, body_h))
            return document, entries

        document, entries = laid_out(writer, None)
        pages = _entry_pages(document, entries, len(docs) == 1, body_h)
        document, entries = laid_out(writer, pages)
        page_count = document.pageCount()

        painter = QPainter()
        if not painter.begin(writer):
            raise UserError(f"Cannot write {out}.")
        try:
            footer_font = QFont()
            footer_font.setPointSizeF(8)
            for page in range(page_count):
                if page:
                    writer.newPage()
                painter.save()
                painter.translate(0, -page * body_h)
                document.drawContents(painter, QRectF(0, page * body_h, width, body_h))
                painter.restore()
                painter.setFont(footer_font)
                painter.setPen(Qt.GlobalColor.darkGray)
                footer = QRectF(0, body_h + 8, width, FOOTER_PX - 8)
                painter.drawLine(0, int(body_h + 4), int(width), int(body_h + 4))
                painter.drawText(
                    footer, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), title
                )
                painter.drawText(
                    footer,
                    int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                    f"Page {page + 1} of {page_count}",
                )
        finally:
            painter.end()
        del painter, writer
        if tmp.stat().st_size == 0:
            raise UserError(f"Cannot write {out}: the PDF came out empty.")
        os.replace(tmp, out)
    except OSError as err:
        raise UserError(f"Cannot write {out}: {err.strerror or err}.") from err
    finally:
        if tmp.exists():
            tmp.unlink(missing_ok=True)
    return out
