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
from ..context import AppContext
from ..undo import OperationCommand, short
from ..widgets.service_edits import call_command, create_command


def SaveBodyCommand(
    ctx: AppContext, document_id: int, body: str, *, title: str = "", note: str = ""
) -> OperationCommand:
    """Store a new body (one revision). Undo puts the old body back."""
    label = f" '{short(title)}'" if title else ""
    args = {"document_id": document_id, "body": body, "note": note}
    return call_command(ctx, f"edit document{label}", documents.save_body, args)


def SetStatusCommand(
    ctx: AppContext, document_id: int, status: str, *, approver: str | None = None
) -> OperationCommand:
    """Move a document through draft → in review → approved. Undo puts the old status,
    approver and approval date back, whatever the workflow would allow."""
    return call_command(
        ctx,
        f"set document status to {status.replace('_', ' ')}",
        documents.set_status,
        {"document_id": document_id, "status": status, "approver": approver},
    )


def RestoreRevisionCommand(ctx: AppContext, document_id: int, revision_id: int) -> OperationCommand:
    """Make an earlier revision the current body. Undo puts back the body it replaced."""
    return call_command(
        ctx,
        "restore document revision",
        documents.restore_revision,
        {"document_id": document_id, "revision_id": revision_id},
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
    return create_command(
        ctx,
        f"new document '{short(title)}'",
        documents.new_document,
        {"kind": kind, "title": title, "use_case_id": use_case_id, "template_key": template_key},
        id_attr="document_id",
    )


def DeleteDocumentCommand(ctx: AppContext, document_id: int, title: str = "") -> OperationCommand:
    """Delete a document with its revisions. Undo restores it (same id, same revisions)."""
    label = f" '{short(title)}'" if title else ""
    return call_command(
        ctx,
        f"delete document{label}",
        records.delete,
        {"model": Document, "id": document_id},
        record_id=document_id,
    )
