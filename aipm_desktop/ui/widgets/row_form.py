"""Showing one stored row on a :class:`~.record_form.RecordForm` and saving its edits.

The KPI, risk and use-case forms share both halves: read the row (None when it is gone),
show its ``XBase`` fields (read-only when the workspace is), and push the changed fields
as one :class:`~aipm_desktop.ui.undo.UpdateRecordCommand` (merged while one field is
typed in). :class:`RowForm` is such a form that keeps the id of the row it shows and
stores its edits through a command of the area's own (a service call).

Both remember the version of the row shown (``form.version``) and save against it: when
another window or process changed the row since, nothing is written and the conflict
dialog asks, per field, whose value to keep (:mod:`aipm_desktop.ui.conflicts`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QWidget

from ...errors import UserError
from ...services import records
from ..undo import UpdateRecordCommand
from .record_form import FieldSpec, RecordForm
from .versioned import guard_edit

if TYPE_CHECKING:
    import pydantic

    from ..context import AppContext

#: What a field says when the workspace cannot be reached as the user saves it.
UNAVAILABLE_HINT = (
    "Not saved: the workspace cannot be reached. Your text is kept; press Enter in the "
    "field again once the banner has gone."
)


def show_row(
    form: RecordForm,
    ctx: AppContext,
    model: type[Any],
    row_id: int | None,
    schema: type[pydantic.BaseModel],
    *,
    force: bool = False,
) -> Any:
    """Read row ``row_id`` of ``model`` and show its ``schema`` fields on ``form``;
    the row, or None (the form shows its empty state) when there is none."""
    ws = ctx.workspace
    obj = None
    if ws is not None and row_id is not None:
        try:
            obj = records.get(ws=ws, model=model, id=row_id)
        except UserError:
            obj = None
    if obj is None:
        form.set_record(None)
        return None
    form.readonly = ctx.readonly
    record = {k: getattr(obj, k) for k in schema.model_fields}
    if force or form.record is None:
        form.version_held = False
    elif form.typed_over(record):
        form.version_held = True  # what the user types over changed: saving it asks
    if not form.version_held:
        form.version = getattr(obj, "version", None)
    form.unavailable = lambda: UNAVAILABLE_HINT if ctx.live.lost else ""
    form.set_record(record, force=force)
    return obj


def guarded(
    form: RecordForm,
    model: type[Any],
    row_id: int,
    changed: dict[str, Any],
    make: Callable[[dict[str, Any]], QUndoCommand],
    version: int | None = None,
) -> QUndoCommand:
    """``make(changed)``, the command storing ``changed`` on row ``row_id`` that ``form``
    shows, made to write only while the row is at the version the form read (``version``,
    default ``form.version``; no check when unknown). A conflict offers to merge; the
    merged edit is made the same way."""

    def written(new_version: int) -> None:
        if getattr(form, "row_shown", row_id) == row_id:
            form.version = new_version

    version = form.version if version is None else version
    return guard_edit(
        make, model, row_id, changed, version, label_for=form.label_for, written=written
    )


def push_update(
    ctx: AppContext,
    model: type[Any],
    row_id: int | None,
    changed: dict[str, Any],
    form: RecordForm | None = None,
) -> bool:
    """Store ``changed`` on row ``row_id`` as one undo step; False when there is no row.
    With the ``form`` showing the row, only while the row is as the form read it."""
    if row_id is None:
        return False

    def make(values: dict[str, Any]) -> QUndoCommand:
        return UpdateRecordCommand(ctx, model, row_id, values, merge=len(values) == 1)

    command = make(changed) if form is None else guarded(form, model, row_id, changed, make)
    return ctx.run_edit(command)


class RowForm(RecordForm):
    """A :class:`RecordForm` of the stored row :attr:`row_id` of ``model`` (its ``schema``
    fields): :meth:`load` shows a row, and each edit is stored as one undo step made by
    ``update(ctx, row_id, changed)``."""

    def __init__(
        self,
        ctx: AppContext,
        fields: Sequence[FieldSpec],
        model: type[Any],
        schema: type[pydantic.BaseModel],
        update: Callable[[AppContext, int, dict[str, Any]], QUndoCommand],
        parent: QWidget | None = None,
        **options: Any,
    ) -> None:
        self.ctx = ctx  # the fields' choices read the workspace while the form is built
        super().__init__(fields, schema, self._push, parent, **options)
        self.model = model
        self.update_command = update
        self.row_id: int | None = None

    def load(self, row_id: int | None) -> Any:
        """Show row ``row_id`` (None, or a row that is gone: the empty state), keeping a
        field the user is typing in when it is the row shown; the row read, or None."""
        force = row_id != self.row_id
        self.row_id = row_id
        obj = show_row(self, self.ctx, self.model, row_id, self.schema, force=force)
        if obj is None:
            self.row_id = None
        return obj

    @property
    def row_shown(self) -> int | None:
        return self.row_id

    def _push(self, changed: dict[str, Any]) -> bool:
        row_id = self.row_id
        if row_id is None:
            return False

        def make(values: dict[str, Any]) -> QUndoCommand:
            return self.update_command(self.ctx, row_id, values)

        return self.ctx.run_edit(guarded(self, self.model, row_id, changed, make))
