"""The risk-taxonomy manager: which taxonomies are in use, their items, and adding one.

A taxonomy in use feeds the Category choices of the risk form and the register's
filter (the NIST AI RMF one feeds the framework references instead). Putting one in or
out of use and adding one are undoable commands
(:class:`~aipm_desktop.ui.risks.edits.SetTaxonomyEnabledCommand`,
:class:`~aipm_desktop.ui.risks.edits.AddTaxonomyCommand`); the dialog follows
``ctx.changed`` so Edit ▸ Undo in the main window (or Ctrl+Z here) shows at once.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...services import risks
from ..context import AppContext
from ..widgets.builders import (
    SAVE_CANCEL,
    Space,
    dialog_buttons,
    form_layout,
    line_edit,
    select_id,
    vbox,
)
from ..widgets.context_widgets import ContextDialog
from ..widgets.dialog_parts import dialog_heading
from ..widgets.page_header import named_label
from .edits import AddTaxonomyCommand, SetTaxonomyEnabledCommand

KIND = "risk_taxonomy"
CATEGORY_USE = "Risk categories"
FRAMEWORK_USE = "Framework references"
MUTED = "#7b8794"


def parse_items(text: str) -> list[tuple[str, str]]:
    """One item a line, ``Name`` or ``Name: description``; blank lines are skipped."""
    items: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _colon, description = line.partition(":")
        items.append((name.strip(), description.strip()))
    return items


def taxonomy_problems(name: str, text: str, existing: list[str]) -> list[str]:
    """Why a new taxonomy cannot be added (empty when it can)."""
    problems: list[str] = []
    name = name.strip()
    if not name:
        problems.append("Give the taxonomy a name.")
    elif name.casefold() in {other.casefold() for other in existing}:
        problems.append(f"A taxonomy named “{name}” already exists.")
    items = parse_items(text)
    if not items:
        problems.append("List at least one item, one a line.")
    seen: set[str] = set()
    for number, (item, _description) in enumerate(items, start=1):
        if not item:
            problems.append(f"Item {number} has a description but no name.")
        elif item.casefold() in seen:
            problems.append(f"“{item}” is listed twice.")
        seen.add(item.casefold())
    return problems


class AddTaxonomyDialog(ContextDialog):
    """A name and the items, one a line; Save adds the taxonomy (one undo step)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="addTaxonomyDialog", title="Add taxonomy")
        self.taxonomy_id: int | None = None

        heading, intro = dialog_heading(
            "Add a taxonomy",
            "Your own list of risk categories, e.g. the risks your legal team or a vendor "
            "contract names. Its items join the Category choices while it is in use.",
        )

        self.name_edit = line_edit("", "e.g. Vendor risks", max_length=200)
        self.items_edit = QPlainTextEdit()
        self.items_edit.setPlaceholderText(
            "One item a line, optionally “Name: description”, e.g.\n"
            "Vendor outage: the model API is down or throttled\n"
            "Price change"
        )
        self.items_edit.setTabChangesFocus(True)
        self.items_edit.setMinimumHeight(150)
        form = form_layout(("Name", self.name_edit), ("Items", self.items_edit))

        self.hint = named_label("", "errorHint", wrap=True)
        self.hint.setVisible(False)
        self.buttons = dialog_buttons(self, self.save, SAVE_CANCEL)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Add")
        self.save_button.setEnabled(not ctx.readonly)
        vbox(heading, intro, Space(4), form, self.hint, self.buttons, parent=self)
        self.resize(480, 380)

        self.name_edit.textChanged.connect(lambda _t: self._recheck())
        self.items_edit.textChanged.connect(self._recheck)

    def problems(self) -> list[str]:
        ws = self.ctx.workspace
        existing = [t.name for t in risks.taxonomies(ws=ws)] if ws is not None else []
        return taxonomy_problems(self.name_edit.text(), self.items_edit.toPlainText(), existing)

    def _show(self, problems: list[str]) -> None:
        self.hint.setText("\n".join(problems))
        self.hint.setVisible(bool(problems))

    def _recheck(self) -> None:
        if self.hint.isVisible():  # once shown, the message follows the typing
            self._show(self.problems())

    def save(self) -> bool:
        """Add the taxonomy; stays open with an inline message when the input is invalid."""
        problems = self.problems()
        if problems:
            self._show(problems)
            return False
        items = parse_items(self.items_edit.toPlainText())
        command = AddTaxonomyCommand(self.ctx, self.name_edit.text().strip(), items)
        if self.ctx.run_edit(command):
            self.taxonomy_id = command.taxonomy_id
            self.accept()
            return True
        if command.error is not None:
            self._show([command.error.message])
        return False


class TaxonomiesDialog(ContextDialog):
    """Every taxonomy with an "In use" check box, the selected one's items, and "Add"."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="taxonomiesDialog", title="Risk taxonomies")
        self.taxonomies: list[risks.Taxonomy] = []
        #: The "In use" cell of each taxonomy (a check box painted by the view).
        self.in_use_items: dict[int, QTableWidgetItem] = {}
        self.add_dialog: AddTaxonomyDialog | None = None

        heading, intro = dialog_heading(
            "Risk taxonomies",
            "The taxonomies in use feed the Category choices of the risk form and the "
            "register's filter; the NIST AI RMF categories feed the framework references. "
            "Taking one out of use only hides its items as choices: risks keep the "
            "category they have.",
        )

        self.table = QTableWidget(0, 4)
        self.table.setObjectName("listTable")
        self.table.setHorizontalHeaderLabels(["In use", "Taxonomy", "Items", "Used for"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)

        self.detail_title = named_label("", "riskFormHeading", wrap=True)
        self.detail_source = named_label("", "mutedLabel", wrap=True)
        self.items_table = QTableWidget(0, 3)
        self.items_table.setObjectName("listTable")
        self.items_table.setHorizontalHeaderLabels(["Name", "Description", "Key"])
        self.items_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.items_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.items_table.verticalHeader().setVisible(False)
        self.items_table.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.items_table.verticalHeader().setMinimumSectionSize(26)
        self.items_table.setWordWrap(True)
        self.items_table.setAlternatingRowColors(True)
        items_header = self.items_table.horizontalHeader()
        items_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        items_header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        items_header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        items_header.resizeSection(0, 200)
        items_header.resizeSection(2, 150)
        self.items_table.setTextElideMode(Qt.TextElideMode.ElideMiddle)

        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(8, 0, 0, 0)
        detail_layout.addWidget(self.detail_title)
        detail_layout.addWidget(self.detail_source)
        detail_layout.addWidget(self.items_table, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setCollapsible(0, False)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([450, 650])

        self.add_button = QPushButton("Add taxonomy…")
        self.add_button.setToolTip("Add your own list of risk categories to this workspace")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.add_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addSpacing(4)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(bottom)
        self.resize(1100, 600)

        self.add_undo_shortcuts()

        self.add_button.clicked.connect(self.open_add)
        self.table.currentCellChanged.connect(lambda row, _c, _r, _pc: self._show_items(row))
        self.table.itemChanged.connect(self._on_table_item_changed)
        ctx.watch(self, (KIND,), self.reload)
        ctx.workspace_closed.connect(self.reject)
        self.reload()
        if self.taxonomies:
            self.table.selectRow(0)

    # -- loading ------------------------------------------------------------------------

    def current_taxonomy_id(self) -> int | None:
        row = self.table.currentRow()
        return self.taxonomies[row].id if 0 <= row < len(self.taxonomies) else None

    def reload(self) -> None:
        """Read the taxonomies again, keeping the selected one."""
        ws = self.ctx.workspace
        if ws is None:
            return
        current = self.current_taxonomy_id()
        fresh = risks.taxonomies(ws=ws)
        same_rows = [t.id for t in fresh] == [t.id for t in self.taxonomies]
        self.taxonomies = fresh
        editable = not self.ctx.readonly
        self.add_button.setEnabled(editable)
        if same_rows:  # only states changed: update in place
            self.table.blockSignals(True)
            for taxonomy in fresh:
                self._set_in_use_cell(self.in_use_items[taxonomy.id], taxonomy, editable)
            self.table.blockSignals(False)
            self._show_items(self.table.currentRow())
            return
        self.table.blockSignals(True)
        self.table.setRowCount(len(fresh))
        self.in_use_items = {}
        for row, taxonomy in enumerate(fresh):
            in_use = QTableWidgetItem()
            in_use.setData(Qt.ItemDataRole.UserRole, taxonomy.id)
            in_use.setData(Qt.ItemDataRole.AccessibleTextRole, f"{taxonomy.name} in use")
            in_use.setToolTip("Offer this taxonomy's items as choices")
            self._set_in_use_cell(in_use, taxonomy, editable)
            self.table.setItem(row, 0, in_use)
            self.in_use_items[taxonomy.id] = in_use
            name = QTableWidgetItem(taxonomy.name)
            name.setToolTip(taxonomy.source or taxonomy.name)
            self.table.setItem(row, 1, name)
            count = QTableWidgetItem(str(len(taxonomy.items)))
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(row, 2, count)
            use = FRAMEWORK_USE if taxonomy.is_framework else CATEGORY_USE
            self.table.setItem(row, 3, QTableWidgetItem(use))
        self.table.blockSignals(False)
        ids = [t.id for t in fresh]
        row = ids.index(current) if current in ids else (0 if ids else -1)
        if row >= 0:
            self.table.selectRow(row)
        self._show_items(row)

    @staticmethod
    def _set_in_use_cell(item: QTableWidgetItem, taxonomy: Any, editable: bool) -> None:
        flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        if editable:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        item.setFlags(flags)
        item.setCheckState(Qt.CheckState.Checked if taxonomy.enabled else Qt.CheckState.Unchecked)

    def is_in_use(self, taxonomy_id: int) -> bool:
        """Whether the "In use" box of ``taxonomy_id`` shows checked."""
        return self.in_use_items[taxonomy_id].checkState() == Qt.CheckState.Checked

    def _on_table_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() != 0:
            return
        taxonomy_id = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(taxonomy_id, int):
            self.set_in_use(taxonomy_id, item.checkState() == Qt.CheckState.Checked)

    def _show_items(self, row: int) -> None:
        if not 0 <= row < len(self.taxonomies):
            self.detail_title.setText("No taxonomy selected")
            self.detail_source.setText("")
            self.items_table.setRowCount(0)
            return
        taxonomy = self.taxonomies[row]
        state = "in use" if taxonomy.enabled else "not in use"
        self.detail_title.setText(taxonomy.name)
        self.detail_source.setText(f"{taxonomy.source} · {state}" if taxonomy.source else state)
        self.items_table.setRowCount(len(taxonomy.items))
        for item_row, (key, name, description) in enumerate(taxonomy.items):
            cells = (name, description, key)
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setToolTip(key if column == 2 else description or name)
                if column == 2:
                    cell.setForeground(QColor(MUTED))
                cell.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                self.items_table.setItem(item_row, column, cell)
        self.items_table.scrollToTop()

    def select_taxonomy(self, taxonomy_id: int) -> None:
        select_id(self.table, [t.id for t in self.taxonomies], taxonomy_id)

    # -- edits --------------------------------------------------------------------------

    def set_in_use(self, taxonomy_id: int, enabled: bool) -> bool:
        """Put a taxonomy in use or out of use (one undo step)."""
        name = next((t.name for t in self.taxonomies if t.id == taxonomy_id), "")
        command = SetTaxonomyEnabledCommand(self.ctx, taxonomy_id, enabled, name)
        ok = self.ctx.run_edit(command)
        if not ok:
            self.reload()  # put the box back as stored
        return ok

    def open_add(self) -> AddTaxonomyDialog | None:
        """Open the "Add taxonomy" form (window-modal over this dialog)."""
        if self.ctx.workspace is None or self.ctx.readonly:
            return None
        dialog = AddTaxonomyDialog(self.ctx, self)
        dialog.accepted.connect(lambda: self._on_added(dialog))
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(lambda _r: setattr(self, "add_dialog", None))
        self.add_dialog = dialog
        dialog.open()
        return dialog

    # -- slots --------------------------------------------------------------------------

    def _on_added(self, dialog: AddTaxonomyDialog) -> None:
        if dialog.taxonomy_id is not None:
            self.select_taxonomy(dialog.taxonomy_id)
