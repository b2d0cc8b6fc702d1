"""An incident's timeline and its mitigation actions, as two small tables.

:class:`TimelinePanel` lists the entries (when, who, what), oldest first; the entry line
under the detail pane adds to it (:class:`EntryLine`: type, Enter). :class:`ActionsPanel`
lists the actions taken (feature-flag rollback, safe mode, prompt update, policy filter,
hotfix, data exclusion, vendor escalation), each with who, when and notes, and adds one
from the row above the table; "Edit" (or a double-click, or Enter on a row) puts the
chosen action into that row to change any of its fields, "Save changes" stores them.
Del (or "Remove") removes the chosen row; every change is undoable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtGui import QKeySequence, QUndoCommand
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QLineEdit,
    QWidget,
)

from ...models import IncidentAction, IncidentActionKind
from ...services import incidents
from ...services.dates import format_datetime
from ..context import AppContext
from ..undo import OperationCommand
from ..widgets.builders import button, hbox, line_edit, vbox
from ..widgets.field_editors import date_display_format, local_moment, utc_moment
from ..widgets.lazy_table import set_enabled_why
from ..widgets.page_header import local_action, named_label
from ..widgets.row_list_model import Column
from ..widgets.versioned import guard_edit, handed_over
from .edits import (
    AddActionCommand,
    AddTimelineEntryCommand,
    DeleteActionCommand,
    DeleteTimelineEntryCommand,
    UpdateActionCommand,
)
from .parts import READ_ONLY_WHY, RowsPanel, who_am_i, wrap_rows

NO_TIMELINE = (
    "No timeline entries yet. Type what happened in the line under this pane and press "
    "Enter: each entry is stamped with the time and your name."
)
ADD_TEXT, SAVE_TEXT = "Add action", "Save changes"
SAVE_TIP = "Store these fields on the action being edited (Enter)"
EDIT_TIP = "Change the chosen action's kind, who, when or notes (double-click, Enter)"
NO_ACTIONS = (
    "No actions recorded yet. Choose what was done above (a feature-flag rollback, safe "
    "mode, a prompt update …), who did it and when, then press Enter or \u201cAdd action\u201d."
)


class _RecordsPanel(RowsPanel):
    """A table of an incident's rows with a "Remove" button and Del to remove one."""

    #: Makes the undo step removing the row with an id (each panel sets it).
    remove_command: Any

    def __init__(
        self, ctx: AppContext, columns: Sequence[Column[Any]], *, noun: str, **options: Any
    ) -> None:
        super().__init__(ctx, columns, **options)
        self.noun = noun
        self.remove_button = button(f"Remove {noun}", self.remove_current)
        self.remove_action = local_action(
            self.table, f"Remove {noun}", QKeySequence.StandardKey.Delete, self.remove_current
        )

    def current_id(self) -> int | None:
        record = self.model.record_at(self.table.currentIndex())
        return None if record is None else int(record.id)

    def remove_current(self) -> bool:
        """Remove the chosen row (undoable); False when none is chosen."""
        row_id = self.current_id()
        if row_id is None or self.ctx.readonly:
            return False
        return self.ctx.run_edit(self.remove_command(self.ctx, row_id))

    def update_actions(self) -> None:
        can = not self.ctx.readonly and self.current_id() is not None
        why = READ_ONLY_WHY if self.ctx.readonly else f"Choose a {self.noun} in the list first."
        set_enabled_why(self.remove_button, can, f"Remove the chosen {self.noun} (Del)", why)
        self.remove_action.setEnabled(can)


class TimelinePanel(_RecordsPanel):
    """The timeline of the shown incident (when, who, what), oldest first."""

    remove_command = staticmethod(DeleteTimelineEntryCommand)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        columns: tuple[Column[incidents.TimelineEntry], ...] = (
            Column("When", lambda e: format_datetime(e.at)),
            Column("Who", lambda e: e.who or "-"),
            Column("What", lambda e: " ".join(e.what.split()), tip=lambda e: e.what),
        )
        super().__init__(
            ctx,
            columns,
            parent=parent,
            name="timelinePanel",
            empty_text=NO_TIMELINE,
            stretch=2,
            noun="entry",
        )
        top = hbox(
            named_label("Who saw or did what, and when (your local time).", "mutedLabel"),
            1,
            self.remove_button,
            spacing=8,
        )
        vbox(top, (self.stack, 1), margins=(6, 6, 6, 6), spacing=6, parent=self)
        wrap_rows(self.table)

    def whats(self) -> list[str]:
        """The entries' texts as listed."""
        return [e.what for e in self.model.rows]


class EntryLine(QLineEdit):
    """The line that adds a timeline entry: type what happened, press Enter.

    Signals:
        entry_added(int): an entry was added (its id); the line is empty again.
    """

    entry_added = Signal(int)

    PLACEHOLDER = "Add to the timeline: type what happened and press Enter (Ctrl+E)"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.incident_id: int | None = None
        self.setObjectName("timelineEntryLine")
        self.setPlaceholderText(self.PLACEHOLDER)
        self.setClearButtonEnabled(True)
        self.setMaxLength(2000)
        self.returnPressed.connect(self._on_self_return_pressed)

    def set_incident(self, incident_id: int | None) -> None:
        self.incident_id = incident_id
        editable = incident_id is not None and not self.ctx.readonly
        self.setEnabled(editable)
        self.setToolTip(
            "Each entry is stamped with the time and your name; Edit \u25b8 Undo removes it."
            if editable
            else (READ_ONLY_WHY if self.ctx.readonly else "Choose an incident first.")
        )

    def add_entry(self) -> int | None:
        """Add the typed text as an entry now (undoable); its id, or None (nothing typed,
        or refused: the text stays)."""
        text = self.text().strip()
        if not text or self.incident_id is None or self.ctx.readonly:
            return None
        command: OperationCommand = AddTimelineEntryCommand(
            self.ctx, self.incident_id, text, who_am_i(self.ctx)
        )
        if not self.ctx.run_edit(command) or command.record_id is None:
            return None
        self.clear()
        self.entry_added.emit(command.record_id)
        return command.record_id

    def _on_self_return_pressed(self) -> None:
        self.add_entry()


def _action_kinds() -> list[tuple[str, str]]:
    return [(kind.value, label) for kind, label in incidents.ACTION_LABELS.items()]


class ActionsPanel(_RecordsPanel):
    """The actions taken on the shown incident, and a row to add one."""

    remove_command = staticmethod(DeleteActionCommand)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        columns: tuple[Column[incidents.ActionEntry], ...] = (
            Column("When", lambda a: format_datetime(a.at)),
            Column("Action", lambda a: a.label),
            Column("Who", lambda a: a.who or "-"),
            Column("Notes", lambda a: " ".join(a.notes.split()), tip=lambda a: a.notes or None),
        )
        super().__init__(
            ctx,
            columns,
            parent=parent,
            name="actionsPanel",
            empty_text=NO_ACTIONS,
            stretch=3,
            noun="action",
        )
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("actionKindCombo")
        for value, label in _action_kinds():
            self.kind_combo.addItem(label, value)
        self.kind_combo.setToolTip("What was done")
        self.who_edit = line_edit("actionWhoEdit", "Who")
        self.when_edit = QDateTimeEdit()
        self.when_edit.setObjectName("actionWhenEdit")
        self.when_edit.setCalendarPopup(True)
        self.when_edit.setDisplayFormat(date_display_format() + " HH:mm")
        self.when_edit.setToolTip("When it was done (your local time)")
        self.notes_edit = line_edit("actionNotesEdit", "Notes (optional)")
        #: The action whose fields the row above the table shows for a change (None: the
        #: row describes a new action).
        self.editing_id: int | None = None
        self.editing: Any = None  # the action being changed, as read
        self.add_button = button(
            ADD_TEXT, self.commit, name="addActionButton", tip="Record this action (Enter)"
        )
        self.cancel_button = button(
            "Cancel", self.stop_editing, name="cancelActionEditButton", tip="Keep it as it was"
        )
        self.cancel_button.setVisible(False)
        self.edit_button = button("Edit", self.edit_current, name="editActionButton", tip=EDIT_TIP)
        add_row = vbox(
            hbox((self.kind_combo, 1), (self.who_edit, 1), self.when_edit, spacing=6),
            hbox((self.notes_edit, 1), self.cancel_button, self.add_button, spacing=6),
            spacing=6,
        )
        top = hbox(
            named_label("What was done to stop the harm, by whom and when.", "mutedLabel"),
            1,
            self.edit_button,
            self.remove_button,
            spacing=8,
        )
        vbox(add_row, top, (self.stack, 1), margins=(6, 6, 6, 6), spacing=6, parent=self)
        wrap_rows(self.table)
        for line in (self.who_edit, self.notes_edit):
            line.returnPressed.connect(self.commit)
        self.table.doubleClicked.connect(lambda _i: self.edit_current())
        self.table.activated.connect(lambda _i: self.edit_current())

    def show_rows(self, incident_id: int | None, rows: Any) -> None:
        if incident_id != self.owner_id:
            self.editing_id = None
            self._reset_entry()
        elif self.editing_id is not None and all(r.id != self.editing_id for r in rows):
            self.editing_id = None  # the action went (undo, removed)
            self._reset_entry()
        super().show_rows(incident_id, rows)
        if self.editing_id is not None:  # keep the action being edited chosen
            row = self.model.row_of_key(self.editing_id)
            if row is not None:
                self.table.setCurrentIndex(self.model.index(row, 0))
        self._show_mode()

    def _show_mode(self) -> None:
        """The row above the table as it is now: adding a new action or changing one."""
        editable = self.owner_id is not None and not self.ctx.readonly
        for widget in (self.kind_combo, self.who_edit, self.when_edit, self.notes_edit):
            widget.setEnabled(editable)
        set_enabled_why(
            self.add_button,
            editable,
            "Record this action (Enter)" if self.editing_id is None else SAVE_TIP,
            READ_ONLY_WHY if self.ctx.readonly else "Choose an incident first.",
        )
        self.add_button.setText(ADD_TEXT if self.editing_id is None else SAVE_TEXT)
        self.cancel_button.setVisible(self.editing_id is not None)

    def update_actions(self) -> None:
        super().update_actions()
        can = not self.ctx.readonly and self.current_id() is not None
        why = READ_ONLY_WHY if self.ctx.readonly else "Choose an action in the list first."
        set_enabled_why(self.edit_button, can, EDIT_TIP, why)

    def _reset_entry(self) -> None:
        """The row above the table ready for a new action: by you, now, no notes."""
        self.who_edit.setText(who_am_i(self.ctx))
        self.notes_edit.clear()
        self.when_edit.setDateTime(QDateTime.currentDateTime())

    def edit_current(self) -> int | None:
        """Put the chosen action's fields into the row above the table to change them;
        its id (None when no action is chosen)."""
        record = self.model.record_at(self.table.currentIndex())
        if record is None or self.ctx.readonly:
            return None
        self.editing_id = int(record.id)
        self.editing = record  # saving expects it as read (no lost update)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(record.kind)))
        self.who_edit.setText(record.who)
        self.when_edit.setDateTime(local_moment(record.at))
        self.notes_edit.setText(record.notes)
        self._show_mode()
        self.notes_edit.setFocus()
        return self.editing_id

    def stop_editing(self) -> None:
        """Leave the chosen action as it is; the row describes a new action again."""
        self.editing_id = None
        self._reset_entry()
        self._show_mode()

    def commit(self) -> int | None:
        """Add the action the row describes, or save the changes to the one being edited."""
        return self.add_action() if self.editing_id is None else self.save_action()

    def _entry(self) -> dict[str, Any]:
        return {
            "kind": str(self.kind_combo.currentData() or IncidentActionKind.OTHER.value),
            "who": self.who_edit.text().strip(),
            "at": self.when(),
            "notes": self.notes_edit.text().strip(),
        }

    def save_action(self) -> int | None:
        """Store the row's fields on the action being edited (undoable); its id."""
        action_id = self.editing_id
        if action_id is None or self.ctx.readonly:
            return None
        read = self.editing
        changed = {k: v for k, v in self._entry().items() if getattr(read, k, None) != v}

        def make(values: dict[str, Any]) -> QUndoCommand:
            return UpdateActionCommand(self.ctx, action_id, values)

        version = getattr(read, "version", None)
        command = guard_edit(make, IncidentAction, action_id, changed, version)
        if changed and not self.ctx.run_edit(command) and not handed_over(command):
            return None
        self.stop_editing()
        return action_id

    def when(self) -> dt.datetime:
        """The moment in the "when" box, as UTC."""
        return utc_moment(self.when_edit.dateTime())

    def add_action(self) -> int | None:
        """Record the action described in the row above the table (undoable)."""
        if self.owner_id is None or self.ctx.readonly:
            return None
        entry = self._entry()
        command = AddActionCommand(self.ctx, self.owner_id, entry.pop("kind"), **entry)
        if not self.ctx.run_edit(command) or command.record_id is None:
            return None
        self.notes_edit.clear()
        return command.record_id
