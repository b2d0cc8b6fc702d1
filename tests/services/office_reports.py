"""Shared by the DOCX, PPTX and model-card tests: a demo workspace with internal texts
seeded where a client-safe report must leave them out, and readers that pull every text
out of a .docx and a .pptx."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from sqlalchemy import select

AS_OF = dt.date(2026, 12, 1)
#: Every seeded internal text carries this marker.
SECRET = "SEEDED-SECRET"
ANSWER_BOT = "Help-center answer bot"
REPLY_DRAFTS = "Agent reply drafts"


def _first(ws: Any, table: Any, *where: Any) -> Any:
    with ws.engine.connect() as conn:
        return conn.execute(select(table).where(*where).order_by(table.c.id)).first()


def seed_internal(ws: Any) -> None:
    """Internal texts of the kinds a client-safe report leaves out: a cost model's notes,
    a decision rationale marked internal, a document paragraph marked internal and a
    mitigation marked internal (all through the services, as a user would write them)."""
    from aipm_desktop.models import CostModel, Document, MitigationAction, RiskUseCaseLink, UseCase
    from aipm_desktop.services import documents, records

    uc = UseCase.__table__
    drafts = _first(ws, uc, uc.c.title == REPLY_DRAFTS)
    bot = _first(ws, uc, uc.c.title == ANSWER_BOT)
    records.update(
        ws=ws,
        model=UseCase,
        id=drafts.id,
        data={"decision_rationale": f"[internal] {SECRET} rationale: the vendor owes us."},
    )
    cost = _first(ws, CostModel.__table__, CostModel.__table__.c.use_case_id == drafts.id)
    records.update(
        ws=ws, model=CostModel, id=cost.id, data={"notes": f"{SECRET} cost note: margin 40%."}
    )
    doc_t = Document.__table__
    prd = _first(ws, doc_t, doc_t.c.use_case_id == bot.id)
    body = (
        prd.body + "\n\n## Known limitations\n\n"
        f"Internal: {SECRET} paragraph, do not share.\n\n"
        "Answers are only as current as the last help-center re-index.\n"
    )
    documents.save_body(ws=ws, document_id=prd.id, body=body)
    link = RiskUseCaseLink.__table__
    m = MitigationAction.__table__
    action = _first(
        ws, m, m.c.risk_id.in_(select(link.c.risk_id).where(link.c.use_case_id == bot.id))
    )
    records.update(
        ws=ws,
        model=MitigationAction,
        id=action.id,
        data={"action": f"[internal] {SECRET} mitigation: ask the vendor quietly."},
    )


def docx_texts(data: bytes) -> list[str]:
    """Every paragraph of a .docx: body, table cells, header and footer."""
    import docx

    document = docx.Document(io.BytesIO(data))
    found = [p.text for p in document.paragraphs]
    for table in document.tables:
        found.extend(cell.text for row in table.rows for cell in row.cells)
    for section in document.sections:
        found.extend(p.text for p in section.header.paragraphs)
        found.extend(p.text for p in section.footer.paragraphs)
    return found


def pptx_texts(data: bytes) -> list[str]:
    """Every text of a .pptx: shapes, table cells and speaker notes."""
    import pptx

    deck = pptx.Presentation(io.BytesIO(data))
    found: list[str] = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                found.append(shape.text_frame.text)
            if shape.has_table:
                found.extend(c.text for row in shape.table.rows for c in row.cells)
        if slide.has_notes_slide:
            found.append(slide.notes_slide.notes_text_frame.text)
    return found


def rendered(ws: Any, renderer: Any, **options: Any) -> tuple[Any, bytes]:
    """The report ``options`` ask for (as of :data:`AS_OF`) and ``renderer``'s bytes of it."""
    from aipm_desktop.services.reports import ChartCache, ReportOptions, build_report

    report = build_report(ws=ws, options=ReportOptions(as_of=AS_OF, **options))
    return report, renderer(report, charts=ChartCache())
