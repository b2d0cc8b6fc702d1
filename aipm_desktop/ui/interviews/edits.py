"""Undoable edits over the interview services (ratings, signals, new evaluations).

Each factory returns a generic :class:`~aipm_desktop.ui.undo.OperationCommand`: its first
redo runs the service call as one workspace operation, and undo/redo ask the core to
reverse and replay that operation (old ratings and evidence, earlier ticks, a started
evaluation all come back or go away as they were). The factories keep the ``...Command``
names the area's widgets have always used.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ...models import Rating
from ...services import interviews as iv
from ...services import records
from ...store import Workspace
from ..context import AppContext
from ..undo import OperationCommand, service_command
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


def RateCommand(
    ctx: AppContext,
    evaluation_id: int,
    stored: iv.RatingInfo,
    values: Mapping[str, Any],
    *,
    text: str,
) -> OperationCommand:
    """Change the stored rating ``stored`` of one dimension: ``values`` holds its new
    ``rating`` and/or ``evidence``; one not given keeps what is stored when the edit runs
    (the other window's, after a conflict). Undo puts the old rating back."""
    fields = dict(values)

    def perform(ws: Workspace) -> Any:
        now = records.get(ws=ws, model=Rating, id=stored.id)
        rating = fields.get("rating", now.rating)
        return iv.set_rating(
            ws=ws,
            evaluation_id=evaluation_id,
            dimension_id=stored.dimension_id,
            rating=rating,
            evidence=fields.get("evidence"),
            who=ctx.author(),
        )

    return service_command(ctx, text, perform)


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


def SubmitCommand(
    ctx: AppContext, evaluation_id: int, interviewer: str, *, reopen: bool = False
) -> OperationCommand:
    """Submit an evaluation (ratings lock and count for the panel), or reopen it."""
    if reopen:
        return call_command(
            ctx, f"reopen evaluation by {interviewer}", iv.reopen_evaluation,
            {"evaluation_id": evaluation_id},
        )  # fmt: skip
    return call_command(
        ctx, f"submit evaluation by {interviewer}", iv.submit_evaluation,
        {"evaluation_id": evaluation_id},
    )  # fmt: skip


def RevealCommand(ctx: AppContext, candidate_id: int, reason: str) -> OperationCommand:
    """ "Compare now": show a candidate's ratings before everyone submitted, with a reason
    (the author is recorded as who revealed them)."""
    return call_command(
        ctx, "compare now", iv.reveal_ratings, {"candidate_id": candidate_id, "reason": reason}
    )


def DecisionCommand(
    ctx: AppContext, candidate_id: int, decision: str | None, rationale: str
) -> OperationCommand:
    """Record (or clear) the panel's decision on a candidate with its rationale."""
    args = {"candidate_id": candidate_id, "decision": decision, "rationale": rationale}
    return call_command(
        ctx, f"decide {iv.decision_label(decision).lower()}", iv.record_decision, args
    )


def ReferenceRatingCommand(
    ctx: AppContext,
    exercise_id: int,
    dimension_key: str,
    rating: int | None,
    rationale: str | None = None,
) -> OperationCommand:
    """Set or remove the reference rating of a case's sample answer on one dimension."""
    args = {"exercise_id": exercise_id, "dimension_key": dimension_key, "rating": rating}
    return call_command(
        ctx, "set reference rating", iv.set_reference_rating, args | {"rationale": rationale}
    )


def StartPracticeCommand(ctx: AppContext, exercise_id: int, interviewer: str) -> OperationCommand:
    """Start a practice evaluation of a calibration case; its id is in ``record_id``."""
    args = {"exercise_id": exercise_id, "interviewer": interviewer}
    return create_command(ctx, f"start practice by {interviewer.strip()}", iv.start_practice, args)
