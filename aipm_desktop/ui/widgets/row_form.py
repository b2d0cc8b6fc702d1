"""Showing one stored row on a :class:`~.record_form.RecordForm` and saving its edits.

The KPI, risk and use-case forms share both halves: read the row (None when it is gone),
show its ``XBase`` fields (read-only when the workspace is), and push the changed fields
as one :class:`~aipm_desktop.ui.undo.UpdateRecordCommand` (merged while one field is
typed in).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...errors import UserError
from ...services import records
from ..undo import UpdateRecordCommand

if TYPE_CHECKING:
    import pydantic

    from ..context import AppContext
    from .record_form import RecordForm


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
    form.set_record({k: getattr(obj, k) for k in schema.model_fields}, force=force)
    return obj


def push_update(
    ctx: AppContext, model: type[Any], row_id: int | None, changed: dict[str, Any]
) -> bool:
    """Store ``changed`` on row ``row_id`` as one undo step; False when there is no row."""
    if row_id is None:
        return False
    command = UpdateRecordCommand(ctx, model, row_id, changed, merge=len(changed) == 1)
    return ctx.run_edit(command)
