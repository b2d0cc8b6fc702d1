"""The Crosswalk tab: the lines linking controls of different catalogs (read both ways),
``equivalent`` (evidence for one satisfies the other) or ``related`` (it helps), filtered
by text; add a line (two controls, a strength, a note) or remove the chosen one (Del).
Each add or remove is one undo step."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from ...services import controls as controls_service
from ..context import AppContext
from ..operations.parts import record_table
from ..widgets.builders import (
    TAB_MARGINS,
    button,
    form_layout,
    hbox,
    line_edit,
    open_dialog,
    vbox,
)
from ..widgets.context_widgets import ContextDialog, ContextWidget
from ..widgets.dialog_parts import dialog_heading
from ..widgets.page_header import READ_ONLY_WHY, local_action, named_label, set_enabled_why
from ..widgets.row_list_model import Column, ColumnTableModel
from ..widgets.service_edits import call_command
from .parts import WATCHED, add_buttons, current_row, filtered, named_combo, named_filter, show_rows

ADD_TIP = "Link two controls of different catalogs"
REMOVE_TIP = "Remove the chosen line (Del); Edit ▸ Undo brings it back"
STRENGTHS = (
    ("equivalent: evidence for one satisfies the other", "equivalent"),
    ("related: it helps, not counted", "related"),
)


def _columns() -> tuple[Column[Any], ...]:
    return (
        Column("From", lambda m: m.from_control),
        Column("Title", lambda m: m.from_title),
        Column("To", lambda m: m.to_control),
        Column("Title", lambda m: m.to_title),
        Column("Strength", lambda m: m.strength),
        Column("Note", lambda m: m.note),
    )


def control_combo(name: str, items: list[tuple[str, int]]) -> QComboBox:
    """A combo of controls the user may also type into (completing on any part)."""
    combo = named_combo(name, items)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    completer = QCompleter(combo.model(), combo)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.setCompleter(completer)
    return combo


class MappingDialog(ContextDialog):
    """Two controls, a strength and a note: a new crosswalk line (Add stores it)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx, parent, name="mappingDialog", title="Add a crosswalk line", size=(620, 300)
        )
        ws = ctx.workspace
        found = controls_service.controls(ws=ws) if ws is not None else []
        items = [(f"{c.catalog}:{c.ref}  {c.title}", c.id) for c in found]
        self.from_combo = control_combo("mappingFrom", items)
        self.to_combo = control_combo("mappingTo", items)
        self.strength_combo = named_combo("mappingStrength", STRENGTHS)
        self.note_edit = line_edit("mappingNote")
        self.problem = named_label("", "errorHint", wrap=True)
        form = form_layout(
            ("Control", self.from_combo),
            ("Linked to", self.to_combo),
            ("Strength", self.strength_combo),
            ("Note", self.note_edit),
        )
        heading, intro = dialog_heading(
            "Add a crosswalk line",
            "The line reads both ways; controls of one catalog cannot be linked.",
        )
        buttons = add_buttons(self, self.add)
        vbox(
            heading,
            intro,
            form,
            self.problem,
            1,
            buttons,
            margins=(18, 16, 18, 14),
            spacing=8,
            parent=self,
        )

    def choose(self, first: int, second: int) -> None:
        self.from_combo.setCurrentIndex(self.from_combo.findData(first))
        self.to_combo.setCurrentIndex(self.to_combo.findData(second))

    def add(self) -> bool:
        first, second = self.from_combo.currentData(), self.to_combo.currentData()
        if first is None or second is None:
            self.problem.setText("Choose two controls.")
            return False
        args = {
            "from_control_id": int(first),
            "to_control_id": int(second),
            "strength": self.strength_combo.currentData(),
            "note": self.note_edit.text().strip(),
        }
        command = call_command(
            self.ctx, "Add crosswalk line", controls_service.add_mapping, args, report_errors=False
        )
        self.ctx.run_edit(command)
        if command.error is not None:
            self.problem.setText(str(command.error))
            return False
        self.accept()
        return True


class CrosswalkTab(ContextWidget):
    """The crosswalk lines with Add and Remove."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="crosswalkTab")
        self.dialog: MappingDialog | None = None
        self.lines: list[Any] = []
        self.add_button = button("Add line…", self.add_line, name="addMappingButton", tip=ADD_TIP)
        self.remove_button = button("Remove", self.remove_line, name="removeMappingButton")
        self.filter_box = named_filter("crosswalkFilter")
        self.count_label = named_label("", "mutedLabel")
        self.model: ColumnTableModel[Any] = ColumnTableModel(_columns(), key=lambda m: m.id)
        self.table = record_table("crosswalkTable", self.model, stretch=5)
        toolbar = hbox(
            self.add_button, self.remove_button, (self.filter_box, 1), self.count_label, spacing=8
        )
        vbox(toolbar, (self.table, 1), margins=TAB_MARGINS, spacing=8, parent=self)
        local_action(self.table, "Remove crosswalk line", "Del", self.remove_line, owner=self)
        self.filter_box.filter_changed.connect(lambda _t: self._show_lines())
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._update_actions())
        ctx.watch(self, WATCHED, self.refresh)
        self.refresh()

    def refresh(self) -> None:
        ws = self.ctx.workspace
        self.lines = controls_service.mappings(ws=ws) if ws is not None else []
        self._show_lines()

    def current(self) -> Any:
        return current_row(self.table)

    def _show_lines(self) -> None:
        rows = filtered(
            self.filter_box,
            self.lines,
            lambda m: (m.from_control, m.from_title, m.to_control, m.to_title, m.strength, m.note),
        )
        show_rows(self.table, self.model, rows, cap=260)
        self.count_label.setText(f"{len(rows)} of {len(self.lines)} lines")
        self._update_actions()

    def _update_actions(self) -> None:
        writable = not self.ctx.readonly and self.ctx.workspace is not None
        set_enabled_why(self.add_button, writable, ADD_TIP, READ_ONLY_WHY)
        why = READ_ONLY_WHY if not writable else "Choose a line first."
        set_enabled_why(
            self.remove_button, writable and self.current() is not None, REMOVE_TIP, why
        )

    def add_line(self) -> MappingDialog | None:
        if self.ctx.readonly or self.ctx.workspace is None or self.dialog is not None:
            return None
        return open_dialog(self, "dialog", MappingDialog(self.ctx, self))

    def remove_line(self) -> bool:
        line = self.current()
        if line is None or self.ctx.readonly:
            return False
        text = f"Unlink {line.from_control} and {line.to_control}"
        command = call_command(
            self.ctx, text, controls_service.remove_mapping, {"mapping_id": line.id}
        )
        return self.ctx.run_edit(command)
