"""Undoable edits that are one service call: the shape the areas' ``edits`` modules share.

A service write takes the workspace and keyword arguments and the author as ``who`` (or
under another name, ``author_as``, where ``who`` means something else: who did what a
timeline entry records);
:func:`call_command` wraps such a call in an :class:`~aipm_desktop.ui.undo.OperationCommand`
(one undo step), :func:`create_command` one that returns ``(new_id, changes)`` and keeps
the new id on the command (through :func:`~aipm_desktop.ui.undo.new_record_command`).
The author is read when the edit runs, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ...services.changes import Changes
from ...store import Workspace
from ..context import AppContext
from ..undo import OperationCommand, new_record_command, service_command


def call_command(
    ctx: AppContext,
    text: str,
    fn: Callable[..., Any],
    args: Mapping[str, Any],
    *,
    record_id: int | None = None,
    id_attr: str = "",
    report_errors: bool = True,
    author_as: str = "who",
) -> OperationCommand:
    """``fn(ws=ws, **args, who=author)`` as one undo step (the author under the keyword
    ``author_as``); ``record_id`` (when given) is kept on the command, under ``id_attr``
    too when given (``report_errors``: see :func:`~aipm_desktop.ui.undo.service_command`)."""
    values = dict(args)
    command = service_command(
        ctx,
        text,
        lambda ws: fn(ws=ws, **values, **{author_as: ctx.author()}),
        record_id=record_id,
        report_errors=report_errors,
    )
    if record_id is not None and id_attr:
        setattr(command, id_attr, record_id)
    return command


def create_command(
    ctx: AppContext,
    text: str,
    fn: Callable[..., tuple[Any, Changes]],
    args: Mapping[str, Any],
    *,
    id_attr: str = "",
    author_as: str = "who",
) -> OperationCommand:
    """Like :func:`call_command` for a call returning ``(new_id, changes)``: the new id is
    in ``record_id`` (and ``id_attr``, None until then) after the push."""
    values = dict(args)
    return new_record_command(
        ctx, text, lambda ws: fn(ws=ws, **values, **{author_as: ctx.author()}), id_attr=id_attr
    )


def recorded_import(
    apply: Callable[..., tuple[Changes, int]], label: Callable[[Any], str]
) -> Callable[..., tuple[Changes, int]]:
    """An import's writer for a worker: ``apply(ws=, preview=, progress=, who=)`` (a
    service's ``apply_import``) run as one operation named ``label(preview)``. The
    changes it returns carry the operation's id, so the undo step pushed afterwards
    writes nothing again; with them, how many rows were written."""

    def run(
        *,
        ws: Workspace,
        preview: Any,
        who: str | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> tuple[Changes, int]:
        with ws.operation(label(preview), who=who) as op:
            changes, count = apply(ws=ws, preview=preview, progress=progress, who=who)
        if op.result is not None:
            changes = changes.with_kinds(op.result.kinds, (op.result.id,))
        return changes, count

    return run
