"""The Documents area, used like a PM would: create, type, review, history, status, search."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from sqlalchemy import select

from aipm_desktop.models import Document, DocumentRevision, UseCase
from aipm_desktop.services import documents, records, templates
from aipm_desktop.ui.areas import Area
from aipm_desktop.ui.documents import page as page_module
from aipm_desktop.ui.documents.page import DocumentsPage
from aipm_desktop.ui.documents.search import HTML_ROLE

AREA = Area("documents", "Documents", "aipm_desktop.ui.documents.page:DocumentsPage")


def _show(qtbot, widget) -> None:
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)


@pytest.fixture
def page(qtbot, app_ctx, ws, monkeypatch):
    monkeypatch.setattr(page_module, "AUTOSAVE_MS", 600)
    app_ctx.set_workspace(ws)
    widget = DocumentsPage(app_ctx)
    _show(qtbot, widget)
    return widget


def _doc(ws, title: str, body: str, kind: str = "ai_prd", **extra) -> int:
    obj, _ = records.create(
        ws=ws, model=Document, data={"kind": kind, "title": title, "body": body, **extra}
    )
    return obj.id


def _stored(ws, document_id: int) -> Document:
    with ws.session() as session:
        doc = session.get(Document, document_id)
        session.expunge(doc)
        return doc


def _revision_count(ws, document_id: int) -> int:
    t = DocumentRevision.__table__
    with ws.engine.connect() as conn:
        return len(conn.execute(select(t.c.id).where(t.c.document_id == document_id)).all())


def _type_at_end(qtbot, page: DocumentsPage, text: str) -> None:
    page.editor.setFocus()
    page.editor.moveCursor(QTextCursor.MoveOperation.End)
    for i, part in enumerate(text.split("\n")):
        if i:
            qtbot.keyClick(page.editor, Qt.Key.Key_Return)
        if part:
            qtbot.keyClicks(page.editor, part)


def _create_prd(qtbot, page: DocumentsPage, title: str) -> int:
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    dialog = page.new_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("ai_prd"))
    assert dialog.template_combo.currentData() == "ai_prd"
    qtbot.keyClicks(dialog.title_edit, title)
    with qtbot.waitSignal(page.ctx.changed):
        dialog.accept()
    assert page.document_id is not None
    return page.document_id


def test_new_document_from_the_ai_prd_template(page, qtbot, ws):
    doc_id = _create_prd(qtbot, page, "AI PRD: Smart replies")
    stored = _stored(ws, doc_id)
    template = templates.template_for("ai_prd")
    assert stored.title == "AI PRD: Smart replies"
    assert stored.kind == "ai_prd"
    assert "## Rollout and rollback" in stored.body
    assert stored.body.startswith("# AI PRD: Smart replies")
    for heading in re.findall(r"^## .+$", template.body, re.M):
        assert heading in stored.body
    # On screen: in the list, in the editor, reviewed, previewed.
    assert page.list.current_id() == doc_id
    assert page.editor.toPlainText() == stored.body
    assert page.title_edit.text() == "AI PRD: Smart replies"
    assert page.review.result is not None and page.review.findings.count() > 0
    assert "Rollout and rollback" in page.preview.toPlainText()
    # Undo (the main window's Edit ▸ Undo) deletes it again.
    page.ctx.undo_stack.undo()
    assert records.get  # the service is reachable
    with ws.session() as session:
        assert session.get(Document, doc_id) is None
    assert page.document_id is None


def test_typing_updates_preview_and_review_and_autosaves(page, qtbot, ws):
    doc_id = _create_prd(qtbot, page, "Answer bot PRD")
    revisions_before = _revision_count(ws, doc_id)
    findings_before = page.review.findings.count()
    with qtbot.waitSignal(page.preview.refreshed, timeout=3000):
        _type_at_end(qtbot, page, "\n## Launch communications\n\nEmail the admins.\n")
    assert "Launch communications" in page.preview.toPlainText()
    assert page.dirty  # not saved at once: the autosave waits for a pause
    qtbot.waitUntil(lambda: not page.dirty, timeout=3000)
    stored = _stored(ws, doc_id)
    assert "## Launch communications" in stored.body
    assert _revision_count(ws, doc_id) == revisions_before + 1
    assert page.ctx.undo_stack.count() == 2  # the new document, one autosave
    assert page.review.findings.count() >= 1 and findings_before >= 1


def test_deleting_the_rollback_section_adds_a_finding_and_clicking_jumps(page, qtbot, ws):
    body = templates.template_for("ai_prd").body
    body = body.replace(
        "## Rollout and rollback\n",
        "## Rollout and rollback\n\nDogfood, then 5%, 25%, 100%. Rollback: the on-call PM "
        "turns the flag off within 15 minutes; users fall back to search.\n",
    )
    doc_id = _doc(ws, "PRD", body)
    page.ctx.notify(documents.Changes("document", (doc_id,), "create"))
    page.open_document(doc_id)
    page.review.review_now()
    before = {(f.rule, f.message) for f in page.review.result.findings}

    # Select the whole Rollout and rollback section and delete it, like a user would.
    text = page.editor.toPlainText()
    start = text.index("## Rollout and rollback")
    end = text.index("## KPIs and guardrails")
    cursor = page.editor.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
    page.editor.setTextCursor(cursor)
    page.editor.setFocus()
    with qtbot.waitSignal(page.review.reviewed, timeout=3000):
        qtbot.keyClick(page.editor, Qt.Key.Key_Delete)
    after = page.review.result.findings
    added = [f for f in after if (f.rule, f.message) not in before]
    assert added, "removing the rollback plan must add a finding"
    assert any("rollback" in (f.message + f.suggestion).lower() for f in added)

    # Click a finding with a line: the editor's cursor goes to that line.
    row = next(
        i
        for i in range(page.review.findings.count())
        if page.review.findings.item(i).data(Qt.ItemDataRole.UserRole) > 1
    )
    item = page.review.findings.item(row)
    line = item.data(Qt.ItemDataRole.UserRole)
    rect = page.review.findings.visualItemRect(item)
    page.review.findings.scrollToItem(item)
    rect = page.review.findings.visualItemRect(item)
    qtbot.mouseClick(page.review.findings.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.editor.current_line() == line
    assert page.editor.hasFocus()


def test_history_diff_restore_and_undo(page, qtbot, ws):
    doc_id = _doc(ws, "Eval plan", "# Eval plan\n\nFirst version.\n", kind="evaluation_plan")
    documents.save_body(ws=ws, document_id=doc_id, body="# Eval plan\n\nFirst version!\n")
    page.list.refresh()
    page.open_document(doc_id)
    _type_at_end(qtbot, page, "Added a gold set of 1,200 questions.\n")
    qtbot.waitUntil(lambda: not page.dirty, timeout=3000)
    page.right_tabs.setCurrentIndex(1)
    history = page.history
    assert history.list.count() >= 2
    # Compare the newest with the one before (select both).
    history.select_revisions([history.infos[0].id, history.infos[1].id])
    qtbot.mouseClick(history.compare_button, Qt.MouseButton.LeftButton)
    dialog = history.dialog
    assert dialog is not None and dialog.isVisible()
    rows = dialog.side_by_side_rows()
    assert any(new == "Added a gold set of 1,200 questions." and not old for old, new in rows)
    dialog.unified_button.click()
    assert "+Added a gold set of 1,200 questions." in dialog.unified.toPlainText()
    dialog.close()

    # Restore the oldest revision, then undo the restore.
    oldest = history.infos[-1].id
    history.select_revisions([oldest])
    current = _stored(ws, doc_id).body
    with qtbot.waitSignal(page.ctx.changed):
        qtbot.mouseClick(history.restore_button, Qt.MouseButton.LeftButton)
    restored = _stored(ws, doc_id).body
    assert restored == documents.revision_body(ws=ws, revision_id=oldest)
    assert "gold set" not in restored
    assert page.editor.toPlainText() == restored
    page.ctx.undo_stack.undo()
    assert _stored(ws, doc_id).body == current
    assert page.editor.toPlainText() == current


def test_ctrl_z_undoes_typing_and_the_menu_undo_undoes_autosaves(qtbot, app_ctx, ws, monkeypatch):
    from aipm_desktop.ui.main_window import MainWindow

    monkeypatch.setattr(page_module, "AUTOSAVE_MS", 200)
    doc_id = _doc(ws, "Brief", "# Brief\n")
    window = MainWindow(app_ctx, areas=(AREA,), persist=False)
    window.set_workspace(ws)
    _show(qtbot, window)
    steps = app_ctx.undo_stack.count()  # the file's earlier operations (creating the doc)
    page = window.show_area("documents")
    assert isinstance(page, DocumentsPage)
    page.open_document(doc_id)
    _type_at_end(qtbot, page, "xyz")
    qtbot.waitUntil(lambda: not page.dirty, timeout=3000)
    assert _stored(ws, doc_id).body == "# Brief\nxyz"
    # Ctrl+B, then Ctrl+Z in the editor: the editor's own undo, the text only.
    cursor = page.editor.textCursor()
    cursor.setPosition(len("# Brief\n"))
    cursor.setPosition(len("# Brief\nxyz"), QTextCursor.MoveMode.KeepAnchor)
    page.editor.setTextCursor(cursor)
    qtbot.keyClick(page.editor, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)
    assert page.editor.toPlainText() == "# Brief\n**xyz**"
    qtbot.keyClick(page.editor, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.editor.toPlainText() == "# Brief\nxyz"
    assert not page.dirty
    assert app_ctx.undo_stack.count() == steps + 1  # one more entry: the autosave
    # Edit ▸ Undo (the menu action) undoes the whole autosave, in the file and on screen.
    window.actions["undo"].trigger()
    assert _stored(ws, doc_id).body == "# Brief\n"
    assert page.editor.toPlainText() == "# Brief\n"
    window.actions["redo"].trigger()
    assert page.editor.toPlainText() == "# Brief\nxyz"


def test_hostile_markdown_never_reaches_the_preview(page, qtbot, ws):
    hostile = (
        "# Title\n\n<script>alert('x')</script>\n\n"
        '<img src="http://evil.example/pixel.png" onerror="alert(1)">\n\n'
        "[x](javascript:alert(1))\n\n"
        '<iframe src="https://evil.example"></iframe>\n\n'
        '<a href="https://example.com" onclick="steal()">site</a>\n\n'
        '<div style="background:url(http://evil.example/a.png)">css</div>\n'
    )
    doc_id = _doc(ws, "Hostile", hostile)
    page.list.refresh()
    page.open_document(doc_id)
    html = page.preview.html.lower()
    for bad in ("<script", "http://evil", "javascript:", "onerror", "onclick", "<iframe"):
        assert bad not in html
    shown = page.preview.toHtml().lower()
    assert "<script" not in shown and "javascript:" not in shown
    # Typing more hostile text live is sanitised too.
    with qtbot.waitSignal(page.preview.refreshed, timeout=3000):
        _type_at_end(qtbot, page, "\n<script>more()</script>\n")
    assert "<script" not in page.preview.html.lower()


def test_approved_then_edited_goes_back_to_draft(page, qtbot, ws):
    doc_id = _doc(ws, "Spec", "# Spec\n", kind="model_behavior_spec")
    page.list.refresh()
    page.open_document(doc_id)
    assert page.review_button.isEnabled() and not page.approve_button.isEnabled()
    qtbot.mouseClick(page.review_button, Qt.MouseButton.LeftButton)
    assert _stored(ws, doc_id).status == "in_review"
    assert page.status_chip.text() == "In review"
    qtbot.mouseClick(page.approve_button, Qt.MouseButton.LeftButton)
    dialog = page.approve_dialog
    dialog.setTextValue("Maya Okafor")
    dialog.accept()
    stored = _stored(ws, doc_id)
    assert stored.status == "approved" and stored.approver == "Maya Okafor"
    assert stored.approved_on is not None
    assert page.status_chip.text().startswith("Approved · Maya Okafor")
    _type_at_end(qtbot, page, "More.")
    qtbot.waitUntil(lambda: not page.dirty, timeout=3000)
    assert _stored(ws, doc_id).status == "draft"
    assert page.status_chip.text() == "Draft"
    assert page.review_button.isEnabled()


def test_search_finds_a_word_across_documents_and_opens_the_hit(page, qtbot, ws):
    _doc(ws, "Alpha", "# Alpha\n\nNothing here.\n")
    target = _doc(ws, "Beta", "# Beta\n\nline two\n\nThe groundedness target is 95%.\n")
    _doc(ws, "Gamma", "# Gamma\n\nGroundedness matters too.\n")
    page.list.refresh()
    page.open_document(None)
    page.focus_search()
    qtbot.keyClicks(page.search.query_edit, "groundedness")
    qtbot.keyClick(page.search.query_edit, Qt.Key.Key_Return)
    results = page.search.results
    assert results.model().rowCount() == 2
    titles = {hit.title for hit in page.search.hits}
    assert titles == {"Beta", "Gamma"}
    row = next(i for i, hit in enumerate(page.search.hits) if hit.document_id == target)
    index = results.model().index(row, 0)
    assert "background-color:#ffe58f" in index.data(HTML_ROLE)
    rect = results.visualRect(index)
    qtbot.mouseClick(results.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert page.document_id == target
    assert page.editor.current_line() == 5
    assert page.list.current_id() == target


def test_list_filters_by_kind_and_status(page, qtbot, ws):
    prd = _doc(ws, "PRD one", "x")
    plan = _doc(ws, "Plan one", "x", kind="evaluation_plan", status="in_review")
    page.list.refresh()
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("evaluation_plan"))
    assert page.list.model.ids() == [plan]
    page.kind_combo.setCurrentIndex(0)
    page.status_combo.setCurrentIndex(page.status_combo.findData("draft"))
    assert page.list.model.ids() == [prd]


def test_exports_of_the_open_document(page, qtbot, ws, tmp_path, monkeypatch):
    case, _ = records.create(ws=ws, model=UseCase, data={"title": "Answer bot"})
    doc_id = _doc(ws, "PRD", "# PRD\n\n## Goals\n\n| a | b |\n|---|---|\n| 1 | 2 |\n")
    _doc(ws, "Runbook", "# Runbook\n\nSteps.\n", kind="incident_runbook")
    page.load_choices()
    page.list.refresh()
    page.open_document(doc_id)
    page.use_case_combo.setCurrentIndex(page.use_case_combo.findData(case.id))
    page.use_case_combo.activated.emit(page.use_case_combo.currentIndex())
    assert _stored(ws, doc_id).use_case_id == case.id
    targets = iter([tmp_path / "prd.md", tmp_path / "prd.html", tmp_path / "prd.pdf"])
    monkeypatch.setattr(page, "ask_save_path", lambda *_a: next(targets))
    page.export_md_action.trigger()
    page.export_html_action.trigger()
    page.export_pdf_action.trigger()
    assert (tmp_path / "prd.md").read_text(encoding="utf-8").startswith("# PRD")
    assert "<table" in (tmp_path / "prd.html").read_text(encoding="utf-8")
    assert (tmp_path / "prd.pdf").read_bytes().startswith(b"%PDF")
    assert page.export_case_action.isEnabled()


def test_save_as_template_is_offered_for_new_documents(page, qtbot, ws):
    doc_id = _doc(ws, "Team PRD", "# Team PRD\n\n## Problem and outcome\n\nOurs.\n")
    page.list.refresh()
    page.open_document(doc_id)
    qtbot.mouseClick(page.template_button, Qt.MouseButton.LeftButton)
    dialog = page.template_dialog
    dialog.setTextValue("Team PRD template")
    dialog.accept()
    path = Path(templates.templates()[-1].path)
    assert path.name == "team-prd-template.md"
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    offered = [
        page.new_dialog.template_combo.itemText(i)
        for i in range(page.new_dialog.template_combo.count())
    ]
    assert "Team PRD template (yours)" in offered
    page.new_dialog.reject()


def test_undoing_a_status_change_restores_the_previous_status_exactly(page, qtbot, ws):
    approved_on = dt.date(2025, 3, 4)
    doc_id = _doc(
        ws, "Spec", "# Spec\n", status="approved", approver="Maya Okafor", approved_on=approved_on
    )
    page.list.refresh()
    page.open_document(doc_id)
    assert page.set_status("draft")
    stored = _stored(ws, doc_id)
    assert (stored.status, stored.approved_on) == ("draft", None)
    assert page.status_chip.text() == "Draft"
    page.ctx.undo_stack.undo()
    stored = _stored(ws, doc_id)
    assert (stored.status, stored.approver, stored.approved_on) == (
        "approved",
        "Maya Okafor",
        approved_on,
    )
    qtbot.waitUntil(lambda: page.status_chip.text().startswith("Approved · Maya Okafor"))
    page.ctx.undo_stack.redo()
    assert _stored(ws, doc_id).status == "draft"
    qtbot.waitUntil(lambda: page.status_chip.text() == "Draft")


def test_undoing_a_delete_brings_back_the_document_with_its_revisions(page, qtbot, ws):
    doc_id = _doc(ws, "Brief", "# Brief\n")
    documents.save_body(ws=ws, document_id=doc_id, body="# Brief\n\nMore.\n")
    revisions = _revision_count(ws, doc_id)
    page.list.refresh()
    page.open_document(doc_id)
    box = page.delete_document()
    assert box is not None
    box.accept()
    with ws.session() as session:
        assert session.get(Document, doc_id) is None
    assert page.ctx.undo_stack.undoText() == "delete document 'Brief'"
    page.ctx.undo_stack.undo()
    stored = _stored(ws, doc_id)
    assert (stored.title, stored.body) == ("Brief", "# Brief\n\nMore.\n")
    assert _revision_count(ws, doc_id) == revisions
    qtbot.waitUntil(lambda: page.list.model.row_of(doc_id) is not None)
    page.ctx.undo_stack.redo()
    with ws.session() as session:
        assert session.get(Document, doc_id) is None
    assert _revision_count(ws, doc_id) == 0
