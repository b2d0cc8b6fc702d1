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
from ..context import AppContext
from ..undo import OperationCommand
from ..widgets.service_edits import call_command, create_command


def EnsureChecklistCommand(ctx: AppContext, release_id: int) -> OperationCommand:
    """Create a release's checklist from the default one; undo removes those checks."""
    return call_command(
        ctx,
        "create launch checklist",
        launch.ensure_checklist,
        {"release_id": release_id},
        record_id=release_id,
    )


def ReorderStagesCommand(ctx: AppContext, release_id: int, order: list[int]) -> OperationCommand:
    """Put a release's rollout stages in a new order; undo restores the old one."""
    return call_command(
        ctx,
        "reorder rollout stages",
        launch.reorder_stages,
        {"release_id": release_id, "order": list(order)},
        record_id=release_id,
    )


def AddTemplateItemCommand(ctx: AppContext, data: Mapping[str, str]) -> OperationCommand:
    """Add an item to the default checklist; undo removes it, redo puts the same row back.

    The new item's id is in ``item_id`` (and ``record_id``) after the push.
    """
    return create_command(
        ctx,
        f"add default checklist item '{data.get('item', '')}'",
        launch.add_template_item,
        data,
        id_attr="item_id",
    )


def UpdateTemplateItemCommand(
    ctx: AppContext, item_id: int, data: Mapping[str, Any]
) -> OperationCommand:
    """Change fields of a default checklist item; undo writes the old values back.

    Nothing changed: no undo step.
    """
    return call_command(
        ctx,
        "edit default checklist item",
        launch.update_template_item,
        {"item_id": item_id, "data": dict(data)},
        record_id=item_id,
        id_attr="item_id",
    )


def DeleteTemplateItemCommand(ctx: AppContext, item_id: int, label: str) -> OperationCommand:
    """Remove an item from the default checklist; undo restores it (same id)."""
    return call_command(
        ctx,
        f"remove default checklist item '{label}'",
        launch.delete_template_item,
        {"item_id": item_id},
        record_id=item_id,
        id_attr="item_id",
    )
