"""PDF export of documents through the one PDF engine (:mod:`.pdf_doc`; no Qt).

One document, or several (e.g. every document of a use case), into one PDF: a title block
(kind, status, use case, date), the contents with page numbers, then the text. The first
document follows the contents on the same page (a short contents list never stands alone
on a half-empty page); each further document starts on a new page with its own title and
facts. Every page has a footer with the title and "Page n of N"; headings are PDF
bookmarks. Page numbers in the contents come from a first layout pass (the contents take
the same room in both passes, so they hold).

The file is written whole or not at all, with the usual permissions (:mod:`.outputs`).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..store import Workspace
from . import clock, documents, rendering
from .dates import format_date

_HEADING = re.compile(r"<h([1-3])[^>]*>(.*?)</h\1>", re.S | re.I)
_TAGS = re.compile(r"<[^>]+>")


#: A document as :func:`~.documents.export_records` gives it (title, kind, status, use_case,
#: approver, approved_on, body).
_Doc = dict[str, Any]


def _label(value: str) -> str:
    text = str(value).replace("_", " ")
    return text[:1].upper() + text[1:]


def _kind_name(kind: str) -> str:
    from ..resources import load_json

    for entry in load_json("deliverable_kinds"):
        if entry["key"] == kind:
            return str(entry["name"])
    return _label(kind)


def _doc_facts(doc: _Doc) -> list[tuple[str, str]]:
    status = _label(str(doc["status"]))
    approver, approved_on = doc["approver"], doc["approved_on"]
    if str(doc["status"]) == "approved" and approver:
        when = f" on {format_date(approved_on)}" if approved_on else ""
        status += f" by {approver}{when}"
    return [
        ("Kind", _kind_name(doc["kind"])),
        ("Status", status),
        ("Use case", doc["use_case"] or ""),
    ]


def _headings(body_html: str) -> list[tuple[int, str]]:
    """(level, text) of the h1-h3 headings of an HTML fragment, in order."""
    found = []
    for match in _HEADING.finditer(body_html):
        text = html.unescape(_TAGS.sub("", match.group(2))).strip()
        if text:
            found.append((int(match.group(1)), text))
    return found


def _default_title(docs: list[_Doc]) -> str:
    if len(docs) == 1:
        return docs[0]["title"]
    cases = sorted({d["use_case"] for d in docs if d["use_case"]})
    return f"{cases[0]}: documents" if len(cases) == 1 else "Documents"


def documents_pdf(docs: list[_Doc], *, title: str, folder: Path | None, today: dt.date) -> bytes:
    """The PDF of ``docs`` (see the module docstring)."""
    from .pdf_doc import PdfDocument, contents_pages

    single = len(docs) == 1
    bodies = [
        rendering.render_html(rendering.without_title(d["body"] or "", d["title"]), toc=False)
        for d in docs
    ]
    entries: list[tuple[int, str]] = []
    for doc, body in zip(docs, bodies, strict=True):
        if not single:
            entries.append((0, doc["title"]))
        entries.extend(
            (level if not single else level - 1, text) for level, text in _headings(body)
        )
    created = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC)

    def lay_out(pages: list[int] | None) -> PdfDocument:
        pdf = PdfDocument(title, created=created)
        pdf.heading(title, 18)
        if single:
            pdf.facts([*_doc_facts(docs[0]), ("Date", format_date(today))])
        else:
            cases = sorted({d["use_case"] for d in docs if d["use_case"]})
            pdf.facts(
                [("Use case", ", ".join(cases)), ("Documents", str(len(docs))),
                 ("Date", format_date(today))]
            )  # fmt: skip
        if entries:
            pdf.heading("Contents", 12)
            pdf.contents(
                [
                    (level, text, None if pages is None else pages[i])
                    for i, (level, text) in enumerate(entries)
                ]
            )
            pdf.rule()
        for index, (doc, body) in enumerate(zip(docs, bodies, strict=True)):
            if not single:
                if index:
                    pdf.new_page()
                pdf.heading(doc["title"], 16, section=0)
                pdf.facts(_doc_facts(doc))
                pdf.rule()
            pdf.html(body, folder=folder)
        return pdf

    pages = contents_pages(entries, lay_out(None).sections())
    return lay_out(pages).output()


def export_pdf(
    *,
    ws: Workspace,
    document_ids: list[int],
    out: Path,
    title: str | None = None,
    overwrite: bool = True,
) -> Path:
    """Write the documents ``document_ids`` (in that order) to the PDF ``out``."""
    from .outputs import check_target, write_bytes

    if not document_ids:
        raise UserError("Choose at least one document to export.")
    out = check_target(out, overwrite=overwrite, what="a PDF")
    docs = documents.export_records(ws=ws, document_ids=list(document_ids))
    data = documents_pdf(
        docs, title=title or _default_title(docs), folder=ws.path.parent, today=clock.today()
    )
    return write_bytes(out, data, overwrite=overwrite)
