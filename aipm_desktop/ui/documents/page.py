"""The Documents area: the list | the markdown editor beside its live preview | review.

Left: the document list (filter by kind, status, use case and text) and a full-text
search over every document. Middle: the document's title, use case and status workflow
("Send for review", "Approve…", "Back to draft") above the source editor and the live
preview (scrolling in step). Right: the review panel (readiness score and findings,
refreshed as you type) and the revision history.

Saving: there is no Save button. Edits autosave ``AUTOSAVE_MS`` after typing stops, when
another document is opened, when a menu opens (so Edit ▸ Undo sees the latest text),
and when the page goes away;
each autosave stores a revision and is one step on the main window's undo stack.

Undo: Ctrl+Z / Ctrl+Shift+Z *inside the editor* undo and redo typing (the editor's own
undo). The main window's Edit ▸ Undo / Redo (the menu, or Ctrl+Z when the focus is not in
the editor) undo whole autosaves, status changes, restores, new documents and deletes.

Room: the page fits a 1280x720 window. The preview and the right-hand pane (review and
history) can be hidden with the "Preview" and "Review" toggles above the editor or
Ctrl+Shift+P / Ctrl+Shift+R; the choice is remembered between runs. Until the user
chooses, the preview shows only when the editor keeps :data:`EDITOR_COLUMNS` characters
beside it, so a laptop opens on an editor a writer can use.

Wrapping: the editor wraps at its own edge, at word boundaries, and never scrolls
sideways. A paragraph written as one line (as the sample documents are) re-wraps to any
width; text hard-wrapped at ~80 columns shows its own breaks as they are.

Shortcuts (while focus is inside the page): Ctrl+Shift+N new document, Del (in the list)
delete the selected document, Ctrl+S save now, Ctrl+Shift+F search all documents,
Ctrl+Shift+P / Ctrl+Shift+R show or hide the preview / review pane; in the editor
Ctrl+B / Ctrl+I bold / italic, Tab / Shift+Tab indent / outdent list items, Ctrl+F find,
Ctrl+H find and replace.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QFontMetrics, QHideEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from ...errors import NotFoundError
from ...models.enums import DocumentStatus
from ...services import documents
from ...services.changes import Changes
from ...services.dates import format_date, format_datetime
from ...store import Workspace
from ..context import AppContext
from ..widgets.area_tabs import area_tabs
from ..widgets.builders import (
    NO_MARGINS,
    Space,
    button,
    empty_state,
    hbox,
    keep_state,
    panel,
    splitter,
    vbox,
)
from ..widgets.combos import chosen_filters, filter_combo
from ..widgets.elided_label import ElidedLabel
from ..widgets.lazy_table import ListPane
from ..widgets.page_header import NEW_SHORTCUT, local_action, page_header
from .body_guard import save_body_command, save_on_close
from .editor import SourcePane
from .history import HistoryPanel
from .new_dialog import NewDocumentDialog, deliverable_kinds, kind_name, use_case_choices
from .page_actions import DocumentActions
from .preview import PreviewBrowser
from .review_panel import ReviewPanel
from .search import SearchPane

#: Milliseconds after the last keystroke before the body is saved (one revision).
AUTOSAVE_MS = 1500
SPLITTER_NAME = "documents"
EDITOR_SPLITTER_NAME = "documents_editor"
#: Margins of a tab's content below the tab bar.
TAB_MARGINS = (0, 8, 0, 0)
SAVE_SHORTCUT = "Ctrl+S"
SEARCH_SHORTCUT = "Ctrl+Shift+F"
PREVIEW_SHORTCUT = "Ctrl+Shift+P"
REVIEW_SHORTCUT = "Ctrl+Shift+R"
#: The settings entry (a splitter-state slot) remembering which panes are shown.
PANES_NAME = "documents_panes"
PANES = ("preview", "review")
#: Characters per line the editor keeps before the preview is shown beside it by default.
EDITOR_COLUMNS = 64
PREVIEW_MIN_WIDTH = 300
HIDDEN_COLUMNS = ("kind", "use_case", "approver", "updated", "updated_by")
STATUS_TEXT = {
    DocumentStatus.DRAFT.value: "Draft",
    DocumentStatus.IN_REVIEW.value: "In review",
    DocumentStatus.APPROVED.value: "Approved",
}


def _refill(combo: QComboBox, items: list[tuple[str, Any]], first: str | None = None) -> None:
    """Replace the items after the first ("All …") keeping the chosen one if it remains."""
    current = combo.currentData()
    combo.blockSignals(True)
    while combo.count() > 1:
        combo.removeItem(1)
    if first is not None:
        combo.setItemText(0, first)
    for text, data in items:
        combo.addItem(text, data)
    index = combo.findData(current) if current is not None else 0
    combo.setCurrentIndex(max(0, index))
    combo.blockSignals(False)


def _parse_panes(data: bytes) -> dict[str, bool]:
    """``b"preview=1,review=0"`` (as saved) -> ``{"preview": True, "review": False}``."""
    shown: dict[str, bool] = {}
    for part in data.decode("ascii", "replace").split(","):
        name, _, value = part.partition("=")
        if name in PANES and value in ("0", "1"):
            shown[name] = value == "1"
    return shown


class DocumentsPage(DocumentActions, QWidget):
    """The Documents area (see the module docstring); the edits and exports of the open
    document are in :class:`~.page_actions.DocumentActions`.

    Signals:
        current_entity_changed(): another document is open (:meth:`current_entity`).
    """

    current_entity_changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.ws: Workspace = ctx.require_workspace()
        self.setObjectName("documentsPage")
        self.document_id: int | None = None
        self.doc: dict[str, Any] = {}
        self._saved_body = ""
        #: The version of the document the editor read (an autosave expects it).
        self.saved_version: int | None = None
        self.conflict_box: QMessageBox | None = None  # see body_guard
        self._loading = False
        self.new_dialog: NewDocumentDialog | None = None
        self.approve_dialog: QInputDialog | None = None
        self.template_dialog: QInputDialog | None = None
        self.confirm_box: QMessageBox | None = None
        self.last_export: Path | None = None

        self._build_header()
        self._build_left()
        self._build_middle()
        self._build_right()

        self.splitter = splitter(
            self.left_tabs,
            self.middle,
            self.right_tabs,
            stretch=(2, 6, 2),
            name="documentsSplitter",
        )
        self.splitter.setCollapsible(1, False)
        keep_state(self.splitter, ctx.settings, SPLITTER_NAME, (280, 800, 300))
        for index in range(self.splitter.count()):
            self.splitter.widget(index).setVisible(True)  # a pane is hidden by its toggle only

        body = vbox((self.splitter, 1), margins=(12, 0, 12, 12))
        vbox(self.header, (body, 1), margins=NO_MARGINS, spacing=6, parent=self)

        self.autosave_timer = QTimer(self)
        self.autosave_timer.setSingleShot(True)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self.save_now)

        self._add_action("New document", NEW_SHORTCUT, self.new_document)
        self._add_action("Save now", SAVE_SHORTCUT, self.save_now)
        self._add_action("Search all documents", SEARCH_SHORTCUT, self.focus_search)
        self.delete_action = local_action(
            self.list, "Delete document", QKeySequence.StandardKey.Delete, self.delete_document
        )
        self.preview_action = self._add_action(
            "Show preview", PREVIEW_SHORTCUT, self.preview_button.toggle
        )
        self.review_action = self._add_action(
            "Show review", REVIEW_SHORTCUT, self.review_pane_button.toggle
        )
        self._restore_panes()

        self._connect()
        self.load_choices()
        self._open(None)
        first = self.list.model.id_at(0)
        if first is not None:
            self.list.select_ids([first])

    # -- construction ---------------------------------------------------------------------

    def _add_action(self, text: str, shortcut: str, slot: Any) -> QAction:
        return local_action(self, text, shortcut, lambda _checked=False: slot())

    def _build_header(self) -> None:
        self.new_button = button(
            "New document",
            name="primaryButton",
            tip=f"Create a document from a template ({NEW_SHORTCUT})",
        )
        self.delete_button = button(
            "Delete", tip="Delete this document and its revisions (undoable)"
        )
        self.template_button = button(
            "Save as template…", tip="Keep this document as one of your own templates"
        )
        self.export_button = QPushButton("Export")
        self.export_menu = QMenu(self.export_button)
        self.export_md_action = self.export_menu.addAction("Markdown…")
        self.export_html_action = self.export_menu.addAction("HTML…")
        self.export_pdf_action = self.export_menu.addAction("PDF (this document)…")
        self.export_case_action = self.export_menu.addAction("PDF (all documents of its use case)…")
        self.export_button.setMenu(self.export_menu)
        self.header = page_header(
            "Documents",
            "PRDs, evaluation plans, behaviour specs and the other AI deliverables: write "
            "them in markdown, see them reviewed as you type, export them.",
            (self.new_button, self.delete_button, self.template_button, self.export_button),
        )

    def _build_left(self) -> None:
        self.kind_combo = filter_combo("All kinds")
        for key, name in deliverable_kinds():
            self.kind_combo.addItem(name, key)
        self.status_combo = filter_combo("All statuses")
        for status in DocumentStatus:
            self.status_combo.addItem(STATUS_TEXT[status.value], status.value)
        self.use_case_filter = filter_combo("All use cases")
        filters = hbox((self.kind_combo, 1), (self.status_combo, 1), margins=NO_MARGINS, spacing=4)
        self.list = ListPane(documents.document_list_spec(), self.ws)
        self.list.persist(self.ctx.settings, "documents")
        self.list.setObjectName("documentList")
        keys = self.list.spec.keys
        for key in HIDDEN_COLUMNS:
            if key in keys:
                self.list.column_chooser.set_column_visible(keys.index(key), False)
        self.list.table.horizontalHeader().resizeSection(keys.index("title"), 200)
        list_tab = panel(
            filters, self.use_case_filter, (self.list, 1), margins=TAB_MARGINS, spacing=4
        )
        self.list_tab = list_tab
        self.search = SearchPane()
        self.search.set_workspace(self.ws)
        search_tab = panel(self.search, margins=TAB_MARGINS)
        self.left_tabs = area_tabs((list_tab, "List"), (search_tab, "Search"))
        self.left_tabs.setMinimumWidth(200)

    def _build_middle(self) -> None:
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("documentTitle")
        self.title_edit.setPlaceholderText("Title")
        # The kind and status give way first in a narrow window; the title stays readable.
        self.title_edit.setMinimumWidth(self.title_edit.fontMetrics().averageCharWidth() * 24)
        # Both give way in a narrow window (a long approver and date, a long kind name).
        self.status_chip = ElidedLabel()
        self.status_chip.setObjectName("statusChip")
        self.kind_label = ElidedLabel()
        self.kind_label.setObjectName("mutedLabel")
        self.use_case_combo = QComboBox()
        self.use_case_combo.setObjectName("documentUseCase")
        self.use_case_combo.addItem("No use case", None)
        self.use_case_combo.setToolTip("The use case this document belongs to")
        self.use_case_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.use_case_combo.setMinimumContentsLength(10)
        self.review_button = button("Send for review", tip="Move this draft to review")
        self.approve_button = button(
            "Approve…", tip="Record who approved this document (dated today)"
        )
        self.draft_button = button("Back to draft", tip="Return this document to draft")
        self.save_label = QLabel()
        self.save_label.setObjectName("saveState")
        # A status line: a long message (an export path) is cut, never widens the window.
        self.save_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.preview_button = self._pane_toggle(
            "preview",
            "Preview",
            f"Show or hide the live preview beside the editor ({PREVIEW_SHORTCUT})",
        )
        self.review_pane_button = self._pane_toggle(
            "review", "Review", f"Show or hide the review and history pane ({REVIEW_SHORTCUT})"
        )
        top = hbox(
            (self.title_edit, 1),
            self.kind_label,
            self.status_chip,
            Space(8),
            self.preview_button,
            self.review_pane_button,
            spacing=6,
        )
        second = hbox(
            QLabel("Use case"),
            (self.use_case_combo, 1),
            self.review_button,
            self.approve_button,
            self.draft_button,
            spacing=8,
        )

        self.source = SourcePane()
        self.editor = self.source.editor
        self.preview = PreviewBrowser(tasks=self.ctx.tasks)
        self.preview.image_folder = self.ws.path.parent
        self.editor_splitter = splitter(
            self.source, self.preview, stretch=(3, 2), name="editorSplitter", rigid=(0,)
        )
        keep_state(self.editor_splitter, self.ctx.settings, EDITOR_SPLITTER_NAME, (560, 400))
        self.preview.setVisible(True)

        self.empty_label = empty_state(
            "No document open. Pick one in the list, or create one with New document."
        )

        self.editor_box = QFrame()
        self.editor_box.setObjectName("documentEditorBox")
        vbox(
            top,
            second,
            (self.editor_splitter, 1),
            self.save_label,
            margins=(10, 8, 10, 6),
            spacing=6,
            parent=self.editor_box,
        )
        self.middle = panel((self.editor_box, 1), (self.empty_label, 1), margins=(6, 0, 6, 0))

    def _build_right(self) -> None:
        self.review = ReviewPanel()
        self.history = HistoryPanel()
        self.right_tabs = area_tabs(
            (panel(self.review, margins=TAB_MARGINS), "Review"),
            (panel(self.history, margins=TAB_MARGINS), "History"),
        )
        self.right_tabs.setMinimumWidth(200)  # room for the Related panel at 1280 px

    def _pane_toggle(self, pane: str, text: str, tip: str) -> QPushButton:
        toggle = button(text, name="segmentButton", tip=tip)
        toggle.setCheckable(True)
        toggle.setChecked(True)
        bold = QFont(toggle.font())
        bold.setBold(True)  # the checked state is bold: leave room for it
        toggle.setMinimumWidth(QFontMetrics(bold).horizontalAdvance(text) + 36)
        toggle.toggled.connect(lambda _on: self._on_pane_toggled(pane))
        return toggle

    # -- panes ----------------------------------------------------------------------------

    def pane_visible(self, pane: str) -> bool:
        """Whether ``pane`` (``preview`` or ``review``) is shown (its toggle is on)."""
        return self._toggle(pane).isChecked()

    def set_pane_visible(self, pane: str, visible: bool) -> None:
        """Show or hide the live preview or the review pane, as its toggle button does
        (the choice is remembered for the next run)."""
        self._toggle(pane).setChecked(visible)

    def _toggle(self, pane: str) -> QPushButton:
        return self.preview_button if pane == "preview" else self.review_pane_button

    def _restore_panes(self) -> None:
        saved = self.ctx.settings.splitter_state(PANES_NAME)
        shown = _parse_panes(bytes(saved.data()) if saved is not None else b"")
        self._chosen = set(shown)
        for pane in PANES:
            toggle = self._toggle(pane)
            toggle.blockSignals(True)
            toggle.setChecked(shown.get(pane, True))
            toggle.blockSignals(False)
        self._apply_panes()

    def _apply_panes(self) -> None:
        preview = self.preview_button.isChecked()
        review = self.review_pane_button.isChecked()
        self.preview.setVisible(preview)
        self.right_tabs.setVisible(review)
        self.preview_action.setText("Hide preview" if preview else "Show preview")
        self.review_action.setText("Hide review" if review else "Show review")
        if preview and self.document_id is not None:  # catch up with the text typed
            self.preview.set_markdown(self.editor.toPlainText(), immediate=True)

    def _on_pane_toggled(self, pane: str) -> None:
        self._chosen.add(pane)
        self._apply_panes()
        state = ",".join(f"{p}={int(self.pane_visible(p))}" for p in PANES if p in self._chosen)
        self.ctx.settings.set_splitter_state(PANES_NAME, state.encode())

    def room_for_preview(self) -> int:
        """The width the editor area needs to show the preview beside an editor of
        :data:`EDITOR_COLUMNS` characters."""
        column = self.editor.fontMetrics().horizontalAdvance("m")
        editor = EDITOR_COLUMNS * column + self.editor.verticalScrollBar().sizeHint().width() + 24
        return editor + PREVIEW_MIN_WIDTH + self.editor_splitter.handleWidth()

    def _fit_preview(self) -> None:
        """Until the user chooses, show the preview only when the editor keeps
        :data:`EDITOR_COLUMNS` characters beside it (so a laptop screen gets a writable
        editor first and the preview one click or Ctrl+Shift+P away)."""
        if "preview" in self._chosen:
            return
        wanted = self.editor_splitter.width() >= self.room_for_preview()
        if self.preview_button.isChecked() != wanted:
            self.preview_button.blockSignals(True)
            self.preview_button.setChecked(wanted)
            self.preview_button.blockSignals(False)
            self._apply_panes()

    def _connect(self) -> None:
        self.new_button.clicked.connect(self.new_document)
        self.delete_button.clicked.connect(self.delete_document)
        self.template_button.clicked.connect(self.save_as_template)
        self.export_md_action.triggered.connect(lambda: self.export("md"))
        self.export_html_action.triggered.connect(lambda: self.export("html"))
        self.export_pdf_action.triggered.connect(lambda: self.export("pdf"))
        self.export_case_action.triggered.connect(lambda: self.export("case_pdf"))
        for combo in (self.kind_combo, self.status_combo, self.use_case_filter):
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.list.current_changed.connect(self._on_list_current_changed)
        self.search.hit_activated.connect(self._on_search_hit_activated)
        self.title_edit.editingFinished.connect(self._on_title_edit_editing_finished)
        self.use_case_combo.activated.connect(self._on_use_case_combo_activated)
        self.review_button.clicked.connect(self.send_for_review)
        self.approve_button.clicked.connect(self.approve)
        self.draft_button.clicked.connect(self.back_to_draft)
        self.editor.textChanged.connect(self._on_editor_text_changed)
        self.editor.verticalScrollBar().valueChanged.connect(self._on_editor_scrolled)
        self.preview.refreshed.connect(self._on_editor_scrolled)
        self.review.line_requested.connect(self.editor.go_to_line)
        self.history.restore_requested.connect(self.restore_revision)
        self.editor.installEventFilter(self)
        self.editor_splitter.installEventFilter(self)
        self.ctx.changed.connect(self._on_ctx_changed)
        self.ctx.workspace_closed.connect(self._on_ctx_workspace_closed)

    # -- filters --------------------------------------------------------------------------

    def load_choices(self) -> None:
        cases = use_case_choices(self.ws)
        _refill(self.use_case_filter, [(title, case_id) for case_id, title in cases])
        _refill(self.use_case_combo, [(title, case_id) for case_id, title in cases])
        self._show_use_case()

    def filters(self) -> dict[str, Any]:
        return chosen_filters(
            (
                ("kind", self.kind_combo),
                ("status", self.status_combo),
                ("use_case", self.use_case_filter),
            )
        )

    def apply_filters(self) -> None:
        self.list.set_filters(self.filters())

    def focus_search(self) -> None:
        self.left_tabs.setCurrentIndex(1)
        self.search.query_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.query_edit.selectAll()

    # -- the open document ----------------------------------------------------------------

    def _read(self, document_id: int) -> dict[str, Any] | None:
        try:
            doc = documents.get_document(ws=self.ws, document_id=document_id)
        except NotFoundError:
            return None
        return {"id": doc.id, **doc.model_dump(warnings=False)}

    def open_document(self, document_id: int | None, line: int | None = None) -> None:
        """Show ``document_id`` (saving the one open first); put the cursor on ``line``."""
        if document_id != self.document_id:
            self.save_now()
            self._open(document_id)
            if document_id is not None and self.list.current_id() != document_id:
                self.list.select_ids([document_id])
        if line is not None and self.document_id is not None:
            self.editor.go_to_line(line)

    def _open(self, document_id: int | None) -> None:
        doc = self._read(document_id) if document_id is not None else None
        self.autosave_timer.stop()
        if doc is None:
            self.document_id = None
            self.doc = {}
            self._saved_body, self.saved_version = "", None
            self._set_editor_text("")
            self.preview.clear_document()
            self.review.clear_review()
            self.history.set_document(None, None)
            self.editor_box.setVisible(False)
            self.empty_label.setVisible(True)
            self._update_actions()
            self.current_entity_changed.emit()
            return
        self.document_id = doc["id"]
        self.doc = doc
        self._saved_body, self.saved_version = doc["body"] or "", doc["version"]
        self.editor_box.setVisible(True)
        self.empty_label.setVisible(False)
        self._set_editor_text(self._saved_body)
        self.editor.moveCursor(self.editor.textCursor().MoveOperation.Start)
        self._show_meta()
        self.preview.set_markdown(self._saved_body, immediate=True)
        self.review.set_text(
            self._saved_body, kind=doc["kind"], high_risk=self._high_risk(), immediate=True
        )
        self.history.set_document(self.ws, self.document_id, doc["title"])
        self.save_label.setText(self._saved_text())
        self._update_actions()
        self.current_entity_changed.emit()

    def current_entity(self) -> tuple[str, int] | None:
        """The open document, for the Related panel."""
        return None if self.document_id is None else ("document", self.document_id)

    def _set_editor_text(self, text: str) -> None:
        self._loading = True
        try:
            self.editor.setPlainText(text)
        finally:
            self._loading = False

    def _replace_editor_text(self, text: str) -> None:
        """Show a body written elsewhere (undo, restore), keeping the cursor roughly put."""
        position = self.editor.textCursor().position()
        scroll = self.editor.verticalScrollBar().value()
        self._set_editor_text(text)
        cursor = self.editor.textCursor()
        cursor.setPosition(min(position, len(text)))
        self.editor.setTextCursor(cursor)
        self.editor.verticalScrollBar().setValue(scroll)

    def _high_risk(self) -> bool:
        if self.document_id is None:
            return False
        return documents.is_high_risk(ws=self.ws, document_id=self.document_id)

    def _show_meta(self) -> None:
        doc = self.doc
        if not self.title_edit.hasFocus() or self.title_edit.text() == "":
            self.title_edit.setText(doc.get("title", ""))
            self.title_edit.setCursorPosition(0)  # a long title shows its start
            self.title_edit.setToolTip(doc.get("title", ""))
        status = str(doc.get("status", "draft"))
        text = STATUS_TEXT.get(status, status)
        if status == DocumentStatus.APPROVED.value and doc.get("approver"):
            text += f" · {doc['approver']}"
            if doc.get("approved_on"):
                text += f" · {format_date(doc['approved_on'])}"
        self.status_chip.setText(text)
        self.status_chip.setProperty("status", status)
        self.status_chip.style().unpolish(self.status_chip)
        self.status_chip.style().polish(self.status_chip)
        self.kind_label.setText(kind_name(doc.get("kind", "")))
        self._show_use_case()

    def _show_use_case(self) -> None:
        case_id = self.doc.get("use_case_id")
        index = self.use_case_combo.findData(case_id) if case_id is not None else 0
        self.use_case_combo.setCurrentIndex(max(0, index))

    def _saved_text(self) -> str:
        updated = self.doc.get("updated_at")
        if isinstance(updated, dt.datetime):
            return f"All changes saved · {format_datetime(updated)}"
        return "All changes saved"

    def _update_actions(self) -> None:
        has_doc = self.document_id is not None
        writable = has_doc and not self.ctx.readonly
        status = str(self.doc.get("status", ""))
        self.editor.setReadOnly(not writable)
        self.title_edit.setReadOnly(not writable)
        self.use_case_combo.setEnabled(writable)
        self.review_button.setEnabled(writable and status == DocumentStatus.DRAFT.value)
        self.approve_button.setEnabled(writable and status == DocumentStatus.IN_REVIEW.value)
        self.draft_button.setEnabled(writable and status != DocumentStatus.DRAFT.value)
        self.delete_button.setEnabled(writable)
        self.delete_action.setEnabled(writable)
        why = (
            "This workspace is open read-only"
            if self.ctx.readonly
            else "Open a document first"
            if not has_doc
            else ""
        )
        now = STATUS_TEXT.get(status, status).lower()
        tips = (
            (
                self.review_button,
                "Move this draft to review",
                f"Only a draft goes to review; this one is {now}",
            ),
            (
                self.approve_button,
                "Record who approved this document (dated today)",
                f"Send the document for review first; it is {now}",
            ),
            (
                self.draft_button,
                "Return this document to draft",
                "This document is a draft already",
            ),
            (self.delete_button, "Delete this document and its revisions (undoable)", ""),
        )
        for widget, tip, not_now in tips:
            widget.setToolTip(tip if widget.isEnabled() else (why or not_now))
        self.template_button.setEnabled(has_doc)
        self.export_button.setEnabled(has_doc)
        self.export_case_action.setEnabled(has_doc and self.doc.get("use_case_id") is not None)
        self.new_button.setEnabled(not self.ctx.readonly)
        self.history.set_readonly(not writable)

    # -- autosave -------------------------------------------------------------------------

    @property
    def dirty(self) -> bool:
        """True when the editor holds text not saved yet."""
        return self.document_id is not None and self.editor.toPlainText() != self._saved_body

    def save_now(self) -> bool:
        """Save the editor's text now if it changed (one undo step, one revision)."""
        self.autosave_timer.stop()
        if not self.dirty or self.ctx.readonly or self.ctx.workspace is None:
            return False
        assert self.document_id is not None
        body = self.editor.toPlainText()
        return self.ctx.run_edit(save_body_command(self, body, self.saved_version))

    def saved_as(self, body: str, version: int) -> None:
        """The editor's ``body`` is stored: the document is at ``version``."""
        self._saved_body, self.saved_version = body, version

    def show_stored_body(self) -> None:
        """Show the body stored now in place of the editor's (Reload theirs)."""
        doc = self._read(self.document_id) if self.document_id is not None else None
        if doc is not None:
            self.doc = doc
            self.saved_as(doc["body"] or "", doc["version"])
            self._replace_editor_text(self._saved_body)
            self.save_label.setText(self._saved_text())

    def _on_editor_text_changed(self) -> None:
        if self._loading or self.document_id is None:
            return
        text = self.editor.toPlainText()
        self.preview.set_markdown(text)
        self.review.set_text(text)
        if text != self._saved_body and not self.editor.isReadOnly():
            self.save_label.setText("Editing… (saves when you pause)")
            self.autosave_timer.start()
        else:
            self.autosave_timer.stop()
            self.save_label.setText(self._saved_text())

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if watched is self.editor_splitter and event.type() == event.Type.Resize:
            self._fit_preview()
        if (
            watched is self.editor
            and event.type() == event.Type.FocusOut
            and event.reason() == Qt.FocusReason.PopupFocusReason
        ):
            self.save_now()  # a menu opens: Edit ▸ Undo must see the latest text saved
        return super().eventFilter(watched, event)

    def hideEvent(self, event: QHideEvent) -> None:
        self.save_now()
        super().hideEvent(event)

    def _on_ctx_workspace_closed(self) -> None:
        # The context has already let go of the workspace; it is still open for this call.
        if self.dirty:
            save_on_close(self)
        self.autosave_timer.stop()
        self._saved_body = self.editor.toPlainText()

    def _on_editor_scrolled(self, *_args: Any) -> None:
        bar = self.editor.verticalScrollBar()
        fraction = bar.value() / bar.maximum() if bar.maximum() else 0.0
        self.preview.scroll_to_fraction(fraction)

    # -- changes from anywhere ------------------------------------------------------------

    def _on_ctx_changed(self, changes: Changes) -> None:
        if self.ctx.workspace is not self.ws:
            return
        self.list.apply_changes(changes)
        if changes.touches("use_case"):
            self.load_choices()
        if changes.touches("document") and self.search.query_edit.text().strip():
            self.search.run_search()
        if self.document_id is None:
            if changes.kind == "document" and changes.action in ("create", "restore"):
                self.open_document(changes.ids[0] if changes.ids else None)
            return
        if not changes.touches("document", "use_case", "ai_act_assessment") or (
            changes.kind == "document" and changes.ids and self.document_id not in changes.ids
        ):
            return
        doc = self._read(self.document_id)
        if doc is None:
            self._open(self.list.current_id())
            return
        self.doc = doc
        body = doc["body"] or ""
        if body != self._saved_body and self.dirty:
            pass  # the user's unsaved text stays; saving it over theirs asks (body_guard)
        elif body != self._saved_body:
            self.autosave_timer.stop()
            self.saved_as(body, doc["version"])
            if body != self.editor.toPlainText():
                self._replace_editor_text(body)
                self.preview.set_markdown(body, immediate=True)
        else:
            self.saved_version = doc["version"]  # not its body: saving mine loses nothing
        self._show_meta()
        self.review.set_text(
            self.editor.toPlainText(),
            kind=doc["kind"],
            high_risk=self._high_risk(),
            immediate=True,
        )
        self.history.title = doc["title"]
        self.history.refresh()
        if not self.autosave_timer.isActive():
            self.save_label.setText(self._saved_text())
        self._update_actions()

    # -- list and search ------------------------------------------------------------------

    def _on_list_current_changed(self, document_id: Any) -> None:
        if document_id is not None and document_id != self.document_id:
            self.save_now()
            self._open(document_id)

    def _on_search_hit_activated(self, document_id: int, line: int) -> None:
        self.open_document(document_id, line)
