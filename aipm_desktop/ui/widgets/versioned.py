"""Edits of stored rows that carry the version the user read (no lost update), for every
kind of view: a form, a dialog, a table edited in its cells.

:func:`guard_edit` makes the command storing some fields of one row write only while
the row is at the version the view read; when another window or process saved the row
since, nothing is written and the conflict dialog (:mod:`aipm_desktop.ui.conflicts`)
shows the user's values beside the current ones, keep mine / take theirs. The merged
edit is made by the same factory, against the version stored then.

:class:`RowVersions` keeps the versions of the rows a table or a dialog shows, read
when it was filled, and moves one on when the view's own edit stored it (so the next
edit of the same row needs no dialog). :func:`run_from_dialog` runs such an edit from a
dialog that closes once the edit is stored or handed to the conflict dialog.

:func:`ask_reload_or_overwrite` is the question for an edit that stores a whole set of
values at once (a dialog's bands, a questionnaire's answers), which a field-by-field
choice does not fit: who changed it when, then Overwrite with mine / Reload theirs.

:func:`guard_slot` guards the edit of a slot that holds at most one row (a grid cell: a
use case's score on one criterion, a KPI's snapshot in one week), empty or not when read.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from ...errors import ConflictError, UserError
from ...services import conflicts
from ...services.changes import Changes
from ...services.conflicts import Slot
from ..conflicts import EditIntent, expect
from ..undo import OperationCommand, update_record

if TYPE_CHECKING:
    from ...store import Workspace
    from ..context import AppContext

#: Makes the command storing the values given (the edit, or the merged edit).
Make = Callable[[dict[str, Any]], QUndoCommand]
#: Makes the command storing the values given in a slot, expecting what it holds.
SlotMake = Callable[[dict[str, Any], Slot], OperationCommand]


def guard_edit(
    make: Make,
    model: type[Any],
    row_id: int,
    changed: Mapping[str, Any],
    version: int | None,
    *,
    label_for: Callable[[str], str] | None = None,
    written: Callable[[int], None] | None = None,
    command: QUndoCommand | None = None,
    on_conflict: Callable[[ConflictError], None] | None = None,
    show: Callable[[str, Any], str | None] | None = None,
) -> QUndoCommand:
    """``make(changed)`` (or ``command``, made already), made to write only while row
    ``row_id`` of ``model`` is at ``version`` (no check when it is None). ``changed``
    names the row's fields (the dialog shows their stored values); ``label_for`` names
    them as the view does; ``written`` gets the row's version once the edit (or the
    merged one) is stored; ``on_conflict``, when given, asks the user instead of the
    dialog; ``show(field, value)`` writes a value as the view does (see
    :class:`~aipm_desktop.ui.conflicts.EditIntent`)."""
    values = dict(changed)
    if command is None:
        command = make(values)
    if version is None:
        return command

    def again(merged: dict[str, Any], current: int) -> QUndoCommand:
        return guard_edit(
            make,
            model,
            row_id,
            merged,
            current,
            label_for=label_for,
            written=written,
            on_conflict=on_conflict,
            show=show,
        )

    intent = EditIntent(
        model, row_id, version, values, again, label_for, written, on_conflict, show
    )
    return expect(command, intent)


def guard_slot(
    make: SlotMake,
    model: type[Any],
    slot: Slot,
    changed: Mapping[str, Any],
    label_for: Callable[[str], str] | None = None,
) -> OperationCommand:
    """``make(changed, slot)``: a command whose service writes only while the slot holds
    what ``slot`` says was read (the service checks it, the row locked, and names the
    slot in its refusal: see :func:`~aipm_desktop.services.conflicts.check_slot`). When
    it held something else, nothing is written and the conflict dialog shows the user's
    values beside those of the row the slot holds now (its id comes with the refusal: a
    row added in an empty slot has none before); the merged edit expects that row at
    the version shown (``label_for`` names the fields there)."""
    values = dict(changed)
    command = make(values, slot)

    def again(merged: dict[str, Any], current: int) -> QUndoCommand:
        held = Slot(intent.record_id, current)
        return guard_slot(make, model, held, merged, label_for=label_for)

    # No record named up front: the service's check of the slot is the one made.
    intent = EditIntent(model, 0, slot.version, values, again, label_for)
    perform = command.perform

    def checked(ws: Workspace) -> Any:
        try:
            return perform(ws)
        except ConflictError as error:
            held = getattr(error.conflict, "record_id", None)
            if isinstance(held, int):
                intent.record_id = held  # the dialog shows the row the slot holds now
            raise

    command.perform = checked
    expect(command, intent)
    return command


def handed_over(command: QUndoCommand) -> bool:
    """Whether ``command`` met another window's change and the conflict dialog took the
    edit over."""
    return bool(getattr(command, "conflict_pending", False))


def run_from_dialog(ctx: AppContext, command: QUndoCommand, dialog: QWidget) -> bool:
    """Run an edit made in ``dialog``: True when it was stored, or when the conflict
    dialog took it over (then it is kept open over the window beneath ``dialog``, which
    may close)."""
    if ctx.run_edit(command):
        return True
    if not handed_over(command):
        return False
    conflict = ctx.conflict_dialog
    if conflict is not None:
        conflict.setParent(dialog.parentWidget(), conflict.windowFlags())
        conflict.show()
    return True


class RowVersions:
    """The version of each row a view shows, read when it was filled (see the module's
    docstring)."""

    def __init__(self) -> None:
        self._versions: dict[int, int] = {}

    def read(self, rows: Iterable[Any]) -> None:
        """Keep the versions of ``rows`` (objects or records with ``id`` and ``version``)."""
        self._versions = {int(row.id): int(row.version) for row in rows}

    def get(self, row_id: int) -> int | None:
        return self._versions.get(row_id)

    def note(self, row_id: int, version: int) -> None:
        """Row ``row_id`` is at ``version`` now (the view's own edit stored it)."""
        self._versions[row_id] = version

    def guard(
        self,
        make: Make,
        model: type[Any],
        row_id: int,
        changed: Mapping[str, Any],
        *,
        label_for: Callable[[str], str] | None = None,
    ) -> QUndoCommand:
        """:func:`guard_edit` of row ``row_id`` against the version read."""
        return guard_edit(
            make,
            model,
            row_id,
            changed,
            self.get(row_id),
            label_for=label_for,
            written=lambda version: self.note(row_id, version),
        )

    def update(
        self,
        ctx: AppContext,
        model: type[Any],
        row_id: int,
        data: Mapping[str, Any],
        **options: Any,
    ) -> OperationCommand:
        """The generic update of ``data`` on row ``row_id`` (``options``: those of
        :func:`~aipm_desktop.ui.undo.update_record`) against the version read."""
        return update_record(
            ctx,
            model,
            row_id,
            data,
            version=self.get(row_id),
            written=lambda version: self.note(row_id, version),
            **options,
        )


#: The answers of :func:`ask_reload_or_overwrite`.
OVERWRITE_MINE = "Overwrite with mine"
RELOAD_THEIRS = "Reload theirs"


def changed_elsewhere(ctx: AppContext, what: str, error: ConflictError) -> str:
    """``what`` (``"The risk appetite"``) changed since it was read, who changed it and
    when, as ``error`` (a refusal naming the record) and the change log tell."""
    conflict = error.conflict
    found = conflict if isinstance(conflict, conflicts.RecordConflict) else None
    ws = ctx.workspace
    last = None
    if found is not None and ws is not None:
        last = conflicts.last_change(ws, found.kind, found.record_id)
    how = "deleted" if found is not None and found.current is None else "changed"
    who = f" {last.describe()}" if last is not None else ""
    return f"{what} was {how} elsewhere{who} since you opened it. Nothing was saved."


def _conflict_box(
    parent: QWidget | None,
    name: str,
    text: str,
    informative: str,
    *,
    theirs: Callable[[], object],
    mine: Callable[[], object] | None = None,
    mine_first: bool = False,
    closed: Callable[[], object] | None = None,
) -> QMessageBox:
    """The "Edit conflict" question, window-modal over ``parent``: :data:`OVERWRITE_MINE`
    (when ``mine`` is given) and :data:`RELOAD_THEIRS` run ``mine()`` / ``theirs()``,
    Cancel nothing; ``closed()`` first, however it closes. The default answer is Reload
    theirs, or Overwrite with mine with ``mine_first``."""
    box = QMessageBox(parent if parent is not None else QApplication.activeWindow())
    box.setObjectName(name)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Edit conflict")
    box.setText(text)
    box.setInformativeText(informative)
    answers: dict[object, Callable[[], object]] = {}
    if mine is not None:
        answers[box.addButton(OVERWRITE_MINE, QMessageBox.ButtonRole.AcceptRole)] = mine
    reload_button = box.addButton(RELOAD_THEIRS, QMessageBox.ButtonRole.ActionRole)
    answers[reload_button] = theirs
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(next(iter(answers)) if mine_first else reload_button)

    def on_finished(_result: int) -> None:
        if closed is not None:
            closed()
        box.deleteLater()
        answer = answers.get(box.clickedButton())
        if answer is not None:
            answer()

    box.finished.connect(on_finished)
    box.open()
    return box


def ask_reload_or_overwrite(
    ctx: AppContext,
    parent: QWidget,
    what: str,
    error: ConflictError,
    *,
    overwrite: Callable[[], None],
    reload: Callable[[], None],
    values: str = "values",
) -> QMessageBox:
    """Ask, window-modal over ``parent``, what to do with a whole set of ``values``
    (``"answers"``) ``error`` refused (see the module's docstring): ``overwrite()`` or
    ``reload()`` runs on the answer; Cancel leaves the user's values as they are (saving
    again asks again)."""
    return _conflict_box(
        parent,
        "setConflictBox",
        changed_elsewhere(ctx, what, error),
        f"{OVERWRITE_MINE} stores your {values} over theirs (Edit \u25b8 Undo brings "
        f"theirs back). {RELOAD_THEIRS} shows the stored {values} instead of yours.",
        theirs=reload,
        mine=overwrite,
        mine_first=True,
    )


# -- edits that are not fields of one row: a set, an order, a status move -----------------------


def stale_text(ctx: AppContext, error: ConflictError, what: str) -> str:
    """What :func:`ask_stale` says: the record, who changed it when and how (the change
    log's words), and that ``what`` (the user's edit, "your status change") was not
    saved."""
    conflict = getattr(error, "conflict", None)
    text = str(error).split(" since you")[0]
    ws = ctx.workspace
    if conflict is not None and ws is not None:
        change = conflicts.last_touch(ws, conflict.kind, conflict.record_id)
        if change is not None:
            text += f" {change.describe()}"
            if change.label:
                text += f" ({change.label})"
    return f"{text} since you read it. {what[:1].upper()}{what[1:]} was not saved."


def ask_stale(
    ctx: AppContext,
    parent: QWidget | None,
    error: ConflictError,
    what: str,
    *,
    keep_mine: Callable[[int], object] | None = None,
    reload: Callable[[], object] | None = None,
) -> QMessageBox:
    """Tell the user ``what`` they did was refused by ``error`` (another window changed
    the record since) and let them choose: :data:`RELOAD_THEIRS` shows the record as stored
    (every view reads it again, then ``reload``), :data:`OVERWRITE_MINE` (when ``keep_mine``
    is given) calls it with the version stored now to make the edit over theirs; Cancel
    leaves it. The box is ``ctx.conflict_dialog`` while open."""
    conflict = getattr(error, "conflict", None)

    def theirs() -> None:
        if conflict is not None:
            ctx.notify(Changes(conflict.kind, (conflict.record_id,), "update"))
        if reload is not None:
            reload()

    def mine() -> None:
        current = getattr(conflict, "current", None)
        if current is None:
            ctx.show_error(UserError("The record was deleted elsewhere; nothing was saved."))
        elif keep_mine is not None:
            keep_mine(int(current))

    def closed() -> None:
        if ctx.conflict_dialog is box:
            ctx.conflict_dialog = None

    if keep_mine is not None:
        informative = (
            f"{OVERWRITE_MINE} stores your change over theirs (Edit \u25b8 Undo brings theirs "
            f"back); {RELOAD_THEIRS} shows what is stored now."
        )
    else:
        informative = f"{RELOAD_THEIRS} shows what is stored now; then choose again."
    box = _conflict_box(
        parent,
        "staleEditBox",
        stale_text(ctx, error, what),
        informative,
        theirs=theirs,
        mine=mine if keep_mine is not None else None,
        closed=closed,
    )
    ctx.conflict_dialog = box
    return box


def guard_stale(
    ctx: AppContext,
    make: Callable[[], QUndoCommand],
    model: type[Any],
    row_id: int,
    version: int | None,
    *,
    what: str,
    parent: QWidget | None = None,
    overwrite: bool = True,
    written: Callable[[int], None] | None = None,
) -> QUndoCommand:
    """``make()``, an edit of row ``row_id`` of ``model`` that is not a change of its
    fields (its set of links, its list of steps, its status), made to write only while the
    row is at ``version``. Otherwise nothing is written and :func:`ask_stale` says so,
    worded by ``what``; with ``overwrite``, Keep mine makes the same edit against the
    version stored then (asking again if it moved on once more)."""

    def again(current: int) -> None:
        ctx.run_edit(
            guard_stale(
                ctx,
                make,
                model,
                row_id,
                current,
                what=what,
                parent=parent,
                overwrite=overwrite,
                written=written,
            )
        )

    def on_conflict(error: ConflictError) -> None:
        ask_stale(ctx, parent, error, what, keep_mine=again if overwrite else None)

    return guard_edit(
        lambda _values: make(),
        model,
        row_id,
        {},
        version,
        written=written,
        on_conflict=on_conflict,
    )


def guard_rows(
    make: Callable[[dict[int, dict[str, Any]]], QUndoCommand],
    model: type[Any],
    changed: Mapping[int, Mapping[str, Any]],
    versions: Mapping[int, int | None],
    *,
    label_for: Callable[[str], str] | None = None,
    written: Callable[[int, int], None] | None = None,
) -> QUndoCommand:
    """``make(changed)``, one edit of fields of several rows of ``model`` (``changed``:
    the fields by row id), made to write only while each row is at the version in
    ``versions``. When one moved on, nothing is written and the conflict dialog shows
    that row's fields (yours beside current); saving it makes the whole edit again with
    the fields kept, against the version stored then. ``written(row_id, version)``: the
    row is at ``version`` (stored, or shown again by the dialog)."""
    rows = {int(row_id): dict(fields) for row_id, fields in changed.items()}
    command = make(rows)
    expected = {
        conflicts.key_of(model, row_id): version
        for row_id, version in versions.items()
        if row_id in rows and version is not None
    }
    if not expected:
        return command

    def intent_for(error: ConflictError) -> EditIntent | None:
        row_id = getattr(error.conflict, "record_id", None)
        if row_id not in rows:
            return None
        assert row_id is not None

        def again(merged: dict[str, Any], current: int) -> QUndoCommand:
            return guard_rows(
                make,
                model,
                {**rows, row_id: merged},
                {**versions, row_id: current},
                label_for=label_for,
                written=written,
            )

        noted = (lambda version: written(row_id, version)) if written is not None else None
        version = int(versions[row_id] or 0)
        return EditIntent(model, row_id, version, rows[row_id], again, label_for, noted)

    return ask_on_conflict(command, intent_for, expected)


def ask_on_conflict(
    command: QUndoCommand,
    intent_for: Callable[[ConflictError], EditIntent | None],
    expected: Mapping[conflicts.Key, int] | None = None,
) -> QUndoCommand:
    """``command`` (an :class:`~..undo.OperationCommand` with no intent of its own), made
    to write only while the records in ``expected`` are at those versions; when it is
    refused by a conflict (theirs, or one its service reports, e.g. a row the view read
    as missing was stored since), ``intent_for(error)`` names the edit the conflict
    dialog offers to merge (None: the refusal is shown as a message). Returns it."""
    inner = command.perform  # type: ignore[attr-defined]

    def perform(ws: Any) -> Any:
        try:
            with conflicts.expecting(expected or {}):
                return inner(ws)
        except ConflictError as error:
            command.intent = intent_for(error)  # type: ignore[attr-defined]
            raise

    command.perform = perform  # type: ignore[attr-defined]
    return command


#: :func:`guard_stale` for a status move (``guard_move(ctx, make, model, row_id,
#: version)``): a move is made on the record as the user saw it, so a refused one offers
#: Reload theirs only (then the user moves it again, or not).
guard_move = functools.partial(guard_stale, what="your status change", overwrite=False)
