"""An undo step for a service call that creates a row and returns its new id.

Shared by the areas' ``edits`` modules (duplicate a use case, copy a scoring model,
track a KPI, add a taxonomy ...): the command runs ``create(ws) -> (new_id, changes)``
as one operation and keeps the new id in ``record_id`` (and, for the widgets that have
always read it there, in ``id_attr``) after the push. Undo deletes the row; redo brings
the same row back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..undo import OperationCommand, service_command

if TYPE_CHECKING:
    from ...services.changes import Changes
    from ...store import Workspace
    from ..context import AppContext


def new_record_command(
    ctx: AppContext,
    text: str,
    create: Callable[[Workspace], tuple[int, Changes]],
    *,
    id_attr: str = "",
) -> OperationCommand:
    """A command whose first redo runs ``create`` and stores the id it returns."""
    command = service_command(ctx, text, lambda ws: None)
    if id_attr:
        setattr(command, id_attr, None)

    def perform(ws: Workspace) -> Changes:
        new_id, changes = create(ws)
        command.record_id = new_id
        if id_attr:
            setattr(command, id_attr, new_id)
        return changes

    command.perform = perform
    return command
