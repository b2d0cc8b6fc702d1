"""Undoable edits of the feedback inbox, over ``services.triage``: classify one item,
re-classify a selection, change an item's cluster or links, and the import's undo step.

Each factory returns the generic :class:`~aipm_desktop.ui.undo.OperationCommand` (one undo
step however many items it touches). An import runs in a worker (:func:`import_feedback`)
and :func:`ImportFeedbackCommand` then puts its operation on the undo stack.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ...services import triage
from ...services.changes import Changes
from ..context import AppContext
from ..undo import OperationCommand
from ..widgets.service_edits import call_command, recorded_import


def ClassifyCommand(
    ctx: AppContext, item_id: int, triage_class: str, cluster: str | None = None
) -> OperationCommand:
    """Put one item in a class (and a cluster when given); undo puts it back."""
    label = triage.class_label(triage_class)
    args = {"item_id": item_id, "triage_class": triage_class, "cluster": cluster}
    return call_command(
        ctx, f"classify feedback as {label}", triage.classify, args, record_id=item_id
    )


def ReclassifyCommand(
    ctx: AppContext, item_ids: Sequence[int], triage_class: str, cluster: str | None = None
) -> OperationCommand:
    """Put every item of a selection in a class (and a cluster): one undo step."""
    ids = list(item_ids)
    text = f"re-classify {len(ids):,} feedback items as {triage.class_label(triage_class)}"
    args = {"item_ids": ids, "triage_class": triage_class, "cluster": cluster}
    return call_command(ctx, text, triage.reclassify, args)


def UpdateFeedbackCommand(
    ctx: AppContext, item_id: int, data: Mapping[str, Any], what: str
) -> OperationCommand:
    """Change an item's cluster or links."""
    args = {"item_id": item_id, "data": dict(data)}
    return call_command(ctx, f"edit feedback {what}", triage.update_item, args, record_id=item_id)


#: Apply a checked import (safe in a worker); the changes carry its operation id.
import_feedback = recorded_import(triage.apply_import, triage.FeedbackPreview.undo_label)


def ImportFeedbackCommand(
    ctx: AppContext, preview: triage.FeedbackPreview, changes: Changes
) -> OperationCommand:
    """The undo step of an import already written: pushing it writes nothing again (an
    import that wrote nothing has nothing to undo, and the dialog offers none)."""
    return OperationCommand.recorded(ctx, preview.undo_label(), changes.op_ids[-1])
