"""The Documents page's commands on the open document: new, delete, the status workflow
(send for review, approve, back to draft), restoring a revision, the title and use case
edits, saving as a template, and the Markdown/HTML/PDF export.

:class:`DocumentActions` is mixed into :class:`~.page.DocumentsPage`, which builds the
widgets these methods read and connects its buttons and menus to them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from ...errors import UserError
from ...models import Document
from ...models.enums import DocumentStatus
from ...services import documents, rendering, templates
from ...store import Workspace
from ..context import AppContext
from ..undo import UpdateRecordCommand
from ..widgets.versioned import guard_move
from .edits import (
    DeleteDocumentCommand,
    NewDocumentCommand,
    RestoreRevisionCommand,
    SetStatusCommand,
)
from .new_dialog import NewDocumentDialog


def _ask_text(
    parent: QWidget, texts: tuple[str, str, str], value: str, done: Callable[[str], None]
) -> QInputDialog:
    """Open a window-modal text prompt; ``texts`` are its title, label and OK button.
    Accepting calls ``done`` with the text; the dialog is deleted when it closes."""
    dialog = QInputDialog(parent)
    title, label, ok_text = texts
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextValue(value)
    dialog.setOkButtonText(ok_text)
    dialog.accepted.connect(lambda: done(dialog.textValue()))
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()
    return dialog


class DocumentActions:
    """The edit and export actions of :class:`~.page.DocumentsPage` (a mixin: it uses the
    page's context, workspace, open document, widgets and :meth:`save_now`)."""

    ctx: AppContext
    ws: Workspace
    document_id: int | None
    doc: dict[str, Any]
    new_dialog: NewDocumentDialog | None
    approve_dialog: QInputDialog | None
    template_dialog: QInputDialog | None
    confirm_box: QMessageBox | None
    conflict_box: QMessageBox | None
    last_export: Path | None

    # -- edits ----------------------------------------------------------------------------

    def new_document(self) -> NewDocumentDialog | None:
        """Open the New document dialog (non-modal; the document is made on Create)."""
        if self.ctx.readonly:
            return None
        self.save_now()
        case_id = self.use_case_filter.currentData()
        kind = self.kind_combo.currentData() or "ai_prd"
        dialog = NewDocumentDialog(self.ws, kind=kind, use_case_id=case_id, parent=self)
        dialog.accepted.connect(lambda: self._create_from(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.new_dialog = dialog
        dialog.open()
        return dialog

    def _create_from(self, dialog: NewDocumentDialog) -> int | None:
        values = dialog.values()
        command = NewDocumentCommand(self.ctx, **values)
        if not self.ctx.run_edit(command) or command.document_id is None:
            return None
        new_id = command.document_id
        if self.list.model.row_of(new_id) is None:
            for combo in (self.kind_combo, self.status_combo, self.use_case_filter):
                combo.setCurrentIndex(0)
            self.list.filter_box.clear()
            self.list.filter_box.flush()
        self.left_tabs.setCurrentIndex(0)
        self.open_document(new_id)
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        return new_id

    def delete_document(self) -> QMessageBox | None:
        """Ask, then delete the open document (undoable)."""
        if self.document_id is None or self.ctx.readonly:
            return None
        self.save_now()
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Delete document",
            f"Delete “{self.doc.get('title', '')}” and its revisions?\nEdit ▸ Undo brings it back.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        document_id = self.document_id
        title = str(self.doc.get("title", ""))
        box.accepted.connect(
            lambda: self.ctx.run_edit(DeleteDocumentCommand(self.ctx, document_id, title))
        )
        box.finished.connect(box.deleteLater)
        self.confirm_box = box
        box.open()
        return box

    def set_status(
        self, status: str, approver: str | None = None, *, version: int | None = None
    ) -> bool:
        """Move the open document to ``status`` (the editor's text saved first), only
        while it is as the page shows it (``version``, default the version shown): when
        another window changed it since, nothing is written and a message says who
        changed what, with Reload theirs."""
        if self.document_id is None:
            return False
        self.save_now()
        if self.conflict_box is not None:  # the text could not be saved: that asks first
            return False
        document_id = self.document_id
        make = partial(SetStatusCommand, self.ctx, document_id, status, approver=approver)
        read = self.doc.get("version") if version is None else version
        return self.ctx.run_edit(guard_move(self.ctx, make, Document, document_id, read))

    def send_for_review(self) -> bool:
        return self.set_status(DocumentStatus.IN_REVIEW.value)

    def back_to_draft(self) -> bool:
        return self.set_status(DocumentStatus.DRAFT.value)

    def approve(self) -> QInputDialog | None:
        """Ask who approves (today's date is recorded), then approve."""
        if self.document_id is None:
            return None
        self.save_now()
        read = self.doc.get("version")  # what is approved is the document shown now

        def done(value: str) -> None:
            name = value.strip()
            if not name:
                self.ctx.show_error(UserError("Enter the name of the approver."))
                return
            self.set_status(DocumentStatus.APPROVED.value, approver=name, version=read)

        self.approve_dialog = _ask_text(
            self,
            ("Approve document", "Approved by (the date is today's):", "Approve"),
            self.ctx.author() or "",
            done,
        )
        return self.approve_dialog

    def restore_revision(self, revision_id: int) -> bool:
        if self.document_id is None:
            return False
        self.save_now()
        return self.ctx.run_edit(RestoreRevisionCommand(self.ctx, self.document_id, revision_id))

    def _on_title_edit_editing_finished(self) -> None:
        title = self.title_edit.text().strip()
        if self.document_id is None or not title or title == self.doc.get("title"):
            if not title:
                self.title_edit.setText(str(self.doc.get("title", "")))
            return
        self._update({"title": title})

    def _on_use_case_combo_activated(self, _index: int) -> None:
        case_id = self.use_case_combo.currentData()
        if self.document_id is None or case_id == self.doc.get("use_case_id"):
            return
        self._update({"use_case_id": case_id}, text="link document to use case")

    def _update(self, data: dict[str, Any], **options: Any) -> bool:
        """Store ``data`` on the open document, only while it is as read (no lost update)."""
        assert self.document_id is not None
        labels = {"title": "Title", "use_case_id": "Use case"}.get
        version = self.doc.get("version")
        return self.ctx.run_edit(
            UpdateRecordCommand(
                self.ctx,
                Document,
                self.document_id,
                data,
                version=version,
                label_for=labels,
                **options,
            )
        )

    def save_as_template(self) -> QInputDialog | None:
        """Ask for a name, then write this document as one of the user's templates."""
        if self.document_id is None:
            return None
        self.save_now()
        document_id = self.document_id

        def done(name: str) -> None:
            try:
                path = templates.save_as_template(ws=self.ws, document_id=document_id, name=name)
            except UserError as err:
                self.ctx.show_error(err)
                return
            self.save_label.setText(f"Saved as template: {path.name}")

        self.template_dialog = _ask_text(
            self,
            ("Save as template", "Template name:", "Save template"),
            str(self.doc.get("title", "")),
            done,
        )
        return self.template_dialog

    # -- export ---------------------------------------------------------------------------

    def ask_save_path(self, caption: str, name: str, file_filter: str) -> Path | None:
        """The file to write (a save dialog); None when cancelled."""
        start = self.ctx.settings.last_directory() / name
        chosen, _ = QFileDialog.getSaveFileName(self, caption, str(start), file_filter)
        if not chosen:
            return None
        path = Path(chosen)
        self.ctx.settings.set_last_directory(path.parent)
        return path

    def export(self, what: str) -> Path | None:
        """Export the open document: ``md``, ``html``, ``pdf`` or ``case_pdf``."""
        if self.document_id is None:
            return None
        self.save_now()
        stem = templates.slug(str(self.doc.get("title", ""))) or "document"
        if what == "case_pdf":
            case_id = self.doc.get("use_case_id")
            if case_id is None:
                return None
            case_title = self.use_case_combo.currentText()
            name = f"{templates.slug(case_title) or 'use-case'}-documents.pdf"
            caption, file_filter = "Export the use case's documents as PDF", "PDF (*.pdf)"
        else:
            suffix = {"md": ".md", "html": ".html", "pdf": ".pdf"}[what]
            name = stem + suffix
            caption = {
                "md": "Export as Markdown",
                "html": "Export as HTML",
                "pdf": "Export as PDF",
            }[what]
            file_filter = {
                "md": "Markdown (*.md)",
                "html": "HTML (*.html)",
                "pdf": "PDF (*.pdf)",
            }[what]
        out = self.ask_save_path(caption, name, file_filter)
        if out is None:
            return None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            if what == "md":
                path = rendering.export_markdown(ws=self.ws, document_id=self.document_id, out=out)
            elif what == "html":
                path = rendering.export_html(ws=self.ws, document_id=self.document_id, out=out)
            else:
                from ...services.documents_pdf import export_pdf

                if what == "pdf":
                    ids = [self.document_id]
                    title = None
                else:
                    ids = self._use_case_document_ids(self.doc["use_case_id"])
                    title = f"{self.use_case_combo.currentText()}: documents"
                path = export_pdf(ws=self.ws, document_ids=ids, out=out, title=title)
        except UserError as err:
            self.ctx.show_error(err)
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.last_export = path
        self.save_label.setText(f"Exported to {path.name}")
        self.save_label.setToolTip(str(path))
        return path

    def _use_case_document_ids(self, use_case_id: int) -> list[int]:
        return documents.document_ids(ws=self.ws, use_case_id=use_case_id)
