"""Documents: create from a template, save with revisions, status, diff, restore, search, list."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from aipm_desktop.errors import NotFoundError, ValidationError
from aipm_desktop.models import AiActAssessment, ChangeLog, Document, DocumentRevision, UseCase
from aipm_desktop.services import clock, documents, records
from aipm_desktop.services.listing import fetch_rows, query_ids


def _count(ws, model) -> int:
    with ws.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(model.__table__)).scalar_one()


def _use_case(ws, title: str = "Claims triage") -> int:
    obj, _ = records.create(ws=ws, model=UseCase, data={"title": title})
    return obj.id


def test_new_document_starts_from_the_kind_template_with_a_first_revision(ws) -> None:
    uc = _use_case(ws)
    doc_id, changes = documents.new_document(
        ws=ws, kind="ai_prd", title="  Claims PRD ", use_case_id=uc, who="ana"
    )
    assert (changes.kind, changes.ids, changes.action) == ("document", (doc_id,), "create")
    doc = documents.get_document(ws=ws, document_id=doc_id)
    assert (doc.kind, doc.title, doc.status, doc.use_case_id) == (
        "ai_prd",
        "Claims PRD",
        "draft",
        uc,
    )
    assert doc.body.startswith("# Claims PRD\n")
    assert "| Use case | Claims triage |" in doc.body
    assert "## Monitoring and retraining triggers" in doc.body
    history = documents.revisions(ws=ws, document_id=doc_id)
    assert len(history) == 1 and history[0].note == "Created from AI PRD"
    assert history[0].size == len(doc.body)
    with ws.session() as session:
        log = (
            session.execute(select(ChangeLog).where(ChangeLog.entity == "document")).scalars().all()
        )
    assert [(entry.action, entry.entity_id, entry.who) for entry in log] == [
        ("create", doc_id, "ana")
    ]


def test_new_document_rejects_bad_input_and_writes_nothing(ws) -> None:
    with pytest.raises(ValidationError, match="Unknown document kind 'memo'"):
        documents.new_document(ws=ws, kind="memo", title="x")
    with pytest.raises(ValidationError, match="Title"):
        documents.new_document(ws=ws, kind="ai_prd", title="   ")
    with pytest.raises(NotFoundError, match="use case"):
        documents.new_document(ws=ws, kind="ai_prd", title="x", use_case_id=404)
    with pytest.raises(NotFoundError, match="template"):
        documents.new_document(ws=ws, kind="ai_prd", title="x", template_key="user:none")
    assert _count(ws, Document) == 0 and _count(ws, DocumentRevision) == 0


def test_save_body_stores_a_revision_and_returns_the_old_body_for_undo(ws) -> None:
    doc_id, _ = documents.new_document(ws=ws, kind="beta_plan", title="Beta")
    first = documents.get_document(ws=ws, document_id=doc_id).body
    changes, old = documents.save_body(ws=ws, document_id=doc_id, body="# Beta\n\nv2\n", note="v2")
    assert old == first and changes.action == "update"
    doc = documents.get_document(ws=ws, document_id=doc_id)
    assert doc.body == "# Beta\n\nv2\n" and doc.version == 2
    # unchanged: no revision, no new version
    documents.save_body(ws=ws, document_id=doc_id, body="# Beta\n\nv2\n")
    assert [r.note for r in documents.revisions(ws=ws, document_id=doc_id)] == [
        "v2",
        "Created from Beta Program Plan",
    ]
    assert documents.get_document(ws=ws, document_id=doc_id).version == 2
    # undo
    documents.save_body(ws=ws, document_id=doc_id, body=old)
    assert documents.get_document(ws=ws, document_id=doc_id).body == first
    with pytest.raises(NotFoundError):
        documents.save_body(ws=ws, document_id=999, body="x")


def test_status_flow_with_approver_and_date_and_edit_back_to_draft(ws) -> None:
    doc_id, _ = documents.new_document(ws=ws, kind="ai_prd", title="PRD")
    _, old = documents.set_status(ws=ws, document_id=doc_id, status="in_review")
    assert old == {"status": "draft", "approver": "", "approved_on": None}
    with pytest.raises(ValidationError, match="approver"):
        documents.set_status(ws=ws, document_id=doc_id, status="approved")
    assert documents.get_document(ws=ws, document_id=doc_id).status == "in_review"
    before = clock.today()
    _, old = documents.set_status(
        ws=ws, document_id=doc_id, status="approved", approver=" Maya  O "
    )
    assert old["status"] == "in_review"
    doc = documents.get_document(ws=ws, document_id=doc_id)
    assert (doc.status, doc.approver) == ("approved", "Maya O")
    assert before <= doc.approved_on <= clock.today()  # dated today (even past midnight)

    documents.save_body(ws=ws, document_id=doc_id, body="# PRD\n\nedited\n")
    doc = documents.get_document(ws=ws, document_id=doc_id)
    assert (doc.status, doc.approved_on, doc.approver) == ("draft", None, "Maya O")

    # undo of an approval change puts the original date back
    documents.set_status(
        ws=ws, document_id=doc_id, status="approved", approved_on=dt.date(2025, 1, 2)
    )
    assert documents.get_document(ws=ws, document_id=doc_id).approved_on == dt.date(2025, 1, 2)
    with pytest.raises(ValidationError, match="Unknown document status"):
        documents.set_status(ws=ws, document_id=doc_id, status="published")


def test_revisions_diff_and_restore(ws) -> None:
    doc_id, _ = documents.new_document(ws=ws, kind="ai_prd", title="PRD")
    documents.save_body(ws=ws, document_id=doc_id, body="a\nb\nc\n", note="one")
    documents.save_body(ws=ws, document_id=doc_id, body="a\nB\nc\nd\n", note="two")
    history = documents.revisions(ws=ws, document_id=doc_id)
    assert [r.note for r in history][:2] == ["two", "one"]
    one = history[1]
    assert documents.revision_body(ws=ws, revision_id=one.id) == "a\nb\nc\n"
    assert one.size == 6 and one.title == "PRD" and one.created_at.tzinfo is not None

    unified = documents.diff_unified("a\nb\nc\n", "a\nB\nc\nd\n", old_label="one", new_label="two")
    assert unified.splitlines()[:2] == ["--- one", "+++ two"]
    assert (
        "-b" in unified.splitlines()
        and "+B" in unified.splitlines()
        and "+d" in unified.splitlines()
    )
    rows = documents.diff_side_by_side("a\nb\nc\nx\n", "a\nB\nc\nd\ne\n")
    assert rows == [
        ("equal", 1, "a", 1, "a"),
        ("replace", 2, "b", 2, "B"),
        ("equal", 3, "c", 3, "c"),
        ("replace", 4, "x", 4, "d"),
        ("insert", None, "", 5, "e"),
    ]
    assert documents.diff_side_by_side("a\nb\n", "a\n") == [
        ("equal", 1, "a", 1, "a"),
        ("delete", 2, "b", None, ""),
    ]

    changes, old = documents.restore_revision(ws=ws, document_id=doc_id, revision_id=one.id)
    assert old == "a\nB\nc\nd\n" and changes.ids == (doc_id,)
    assert documents.get_document(ws=ws, document_id=doc_id).body == "a\nb\nc\n"
    assert documents.revisions(ws=ws, document_id=doc_id)[0].note.startswith("Restored revision of")
    documents.save_body(ws=ws, document_id=doc_id, body=old)  # undo
    assert documents.get_document(ws=ws, document_id=doc_id).body == "a\nB\nc\nd\n"

    other, _ = documents.new_document(ws=ws, kind="ai_prd", title="Other")
    with pytest.raises(NotFoundError):
        documents.restore_revision(ws=ws, document_id=other, revision_id=one.id)
    with pytest.raises(NotFoundError):
        documents.revision_body(ws=ws, revision_id=9999)


def test_deleting_a_document_takes_its_revisions_and_undo_brings_them_back(ws) -> None:
    doc_id, _ = documents.new_document(ws=ws, kind="ai_prd", title="PRD")
    documents.save_body(ws=ws, document_id=doc_id, body="x")
    records.delete(ws=ws, model=Document, id=doc_id)
    assert _count(ws, DocumentRevision) == 0
    ws.undo()
    assert len(documents.revisions(ws=ws, document_id=doc_id)) == 2


def _body(ws, doc_id: int, text: str) -> None:
    documents.save_body(ws=ws, document_id=doc_id, body=text)


def test_search_needs_every_word_and_highlights_hits(ws) -> None:
    a, _ = documents.new_document(ws=ws, kind="ai_prd", title="Answer bot PRD")
    b, _ = documents.new_document(ws=ws, kind="incident_runbook", title="Runbook")
    c, _ = documents.new_document(ws=ws, kind="beta_plan", title="Rollback drill")
    _body(ws, a, "# Answer bot\n\nThe feature FLAG goes off on rollback.\nNothing here.\n")
    _body(ws, b, "# Runbook\n\nTurn the flag off.\n\nThen page on-call.\n")
    _body(ws, c, "# Drill\n\nPractice once a quarter.\n")

    hits = documents.search(ws=ws, query="rollback flag")
    assert [(h.document_id, h.line) for h in hits] == [(a, 3)]
    hit = hits[0]
    assert hit.snippet == "The feature FLAG goes off on rollback."
    assert [hit.snippet[s:e] for s, e in hit.spans] == ["FLAG", "rollback"]
    assert (hit.title, hit.kind) == ("Answer bot PRD", "ai_prd")

    # title-only match: line 0 with the title as snippet; title matches come first
    hits = documents.search(ws=ws, query="ROLLBACK")
    assert [(h.document_id, h.line) for h in hits] == [(c, 0), (a, 3)]
    assert hits[0].snippet == "Rollback drill" and hits[0].spans == ((0, 8),)

    assert documents.search(ws=ws, query="flag")[0].document_id in (a, b)
    assert documents.search(ws=ws, query="   ") == []
    assert documents.search(ws=ws, query="rollback nowhere") == []
    assert documents.search(ws=ws, query="%") == []  # LIKE wildcards are literal
    assert len(documents.search(ws=ws, query="the", limit=1)) == 1


def test_search_gives_the_best_lines_of_a_document_and_clips_long_lines(ws) -> None:
    doc_id, _ = documents.new_document(ws=ws, kind="ai_prd", title="Long")
    long_line = "word " * 60 + "drift alarm " + "tail " * 60
    lines = ["# Long", "drift", "alarm", "drift and alarm", long_line, "drift again"]
    _body(ws, doc_id, "\n".join(lines))
    hits = documents.search(ws=ws, query="drift alarm", per_document=2)
    assert [h.line for h in hits] == [4, 5]
    clipped = hits[1]
    assert clipped.snippet.startswith("…") and clipped.snippet.endswith("…")
    assert len(clipped.snippet) <= documents.SNIPPET_WIDTH + 2
    assert [clipped.snippet[s:e] for s, e in clipped.spans] == ["drift", "alarm"]


def test_document_list_spec_filters_by_kind_status_use_case_and_text(ws) -> None:
    uc = _use_case(ws, "Claims triage")
    a, _ = documents.new_document(ws=ws, kind="ai_prd", title="Claims PRD", use_case_id=uc)
    b, _ = documents.new_document(ws=ws, kind="evaluation_plan", title="Claims eval")
    documents.set_status(ws=ws, document_id=b, status="approved", approver="Maya")
    spec = documents.document_list_spec()
    assert set(query_ids(ws=ws, spec=spec)) == {a, b}
    assert query_ids(ws=ws, spec=spec, filters={"kind": "ai_prd"}) == [a]
    assert query_ids(
        ws=ws, spec=spec, filters={"kind": ["ai_prd", "evaluation_plan"]}, sort_key="title"
    ) == [b, a]
    assert query_ids(ws=ws, spec=spec, filters={"status": "approved"}) == [b]
    assert query_ids(ws=ws, spec=spec, filters={"use_case": uc}) == [a]
    assert query_ids(ws=ws, spec=spec, filters={"use_case": None}) == [b]
    assert query_ids(ws=ws, spec=spec, filters={"use_case": [uc]}) == [a]
    assert query_ids(ws=ws, spec=spec, text="triage") == [a]
    assert query_ids(ws=ws, spec=spec, text="maya") == [b]
    assert query_ids(ws=ws, spec=spec, sort_key="kind") == [a, b]  # "AI PRD" < "Evaluation Plan"
    rows = fetch_rows(ws=ws, spec=spec, ids=[a, b])
    columns = spec.keys
    assert dict(zip(columns, rows[a], strict=True))["kind"] == "AI PRD"
    assert dict(zip(columns, rows[a], strict=True))["use_case"] == "Claims triage"
    assert dict(zip(columns, rows[b], strict=True))["status"] == "Approved"
    assert dict(zip(columns, rows[b], strict=True))["use_case"] == ""


def test_high_risk_comes_from_the_use_case_ai_act_tier_and_drives_the_review(ws) -> None:
    uc = _use_case(ws)
    doc_id, _ = documents.new_document(ws=ws, kind="ai_prd", title="PRD", use_case_id=uc)
    assert documents.is_high_risk(ws=ws, document_id=doc_id) is False
    rules = {f.rule for f in documents.review_document(ws=ws, document_id=doc_id).findings}
    assert "no_human_in_loop" not in rules
    records.create(ws=ws, model=AiActAssessment, data={"use_case_id": uc, "tier": "high"})
    assert documents.is_high_risk(ws=ws, document_id=doc_id) is True
    rules = {f.rule for f in documents.review_document(ws=ws, document_id=doc_id).findings}
    assert "no_human_in_loop" in rules


def test_document_ids_of_a_use_case_in_kind_order(ws) -> None:
    uc = _use_case(ws)
    runbook, _ = documents.new_document(ws=ws, kind="incident_runbook", title="A", use_case_id=uc)
    prd, _ = documents.new_document(ws=ws, kind="ai_prd", title="Z", use_case_id=uc)
    documents.new_document(ws=ws, kind="ai_prd", title="elsewhere")
    assert documents.document_ids(ws=ws, use_case_id=uc) == [prd, runbook]
    assert len(documents.document_ids(ws=ws)) == 3
    assert documents.kind_name("ai_prd") == "AI PRD"
    assert documents.kind_name("team_memo") == "Team memo"


def test_export_records_keep_the_order_asked_and_name_the_use_case(ws) -> None:
    from aipm_desktop.errors import NotFoundError
    from aipm_desktop.models import UseCase
    from aipm_desktop.services import records
    from aipm_desktop.services.documents import export_records, new_document

    uc, _ = records.create(ws=ws, model=UseCase, data={"title": "Answer bot"})
    first, _ = new_document(ws=ws, kind="ai_prd", title="PRD", use_case_id=uc.id)
    second, _ = new_document(ws=ws, kind="evaluation_plan", title="Eval plan")
    rows = export_records(ws=ws, document_ids=[second, first])
    assert [(r["title"], r["use_case"]) for r in rows] == [
        ("Eval plan", None),
        ("PRD", "Answer bot"),
    ]
    with pytest.raises(NotFoundError):
        export_records(ws=ws, document_ids=[first, 9999])
