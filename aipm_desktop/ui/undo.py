"""Undo commands over the generic record services: every edit in the GUI is one of these.

Each command performs its service call in ``redo()`` (so pushing it makes the edit),
reverses it in ``undo()``, and emits ``ctx.changed`` with the returned ``Changes``. A
``UserError`` from the service (invalid value, read-only file, record gone) is reported
through ``ctx.show_error`` and the command marks itself obsolete, so Qt drops it from the
stack. Push them with ``ctx.run_edit(command)``.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtGui import QUndoCommand
from sqlmodel import SQLModel

from ..errors import UserError
from ..services import records
from ..services.changes import Changes
from ..store import Workspace
from .context import AppContext

_LABEL_FIELDS = ("title", "name", "item", "action")


def describe(model: type[SQLModel]) -> str:
    """How a record kind is called in undo texts: ``use_case`` -> ``use case``."""
    kind = records.kind_of(model)
    return "workspace" if kind == "settings" else kind.replace("_", " ")


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _label_from(data: Mapping[str, Any]) -> str:
    for key in _LABEL_FIELDS:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return ""


class ServiceCommand(QUndoCommand):
    """Base of every undo command: run a service call, report a ``UserError``, emit the
    changes.

    ``_call(fn)`` runs ``fn`` (a service call returning ``Changes``); on a ``UserError`` the
    error is shown as a plain message and the command marks itself obsolete, so the stack
    drops it. Never name an attribute ``id`` on a subclass: it hides ``QUndoCommand.id()``.
    """

    def __init__(self, ctx: AppContext, text: str) -> None:
        super().__init__(text)
        self.ctx = ctx
        self.error: UserError | None = None

    def _call(self, fn: Callable[[], Changes]) -> bool:
        if self.ctx.workspace is None:
            return False
        try:
            changes = fn()
        except UserError as err:
            self.error = err
            self.setObsolete(True)
            self.ctx.show_error(err)
            return False
        self.ctx.notify(changes)
        return True


class RecordCommand(ServiceCommand):
    """A command over the generic record services of one entity ``model``."""

    def __init__(self, ctx: AppContext, model: type[SQLModel], text: str) -> None:
        super().__init__(ctx, text)
        self.model = model


class CreateByServiceCommand(RecordCommand):
    """A command whose first redo creates a ``model`` row by a service call; undo deletes
    that row (and what cascades from it) and later redos restore it with the same id.

    ``create(ws)`` returns ``(new id, Changes)``; the id is kept as :attr:`record_id`.
    """

    def __init__(
        self,
        ctx: AppContext,
        model: type[SQLModel],
        text: str,
        create: Callable[[Workspace], tuple[int, Changes]],
    ) -> None:
        super().__init__(ctx, model, text)
        self.record_id: int | None = None  # (not ``id``: that is QUndoCommand.id())
        self._stone: records.Tombstone | None = None
        self._create = create

    def redo(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        if self._stone is None:

            def create() -> Changes:
                self.record_id, changes = self._create(ws)
                return changes

            self._call(create)
        else:
            stone = self._stone
            self._call(lambda: records.restore(ws=ws, stone=stone, who=self.ctx.author()))

    def undo(self) -> None:
        ws = self.ctx.workspace
        if ws is None or self.record_id is None:
            return
        record_id = self.record_id

        def delete() -> Changes:
            self._stone, changes = records.delete(
                ws=ws, model=self.model, id=record_id, who=self.ctx.author()
            )
            return changes

        self._call(delete)


class CreateRecordCommand(CreateByServiceCommand):
    """Create a record from ``data``. Undo deletes it; redo restores the very same row."""

    def __init__(
        self,
        ctx: AppContext,
        model: type[SQLModel],
        data: Mapping[str, Any],
        *,
        text: str | None = None,
    ) -> None:
        label = _label_from(data)
        default = f"add {describe(model)}" + (f" '{_short(label)}'" if label else "")
        self.data = dict(data)

        def create(ws: Workspace) -> tuple[int, Changes]:
            obj, changes = records.create(ws=ws, model=model, data=self.data, who=ctx.author())
            return int(obj.id), changes  # type: ignore[attr-defined]

        super().__init__(ctx, model, text or default, create)


class UpdateRecordCommand(RecordCommand):
    """Change fields of one record. Undo writes the old values back.

    With ``merge=True`` and a single field, consecutive edits of that same field of the
    same record become one undo step (for spin boxes, sliders and the like).
    """

    def __init__(
        self,
        ctx: AppContext,
        model: type[SQLModel],
        id: int,
        data: Mapping[str, Any],
        *,
        text: str | None = None,
        merge: bool = False,
    ) -> None:
        if len(data) == 1:
            default = f"edit {describe(model)} {next(iter(data)).replace('_', ' ')}"
        else:
            default = f"edit {describe(model)}"
        super().__init__(ctx, model, text or default)
        self.record_id = id
        self.data = dict(data)
        self.old: dict[str, Any] | None = None
        self._merge_id = -1
        if merge and len(self.data) == 1:
            key = f"{records.kind_of(model)}:{id}:{next(iter(self.data))}"
            self._merge_id = zlib.crc32(key.encode()) & 0x7FFFFFFF

    def id(self) -> int:
        return self._merge_id

    def mergeWith(self, other: QUndoCommand) -> bool:
        if (
            not isinstance(other, UpdateRecordCommand)
            or self._merge_id == -1
            or other.id() != self._merge_id
            or other.model is not self.model
            or other.record_id != self.record_id
            or set(other.data) != set(self.data)
            or other.error is not None
        ):
            return False
        self.data = dict(other.data)
        if self.old is not None and all(self.old.get(k) == v for k, v in self.data.items()):
            self.setObsolete(True)  # back where it started: nothing left to undo
        return True

    def redo(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        first = self.old is None

        def update() -> Changes:
            _obj, changes, old = records.update(
                ws=ws,
                model=self.model,
                id=self.record_id,
                data=self.data,
                who=self.ctx.author(),
            )
            if first:
                self.old = {k: old.get(k, self.data[k]) for k in self.data}
            return changes

        if self._call(update) and first and self.old == self.data:
            self.setObsolete(True)  # the values did not change: no undo step

    def undo(self) -> None:
        ws = self.ctx.workspace
        if ws is None or self.old is None:
            return
        old = dict(self.old)
        self._call(
            lambda: records.update(
                ws=ws, model=self.model, id=self.record_id, data=old, who=self.ctx.author()
            )[1]
        )


class DeleteRecordCommand(RecordCommand):
    """Delete a record (and what cascades from it). Undo restores it with the same ids."""

    def __init__(
        self,
        ctx: AppContext,
        model: type[SQLModel],
        id: int,
        *,
        text: str | None = None,
    ) -> None:
        super().__init__(ctx, model, text or f"delete {describe(model)}")
        self.record_id = id
        self._custom_text = text is not None
        self._stone: records.Tombstone | None = None

    def redo(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return

        def delete() -> Changes:
            self._stone, changes = records.delete(
                ws=ws, model=self.model, id=self.record_id, who=self.ctx.author()
            )
            return changes

        if self._call(delete) and not self._custom_text and self._stone is not None:
            self.setText(f"delete {describe(self.model)} '{_short(self._stone.label)}'")

    def undo(self) -> None:
        ws = self.ctx.workspace
        if ws is None or self._stone is None:
            return
        stone = self._stone
        self._call(lambda: records.restore(ws=ws, stone=stone, who=self.ctx.author()))
