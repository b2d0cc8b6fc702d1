"""The "Edit default checklist…" dialog: the workspace's launch checklist template.

Cells are edited in place (function, item, description); items are added and removed
with the buttons. Every change is written at once as one undo step (Ctrl+Z in the main
window undoes it); releases that already have a checklist keep theirs.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QTableWidgetItem,
    QWidget,
)

from ...services import launch
from ..context import AppContext
from ..widgets.builders import (
    button,
    deferred,
    dialog_buttons,
    hbox,
    resize_columns,
    select_id,
    table,
    vbox,
)
from ..widgets.page_header import named_label
from .edits import AddTemplateItemCommand, DeleteTemplateItemCommand, UpdateTemplateItemCommand

COLUMNS = ("Function", "Item", "Description")
FIELDS = ("function", "item", "description")
ID_ROLE = Qt.ItemDataRole.UserRole


class TemplateDialog(QDialog):
    """Edits :class:`~aipm_desktop.models.LaunchChecklistTemplate` rows, undoably."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Default launch checklist")
        self.ctx = ctx
        self._items: list[launch.TemplateItem] = []
        self._filling = False
        self._timer = deferred(self, self.reload)

        heading = named_label("Default launch checklist", "dialogHeading")
        hint = named_label(
            "New releases copy these items. Releases that already have a checklist keep "
            "theirs. Edits are saved at once; Edit ▸ Undo takes them back.",
            "mutedLabel",
            wrap=True,
        )
        self.table = table(COLUMNS, "templateTable")
        self.table.setColumnWidth(0, 170)
        self.table.setColumnWidth(1, 280)
        resize_columns(self.table, stretch=(2,))
        self.table.itemChanged.connect(self._on_table_itemChanged)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_button = button("Add item", self._on_add_button_clicked)
        self.remove_button = button("Remove item", self._on_remove_button_clicked)
        buttons = dialog_buttons(self, buttons=QDialogButtonBox.StandardButton.Close)

        row = hbox(self.add_button, self.remove_button, 1, buttons)
        vbox(heading, hint, (self.table, 1), row, parent=self)
        self.resize(860, 560)
        self._watcher = ctx.watch(self, (launch.TEMPLATE_KIND,), self._timer.start)
        self.reload()

    def reload(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        keep = self.current_item_id()
        self._items = launch.template(ws=ws)
        self._filling = True
        try:
            self.table.setRowCount(len(self._items))
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            if not self.ctx.readonly:
                flags |= Qt.ItemFlag.ItemIsEditable
            for r, entry in enumerate(self._items):
                for c, field in enumerate(FIELDS):
                    item = QTableWidgetItem(getattr(entry, field))
                    item.setData(ID_ROLE, entry.id)
                    item.setFlags(flags)
                    item.setToolTip(getattr(entry, field))
                    self.table.setItem(r, c, item)
            if keep is not None:
                self.select_item(keep)
        finally:
            self._filling = False
        self._update_buttons()

    def current_item_id(self) -> int | None:
        row = self.table.currentRow()
        return self._items[row].id if 0 <= row < len(self._items) else None

    def select_item(self, item_id: int) -> None:
        select_id(self.table, [entry.id for entry in self._items], item_id)

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(not self.ctx.readonly)
        self.remove_button.setEnabled(not self.ctx.readonly and self.current_item_id() is not None)

    def _on_table_itemChanged(self, item: QTableWidgetItem) -> None:
        if self._filling:
            return
        item_id = item.data(ID_ROLE)
        field = FIELDS[item.column()]
        entry = next(e for e in self._items if e.id == item_id)
        value = item.text().strip()
        if getattr(entry, field) == value:
            return
        self.ctx.run_edit(UpdateTemplateItemCommand(self.ctx, int(item_id), {field: value}))
        self._timer.start()  # shows the stored value again when the edit was refused

    def _on_add_button_clicked(self) -> None:
        command = AddTemplateItemCommand(
            self.ctx, {"function": "General", "item": "New checklist item"}
        )
        if self.ctx.run_edit(command) and command.item_id is not None:
            self.reload()
            self.select_item(command.item_id)
            row = self.table.currentRow()
            self.table.editItem(self.table.item(row, 1))

    def _on_remove_button_clicked(self) -> None:
        item_id = self.current_item_id()
        if item_id is None:
            return
        entry = next(e for e in self._items if e.id == item_id)
        self.ctx.run_edit(DeleteTemplateItemCommand(self.ctx, item_id, entry.item))

    def done(self, result: int) -> None:
        self._watcher.deleteLater()
        super().done(result)
