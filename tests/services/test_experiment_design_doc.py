"""The experiment design document: written into Documents from its template and filled
from the experiment (one undoable operation), rewritten with every change while its body
is still what was generated, left alone once its author edits it, and a fresh one
written on request."""

from __future__ import annotations

import pytest

from aipm_desktop.errors import UserError
from aipm_desktop.models import Document
from aipm_desktop.services import documents, experiments, records
from aipm_desktop.services.experiments import design_doc

CITATIONS = "Citations in answer bot replies"


@pytest.fixture
def citations(sample_ws) -> int:
    return experiments.find_experiment(ws=sample_ws, ref=CITATIONS)


def _body(ws, document_id: int) -> str:
    return documents.get_document(ws=ws, document_id=document_id).body


def _edit(ws, experiment_id: int, data: dict) -> None:
    """An edit of the experiment and the document's sync, as the GUI makes it."""
    with ws.operation("edit"):
        experiments.update_experiment(ws=ws, experiment_id=experiment_id, data=data)
        design_doc.sync_design_document(ws=ws, experiment_id=experiment_id)


def test_the_document_is_written_from_the_template_and_filled(sample_ws, citations) -> None:
    assert design_doc.design_doc_status(ws=sample_ws, experiment_id=citations).document_id is None
    mark = sample_ws.operation_mark()
    document_id, changes = design_doc.write_design_document(ws=sample_ws, experiment_id=citations)
    assert len(sample_ws.operations_since(mark)) == 1  # one undo step
    assert changes.action == "create"
    doc = documents.get_document(ws=sample_ws, document_id=document_id)
    assert doc.kind == "experiment_design"
    assert doc.title == f"Experiment design: {CITATIONS}"
    info = experiments.detail(ws=sample_ws, experiment_id=citations)
    plan, _problem = experiments.plan_of(info)
    assert plan is not None
    body = doc.body
    for heading in ("Hypothesis", "Success metrics", "Guardrail metrics", "Design and sample"):
        assert f"## {heading}" in body
    assert info.hypothesis in body
    assert "**Primary metric:** CSAT of bot conversations (mean per unit, higher is better)" in body
    assert "| Self-service resolution rate | conversion rate | 2 points | higher |" in body
    assert plan.message in body
    assert f"{plan.n_total:,} in all" in body
    assert "<!-- Unit of randomisation" not in body  # the filled sections' prompts are gone
    assert "## Instrumentation" in body  # a section the experiment says nothing of stays
    status = design_doc.design_doc_status(ws=sample_ws, experiment_id=citations)
    assert (status.document_id, status.in_sync, status.current) == (document_id, True, True)
    assert status.message() == "Kept in sync with the experiment."

    sample_ws.undo()
    with pytest.raises(UserError):
        documents.get_document(ws=sample_ws, document_id=document_id)
    assert design_doc.design_doc_status(ws=sample_ws, experiment_id=citations).document_id is None


def test_the_document_follows_the_experiment_until_edited_by_hand(sample_ws, citations) -> None:
    document_id, _ = design_doc.write_design_document(ws=sample_ws, experiment_id=citations)
    _edit(sample_ws, citations, {"hypothesis": "We believe citations raise trust.", "mde": 0.2})
    body = _body(sample_ws, document_id)
    assert "We believe citations raise trust." in body
    assert "0.2 in the metric's units" in body
    _edit(sample_ws, citations, {"title": "Citations, numbered"})
    assert documents.get_document(ws=sample_ws, document_id=document_id).title == (
        "Experiment design: Citations, numbered"
    )
    assert "# Experiment design: Citations, numbered" in _body(sample_ws, document_id)

    edited = _body(sample_ws, document_id) + "\nA note of the author.\n"
    documents.save_body(ws=sample_ws, document_id=document_id, body=edited)
    status = design_doc.design_doc_status(ws=sample_ws, experiment_id=citations)
    assert status.edited and status.message() == "Edited by hand; no longer kept in sync."
    _edit(sample_ws, citations, {"hypothesis": "Changed again."})
    assert _body(sample_ws, document_id) == edited  # left alone
    mark = sample_ws.operation_mark()
    with pytest.raises(UserError, match="edited by hand"):
        design_doc.write_design_document(ws=sample_ws, experiment_id=citations)
    assert sample_ws.operations_since(mark) == []  # nothing written

    fresh, _ = design_doc.write_design_document(ws=sample_ws, experiment_id=citations, new=True)
    assert fresh != document_id and "Changed again." in _body(sample_ws, fresh)
    status = design_doc.design_doc_status(ws=sample_ws, experiment_id=citations)
    assert (status.document_id, status.in_sync) == (fresh, True)
    assert _body(sample_ws, document_id) == edited


def test_an_out_of_date_document_is_brought_up_to_date(sample_ws, citations) -> None:
    document_id, _ = design_doc.write_design_document(ws=sample_ws, experiment_id=citations)
    # A change made without the sync (another tool): still in sync, but out of date.
    experiments.update_experiment(ws=sample_ws, experiment_id=citations, data={"owner": "Ana"})
    status = design_doc.design_doc_status(ws=sample_ws, experiment_id=citations)
    assert status.in_sync and not status.current
    assert design_doc.write_design_document(ws=sample_ws, experiment_id=citations)[0] == document_id
    assert "Owner: Ana." in _body(sample_ws, document_id)
    assert design_doc.design_doc_status(ws=sample_ws, experiment_id=citations).current


def test_the_sync_writes_nothing_without_a_document(sample_ws, citations) -> None:
    mark = sample_ws.operation_mark()
    assert design_doc.sync_design_document(ws=sample_ws, experiment_id=citations) is None
    assert sample_ws.operations_since(mark) == []


def test_a_bare_experiment_gets_prompts_where_it_has_no_answer(ws) -> None:
    experiment_id, _ = experiments.create_experiment(ws=ws, data={"title": "Bare"})
    document_id, _ = design_doc.write_design_document(ws=ws, experiment_id=experiment_id)
    body = _body(ws, document_id)
    assert "_Not written yet. Write it as: we believe" in body
    assert "_No primary metric named yet._" in body
    assert "No plan yet: it needs a baseline, a minimum detectable effect." in body
    doc = records.get(ws=ws, model=Document, id=document_id)
    assert doc.use_case_id is None
