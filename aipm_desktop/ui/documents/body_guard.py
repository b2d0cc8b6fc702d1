"""No lost update in the document editor: an autosave stores the body only while the
document is at the version the editor read.

A whole body does not fit the field-by-field conflict dialog, so when another window
saved the document since, :func:`ask_about_body` says who changed it when, keeps the
user's text in the editor (nothing is saved) and offers to overwrite the stored body
with it, to reload theirs (the user's text is put on the clipboard first), or to keep
editing (the next autosave asks again).
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QGuiApplication, QUndoCommand
from PySide6.QtWidgets import QMessageBox

from ...errors import ConflictError, UserError
from ...models import Document
from ...services import conflicts, documents
from ..widgets.versioned import guard_edit
from .edits import SaveBodyCommand

if TYPE_CHECKING:
    from .page import DocumentsPage

OVERWRITE = "Overwrite with mine"
RELOAD = "Reload theirs"
KEEP = "Keep editing"


def save_body_command(page: DocumentsPage, body: str, version: int | None) -> QUndoCommand:
    """The autosave of ``body`` in the document ``page`` shows, against ``version``."""
    document_id = page.document_id
    assert document_id is not None
    title = str(page.doc.get("title", ""))

    def make(values: dict[str, Any]) -> QUndoCommand:
        return SaveBodyCommand(page.ctx, document_id, values["body"], title=title)

    def written(new_version: int) -> None:
        if page.document_id == document_id:
            page.saved_as(body, new_version)

    return guard_edit(
        make,
        Document,
        document_id,
        {"body": body},
        version,
        written=written,
        on_conflict=lambda error: ask_about_body(page, document_id, body, error),
    )


def save_on_close(page: DocumentsPage) -> None:
    """Store the editor's unsaved text as the workspace closes (nothing can be asked
    then): only while the document is as the editor read it."""
    document_id = page.document_id
    assert document_id is not None
    key = conflicts.key_of(Document, document_id)
    expected = {key: page.saved_version} if page.saved_version is not None else {}
    # Read-only, gone or changed elsewhere: nothing more can be done while closing.
    with contextlib.suppress(UserError), conflicts.expecting(expected):
        documents.save_body(
            ws=page.ws,
            document_id=document_id,
            body=page.editor.toPlainText(),
            who=page.ctx.author(),
        )


def conflict_text(page: DocumentsPage, document_id: int, error: ConflictError) -> str:
    """What the question says happened: the document, who changed it and when."""
    title = str(page.doc.get("title", "")) or "This document"
    change = conflicts.last_change(page.ws, "document", document_id)
    who = f" {change.describe()}" if change is not None else ""
    del error  # the refusal itself says "nothing was saved"; this says what to do
    return (
        f"\u201c{title}\u201d was changed elsewhere{who} since you opened it. Your text "
        "was not saved; it is still in the editor."
    )


def ask_about_body(page: DocumentsPage, document_id: int, body: str, error: ConflictError) -> None:
    """Ask what to do with ``body`` after ``error`` refused it (see the module's
    docstring); the question is kept in ``page.conflict_box`` while it is open."""
    page.autosave_timer.stop()
    page.save_label.setText("Not saved: changed elsewhere")
    box = QMessageBox(page)
    box.setObjectName("bodyConflictBox")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Edit conflict")
    box.setText(conflict_text(page, document_id, error))
    box.setInformativeText(
        f"{OVERWRITE} replaces the stored text with yours (Edit \u25b8 Undo brings theirs "
        f"back). {RELOAD} shows the stored text; yours is copied to the clipboard."
    )
    overwrite = box.addButton(OVERWRITE, QMessageBox.ButtonRole.AcceptRole)
    reload = box.addButton(RELOAD, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(KEEP, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(overwrite)
    page.conflict_box = box

    def on_finished(_result: int) -> None:
        page.conflict_box = None
        box.deleteLater()
        clicked = box.clickedButton()
        if page.document_id != document_id or page.ctx.workspace is None:
            return
        try:
            _stored, version = conflicts.stored_values(page.ws, Document, document_id, ())
        except UserError as gone:
            page.ctx.show_error(gone)
            return
        if clicked is overwrite:
            page.ctx.run_edit(save_body_command(page, body, version))
        elif clicked is reload:
            QGuiApplication.clipboard().setText(body)
            page.show_stored_body()

    box.finished.connect(on_finished)
    box.open()
