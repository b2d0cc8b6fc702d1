"""Undo commands of the Launch area over :mod:`aipm_desktop.services.launch` calls.

Like the generic record commands, each one performs its service call in ``redo()``,
reverses it in ``undo()``, reports a ``UserError`` through the context (and marks itself
obsolete), and emits the returned ``Changes``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...services import launch, records
from ...services.changes import Changes
from ..context import AppContext
from ..undo import ServiceCommand as _ServiceCommand


class EnsureChecklistCommand(_ServiceCommand):
    """Create a release's checklist from the default one; undo removes those checks."""

    def __init__(self, ctx: AppContext, release_id: int) -> None:
        super().__init__(ctx, "create launch checklist")
        self.release_id = release_id
        self.created: tuple[int, ...] = ()

    def redo(self) -> None:
        def run() -> Changes:
            changes, _count = launch.ensure_checklist(
                ws=self.ctx.require_workspace(), release_id=self.release_id, who=self.ctx.author()
            )
            self.created = changes.ids
            return changes

        self._call(run)

    def undo(self) -> None:
        ids = self.created
        self._call(
            lambda: launch.delete_checks(
                ws=self.ctx.require_workspace(), check_ids=ids, who=self.ctx.author()
            )
        )


class ReorderStagesCommand(_ServiceCommand):
    """Put a release's rollout stages in a new order; undo restores the old one."""

    def __init__(self, ctx: AppContext, release_id: int, order: list[int]) -> None:
        super().__init__(ctx, "reorder rollout stages")
        self.release_id = release_id
        self.order = list(order)
        self.old: list[int] | None = None

    def redo(self) -> None:
        def run() -> Changes:
            changes, old = launch.reorder_stages(
                ws=self.ctx.require_workspace(),
                release_id=self.release_id,
                order=self.order,
                who=self.ctx.author(),
            )
            if self.old is None:
                self.old = old
            return changes

        self._call(run)

    def undo(self) -> None:
        if self.old is None:
            return
        old = list(self.old)
        self._call(
            lambda: launch.reorder_stages(
                ws=self.ctx.require_workspace(),
                release_id=self.release_id,
                order=old,
                who=self.ctx.author(),
            )[0]
        )


class AddTemplateItemCommand(_ServiceCommand):
    """Add an item to the default checklist; undo removes it, redo puts the same row back."""

    def __init__(self, ctx: AppContext, data: Mapping[str, str]) -> None:
        super().__init__(ctx, f"add default checklist item '{data.get('item', '')}'")
        self.data = dict(data)
        self.item_id: int | None = None
        self._stone: records.Tombstone | None = None

    def redo(self) -> None:
        ws_fn = self.ctx.require_workspace
        if self._stone is not None:
            stone = self._stone
            self._call(lambda: records.restore(ws=ws_fn(), stone=stone, who=self.ctx.author()))
            return

        def run() -> Changes:
            self.item_id, changes = launch.add_template_item(
                ws=ws_fn(), who=self.ctx.author(), **self.data
            )
            return changes

        self._call(run)

    def undo(self) -> None:
        if self.item_id is None:
            return
        item_id = self.item_id

        def run() -> Changes:
            self._stone, changes = launch.delete_template_item(
                ws=self.ctx.require_workspace(), item_id=item_id, who=self.ctx.author()
            )
            return changes

        self._call(run)


class UpdateTemplateItemCommand(_ServiceCommand):
    """Change fields of a default checklist item; undo writes the old values back."""

    def __init__(self, ctx: AppContext, item_id: int, data: Mapping[str, Any]) -> None:
        super().__init__(ctx, "edit default checklist item")
        self.item_id = item_id
        self.data = dict(data)
        self.old: dict[str, Any] | None = None

    def redo(self) -> None:
        first = self.old is None

        def run() -> Changes:
            changes, old = launch.update_template_item(
                ws=self.ctx.require_workspace(),
                item_id=self.item_id,
                data=self.data,
                who=self.ctx.author(),
            )
            if first:
                self.old = old
            return changes

        if self._call(run) and first and not self.old:
            self.setObsolete(True)  # nothing changed: no undo step

    def undo(self) -> None:
        if not self.old:
            return
        old = dict(self.old)
        self._call(
            lambda: launch.update_template_item(
                ws=self.ctx.require_workspace(),
                item_id=self.item_id,
                data=old,
                who=self.ctx.author(),
            )[0]
        )


class DeleteTemplateItemCommand(_ServiceCommand):
    """Remove an item from the default checklist; undo restores it (same id)."""

    def __init__(self, ctx: AppContext, item_id: int, label: str) -> None:
        super().__init__(ctx, f"remove default checklist item '{label}'")
        self.item_id = item_id
        self._stone: records.Tombstone | None = None

    def redo(self) -> None:
        def run() -> Changes:
            self._stone, changes = launch.delete_template_item(
                ws=self.ctx.require_workspace(), item_id=self.item_id, who=self.ctx.author()
            )
            return changes

        self._call(run)

    def undo(self) -> None:
        if self._stone is None:
            return
        stone = self._stone
        self._call(
            lambda: records.restore(
                ws=self.ctx.require_workspace(), stone=stone, who=self.ctx.author()
            )
        )
