"""The GUI's undo: one generic command over the core's operations.

Every edit in the GUI is an :class:`OperationCommand`: its first ``redo()`` runs a service
call inside one workspace operation (so the call, whatever it writes, is one undo step),
``undo()`` asks the core to undo that operation and ``redo()`` to redo it. The history
lives in the workspace file, so ``aipm undo`` and a reopened file see the same steps.
After each step the command emits ``ctx.changed`` with the service's
:class:`~aipm_desktop.services.changes.Changes`, carrying the entity kinds the operation
actually touched (cascades included). A ``UserError`` (invalid value, read-only file,
a conflict with a later edit) is shown as a plain message and the command is dropped.

The small factories below (:func:`create_record`, :func:`update_record`,
:func:`delete_record`) build commands over the generic record services; areas build
theirs with :func:`service_command` (:func:`new_record_command` for a call that creates a
row).
"""

from __future__ import annotations

import contextlib
import dataclasses
import zlib
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtGui import QUndoCommand
from sqlalchemy import exc
from sqlmodel import SQLModel

from ..errors import ConflictError, UserError
from ..services import conflicts, records
from ..services.changes import Changes
from ..store import Workspace
from ..store.history import OperationResult
from ..store.watch import is_connection_error
from .context import AppContext

_LABEL_FIELDS = ("title", "name", "item", "action")


def describe(model: type[SQLModel]) -> str:
    """How a record kind is called in undo texts: ``use_case`` -> ``use case``."""
    kind = records.kind_of(model)
    return "workspace" if kind == "settings" else kind.replace("_", " ")


def short(text: str, limit: int = 40) -> str:
    """``text`` on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _label_from(data: Mapping[str, Any]) -> str:
    for key in _LABEL_FIELDS:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def _changes_in(result: Any) -> Changes | None:
    if isinstance(result, Changes):
        return result
    if isinstance(result, tuple):
        for item in result:
            if isinstance(item, Changes):
                return item
    return None


class OperationCommand(QUndoCommand):
    """One undo step: a service call run as one workspace operation.

    ``perform(ws)`` makes the edit through services and returns what they return (a
    ``Changes``, or a tuple holding one); it is kept in :attr:`result`. With
    ``merge_key``, consecutive commands with the same key become one step (spin boxes,
    typing); with ``derive_text`` the step is named after what the operation changed;
    with ``report_errors=False`` a refusal is left in :attr:`error` for the caller.
    Never name an attribute ``id``: it would hide ``QUndoCommand.id()``.
    """

    def __init__(
        self,
        ctx: AppContext,
        text: str,
        perform: Callable[[Workspace], Any],
        *,
        merge_key: str | None = None,
        derive_text: bool = False,
        report_errors: bool = True,
    ) -> None:
        super().__init__(text)
        self.ctx = ctx
        self._derive_text = derive_text
        self._report_errors = report_errors
        self.perform = perform
        self.result: Any = None
        self.error: UserError | None = None
        self.record_id: int | None = None
        #: The record edit this command makes, when it must find the record as the user
        #: read it (see :mod:`.conflicts`); a conflict then offers to merge.
        self.intent: Any = None
        #: The first run was refused by a conflict the context offers to merge.
        self.conflict_pending = False
        self.op_id: int | None = None  # the operation in effect (the edit or its redo)
        self.undo_id: int | None = None  # the undo operation while undone
        self._changes: Changes | None = None
        self._merge_id = -1
        if merge_key:
            self._merge_id = zlib.crc32(merge_key.encode()) & 0x7FFFFFFF

    @classmethod
    def recorded(cls, ctx: AppContext, text: str, op_id: int) -> OperationCommand:
        """A step for an operation already in the file's history (pushing it does nothing;
        undo undoes it). How a reopened workspace gets its undo steps back."""
        command = cls(ctx, text, lambda ws: None)
        command.op_id = op_id
        return command

    def id(self) -> int:
        return self._merge_id

    # -- Qt's protocol --------------------------------------------------------------------

    def redo(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        first = self.op_id is None and self.undo_id is None
        try:
            if first:
                self._check_reachable()
                self._first(ws)
            elif self.undo_id is not None:
                self._check_reachable()
                op = ws.redo(self.undo_id, who=self.ctx.author())
                self.op_id, self.undo_id = op.id, None
                self._notify(op, "redo")
        except UserError as err:
            self.conflict_pending = (
                first and self.intent is not None and isinstance(err, ConflictError)
            )
            self._fail(err)
        except Exception as err:
            self._fail_unreachable(err)

    def undo(self) -> None:
        ws = self.ctx.workspace
        if ws is None or self.op_id is None:
            return
        try:
            self._check_reachable()
            op = ws.undo(self.op_id, who=self.ctx.author())
        except UserError as err:
            self._fail(err)
            return
        except Exception as err:
            self._fail_unreachable(err)
            return
        self.undo_id, self.op_id = op.id, None
        self._notify(op, "undo")

    def mergeWith(self, other: QUndoCommand) -> bool:
        ws = self.ctx.workspace
        if (
            ws is None
            or not isinstance(other, OperationCommand)
            or self._merge_id == -1
            or other.id() != self._merge_id
            or self.op_id is None
            or other.op_id is None
            or other.error is not None
        ):
            return False
        try:
            merged = ws.merge_operations(self.op_id, other.op_id)
        except exc.OperationalError:  # another window holds the file: two undo steps
            merged = False
        if not merged:
            return False
        self.result = other.result
        return True

    # -- helpers --------------------------------------------------------------------------

    def _first(self, ws: Workspace) -> None:
        mark = ws.operation_mark()
        label = None if self._derive_text else self.text()
        intent = self.intent
        guard = (
            conflicts.expecting({intent.key: intent.version})
            if intent is not None
            else contextlib.nullcontext()
        )
        version = None
        with guard, ws.operation(label, who=self.ctx.author()) as op:
            session = op.session
            if intent is not None and session is not None:  # first, however the service writes
                conflicts.check_current(session, intent.model, intent.record_id, intent.version)
            self.result = self.perform(ws)
            if intent is not None and session is not None:
                version = conflicts.version_now(session, intent.model, intent.record_id)
        if intent is not None and intent.written is not None and version is not None:
            intent.written(version)
        ops = ws.operations_since(mark)
        changes = _changes_in(self.result)
        if not ops:
            self.setObsolete(True)  # nothing changed: no undo step
            if changes is not None:
                self.ctx.notify(changes)
            return
        op = ops[-1]
        self.op_id = op.id
        if self._derive_text:
            self.setText(op.label)
        self._changes = changes
        self._notify(op, None)

    def _notify(self, op: OperationResult, action: str | None) -> None:
        base = self._changes or Changes(next(iter(sorted(op.kinds)), "workspace"))
        if action is not None:
            base = dataclasses.replace(base, action=action)
        self.ctx.notify(base.with_kinds(op.kinds, (op.id,)))

    def _check_reachable(self) -> None:
        if self.ctx.live.lost:
            raise self.ctx.live.refusal()

    def _fail_unreachable(self, err: Exception) -> None:
        """A store error: when it says the workspace cannot be reached, the workspace is
        lost (nothing was written: the operation rolled back) and the edit refused."""
        if not is_connection_error(err):
            raise err
        self.ctx.live.connection_lost(err)
        self._fail(self.ctx.live.refusal())

    def _fail(self, err: UserError) -> None:
        self.error = err
        self.setObsolete(True)
        if self._report_errors and not self.conflict_pending:
            self.ctx.show_error(err)


def service_command(
    ctx: AppContext,
    text: str,
    perform: Callable[[Workspace], Any],
    *,
    merge_key: str | None = None,
    report_errors: bool = True,
    record_id: int | None = None,
) -> OperationCommand:
    """A command running ``perform(ws)`` (a service call) as one undo step, about the
    record ``record_id`` when given (the view reselects it after undo / redo).

    With ``report_errors=False`` a refusal is not shown: the caller reads ``error`` after
    ``ctx.run_edit`` (a dialog that shows the message itself)."""
    command = OperationCommand(ctx, text, perform, merge_key=merge_key, report_errors=report_errors)
    if record_id is not None:
        command.record_id = record_id
    return command


def new_record_command(
    ctx: AppContext,
    text: str,
    create: Callable[[Workspace], tuple[int, Changes]],
    *,
    id_attr: str = "",
) -> OperationCommand:
    """A command whose first redo runs ``create(ws) -> (new_id, changes)`` (a service call
    that creates a row) and keeps the new id in ``record_id`` (and, for the widgets that
    have always read it there, in ``id_attr``) after the push. Undo deletes the row; redo
    brings the same row back."""
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


def create_record(
    ctx: AppContext,
    model: type[SQLModel],
    data: Mapping[str, Any],
    *,
    text: str | None = None,
) -> OperationCommand:
    """Create a record from ``data``; the new id is in ``record_id`` after the push."""
    label = _label_from(data)
    default = f"add {describe(model)}" + (f" '{short(label)}'" if label else "")
    values = dict(data)

    def create(ws: Workspace) -> tuple[int, Changes]:
        obj, changes = records.create(ws=ws, model=model, data=values, who=ctx.author())
        return int(obj.id), changes  # type: ignore[attr-defined]

    return new_record_command(ctx, text or default, create)


def update_record(
    ctx: AppContext,
    model: type[SQLModel],
    id: int,
    data: Mapping[str, Any],
    *,
    text: str | None = None,
    merge: bool = False,
    version: int | None = None,
    written: Callable[[int], None] | None = None,
    label_for: Callable[[str], str] | None = None,
) -> OperationCommand:
    """Change fields of one record. With ``merge`` and a single field, consecutive edits
    of that field of that record are one undo step. With ``version`` (the one the user
    saw), nothing is written if the record moved on since: the conflict dialog asks
    (see :mod:`.conflicts`: ``label_for`` names the fields there); ``written`` gets the
    record's version after the edit."""
    values = dict(data)
    if len(values) == 1:
        default = f"edit {describe(model)} {next(iter(values)).replace('_', ' ')}"
    else:
        default = f"edit {describe(model)}"
    key = None
    if merge and len(values) == 1:
        key = f"{records.kind_of(model)}:{id}:{next(iter(values))}"
    command = OperationCommand(
        ctx,
        text or default,
        lambda ws: records.update(ws=ws, model=model, id=id, data=values, who=ctx.author()),
        merge_key=key,
    )
    command.record_id = id
    if version is None:
        return command
    from .widgets.versioned import guard_edit

    def make(changed: dict[str, Any]) -> QUndoCommand:
        return update_record(ctx, model, id, changed, text=text)

    guard_edit(
        make, model, id, values, version, label_for=label_for, written=written, command=command
    )
    return command


def delete_record(
    ctx: AppContext,
    model: type[SQLModel],
    id: int,
    *,
    text: str | None = None,
) -> OperationCommand:
    """Delete a record and what cascades from it; undo brings back the same rows."""
    command = OperationCommand(
        ctx,
        text or f"delete {describe(model)}",
        lambda ws: records.delete(ws=ws, model=model, id=id, who=ctx.author()),
        derive_text=text is None,
    )
    command.record_id = id
    return command


# The names the areas have always used.
CreateRecordCommand = create_record
UpdateRecordCommand = update_record
DeleteRecordCommand = delete_record
