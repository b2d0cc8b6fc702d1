"""The "Lanes…" dialog: the roadmap's swim lanes, in order.

Lanes are added, renamed in place (double-click or F2), removed and moved up or down;
the second column counts the roadmap items in each lane. Nothing is written until
Save, which applies every change as one undo step (Edit ▸ Undo takes it back).
Renaming a lane moves its items along. Removing a lane that items still use is refused
with the service's message shown in the dialog, and the workspace is left unchanged.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QTableWidgetItem,
    QWidget,
)

from ...services import roadmap
from ...services.workspace import get_settings
from ..context import AppContext
from ..widgets.builders import button, hbox, resize_columns, table, vbox
from ..widgets.page_header import READ_ONLY_WHY, named_label, set_enabled_why
from .edits import SetLanesCommand

COLUMNS = ("Lane", "Items")
#: The lane's name when the dialog opened (None for a lane added here).
ORIGINAL_ROLE = Qt.ItemDataRole.UserRole
NEW_LANE = "New lane"
TIPS = {
    "add": "Add a lane at the end and name it",
    "rename": "Rename the selected lane (F2); its items move along",
    "remove": "Remove the selected lane",
    "up": "Move the selected lane up",
    "down": "Move the selected lane down",
}


class LanesDialog(QDialog):
    """Edits the ordered list of roadmap lanes; Save applies it through
    :class:`~aipm_desktop.ui.roadmap.edits.SetLanesCommand`."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Roadmap lanes")
        self.setObjectName("lanesDialog")
        self.ctx = ctx
        ws = ctx.require_workspace()
        self.original = roadmap.lanes(ws=ws)
        self.counts = roadmap.lane_counts(ws=ws)
        self.command: SetLanesCommand | None = None

        heading = named_label("Roadmap lanes", "dialogHeading")
        hint = named_label(
            "The timeline and the board show the lanes in this order. Renaming a lane "
            "moves its items along; a lane still holding items cannot be removed.",
            "mutedLabel",
            wrap=True,
        )
        self.table = table(COLUMNS, "lanesTable")
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        resize_columns(self.table, stretch=(0,), fit=(1,))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemChanged.connect(self._on_table_itemChanged)

        self.add_button = button("Add", self.add_lane, tip=TIPS["add"])
        self.rename_button = button("Rename", self._on_rename_button_clicked, tip=TIPS["rename"])
        self.remove_button = button("Remove", self.remove_lane, tip=TIPS["remove"])
        self.up_button = button("Move up", lambda: self.move_lane(-1), tip=TIPS["up"])
        self.down_button = button("Move down", lambda: self.move_lane(1), tip=TIPS["down"])
        side = vbox(
            self.add_button,
            self.rename_button,
            self.remove_button,
            self.up_button,
            self.down_button,
            1,
        )

        self.message = named_label("", "errorHint", wrap=True)
        self.message.setVisible(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        body = hbox((self.table, 1), side)
        vbox(heading, hint, (body, 1), self.message, self.buttons, parent=self)
        self.resize(520, 420)

        self._filling = False
        for name in self.original:
            self._append(name, name)
        if self.table.rowCount():
            self.table.selectRow(0)
        self._update_buttons()

    # -- rows -------------------------------------------------------------------------------

    def _append(self, name: str, original: str | None, row: int | None = None) -> int:
        row = self.table.rowCount() if row is None else row
        self._filling = True
        try:
            self.table.insertRow(row)
            lane = QTableWidgetItem(name)
            lane.setData(ORIGINAL_ROLE, original)
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if not self.ctx.readonly:
                flags |= Qt.ItemFlag.ItemIsEditable
            lane.setFlags(flags)
            self.table.setItem(row, 0, lane)
            count = QTableWidgetItem()
            count.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 1, count)
            self._fill_count(row)
        finally:
            self._filling = False
        return row

    def _fill_count(self, row: int) -> None:
        original = self.table.item(row, 0).data(ORIGINAL_ROLE)
        count = self.counts.get(original.casefold(), 0) if original else 0
        cell = self.table.item(row, 1)
        cell.setText(str(count) if count else "\u2013")
        cell.setToolTip(
            f"{count} roadmap item{'s' if count != 1 else ''} in this lane"
            if count
            else "No roadmap item in this lane"
        )

    def names(self) -> list[str]:
        """The lanes as listed now, top to bottom."""
        return [self.table.item(r, 0).text().strip() for r in range(self.table.rowCount())]

    def current_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else -1

    def row_of(self, name: str) -> int:
        """The row listing lane ``name`` (any case), or -1."""
        for row, text in enumerate(self.names()):
            if text.casefold() == name.strip().casefold():
                return row
        return -1

    # -- editing ----------------------------------------------------------------------------

    def add_lane(self) -> int:
        """Add a lane named "New lane" (numbered when taken) and start editing its name."""
        taken = {name.casefold() for name in self.names()}
        name, number = NEW_LANE, 2
        while name.casefold() in taken:
            name, number = f"{NEW_LANE} {number}", number + 1
        row = self._append(name, None)
        self.table.selectRow(row)
        self.table.editItem(self.table.item(row, 0))
        self._clear_message()
        return row

    def rename_lane(self, row: int, name: str) -> None:
        """Rename the lane in ``row`` (as typing in the cell does)."""
        self.table.item(row, 0).setText(name)

    def remove_lane(self) -> None:
        row = self.current_row()
        if row < 0:
            return
        self.table.removeRow(row)
        if self.table.rowCount():
            self.table.selectRow(min(row, self.table.rowCount() - 1))
        self._clear_message()
        self._update_buttons()

    def move_lane(self, step: int) -> None:
        row = self.current_row()
        target = row + step
        if row < 0 or not 0 <= target < self.table.rowCount():
            return
        name = self.table.item(row, 0).text()
        original = self.table.item(row, 0).data(ORIGINAL_ROLE)
        self.table.removeRow(row)
        self._append(name, original, target)
        self.table.selectRow(target)
        self._update_buttons()

    def _on_rename_button_clicked(self) -> None:
        row = self.current_row()
        if row >= 0:
            self.table.editItem(self.table.item(row, 0))

    def _on_table_itemChanged(self, item: QTableWidgetItem) -> None:
        if not self._filling:
            self._clear_message()

    def _update_buttons(self) -> None:
        editable = not self.ctx.readonly
        row = self.current_row()
        count = self.table.rowCount()
        pick = READ_ONLY_WHY if not editable else "Select a lane first."
        set_enabled_why(self.add_button, editable, TIPS["add"], READ_ONLY_WHY)
        set_enabled_why(self.rename_button, editable and row >= 0, TIPS["rename"], pick)
        if editable and row >= 0 and count <= 1:
            pick_remove = "The roadmap needs at least one lane."
        else:
            pick_remove = pick
        set_enabled_why(
            self.remove_button, editable and row >= 0 and count > 1, TIPS["remove"], pick_remove
        )
        first = "It is already the first lane." if editable and row == 0 else pick
        set_enabled_why(self.up_button, editable and row > 0, TIPS["up"], first)
        last = "It is already the last lane." if editable and row == count - 1 else pick
        set_enabled_why(self.down_button, editable and 0 <= row < count - 1, TIPS["down"], last)
        set_enabled_why(self.save_button, editable, "", READ_ONLY_WHY)

    # -- saving -----------------------------------------------------------------------------

    def _clear_message(self) -> None:
        self.message.clear()
        self.message.setVisible(False)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(True)

    def renames(self) -> dict[str, str]:
        """Old name -> new name of every listed lane whose name was edited."""
        found: dict[str, str] = {}
        for row in range(self.table.rowCount()):
            cell = self.table.item(row, 0)
            original = cell.data(ORIGINAL_ROLE)
            if original and cell.text().strip() != original:
                found[original] = cell.text().strip()
        return found

    def save(self) -> bool:
        """Apply the list as one undo step; on a refusal show why and keep the dialog."""
        if self.ctx.readonly:
            return False
        self.table.setCurrentItem(None)  # commits an edit still open in a cell
        lanes, renames = self.names(), self.renames()
        if lanes == self.original and not renames:
            self.accept()
            return True
        kept = self._kept()
        removed_used = [
            name for name in self.original if name not in kept and self.counts.get(name.casefold())
        ]
        configured = {
            name.casefold() for name in get_settings(ws=self.ctx.require_workspace()).roadmap_lanes
        }
        unlisted = [name for name in removed_used if name.casefold() not in configured]
        if unlisted:
            # a lane only items use (not configured): set_lanes has nothing to refuse, and
            # the lane would come back at the end; say so the same way the service does
            self.show_message(
                f"Cannot remove the lane {unlisted[0]!r}: roadmap items still use it. "
                "Move those items to another lane first."
            )
            self._restore(removed_used)
            return False
        command = SetLanesCommand(
            self.ctx,
            lanes,
            renames=renames,
            text=_describe(self.original, lanes, renames),
            report_errors=False,
        )
        if self.ctx.run_edit(command):
            self.command = command
            self.accept()
            return True
        self.show_message(str(command.error))
        self._restore(removed_used)
        return False

    def _kept(self) -> set[str]:
        """The original names of the lanes still listed (renamed or not)."""
        cells = (self.table.item(r, 0) for r in range(self.table.rowCount()))
        return {cell.data(ORIGINAL_ROLE) for cell in cells if cell.data(ORIGINAL_ROLE)}

    def _restore(self, names: list[str]) -> None:
        """Put back the rows of lanes whose removal was refused, where they were."""
        for name in names:
            if name not in self._kept():
                row = min(self.original.index(name), self.table.rowCount())
                self._append(name, name, row)
        self._update_buttons()


def _describe(old: list[str], new: list[str], renames: dict[str, str]) -> str:
    """The undo text: the one rename, or "edit roadmap lanes"."""
    if len(renames) == 1 and len(old) == len(new):
        ((source, target),) = renames.items()
        if [renames.get(n, n) for n in old] == new:
            return f"rename roadmap lane '{source}' to '{target}'"
    return "edit roadmap lanes"
