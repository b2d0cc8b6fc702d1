"""Undoable edits over the interview services (ratings, signals, new evaluations).

Each factory returns a generic :class:`~aipm_desktop.ui.undo.OperationCommand`: its first
redo runs the service call as one workspace operation, and undo/redo ask the core to
reverse and replay that operation (old ratings and evidence, earlier ticks, a started
evaluation all come back or go away as they were). The factories keep the ``...Command``
names the area's widgets have always used.
"""

from __future__ import annotations

from collections.abc import Iterable

from ...services import interviews as iv
from ...services.changes import Changes
from ...store import Workspace
from ..context import AppContext
from ..undo import OperationCommand, service_command


def SetRatingCommand(
    ctx: AppContext,
    evaluation_id: int,
    dimension_id: int,
    rating: int | None,
    evidence: str | None = None,
    *,
    text: str = "rate dimension",
) -> OperationCommand:
    """Rate one dimension (and/or change its evidence). Undo puts the old rating back."""
    return service_command(
        ctx,
        text,
        lambda ws: iv.set_rating(
            ws=ws,
            evaluation_id=evaluation_id,
            dimension_id=dimension_id,
            rating=rating,
            evidence=evidence,
            who=ctx.author(),
        ),
    )


def SetSignalsCommand(
    ctx: AppContext, evaluation_id: int, signal_ids: Iterable[int], *, text: str
) -> OperationCommand:
    """Tick or untick signals of an evaluation. Undo restores the previous ticks."""
    ids = sorted(set(signal_ids))
    return service_command(
        ctx,
        text,
        lambda ws: iv.set_signals(
            ws=ws, evaluation_id=evaluation_id, signal_ids=ids, who=ctx.author()
        ),
    )


def StartEvaluationCommand(
    ctx: AppContext, candidate_id: int, exercise_id: int | None, interviewer: str
) -> OperationCommand:
    """Start an empty evaluation; its id is in ``record_id`` after the push. Undo deletes
    it (with any ratings); redo restores it."""
    command = service_command(ctx, f"start interview by {interviewer.strip()}", lambda ws: None)

    def perform(ws: Workspace) -> Changes:
        new_id, changes = iv.start_evaluation(
            ws=ws,
            candidate_id=candidate_id,
            exercise_id=exercise_id,
            interviewer=interviewer,
            who=ctx.author(),
        )
        command.record_id = int(new_id)
        return changes

    command.perform = perform
    return command
