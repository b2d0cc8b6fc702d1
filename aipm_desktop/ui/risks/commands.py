"""Undo commands of the Risks area, over the risk and EU AI Act services.

Each performs its service call in ``redo()``, reverses it in ``undo()`` with what the
service returned (the old links, the old appetite, the old assessment snapshot, the old
taxonomy state, the deleted taxonomy's tombstone) and emits the returned ``Changes``
through the context, like the generic record commands.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...models import RiskTaxonomy
from ...services import ai_act, risks
from ...services.changes import Changes
from ..context import AppContext
from ..undo import CreateByServiceCommand, ServiceCommand


class SetLinksCommand(ServiceCommand):
    """Link a risk to exactly these use cases. Undo puts the old links back."""

    def __init__(self, ctx: AppContext, risk_id: int, use_case_ids: Sequence[int]) -> None:
        super().__init__(ctx, "change the use cases of a risk")
        self.risk_id = risk_id
        self.use_case_ids = list(use_case_ids)
        self.old_ids: list[int] | None = None

    def redo(self) -> None:
        def run() -> Changes:
            changes, old = risks.set_links(
                ws=self.ctx.require_workspace(),
                risk_id=self.risk_id,
                use_case_ids=self.use_case_ids,
                who=self.ctx.author(),
            )
            if self.old_ids is None:
                self.old_ids = list(old)
            return changes

        self._call(run)

    def undo(self) -> None:
        if self.old_ids is None:
            return
        old_ids = list(self.old_ids)
        self._call(
            lambda: risks.set_links(
                ws=self.ctx.require_workspace(),
                risk_id=self.risk_id,
                use_case_ids=old_ids,
                who=self.ctx.author(),
            )[0]
        )


class SetAppetiteCommand(ServiceCommand):
    """Change the risk appetite (score bands and colours) and the scoring method."""

    def __init__(self, ctx: AppContext, bands: list[dict[str, Any]], method: str) -> None:
        super().__init__(ctx, "change the risk appetite")
        self.bands = [dict(b) for b in bands]
        self.method = method
        self.old: dict[str, Any] | None = None

    def redo(self) -> None:
        def run() -> Changes:
            changes, old = risks.set_appetite(
                ws=self.ctx.require_workspace(),
                bands=self.bands,
                method=self.method,
                who=self.ctx.author(),
            )
            if self.old is None:
                self.old = dict(old)
            return changes

        self._call(run)

    def undo(self) -> None:
        if self.old is None:
            return
        old = self.old
        self._call(
            lambda: risks.set_appetite(
                ws=self.ctx.require_workspace(),
                bands=[dict(b) for b in old["bands"]],
                method=old["method"],
                who=self.ctx.author(),
            )[0]
        )


class SaveAssessmentCommand(ServiceCommand):
    """Store the EU AI Act answers of a use case (tier, reasons, obligations).

    Undo puts back what was there before (the earlier assessment and obligation items,
    or nothing), from the snapshot the service returned.
    """

    def __init__(
        self, ctx: AppContext, use_case_id: int, answers: dict[str, bool], assessor: str = ""
    ) -> None:
        super().__init__(ctx, "save the EU AI Act tier check")
        self.use_case_id = use_case_id
        self.answers = dict(answers)
        self.assessor = assessor
        self.snapshot: dict[str, Any] | None = None
        self._saved = False

    def redo(self) -> None:
        def run() -> Changes:
            changes, snapshot = ai_act.save_assessment(
                ws=self.ctx.require_workspace(),
                use_case_id=self.use_case_id,
                answers=self.answers,
                assessor=self.assessor,
                who=self.ctx.author(),
            )
            if not self._saved:
                self.snapshot = snapshot
                self._saved = True
            return changes

        self._call(run)

    def undo(self) -> None:
        if not self._saved:
            return
        snapshot = self.snapshot
        self._call(
            lambda: ai_act.restore_assessment(
                ws=self.ctx.require_workspace(),
                use_case_id=self.use_case_id,
                snapshot=snapshot,
                who=self.ctx.author(),
            )
        )


class SetTaxonomyEnabledCommand(ServiceCommand):
    """Put a taxonomy in use (its items become choices) or take it out of use."""

    def __init__(self, ctx: AppContext, taxonomy_id: int, enabled: bool, name: str = "") -> None:
        verb = "use" if enabled else "stop using"
        super().__init__(ctx, f"{verb} taxonomy '{name}'" if name else f"{verb} a taxonomy")
        self.taxonomy_id = taxonomy_id
        self.enabled = bool(enabled)
        self.old: bool | None = None

    def redo(self) -> None:
        first = self.old is None

        def run() -> Changes:
            changes, old = risks.set_taxonomy_enabled(
                ws=self.ctx.require_workspace(),
                taxonomy_id=self.taxonomy_id,
                enabled=self.enabled,
                who=self.ctx.author(),
            )
            if self.old is None:
                self.old = old
            return changes

        if self._call(run) and first and self.old == self.enabled:
            self.setObsolete(True)  # already in that state: no undo step

    def undo(self) -> None:
        if self.old is None:
            return
        old = self.old
        self._call(
            lambda: risks.set_taxonomy_enabled(
                ws=self.ctx.require_workspace(),
                taxonomy_id=self.taxonomy_id,
                enabled=old,
                who=self.ctx.author(),
            )[0]
        )


class AddTaxonomyCommand(CreateByServiceCommand):
    """Add a user taxonomy. Undo deletes it (with its items); redo restores the same rows."""

    def __init__(self, ctx: AppContext, name: str, items: Sequence[str | tuple[str, str]]) -> None:
        self.name = name
        self.items: list[str | tuple[str, str]] = list(items)
        super().__init__(
            ctx,
            RiskTaxonomy,
            f"add taxonomy '{name.strip()}'",
            lambda ws: risks.add_taxonomy(ws=ws, name=name, items=self.items, who=ctx.author()),
        )

    @property
    def taxonomy_id(self) -> int | None:
        """The new taxonomy's id (after the first redo)."""
        return self.record_id
