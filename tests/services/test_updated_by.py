"""The lists' "Updated by" column: who last changed each record, read from the change
log (an edit, an undo, a bulk import's one entry per block) on both back ends."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from aipm_desktop.models import FeedbackItem, Risk, UseCase
from aipm_desktop.models.common import table_of
from aipm_desktop.services import documents, listing, records, triage
from aipm_desktop.services.risks.register import risk_list_spec

#: The same tests on SQLite and on PostgreSQL (see tests/pg_cluster.py).
pytestmark = pytest.mark.backends


def _as(ws, name: str) -> str:
    """``name`` as the change log records it: on a server with the database user."""
    return name if ws.server_user is None else f"{name} ({ws.server_user})"


def _shown(ws, spec) -> dict[str, str]:
    """Title -> the "Updated by" text, as the list shows it."""
    ids = listing.query_ids(ws=ws, spec=spec)
    rows = listing.fetch_rows(ws=ws, spec=spec, ids=ids)
    title, who = spec.index_of("title"), spec.index_of("updated_by")
    return {row[title]: row[who] for row in rows.values()}


def test_the_last_editor_and_an_undoer_are_shown(ws) -> None:
    spec = risk_list_spec(ws=ws)
    drift, _ = records.create(ws=ws, model=Risk, data={"title": "Drift"}, who="Ana Lima")
    records.create(ws=ws, model=Risk, data={"title": "Leak"}, who="Ana Lima")
    ana, ravi, bea = _as(ws, "Ana Lima"), _as(ws, "Ravi Rao"), _as(ws, "Bea Berg")
    assert _shown(ws, spec) == {"Drift": ana, "Leak": ana}
    records.update(ws=ws, model=Risk, id=drift.id, data={"owner": "Ravi"}, who="Ravi Rao")
    assert _shown(ws, spec) == {"Drift": ravi, "Leak": ana}
    last = ws.history(limit=1)[0]["id"]
    ws.undo(last, who="Bea Berg")
    assert _shown(ws, spec) == {"Drift": bea, "Leak": ana}
    # the column reads the change log only for the rows shown: never sorted or searched by
    column = spec.column("updated_by")
    assert not column.sortable and not column.filterable


def test_use_cases_and_documents_show_who_too(ws) -> None:
    records.create(ws=ws, model=UseCase, data={"title": "Claims triage"}, who="Ana Lima")
    assert _shown(ws, listing.use_case_list_spec()) == {"Claims triage": _as(ws, "Ana Lima")}
    documents.new_document(ws=ws, title="Claims PRD", kind="ai_prd", who="Ravi Rao")
    assert _shown(ws, documents.document_list_spec())["Claims PRD"] == _as(ws, "Ravi Rao")


def test_every_record_of_a_bulk_import_shows_the_importer(ws, tmp_path: Path) -> None:
    path = tmp_path / "tickets.csv"
    lines = [f'"Ticket {n}","2026-10-0{n}","Zendesk","Harbor",""' for n in range(1, 6)]
    path.write_text("text,date,source,customer,tags\n" + "\n".join(lines) + "\n", "utf-8")
    triage.apply_import(ws=ws, preview=triage.preview_import(ws=ws, source=path), who="Cy Cole")
    table = table_of(FeedbackItem)
    with ws.engine.connect() as conn:
        found = conn.execute(select(table.c.text, listing.updated_by_sql(table))).all()
    assert sorted(found) == [(f"Ticket {n}", _as(ws, "Cy Cole")) for n in range(1, 6)]
