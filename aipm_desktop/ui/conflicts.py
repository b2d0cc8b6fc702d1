"""No lost update in the GUI: an edit of a record the user read carries the version read,
and a conflict asks the user, per field, which value to keep.

A form that saves fields of one stored record attaches an :class:`EditIntent` to its
undo command (:func:`expect`): the record, the version the form showed, the values typed
and how to make the same edit again (``resubmit``). The command runs the service call
inside :func:`~aipm_desktop.services.conflicts.expecting`; when the record changed since
(another window or process saved it), nothing is written and :meth:`AppContext.run_edit`
opens a :class:`ConflictDialog`: each field with "yours" beside "current", Keep mine /
Take theirs per field (All mine / All theirs for every field). Saving writes the fields
kept as mine against the version stored now, through the same path, so a record that
changed again meanwhile asks again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..errors import ConflictError, UserError
from ..services import conflicts
from ..services.changes import Changes
from .widgets.page_header import named_label

if TYPE_CHECKING:
    from .context import AppContext

#: What an empty value shows as in the dialog.
EMPTY = "\u2014"
#: The longest text a cell of the dialog shows (longer text is cut with an ellipsis).
CELL_CHARS = 160


def show_value(value: Any) -> str:
    """A stored or typed value as the dialog shows it."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, enum.Enum):
        return str(value.value).replace("_", " ")
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    text = " ".join(str(value).split())
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "\u2026"


@dataclasses.dataclass
class EditIntent:
    """An edit of fields of one stored record, as the user meant it.

    ``values``: the fields the user changed; ``version``: the version of the record they
    saw; ``resubmit(values, version)``: a new command making the edit of ``values``
    against ``version``; ``label_for(field)``: how the form names a field; ``written``:
    called with the record's version once an edit of it is stored, and with the stored
    version when a conflict showed the stored record again; ``on_conflict``: see below.
    """

    model: type[Any]
    record_id: int
    version: int
    values: dict[str, Any]
    resubmit: Callable[[dict[str, Any], int], QUndoCommand]
    label_for: Callable[[str], str] | None = None
    written: Callable[[int], None] | None = None
    #: Asks the user itself instead of the dialog (whole-document text): called with the
    #: refusal.
    on_conflict: Callable[[ConflictError], None] | None = None
    #: ``show(field, value)``: a value as the view shows it (a share as "85%", not
    #: 0.85); None: the dialog's own way.
    show: Callable[[str, Any], str | None] | None = None

    @property
    def key(self) -> conflicts.Key:
        return conflicts.key_of(self.model, self.record_id)

    def field_label(self, name: str) -> str:
        label = self.label_for(name) if self.label_for is not None else ""
        return label or name.replace("_", " ").capitalize()


def expect(command: QUndoCommand, intent: EditIntent) -> QUndoCommand:
    """Make ``command`` (an :class:`~.undo.OperationCommand`) write only while the record
    is at ``intent.version``; returns it."""
    command.intent = intent  # type: ignore[attr-defined]
    return command


class ConflictDialog(QDialog):
    """Yours beside current, per field, with the choice of which to keep.

    ``choices()`` maps each field to True (keep mine) or False (take theirs);
    ``mine()`` the values to write.
    """

    def __init__(
        self,
        intent: EditIntent,
        current: Mapping[str, Any],
        message: str,
        parent: QWidget | None = None,
        references: Mapping[tuple[str, Any], str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        self.setWindowTitle("Edit conflict")
        self.intent = intent
        self.current = dict(current)
        self.groups: dict[str, QButtonGroup] = {}
        self.mine_buttons: dict[str, QRadioButton] = {}
        self.references = dict(references or {})
        self.theirs_buttons: dict[str, QRadioButton] = {}

        intro = named_label(message, "conflictMessage", wrap=True)
        hint = named_label(
            "Choose, field by field, which value to keep. Save writes your choice over the "
            "current record; Cancel keeps the current record as it is.",
            "mutedLabel",
            wrap=True,
        )
        grid = QGridLayout()
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(6)
        for column, title in enumerate(("Field", "Yours", "Current", "Keep")):
            grid.addWidget(named_label(title, "conflictHeader"), 0, column)
        for row, name in enumerate(intent.values, start=1):
            top = Qt.AlignmentFlag.AlignTop
            grid.addWidget(named_label(intent.field_label(name), "formLabel"), row, 0, top)
            yours = named_label(self.shown(name, intent.values[name]), "conflictYours", wrap=True)
            theirs = named_label(
                self.shown(name, self.current.get(name)), "conflictTheirs", wrap=True
            )
            for label in (yours, theirs):
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                label.setMinimumWidth(160)
            grid.addWidget(yours, row, 1, top)
            grid.addWidget(theirs, row, 2, top)
            mine_button = QRadioButton("Keep mine")
            mine_button.setObjectName(f"keepMine_{name}")
            theirs_button = QRadioButton("Take theirs")
            theirs_button.setObjectName(f"takeTheirs_{name}")
            mine_button.setChecked(True)
            group = QButtonGroup(self)
            group.addButton(mine_button)
            group.addButton(theirs_button)
            holder = QWidget()
            line = QVBoxLayout(holder)
            line.setContentsMargins(0, 0, 0, 0)
            line.setSpacing(0)
            line.addWidget(mine_button)
            line.addWidget(theirs_button)
            grid.addWidget(holder, row, 3, top)
            self.groups[name] = group
            self.mine_buttons[name] = mine_button
            self.theirs_buttons[name] = theirs_button
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)

        self.buttons = QDialogButtonBox()
        self.all_mine_button = QPushButton("All mine")
        self.all_mine_button.setObjectName("allMineButton")
        self.all_theirs_button = QPushButton("All theirs")
        self.all_theirs_button.setObjectName("allTheirsButton")
        self.buttons.addButton(self.all_mine_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.buttons.addButton(self.all_theirs_button, QDialogButtonBox.ButtonRole.ResetRole)
        self.save_button = self.buttons.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveMergedButton")
        self.save_button.setDefault(True)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.all_mine_button.clicked.connect(self._on_all_mine_button_clicked)
        self.all_theirs_button.clicked.connect(self._on_all_theirs_button_clicked)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(10)
        layout.addWidget(intro)
        layout.addWidget(hint)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(620)

    def shown(self, name: str, value: Any) -> str:
        """``value`` of field ``name`` as the dialog shows it: a reference by the name of
        the record it points to."""
        shown = self.intent.show(name, value) if self.intent.show is not None else None
        if shown is not None:
            return shown
        label = self.references.get((name, value)) if isinstance(value, int) else None
        return show_value(label if label is not None else value)

    def choices(self) -> dict[str, bool]:
        return {name: button.isChecked() for name, button in self.mine_buttons.items()}

    def mine(self) -> dict[str, Any]:
        """The fields kept as mine, with my values (those differing from current)."""
        return {
            name: self.intent.values[name]
            for name, keep in self.choices().items()
            if keep and self.intent.values[name] != self.current.get(name)
        }

    def _on_all_mine_button_clicked(self) -> None:
        for button in self.mine_buttons.values():
            button.setChecked(True)

    def _on_all_theirs_button_clicked(self) -> None:
        for button in self.theirs_buttons.values():
            button.setChecked(True)


def conflict_message(ctx: AppContext, intent: EditIntent, error: ConflictError) -> str:
    """What the dialog says happened: the record, who changed it and when."""
    text = str(error).replace("; nothing was saved.", ".")
    ws = ctx.workspace
    change = conflicts.last_change(ws, intent.key[0], intent.record_id) if ws is not None else None
    if change is not None:
        text = text.removesuffix(".") + f" ({change.describe()})."
    return text + " Your change was not saved yet."


def offer_merge(ctx: AppContext, intent: EditIntent, error: ConflictError) -> ConflictDialog | None:
    """After ``error`` refused ``intent``: show the stored record again everywhere and open
    the dialog (kept in ``ctx.conflict_dialog`` while open). None when the record is gone
    (then a plain message says so, or the edit's ``on_conflict`` asks the user itself)."""
    if intent.on_conflict is not None:
        intent.on_conflict(error)
        return None
    kind, record_id = intent.key
    ctx.notify(Changes(kind, (record_id,), "update"))
    ws = ctx.workspace
    try:
        if ws is None:
            raise UserError("No workspace is open.")
        current, version = conflicts.stored_values(ws, intent.model, record_id, intent.values)
    except UserError as gone:
        ctx.show_error(gone)
        return None
    if intent.written is not None:
        intent.written(version)  # the form shows the stored record again
    both = {name: (intent.values[name], current.get(name)) for name in intent.values}
    references = conflicts.reference_labels(ws, intent.model, both)
    message = conflict_message(ctx, intent, error)
    dialog = ConflictDialog(intent, current, message, references=references)
    dialog.setParent(QApplication.activeWindow(), dialog.windowFlags())
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    ctx.conflict_dialog = dialog

    def on_finished(result: int) -> None:
        ctx.conflict_dialog = None
        dialog.deleteLater()
        if result != QDialog.DialogCode.Accepted:
            return
        mine = dialog.mine()
        if mine:
            ctx.run_edit(intent.resubmit(mine, version))

    dialog.finished.connect(on_finished)
    dialog.open()
    return dialog
