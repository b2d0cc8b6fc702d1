"""The "Definitions…" dialog of the Operations area: the workspace's incident reference
lists, edited in place.

**Severities**: SEV1-SEV4 each with a short name, how fast it must be acknowledged (hours;
empty for no target) and what it means. "Save severities" applies every changed level as
one undo step; a refusal (an empty name, hours that are not a number) is explained under
the rows and nothing is written.

**Failure categories**: the triage list in its order with how many incidents are in each
category. Add one (name and description, Enter), rename or describe one (double-click or
F2 in the cell), move it up or down, remove it. Removing a category incidents still use
asks where they go (another category, or none) before anything happens; a category no
incident uses is removed at once. Every change is one step of Edit ▸ Undo (Ctrl+Z works
in the dialog too), and the dialog follows undo and redo made anywhere.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidgetItem,
    QWidget,
)

from ...models import FailureCategory, SeverityDefinition
from ...services import incidents
from ..context import AppContext
from ..widgets.builders import (
    TYPE_TO_EDIT,
    button,
    dialog_buttons,
    hbox,
    line_edit,
    resize_columns,
    select_id,
    selected_id,
    tab_widget,
    table,
    vbox,
)
from ..widgets.context_widgets import ContextDialog, ContextWidget
from ..widgets.dialog_parts import dialog_heading
from ..widgets.page_header import READ_ONLY_WHY, named_label, set_enabled_why
from ..widgets.versioned import RowVersions, guard_rows, guard_stale, handed_over
from .edits import (
    AddCategoryCommand,
    DeleteCategoryCommand,
    EditCategoryCommand,
    MoveCategoryCommand,
    UpdateSeveritiesCommand,
)

TAB_SEVERITIES, TAB_CATEGORIES = range(2)
#: How the conflict dialog names a severity's fields (as the panel does).
SEVERITY_LABELS = {
    "name": "Name",
    "acknowledge_within_hours": "Acknowledge within (hours)",
    "definition": "What it means",
}
#: The category table's columns, and the fields its editable cells change.
CATEGORY_COLUMNS = ("Category", "Incidents", "Description")
CELL_FIELDS = {0: "name", 2: "description"}
CATEGORY_LABELS = {"name": "Category", "description": "Description"}
ID_ROLE = Qt.ItemDataRole.UserRole
TIPS = {
    "add": "Add this category at the end of the triage list (Enter)",
    "up": "Move the selected category up the list",
    "down": "Move the selected category down the list",
    "remove": "Remove the selected category (asks where its incidents go when it has any)",
}


def _run(ctx: AppContext, command: QUndoCommand, message: QLabel) -> bool:
    """Push ``command``; a refusal is said on ``message`` (hidden again on success, and
    when the conflict dialog took the edit over)."""
    ok = ctx.run_edit(command)
    error = None if handed_over(command) else getattr(command, "error", None)
    message.setText("" if ok or error is None else str(error))
    message.setVisible(not ok and error is not None)
    return ok


def _same(typed: tuple[str, ...], stored: tuple[str, ...]) -> bool:
    """Whether a severity's typed fields are what is stored (as saving stores them)."""
    return [t.strip() for t in typed] == [t.strip() for t in stored]


class SeveritiesPanel(ContextWidget):
    """SEV1-SEV4 as rows of editors; "Save severities" applies the changed ones."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="severitiesPanel")
        #: By level: the fields as stored when read, the row's id and its version then.
        self.stored: dict[str, tuple[str, str, str]] = {}
        self.ids: dict[str, int] = {}
        self.versions: dict[str, int] = {}
        self._loading = False
        self.names: dict[str, QLineEdit] = {}
        self.hours: dict[str, QLineEdit] = {}
        self.texts: dict[str, QPlainTextEdit] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(3, 1)
        for column, text in enumerate(
            ("Level", "Name", "Acknowledge within (hours)", "What it means")
        ):
            grid.addWidget(named_label(text, "formLabel"), 0, column)
        self.grid = grid
        self.message = named_label("", "errorHint", wrap=True)
        self.message.setVisible(False)
        self.save_button = button(
            "Save severities", self.save, name="saveSeveritiesButton", tip="Apply the changes"
        )
        self.revert_button = button(
            "Revert", lambda: self.reload(), tip="Show the stored definitions"
        )
        vbox(
            named_label(
                "What each severity means in this workspace; the incident form shows it "
                "under the chosen severity. Hours to acknowledge may stay empty.",
                "mutedLabel",
                wrap=True,
            ),
            grid,
            self.message,
            hbox(1, self.revert_button, self.save_button, spacing=6),
            1,
            margins=(8, 8, 8, 8),
            spacing=8,
            parent=self,
        )
        ctx.watch(self, ("severity_definition",), lambda: self.reload(keep_typing=True))
        self.reload()

    def _editors(self, level: str, row: int) -> None:
        name = line_edit(f"{level}NameEdit", "Name", max_length=100)
        hours = line_edit(f"{level}HoursEdit", "e.g. 0.25 or 4")
        hours.setToolTip("Hours within which an incident of this severity is acknowledged")
        name.setFixedWidth(170)
        hours.setFixedWidth(170)
        text = QPlainTextEdit()
        text.setObjectName(f"{level}DefinitionEdit")
        text.setTabChangesFocus(True)
        text.setFixedHeight(78)
        for widget in (name, hours):
            widget.textChanged.connect(lambda _t: self._update())
        text.textChanged.connect(self._update)
        self.grid.addWidget(
            named_label(level.upper(), "formLabel"), row, 0, Qt.AlignmentFlag.AlignTop
        )
        self.grid.addWidget(name, row, 1, Qt.AlignmentFlag.AlignTop)
        self.grid.addWidget(hours, row, 2, Qt.AlignmentFlag.AlignTop)
        self.grid.addWidget(text, row, 3)
        self.names[level], self.hours[level], self.texts[level] = name, hours, text

    def reload(self, *, keep_typing: bool = False, only: int | None = None) -> None:
        """Show the stored definitions; unsaved typing is dropped, or with
        ``keep_typing`` (another change was stored) kept with the version it was typed
        over, so saving it asks first. ``only``: just that severity row, as stored."""
        ws = self.ctx.workspace
        if ws is None:
            return
        typed = self.typed() if keep_typing else {}
        found = incidents.severity_definitions(ws=ws)
        for row, definition in enumerate(found, start=1):
            level = str(definition.severity)
            if level not in self.names:
                self._editors(level, row)
            hours = definition.acknowledge_within_hours
            values = (definition.name, "" if hours is None else f"{hours:g}", definition.definition)
            mine = typed.get(level)
            if mine is not None and not _same(mine, self.stored[level]) and not _same(mine, values):
                continue  # the user is changing this one: theirs shows if saving it asks
            assert definition.id is not None
            if only is None or definition.id == only:
                self._show(level, values, definition.id, definition.version)
        self.message.setVisible(False)
        self._update()

    def _show(self, level: str, values: tuple[str, str, str], row_id: int, version: int) -> None:
        """Show ``values`` of ``level`` as stored (row ``row_id`` at ``version``)."""
        self.stored[level], self.ids[level], self.versions[level] = values, row_id, version
        name, hours, text = values
        self._loading = True
        try:
            self.names[level].setText(name)
            self.hours[level].setText(hours)
            self.texts[level].setPlainText(text)
            for widget in (self.names[level], self.hours[level], self.texts[level]):
                widget.setReadOnly(self.ctx.readonly)
        finally:
            self._loading = False

    def _shown_again(self, row_id: int, _version: int) -> None:
        """The conflict dialog shows severity row ``row_id`` as stored: so does the panel
        (keep mine saves mine over it)."""
        self.reload(only=row_id)

    def typed(self) -> dict[str, tuple[str, str, str]]:
        return {
            level: (
                self.names[level].text(),
                self.hours[level].text().strip(),
                self.texts[level].toPlainText(),
            )
            for level in self.stored
        }

    def changes(self) -> dict[str, dict[str, Any]]:
        """The changed levels' fields as the service takes them; a ValueError naming the
        level whose hours are not a number."""
        found: dict[str, dict[str, Any]] = {}
        for level, (name, hours, text) in self.typed().items():
            old_name, old_hours, old_text = self.stored[level]
            data: dict[str, Any] = {}
            if name != old_name:
                data["name"] = name
            if text != old_text:
                data["definition"] = text.strip()
            if hours != old_hours:
                try:
                    data["acknowledge_within_hours"] = float(hours) if hours else None
                except ValueError:
                    raise ValueError(
                        f"{level.upper()}: acknowledge within takes hours, e.g. 0.25 or 4, "
                        f"not {hours!r}."
                    ) from None
            if data:
                found[level] = data
        return found

    def _update(self) -> None:
        if self._loading:
            return
        dirty = self.typed() != self.stored
        editable = not self.ctx.readonly
        why = READ_ONLY_WHY if not editable else "Nothing changed yet."
        set_enabled_why(self.save_button, editable and dirty, "Apply the changes", why)
        self.revert_button.setEnabled(dirty)

    def save(self) -> bool:
        """Apply the changed severities as one undo step; False (and why, under the
        rows) when refused."""
        if self.ctx.readonly:
            return False
        try:
            changes = self.changes()
        except ValueError as error:
            self.message.setText(str(error))
            self.message.setVisible(True)
            return False
        if not changes:
            return True
        levels = {self.ids[level]: level for level in changes}

        def make(rows: dict[int, dict[str, Any]]) -> QUndoCommand:
            return UpdateSeveritiesCommand(self.ctx, {levels[i]: data for i, data in rows.items()})

        command = guard_rows(
            make,
            SeverityDefinition,
            {self.ids[level]: data for level, data in changes.items()},
            {self.ids[level]: self.versions[level] for level in changes},
            label_for=SEVERITY_LABELS.get,
            written=self._shown_again,
        )
        return _run(self.ctx, command, self.message)


class CategoriesPanel(ContextWidget):
    """The triage list with its counts, edited in place (see the module docstring)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="categoriesPanel")
        self.uses: list[incidents.CategoryUse] = []
        self.remove_dialog: RemoveCategoryDialog | None = None
        self.versions = RowVersions()  # a cell edit expects the category as listed
        self._filling = False
        self.table = table(CATEGORY_COLUMNS, "categoriesTable")
        self.table.setEditTriggers(TYPE_TO_EDIT)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        resize_columns(self.table, stretch=(2,), fit=(1,))
        self.table.horizontalHeader().resizeSection(0, 220)
        self.table.itemChanged.connect(self._on_table_item_changed)
        self.table.itemSelectionChanged.connect(self._update)

        self.up_button = button("Move up", lambda: self.move(-1), tip=TIPS["up"])
        self.down_button = button("Move down", lambda: self.move(1), tip=TIPS["down"])
        self.remove_button = button("Remove…", self.remove, name="removeCategoryButton")
        self.name_edit = line_edit(
            "newCategoryName", "New category, e.g. Tone problem", max_length=100
        )
        self.description_edit = line_edit("newCategoryDescription", "What it means (optional)")
        self.add_button = button("Add", self.add, name="addCategoryButton", tip=TIPS["add"])
        for edit in (self.name_edit, self.description_edit):
            edit.returnPressed.connect(self.add)
        self.message = named_label("", "errorHint", wrap=True)
        self.message.setVisible(False)
        vbox(
            named_label(
                "The failure categories offered on incidents, in this order. Double-click a "
                "name or description to change it.",
                "mutedLabel",
                wrap=True,
            ),
            hbox((self.table, 1), vbox(self.up_button, self.down_button, self.remove_button, 1)),
            hbox((self.name_edit, 2), (self.description_edit, 3), self.add_button, spacing=6),
            self.message,
            margins=(8, 8, 8, 8),
            spacing=8,
            parent=self,
        )
        ctx.watch(self, ("failure_category", "incident"), self.reload)
        self.reload()

    # -- showing ----------------------------------------------------------------------------

    def ids(self) -> list[int]:
        return [u.id for u in self.uses]

    def current_id(self) -> int | None:
        return selected_id(self.table, self.ids())

    def names(self) -> list[str]:
        """The categories as listed, top to bottom."""
        return [u.name for u in self.uses]

    def reload(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        current = self.current_id()
        self.uses = incidents.category_uses(ws=ws)
        self.versions.read(self.uses)
        editable = Qt.ItemFlag.ItemIsEditable if not self.ctx.readonly else Qt.ItemFlag.NoItemFlags
        self._filling = True
        try:
            self.table.setRowCount(len(self.uses))
            for row, use in enumerate(self.uses):
                count = str(use.incidents) if use.incidents else "\u2013"
                for column, text in enumerate((use.name, count, use.description)):
                    cell = QTableWidgetItem(text)
                    cell.setData(ID_ROLE, use.id)
                    flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                    if column in CELL_FIELDS:
                        flags |= editable
                    else:
                        cell.setTextAlignment(
                            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                        )
                        cell.setToolTip(f"Incidents in this category: {use.incidents}")
                    if column == 2:
                        cell.setToolTip(use.description or "No description yet")
                    cell.setFlags(flags)
                    self.table.setItem(row, column, cell)
        finally:
            self._filling = False
        select_id(self.table, self.ids(), current)
        self._update()

    def _update(self) -> None:
        editable = not self.ctx.readonly
        row = self.table.currentRow() if self.current_id() is not None else -1
        pick = READ_ONLY_WHY if not editable else "Select a category first."
        set_enabled_why(self.add_button, editable, TIPS["add"], READ_ONLY_WHY)
        for widget in (self.name_edit, self.description_edit):
            widget.setEnabled(editable)
        first = "It is already the first." if editable and row == 0 else pick
        set_enabled_why(self.up_button, editable and row > 0, TIPS["up"], first)
        last = "It is already the last." if editable and row == len(self.uses) - 1 else pick
        ok_down = editable and 0 <= row < len(self.uses) - 1
        set_enabled_why(self.down_button, ok_down, TIPS["down"], last)
        set_enabled_why(self.remove_button, editable and row >= 0, TIPS["remove"], pick)

    # -- edits ------------------------------------------------------------------------------

    def add(self) -> int | None:
        """Add the typed category (one undo step); its id, or None (refused: said below)."""
        name = self.name_edit.text().strip()
        if not name or self.ctx.readonly:
            if not name:
                self.message.setText("Type the new category's name first.")
                self.message.setVisible(True)
            return None
        command = AddCategoryCommand(self.ctx, name, self.description_edit.text())
        if not _run(self.ctx, command, self.message):
            return None
        new_id = int(command.result[0])
        self.name_edit.clear()
        self.description_edit.clear()
        select_id(self.table, self.ids(), new_id)
        return new_id

    def edit_cell(self, row: int, column: int, text: str) -> None:
        """Type ``text`` into a cell, as a user does (the edit is applied)."""
        self.table.item(row, column).setText(text)

    def _on_table_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() not in CELL_FIELDS:
            return
        category_id = int(item.data(ID_ROLE))
        field = CELL_FIELDS[item.column()]

        def make(values: dict[str, Any]) -> QUndoCommand:
            return EditCategoryCommand(self.ctx, category_id, values)

        command = self.versions.guard(
            make, FailureCategory, category_id, {field: item.text()}, label_for=CATEGORY_LABELS.get
        )
        if not _run(self.ctx, command, self.message):
            self.reload()  # put the stored text back

    def move(self, step: int) -> bool:
        category_id = self.current_id()
        if category_id is None or self.ctx.readonly:
            return False
        ok = _run(
            self.ctx, MoveCategoryCommand(self.ctx, category_id, step, self.ids()), self.message
        )
        if not ok:
            self.reload()  # changed elsewhere: show the list as stored (the message says so)
        select_id(self.table, self.ids(), category_id)
        self._update()
        return ok

    def remove(self) -> RemoveCategoryDialog | None:
        """Remove the selected category: at once when no incident uses it, else after
        asking where its incidents go (the dialog, returned)."""
        category_id = self.current_id()
        if category_id is None or self.ctx.readonly:
            return None
        use = next(u for u in self.uses if u.id == category_id)
        if not use.incidents:
            self.apply_remove(use, None, clear=False)
            return None
        others = [(u.id, u.name) for u in self.uses if u.id != category_id]
        dialog = RemoveCategoryDialog(self.ctx, use, others, self)
        dialog.accepted.connect(
            lambda: self.apply_remove(use, dialog.move_to(), clear=dialog.move_to() is None)
        )
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(lambda _r: setattr(self, "remove_dialog", None))
        self.remove_dialog = dialog
        dialog.open()
        return dialog

    def apply_remove(self, use: incidents.CategoryUse, move_to: int | None, *, clear: bool) -> bool:
        """Remove ``use``, only while it is as listed (not renamed or described since):
        else nothing is removed and the user chooses (remove it anyway, or reload)."""

        def make() -> QUndoCommand:
            return DeleteCategoryCommand(self.ctx, use.id, use.name, move_to=move_to, clear=clear)

        what = "your removal of the category"
        command = guard_stale(
            self.ctx, make, FailureCategory, use.id, use.version, what=what, parent=self
        )
        return _run(self.ctx, command, self.message)


class RemoveCategoryDialog(ContextDialog):
    """Asks where the incidents of a category being removed go: to another category
    (chosen in a list) or to none."""

    def __init__(
        self,
        ctx: AppContext,
        use: incidents.CategoryUse,
        others: list[tuple[int, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(ctx, parent, name="removeCategoryDialog", title="Remove category")
        count = f"{use.incidents} incident{'s' if use.incidents != 1 else ''}"
        heading, intro = dialog_heading(
            f"Remove \u201c{use.name}\u201d",
            f"{count} {'is' if use.incidents == 1 else 'are'} in this category. Say where "
            f"{'it goes' if use.incidents == 1 else 'they go'}; Edit \u25b8 Undo brings "
            "everything back.",
        )
        self.move_radio = QRadioButton("Move to")
        self.move_radio.setObjectName("moveToRadio")
        self.clear_radio = QRadioButton("Leave without a category")
        self.clear_radio.setObjectName("clearRadio")
        self.target_combo = QComboBox()
        self.target_combo.setObjectName("moveToCombo")
        for category_id, name in others:
            self.target_combo.addItem(name, category_id)
        has_targets = bool(others)
        self.move_radio.setEnabled(has_targets)
        (self.move_radio if has_targets else self.clear_radio).setChecked(True)
        self.move_radio.toggled.connect(self.target_combo.setEnabled)
        self.target_combo.setEnabled(has_targets)
        self.buttons = dialog_buttons(self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Remove")
        vbox(
            heading,
            intro,
            hbox(self.move_radio, (self.target_combo, 1), spacing=8),
            self.clear_radio,
            self.buttons,
            spacing=8,
            parent=self,
        )
        self.resize(440, 200)

    def move_to(self) -> int | None:
        """The category chosen for the incidents; None: they keep none."""
        if not self.move_radio.isChecked():
            return None
        value = self.target_combo.currentData()
        return None if value is None else int(value)


class DefinitionsDialog(ContextDialog):
    """The Severities and Failure categories tabs, and Close (non-modal)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="definitionsDialog", title="Incident definitions")
        heading, intro = dialog_heading(
            "Incident definitions",
            "This workspace's severity levels and its failure-category triage list. Every "
            "change is one step of Edit \u25b8 Undo.",
        )
        self.severities = SeveritiesPanel(ctx)
        self.categories = CategoriesPanel(ctx)
        self.tabs = tab_widget(
            "definitionsTabs",
            (self.severities, "Severities"),
            (self.categories, "Failure categories"),
        )
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        vbox(heading, intro, (self.tabs, 1), self.buttons, parent=self)
        self.resize(900, 600)
        self.add_undo_shortcuts()
        ctx.workspace_closed.connect(self.reject)


DEFINITIONS_TIP = "Edit what SEV1-SEV4 mean and the failure-category triage list"


def definitions_button(owner: QWidget, ctx: AppContext) -> QPushButton:
    """The "Definitions…" button of the Operations header: it shows the one
    :class:`DefinitionsDialog` of ``owner`` (non-modal, so the incident log stays usable
    beside it; kept as ``owner.definitions_dialog``, None when closed)."""

    def show() -> DefinitionsDialog | None:
        if ctx.workspace is None:
            return None
        dialog: DefinitionsDialog | None = getattr(owner, "definitions_dialog", None)
        if dialog is None:
            dialog = DefinitionsDialog(ctx, owner)
            dialog.finished.connect(dialog.deleteLater)
            dialog.finished.connect(lambda _r: setattr(owner, "definitions_dialog", None))
            owner.definitions_dialog = dialog  # type: ignore[attr-defined]
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    return button("Definitions\u2026", show, name="definitionsButton", tip=DEFINITIONS_TIP)
