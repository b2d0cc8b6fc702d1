"""The Documents area on a 1280x720 laptop: it fits, its panes hide and come back (and
stay as chosen), the editor gets the room, and readiness says what the worst finding means.
"""

from __future__ import annotations

import itertools
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPlainTextEdit

from aipm_desktop.models import Document
from aipm_desktop.resources import read_text
from aipm_desktop.services import documents, records
from aipm_desktop.ui.documents.page import EDITOR_COLUMNS, DocumentsPage

DEMO_DOCS = (
    "ai_prd",
    "evaluation_plan",
    "incident_runbook",
    "launch_checklist",
    "model_behavior_spec",
    "stakeholder_update",
)
LIMIT = (1100, 640)


def _doc(ws, title: str, body: str, kind: str = "ai_prd") -> int:
    obj, _ = records.create(
        ws=ws, model=Document, data={"kind": kind, "title": title, "body": body}
    )
    return obj.id


@pytest.fixture
def make_page(qtbot, app_ctx, ws):
    """``make_page(width, height)``: a Documents page shown at that size, over ``ws``
    holding the demo PRD."""
    app_ctx.set_workspace(ws)
    if not documents.list_documents(ws=ws):
        _doc(ws, "AI PRD: Help-center answer bot", read_text("demo/documents/ai_prd.md"))

    def make(width: int = 1100, height: int = 640) -> DocumentsPage:
        page = DocumentsPage(app_ctx)
        qtbot.addWidget(page)
        page.resize(width, height)
        page.show()
        qtbot.waitExposed(page)
        page.activateWindow()
        qtbot.waitUntil(page.isActiveWindow)
        return page

    return make


def _min_size(page: DocumentsPage) -> tuple[int, int]:
    hint = page.minimumSizeHint().expandedTo(page.minimumSize())
    return hint.width(), hint.height()


def test_the_page_fits_a_laptop_window_with_every_pane_shown(qtbot, make_page):
    page = make_page()
    page.set_pane_visible("preview", True)
    page.set_pane_visible("review", True)
    qtbot.wait(20)
    assert page.preview.isVisible() and page.right_tabs.isVisible()
    width, height = _min_size(page)
    assert width <= LIMIT[0], f"the Documents page needs {width} px of width"
    assert height <= LIMIT[1], f"the Documents page needs {height} px of height"
    assert (page.width(), page.height()) == LIMIT


def test_preview_and_review_hide_with_their_buttons_and_shortcuts(qtbot, make_page):
    page = make_page()
    page.set_pane_visible("preview", True)
    wide = page.splitter.minimumSizeHint().width()
    qtbot.mouseClick(page.preview_button, Qt.MouseButton.LeftButton)
    assert not page.preview.isVisible()
    assert not page.pane_visible("preview")
    qtbot.mouseClick(page.review_pane_button, Qt.MouseButton.LeftButton)
    assert not page.right_tabs.isVisible()
    narrow = page.splitter.minimumSizeHint().width()
    assert narrow < wide - 200  # hidden panes give their room back
    # the keyboard brings them back (while the focus is in the page)
    page.editor.setFocus()
    qtbot.keyClick(
        page.editor,
        Qt.Key.Key_P,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert page.preview.isVisible() and page.preview_button.isChecked()
    qtbot.keyClick(
        page.editor,
        Qt.Key.Key_R,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert page.right_tabs.isVisible() and page.review_pane_button.isChecked()


def test_the_panes_stay_as_the_user_left_them_next_time(qtbot, make_page):
    page = make_page(1800, 900)
    assert page.pane_visible("preview") and page.pane_visible("review")
    page.set_pane_visible("review", False)
    page.set_pane_visible("preview", False)
    page.close()
    again = make_page(1800, 900)  # wide enough for every pane, but the user hid them
    assert not again.pane_visible("review") and not again.right_tabs.isVisible()
    assert not again.pane_visible("preview") and not again.preview.isVisible()
    again.set_pane_visible("preview", True)
    third = make_page(1100, 640)  # narrow, but the user asked for the preview
    assert third.preview.isVisible() and not third.right_tabs.isVisible()


def test_until_chosen_the_preview_shows_only_beside_a_roomy_editor(qtbot, make_page):
    page = make_page(*LIMIT)  # a 1280x720 window minus the sidebar
    assert not page.preview.isVisible()
    column = page.editor.fontMetrics().horizontalAdvance("m")
    assert page.editor.viewport().width() >= 60 * column  # a writable line, not 36 chars
    page.resize(1900, 900)
    qtbot.waitUntil(page.preview.isVisible)
    assert page.editor.viewport().width() >= EDITOR_COLUMNS * column * 0.9


def test_the_editor_wraps_paragraphs_at_its_edge_without_a_sideways_scroll(qtbot, make_page):
    page = make_page(*LIMIT)
    editor = page.editor
    assert editor.lineWrapMode() == QPlainTextEdit.LineWrapMode.WidgetWidth
    page.set_pane_visible("preview", True)  # the narrowest editor
    qtbot.wait(20)
    text = editor.toPlainText()
    longest = max(len(line) for line in text.splitlines())
    column = editor.fontMetrics().horizontalAdvance("m")
    assert editor.viewport().width() < longest * column  # so lines must wrap ...
    assert editor.horizontalScrollBar().maximum() == 0  # ... and do, at the edge
    assert editor.document().lineCount() > editor.blockCount()


@pytest.mark.parametrize("name", DEMO_DOCS)
def test_demo_documents_keep_a_paragraph_on_one_line(name: str):
    """The editor soft-wraps at its edge, so a paragraph or list item written as one line
    reads well at any width; hard breaks at 80 columns would wrap twice in a narrow
    editor (a long line, then a stub). The sample documents are written that way."""
    lines = read_text(f"demo/documents/{name}.md").splitlines()
    item = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
    fence = False
    for before, line in itertools.pairwise(lines):
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
        if fence or not line.strip() or not before.strip():
            continue
        plain = not (item.match(line) or line.lstrip().startswith(("#", "|", ">", "<!--")))
        prose = not before.lstrip().startswith(("#", "|", "<!--", "```", "~~~"))
        assert not (plain and prose), f"{name}.md breaks a paragraph before: {line!r}"


def test_an_error_is_never_green_whatever_the_score(qtbot, make_page, ws):
    body = read_text("demo/documents/ai_prd.md")
    body = body.replace("## Model behaviour and fallbacks", "## Notes")
    body = body.replace("## Risks", "## Misc")  # two required sections gone: 84, 2 errors
    page = make_page()
    doc_id = _doc(ws, "PRD with two errors", body)
    page.open_document(doc_id)
    panel = page.review
    panel.review_now()
    result = panel.result
    assert result is not None and result.score >= 80
    assert [f.severity for f in result.findings].count("error") == 2
    assert panel.badge.property("band") == "poor"
    assert panel.caption.text() == "Not ready"
    assert panel.summary.text().startswith("2 errors")


def test_delete_key_in_the_list_asks_then_deletes_undoably(qtbot, make_page, ws, app_ctx):
    page = make_page()
    doc_id = page.document_id
    assert doc_id is not None
    page.list.table.setFocus()
    qtbot.keyClick(page.list.table, Qt.Key.Key_Delete)
    box = page.confirm_box
    assert box is not None and box.isVisible()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: not documents.list_documents(ws=ws))
    app_ctx.undo_stack.undo()
    assert [d["id"] for d in documents.list_documents(ws=ws)] == [doc_id]
