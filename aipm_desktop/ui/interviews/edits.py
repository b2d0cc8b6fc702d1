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
from ..context import AppContext
from ..undo import OperationCommand
from ..widgets.service_edits import call_command, create_command


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
    args = {"evaluation_id": evaluation_id, "dimension_id": dimension_id}
    return call_command(ctx, text, iv.set_rating, args | {"rating": rating, "evidence": evidence})


def SetSignalsCommand(
    ctx: AppContext, evaluation_id: int, signal_ids: Iterable[int], *, text: str
) -> OperationCommand:
    """Tick or untick signals of an evaluation. Undo restores the previous ticks."""
    ids = sorted(set(signal_ids))
    return call_command(
        ctx, text, iv.set_signals, {"evaluation_id": evaluation_id, "signal_ids": ids}
    )


def StartEvaluationCommand(
    ctx: AppContext, candidate_id: int, exercise_id: int | None, interviewer: str
) -> OperationCommand:
    """Start an empty evaluation; its id is in ``record_id`` after the push. Undo deletes
    it (with any ratings); redo restores it."""
    return create_command(
        ctx,
        f"start interview by {interviewer.strip()}",
        iv.start_evaluation,
        {"candidate_id": candidate_id, "exercise_id": exercise_id, "interviewer": interviewer},
    )
