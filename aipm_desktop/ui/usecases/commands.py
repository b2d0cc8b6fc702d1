"""Undo commands of the Use cases area, over the scoring and use-case services.

Each performs its service call in ``redo()`` and reverses it in ``undo()``, emitting the
returned ``Changes`` through the context, like the generic record commands of
:mod:`aipm_desktop.ui.undo` (whose plumbing they share). Criterion edits (names, levels,
directions, weights) use :class:`~aipm_desktop.ui.undo.UpdateRecordCommand` directly.
"""

from __future__ import annotations

from ...models import ScoringModel, UseCase
from ...services import scoring
from ...services import usecases as usecase_service
from ...services.changes import Changes
from ..context import AppContext
from ..undo import CreateByServiceCommand, RecordCommand


class SetScoreCommand(RecordCommand):
    """Set (or clear, with ``value=None``) one use case's score on one criterion.

    ``rationale=None`` keeps the stored rationale; a rationale-only edit passes the stored
    level as ``value`` and the new text (``text`` names the step in Edit ▸ Undo). Undo puts
    back the old level and rationale together.
    """

    def __init__(
        self,
        ctx: AppContext,
        use_case_id: int,
        criterion_id: int,
        value: int | None,
        *,
        rationale: str | None = None,
        label: str = "",
        text: str | None = None,
    ) -> None:
        what = f" of '{label}'" if label else ""
        if text is None:
            text = f"clear score{what}" if value is None else f"set score{what} to {value}"
        super().__init__(ctx, UseCase, text)
        self.use_case_id = use_case_id
        self.criterion_id = criterion_id
        self.value = value
        self.rationale = rationale
        self.old: tuple[int | None, str] | None = None

    def redo(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return

        def apply() -> Changes:
            changes, old = scoring.set_score(
                ws=ws,
                use_case_id=self.use_case_id,
                criterion_id=self.criterion_id,
                value=self.value,
                rationale=self.rationale,
                who=self.ctx.author(),
            )
            if self.old is None:
                self.old = old
            return changes

        unchanged = (
            self.old is not None
            and self.old[0] == self.value
            and (self.rationale is None or self.rationale == self.old[1])
        )
        if self._call(apply) and unchanged:
            self.setObsolete(True)  # nothing changed: no undo step

    def undo(self) -> None:
        ws = self.ctx.workspace
        if ws is None or self.old is None:
            return
        value, rationale = self.old
        self._call(
            lambda: scoring.set_score(
                ws=ws,
                use_case_id=self.use_case_id,
                criterion_id=self.criterion_id,
                value=value,
                rationale=rationale,
                who=self.ctx.author(),
            )[0]
        )


class SetActiveModelCommand(RecordCommand):
    """Make another scoring model the active one. Undo goes back to the previous one."""

    def __init__(self, ctx: AppContext, model_id: int, *, name: str = "") -> None:
        text = f"use scoring model '{name}'" if name else "change active scoring model"
        super().__init__(ctx, ScoringModel, text)
        self.model_id = model_id
        self.previous: int | None = None
        self._done_once = False

    def redo(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return

        def apply() -> Changes:
            changes, old = scoring.set_active_model(ws=ws, model_id=self.model_id)
            if not self._done_once:
                self.previous = old
                self._done_once = True
            return changes

        if self._call(apply) and self.previous == self.model_id:
            self.setObsolete(True)

    def undo(self) -> None:
        ws = self.ctx.workspace
        if ws is None or self.previous is None:
            return
        previous = self.previous
        self._call(lambda: scoring.set_active_model(ws=ws, model_id=previous)[0])


class DuplicateUseCaseCommand(CreateByServiceCommand):
    """Copy a use case (with its scores). Undo deletes the copy."""

    def __init__(self, ctx: AppContext, use_case_id: int, *, label: str = "") -> None:
        text = f"duplicate use case '{label}'" if label else "duplicate use case"
        super().__init__(
            ctx,
            UseCase,
            text,
            lambda ws: usecase_service.duplicate_use_case(
                ws=ws, use_case_id=use_case_id, who=ctx.author()
            ),
        )
        self.source_id = use_case_id


class CopyModelCommand(CreateByServiceCommand):
    """Copy a scoring model (criteria and scores) under a new name. Undo deletes the copy."""

    def __init__(self, ctx: AppContext, model_id: int, name: str) -> None:
        super().__init__(
            ctx,
            ScoringModel,
            f"copy scoring model as '{name}'",
            lambda ws: scoring.copy_model(ws=ws, model_id=model_id, name=name),
        )
        self.source_id = model_id
        self.name = name
