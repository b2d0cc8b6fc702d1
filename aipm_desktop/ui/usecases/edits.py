"""Undoable edits of the Use cases area, over the scoring and use-case services.

Each factory returns a generic :class:`~aipm_desktop.ui.undo.OperationCommand`: its first
redo runs the service call as one workspace operation, and undo/redo ask the core to
reverse and replay that operation (the old level and rationale, the previously active
model, the copied rows all come back or go away as they were). An edit that changes
nothing leaves no undo step. Criterion edits (names, levels, directions, weights) use
:func:`~aipm_desktop.ui.undo.update_record` directly. The factories keep the
``...Command`` names the area's widgets have always used.
"""

from __future__ import annotations

from ...services import scoring
from ...services import usecases as usecase_service
from ...services.conflicts import Slot
from ..context import AppContext
from ..undo import OperationCommand, new_record_command, service_command


def SetScoreCommand(
    ctx: AppContext,
    use_case_id: int,
    criterion_id: int,
    value: int | None,
    *,
    rationale: str | None = None,
    label: str = "",
    text: str | None = None,
    expect: Slot | None = None,
) -> OperationCommand:
    """Set (or clear, with ``value=None``) one use case's score on one criterion.

    ``rationale=None`` keeps the stored rationale; a rationale-only edit passes the stored
    level as ``value`` and the new text (``text`` names the step in Edit ▸ Undo). Undo puts
    back the old level and rationale together. With ``expect`` (the score as the editor
    read it) a score changed since is left as it is: see ``scoring.set_score``.
    """
    what = f" of '{label}'" if label else ""
    if text is None:
        text = f"clear score{what}" if value is None else f"set score{what} to {value}"
    return service_command(
        ctx,
        text,
        lambda ws: scoring.set_score(
            ws=ws,
            use_case_id=use_case_id,
            criterion_id=criterion_id,
            value=value,
            rationale=rationale,
            who=ctx.author(),
            expect=expect,
        ),
    )


def SetActiveModelCommand(ctx: AppContext, model_id: int, *, name: str = "") -> OperationCommand:
    """Make another scoring model the active one. Undo goes back to the previous one."""
    text = f"use scoring model '{name}'" if name else "change active scoring model"
    return service_command(
        ctx,
        text,
        lambda ws: scoring.set_active_model(ws=ws, model_id=model_id, who=ctx.author()),
    )


def DuplicateUseCaseCommand(
    ctx: AppContext, use_case_id: int, *, label: str = ""
) -> OperationCommand:
    """Copy a use case (with its scores); the copy's id is in ``record_id`` after the push.
    Undo deletes the copy; redo brings back the same row."""
    text = f"duplicate use case '{label}'" if label else "duplicate use case"
    return new_record_command(
        ctx,
        text,
        lambda ws: usecase_service.duplicate_use_case(
            ws=ws, use_case_id=use_case_id, who=ctx.author()
        ),
    )


def CopyModelCommand(ctx: AppContext, model_id: int, name: str) -> OperationCommand:
    """Copy a scoring model (criteria and scores) under a new name; the copy's id is in
    ``record_id`` after the push. Undo deletes the copy."""
    return new_record_command(
        ctx,
        f"copy scoring model as '{name}'",
        lambda ws: scoring.copy_model(ws=ws, model_id=model_id, name=name, who=ctx.author()),
    )
