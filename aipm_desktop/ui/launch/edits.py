"""Undoable edits of the Launch area over :mod:`aipm_desktop.services.launch` calls.

Each factory returns a generic :class:`~aipm_desktop.ui.undo.OperationCommand`: its first
redo runs the service call as one workspace operation (a ``UserError`` is reported through
the context and the command dropped), and undo/redo ask the core to reverse and replay
that operation, so a deleted template item comes back as the same row. The factories keep
the ``...Command`` names the area's widgets have always used.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...services import launch
from ...services.changes import Changes
from ...store import Workspace
from ..context import AppContext
from ..undo import OperationCommand, service_command


def EnsureChecklistCommand(ctx: AppContext, release_id: int) -> OperationCommand:
    """Create a release's checklist from the default one; undo removes those checks."""
    command = service_command(
        ctx,
        "create launch checklist",
        lambda ws: launch.ensure_checklist(ws=ws, release_id=release_id, who=ctx.author()),
    )
    command.record_id = release_id
    return command


def ReorderStagesCommand(ctx: AppContext, release_id: int, order: list[int]) -> OperationCommand:
    """Put a release's rollout stages in a new order; undo restores the old one."""
    wanted = list(order)
    command = service_command(
        ctx,
        "reorder rollout stages",
        lambda ws: launch.reorder_stages(
            ws=ws, release_id=release_id, order=wanted, who=ctx.author()
        ),
    )
    command.record_id = release_id
    return command


def AddTemplateItemCommand(ctx: AppContext, data: Mapping[str, str]) -> OperationCommand:
    """Add an item to the default checklist; undo removes it, redo puts the same row back.

    The new item's id is in ``item_id`` (and ``record_id``) after the push.
    """
    values = dict(data)
    command = service_command(
        ctx, f"add default checklist item '{values.get('item', '')}'", lambda ws: None
    )
    command.item_id = None  # type: ignore[attr-defined]

    def perform(ws: Workspace) -> Changes:
        item_id, changes = launch.add_template_item(ws=ws, who=ctx.author(), **values)
        command.item_id = item_id  # type: ignore[attr-defined]
        command.record_id = item_id
        return changes

    command.perform = perform
    return command


def UpdateTemplateItemCommand(
    ctx: AppContext, item_id: int, data: Mapping[str, Any]
) -> OperationCommand:
    """Change fields of a default checklist item; undo writes the old values back.

    Nothing changed: no undo step.
    """
    values = dict(data)
    command = service_command(
        ctx,
        "edit default checklist item",
        lambda ws: launch.update_template_item(
            ws=ws, item_id=item_id, data=values, who=ctx.author()
        ),
    )
    command.item_id = item_id  # type: ignore[attr-defined]
    command.record_id = item_id
    return command


def DeleteTemplateItemCommand(ctx: AppContext, item_id: int, label: str) -> OperationCommand:
    """Remove an item from the default checklist; undo restores it (same id)."""
    command = service_command(
        ctx,
        f"remove default checklist item '{label}'",
        lambda ws: launch.delete_template_item(ws=ws, item_id=item_id, who=ctx.author()),
    )
    command.item_id = item_id  # type: ignore[attr-defined]
    command.record_id = item_id
    return command
