"""Undoable edits of the Launch area over :mod:`aipm_desktop.services.launch` calls.

Each factory returns a generic :class:`~aipm_desktop.ui.undo.OperationCommand`: its first
redo runs the service call as one workspace operation (a ``UserError`` is reported through
the context and the command dropped), and undo/redo ask the core to reverse and replay
that operation, so a deleted template item comes back as the same row. The factories keep
the ``...Command`` names the area's widgets have always used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ...services import launch
from ..context import AppContext
from ..undo import OperationCommand
from ..widgets.service_edits import call_command, create_command


def _on_record(
    ctx: AppContext, text: str, fn: Callable[..., Any], key: str, record_id: int, **args: Any
) -> OperationCommand:
    """``fn(key=record_id, **args)`` as one undo step keeping ``record_id`` on the command
    (a checklist item's id under ``item_id`` too)."""
    id_attr = "item_id" if key == "item_id" else ""
    values = {key: record_id, **args}
    return call_command(ctx, text, fn, values, record_id=record_id, id_attr=id_attr)


def EnsureChecklistCommand(ctx: AppContext, release_id: int) -> OperationCommand:
    """Create a release's checklist from the default one; undo removes those checks."""
    text = "create launch checklist"
    return _on_record(ctx, text, launch.ensure_checklist, "release_id", release_id)


def ReorderStagesCommand(ctx: AppContext, release_id: int, order: list[int]) -> OperationCommand:
    """Put a release's rollout stages in a new order; undo restores the old one."""
    text = "reorder rollout stages"
    return _on_record(ctx, text, launch.reorder_stages, "release_id", release_id, order=list(order))


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
    text = "edit default checklist item"
    return _on_record(ctx, text, launch.update_template_item, "item_id", item_id, data=dict(data))


def DeleteTemplateItemCommand(ctx: AppContext, item_id: int, label: str) -> OperationCommand:
    """Remove an item from the default checklist; undo restores it (same id)."""
    text = f"remove default checklist item '{label}'"
    return _on_record(ctx, text, launch.delete_template_item, "item_id", item_id)
