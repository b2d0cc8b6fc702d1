"""Undo commands of the Documents area, over the document services.

Each performs its service call in ``redo()``, reverses it in ``undo()`` with what the
service returned (the old body, the old status) and emits the returned ``Changes``
through the context. A ``UserError`` is reported and the command marks itself obsolete.
"""

from __future__ import annotations

from typing import Any

from ...models import Document
from ...services import documents, records
from ...services.changes import Changes
from ..context import AppContext
from ..undo import CreateByServiceCommand
from ..undo import ServiceCommand as DocumentCommand


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class SaveBodyCommand(DocumentCommand):
    """Store a new body (one revision). Undo stores the old body back (another revision)."""

    def __init__(
        self, ctx: AppContext, document_id: int, body: str, *, title: str = "", note: str = ""
    ) -> None:
        label = f" '{_short(title)}'" if title else ""
        super().__init__(ctx, f"edit document{label}")
        self.document_id = document_id
        self.body = body
        self.note = note
        self.old_body: str | None = None

    def redo(self) -> None:
        def run() -> Changes:
            changes, old = documents.save_body(
                ws=self.ctx.require_workspace(),
                document_id=self.document_id,
                body=self.body,
                who=self.ctx.author(),
                note=self.note,
            )
            if self.old_body is None:
                self.old_body = old
            return changes

        first = self.old_body is None
        if self._call(run) and first and self.old_body == self.body:
            self.setObsolete(True)  # nothing changed: no undo step

    def undo(self) -> None:
        if self.old_body is None:
            return
        old = self.old_body
        self._call(
            lambda: documents.save_body(
                ws=self.ctx.require_workspace(),
                document_id=self.document_id,
                body=old,
                who=self.ctx.author(),
                note="Undo",
            )[0]
        )


class SetStatusCommand(DocumentCommand):
    """Move a document through draft → in review → approved. Undo puts the old status back."""

    def __init__(
        self, ctx: AppContext, document_id: int, status: str, *, approver: str | None = None
    ) -> None:
        super().__init__(ctx, f"set document status to {status.replace('_', ' ')}")
        self.document_id = document_id
        self.status = status
        self.approver = approver
        self.old: dict[str, Any] | None = None

    def redo(self) -> None:
        def run() -> Changes:
            changes, old = documents.set_status(
                ws=self.ctx.require_workspace(),
                document_id=self.document_id,
                status=self.status,
                approver=self.approver,
                who=self.ctx.author(),
            )
            if self.old is None:
                self.old = dict(old)
            return changes

        self._call(run)

    def undo(self) -> None:
        if self.old is None:
            return
        old = dict(self.old)
        # Written back as a plain record update: the workflow only allows moving forward
        # one step, an undo must be able to return to any earlier state.
        self._call(
            lambda: records.update(
                ws=self.ctx.require_workspace(),
                model=Document,
                id=self.document_id,
                data=old,
                who=self.ctx.author(),
            )[1]
        )


class RestoreRevisionCommand(DocumentCommand):
    """Make an earlier revision the current body. Undo stores the body it replaced."""

    def __init__(self, ctx: AppContext, document_id: int, revision_id: int) -> None:
        super().__init__(ctx, "restore document revision")
        self.document_id = document_id
        self.revision_id = revision_id
        self.old_body: str | None = None

    def redo(self) -> None:
        def run() -> Changes:
            changes, old = documents.restore_revision(
                ws=self.ctx.require_workspace(),
                document_id=self.document_id,
                revision_id=self.revision_id,
                who=self.ctx.author(),
            )
            if self.old_body is None:
                self.old_body = old
            return changes

        self._call(run)

    def undo(self) -> None:
        if self.old_body is None:
            return
        old = self.old_body
        self._call(
            lambda: documents.save_body(
                ws=self.ctx.require_workspace(),
                document_id=self.document_id,
                body=old,
                who=self.ctx.author(),
                note="Undo restore",
            )[0]
        )


class NewDocumentCommand(CreateByServiceCommand):
    """Create a document from a template. Undo deletes it; redo brings back the same row."""

    def __init__(
        self,
        ctx: AppContext,
        *,
        kind: str,
        title: str,
        use_case_id: int | None = None,
        template_key: str | None = None,
    ) -> None:
        self.kind = kind
        self.title = title
        self.use_case_id = use_case_id
        self.template_key = template_key
        super().__init__(
            ctx,
            Document,
            f"new document '{_short(title)}'",
            lambda ws: documents.new_document(
                ws=ws,
                kind=kind,
                title=title,
                use_case_id=use_case_id,
                template_key=template_key,
                who=ctx.author(),
            ),
        )

    @property
    def document_id(self) -> int | None:
        """The new document's id (after the first redo)."""
        return self.record_id


class DeleteDocumentCommand(DocumentCommand):
    """Delete a document with its revisions. Undo restores it (same id, same revisions)."""

    def __init__(self, ctx: AppContext, document_id: int, title: str = "") -> None:
        label = f" '{_short(title)}'" if title else ""
        super().__init__(ctx, f"delete document{label}")
        self.document_id = document_id
        self._stone: records.Tombstone | None = None

    def redo(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return

        def delete() -> Changes:
            self._stone, changes = records.delete(
                ws=ws, model=Document, id=self.document_id, who=self.ctx.author()
            )
            return changes

        self._call(delete)

    def undo(self) -> None:
        ws = self.ctx.workspace
        if ws is None or self._stone is None:
            return
        stone = self._stone
        self._call(lambda: records.restore(ws=ws, stone=stone, who=self.ctx.author()))
