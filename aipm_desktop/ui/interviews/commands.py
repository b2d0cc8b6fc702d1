"""Undo commands over the interview services (ratings, signals, new evaluations)."""

from __future__ import annotations

from collections.abc import Iterable

from ...models import Evaluation
from ...services import interviews as iv
from ...services.changes import Changes
from ..context import AppContext
from ..undo import CreateByServiceCommand, RecordCommand


class SetRatingCommand(RecordCommand):
    """Rate one dimension (and/or change its evidence). Undo puts the old rating back."""

    def __init__(
        self,
        ctx: AppContext,
        evaluation_id: int,
        dimension_id: int,
        rating: int | None,
        evidence: str | None = None,
        *,
        text: str = "rate dimension",
    ) -> None:
        super().__init__(ctx, Evaluation, text)
        self.evaluation_id = evaluation_id
        self.dimension_id = dimension_id
        self.rating = rating
        self.evidence = evidence
        self.old: tuple[int, str] | None = None
        self._done_once = False

    def redo(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return

        def run() -> Changes:
            changes, old = iv.set_rating(
                ws=ws,
                evaluation_id=self.evaluation_id,
                dimension_id=self.dimension_id,
                rating=self.rating,
                evidence=self.evidence,
                who=self.ctx.author(),
            )
            if not self._done_once:
                self.old = old
                self._done_once = True
            return changes

        self._call(run)

    def undo(self) -> None:
        ws = self.ctx.workspace
        if ws is None or not self._done_once:
            return
        old = self.old
        self._call(
            lambda: iv.set_rating(
                ws=ws,
                evaluation_id=self.evaluation_id,
                dimension_id=self.dimension_id,
                rating=None if old is None else old[0],
                evidence=None if old is None else old[1],
                who=self.ctx.author(),
            )[0]
        )


class SetSignalsCommand(RecordCommand):
    """Tick or untick signals of an evaluation. Undo restores the previous ticks."""

    def __init__(
        self, ctx: AppContext, evaluation_id: int, signal_ids: Iterable[int], *, text: str
    ) -> None:
        super().__init__(ctx, Evaluation, text)
        self.evaluation_id = evaluation_id
        self.signal_ids = sorted(set(signal_ids))
        self.old: list[int] | None = None

    def redo(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return

        def run() -> Changes:
            changes, old = iv.set_signals(
                ws=ws,
                evaluation_id=self.evaluation_id,
                signal_ids=self.signal_ids,
                who=self.ctx.author(),
            )
            if self.old is None:
                self.old = old
            return changes

        self._call(run)

    def undo(self) -> None:
        ws = self.ctx.workspace
        if ws is None or self.old is None:
            return
        old = list(self.old)
        self._call(
            lambda: iv.set_signals(
                ws=ws, evaluation_id=self.evaluation_id, signal_ids=old, who=self.ctx.author()
            )[0]
        )


class StartEvaluationCommand(CreateByServiceCommand):
    """Start an empty evaluation. Undo deletes it (with any ratings); redo restores it."""

    def __init__(
        self, ctx: AppContext, candidate_id: int, exercise_id: int | None, interviewer: str
    ) -> None:
        self.candidate_id = candidate_id
        self.exercise_id = exercise_id
        self.interviewer = interviewer
        super().__init__(
            ctx,
            Evaluation,
            f"start interview by {interviewer.strip()}",
            lambda ws: iv.start_evaluation(
                ws=ws,
                candidate_id=candidate_id,
                exercise_id=exercise_id,
                interviewer=interviewer,
                who=ctx.author(),
            ),
        )
