"""Undoable edits of the Documents area, over the document services.

Each factory returns a generic :class:`~aipm_desktop.ui.undo.OperationCommand`: its first
redo runs the service call as one workspace operation, and undo/redo ask the core to
reverse and replay that operation from its before-images. So undoing a save puts the old
body (and the status an edit of an approved document reset) back and drops the revision
it added; undoing a status change restores the previous status, approver and approval
date exactly; undoing a delete brings back the same document with its revisions. An edit
that changes nothing leaves no undo step. The factories keep the ``...Command`` names the
area's widgets have always used.
"""

from __future__ import annotations

from ...models import Document
from ...services import documents, records
from ...services.changes import Changes
from ...store import Workspace
from ..context import AppContext
from ..undo import OperationCommand, service_command, short


def SaveBodyCommand(
    ctx: AppContext, document_id: int, body: str, *, title: str = "", note: str = ""
) -> OperationCommand:
    """Store a new body (one revision). Undo puts the old body back."""
    label = f" '{short(title)}'" if title else ""
    return service_command(
        ctx,
        f"edit document{label}",
        lambda ws: documents.save_body(
            ws=ws, document_id=document_id, body=body, who=ctx.author(), note=note
        ),
    )


def SetStatusCommand(
    ctx: AppContext, document_id: int, status: str, *, approver: str | None = None
) -> OperationCommand:
    """Move a document through draft → in review → approved. Undo puts the old status,
    approver and approval date back, whatever the workflow would allow."""
    return service_command(
        ctx,
        f"set document status to {status.replace('_', ' ')}",
        lambda ws: documents.set_status(
            ws=ws, document_id=document_id, status=status, approver=approver, who=ctx.author()
        ),
    )


def RestoreRevisionCommand(ctx: AppContext, document_id: int, revision_id: int) -> OperationCommand:
    """Make an earlier revision the current body. Undo puts back the body it replaced."""
    return service_command(
        ctx,
        "restore document revision",
        lambda ws: documents.restore_revision(
            ws=ws, document_id=document_id, revision_id=revision_id, who=ctx.author()
        ),
    )


def NewDocumentCommand(
    ctx: AppContext,
    *,
    kind: str,
    title: str,
    use_case_id: int | None = None,
    template_key: str | None = None,
) -> OperationCommand:
    """Create a document from a template; its id is in ``document_id`` (and
    ``record_id``) after the push. Undo deletes it; redo brings back the same row."""
    command = service_command(ctx, f"new document '{short(title)}'", lambda ws: None)
    command.document_id = None  # type: ignore[attr-defined]

    def perform(ws: Workspace) -> Changes:
        new_id, changes = documents.new_document(
            ws=ws,
            kind=kind,
            title=title,
            use_case_id=use_case_id,
            template_key=template_key,
            who=ctx.author(),
        )
        command.record_id = command.document_id = new_id  # type: ignore[attr-defined]
        return changes

    command.perform = perform
    return command


def DeleteDocumentCommand(ctx: AppContext, document_id: int, title: str = "") -> OperationCommand:
    """Delete a document with its revisions. Undo restores it (same id, same revisions)."""
    label = f" '{short(title)}'" if title else ""
    command = service_command(
        ctx,
        f"delete document{label}",
        lambda ws: records.delete(ws=ws, model=Document, id=document_id, who=ctx.author()),
    )
    command.record_id = document_id
    return command
