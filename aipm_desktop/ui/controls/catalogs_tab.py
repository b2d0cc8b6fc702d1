"""The Catalogs tab: the workspace's control catalogs (version, date, source, licence),
the controls of the chosen one (filtered by text and priority) and the chosen control's
summary and notes, where a user pastes the licensed wording of a standard (ISO/IEC 42001
ships identifiers and short titles only). Saving the notes is one undo step."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QPlainTextEdit, QWidget

from ...models import Control
from ...services import controls as controls_service
from ..context import AppContext
from ..operations.parts import record_table
from ..widgets.builders import (
    TAB_MARGINS,
    button,
    button_row,
    hbox,
    keep_state,
    panel,
    splitter,
    vbox,
)
from ..widgets.combos import filter_combo
from ..widgets.context_widgets import ContextWidget
from ..widgets.page_header import READ_ONLY_WHY, local_action, named_label, set_enabled_why
from ..widgets.row_list_model import Column, ColumnTableModel
from ..widgets.versioned import RowVersions
from .parts import WATCHED, filtered, named_filter, show_rows, shown

SAVE_TIP = "Keep these notes with the control (Ctrl+S in the notes); Edit ▸ Undo takes them back"


def _catalog_columns() -> tuple[Column[Any], ...]:
    return (
        Column("Catalog", lambda c: c.name),
        Column("Key", lambda c: c.key),
        Column("Version", lambda c: c.catalog_version),
        Column("Published", lambda c: c.published.isoformat() if c.published else ""),
        Column("Controls", lambda c: str(c.controls), align="right"),
        Column("Source", lambda c: c.source),
        Column("Licence", lambda c: c.licence),
    )


def _control_columns() -> tuple[Column[Any], ...]:
    return (
        Column("Ref", lambda c: c.ref),
        Column("Title", lambda c: c.title, tip=lambda c: c.summary or c.title),
        Column("Section", lambda c: c.section),
        Column("Priority", lambda c: c.priority),
        Column("Roles", lambda c: c.roles),
        Column("Scope", lambda c: shown(c.scope)),
        Column("Notes", lambda c: "yes" if c.notes.strip() else ""),
    )


class CatalogsTab(ContextWidget):
    """Catalogs above, the chosen catalog's controls below beside the chosen control."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="catalogsTab")
        self.versions = RowVersions()  # of the controls read: saving notes expects them
        self.catalog_model: ColumnTableModel[Any] = ColumnTableModel(
            _catalog_columns(), key=lambda c: c.id
        )
        self.catalog_table = record_table("catalogTable", self.catalog_model, stretch=5)
        self.catalog_table.setMaximumHeight(130)
        self.control_model: ColumnTableModel[Any] = ColumnTableModel(
            _control_columns(), key=lambda c: c.id
        )
        self.control_table = record_table("catalogControlTable", self.control_model, stretch=1)
        self.filter_box = named_filter("catalogControlFilter")
        self.priority_combo: QComboBox = filter_combo("All priorities")
        self.priority_combo.setObjectName("catalogPriorityFilter")
        for name in ("high", "medium", "low"):
            self.priority_combo.addItem(name, name)
        self.count_label = named_label("", "mutedLabel")
        self.heading = named_label("", "sectionTitle", wrap=True)
        self.summary = named_label("", "mutedLabel", wrap=True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes = QPlainTextEdit()
        self.notes.setObjectName("controlNotes")
        self.notes.setPlaceholderText(
            "Your notes, e.g. the licensed text of the standard for this control."
        )
        self.save_button = button("Save notes", self.save_notes, name="saveNotesButton")
        self.detail = panel(
            self.heading,
            self.summary,
            named_label("Notes", "fieldLabel"),
            (self.notes, 1),
            button_row(self.save_button),
            spacing=6,
        )
        self.detail.setMinimumWidth(300)
        controls_panel = panel(
            hbox((self.filter_box, 1), self.priority_combo, self.count_label, spacing=8),
            (self.control_table, 1),
            spacing=6,
        )
        split = keep_state(
            splitter(controls_panel, self.detail, stretch=(3, 2), collapsible=False),
            ctx.settings,
            "controlCatalogs",
            (760, 440),
        )
        vbox(self.catalog_table, (split, 1), margins=TAB_MARGINS, spacing=8, parent=self)
        self.catalogs: list[Any] = []
        self.all_controls: list[Any] = []
        self.catalog_table.selectionModel().currentRowChanged.connect(
            lambda *_a: self._read_controls()
        )
        self.control_table.selectionModel().currentRowChanged.connect(
            lambda *_a: self._show_control()
        )
        self.filter_box.filter_changed.connect(lambda _t: self._show_controls())
        self.priority_combo.currentIndexChanged.connect(lambda _i: self._show_controls())
        self.notes.textChanged.connect(self._update_actions)
        local_action(self.notes, "Save notes", "Ctrl+S", self.save_notes, owner=self)
        ctx.watch(self, WATCHED, self.refresh)
        self.refresh()

    # -- reading ----------------------------------------------------------------------------

    def current_catalog(self) -> Any:
        return self.catalog_model.record_at(self.catalog_table.currentIndex())

    def current_control(self) -> Any:
        return self.control_model.record_at(self.control_table.currentIndex())

    def refresh(self) -> None:
        ws = self.ctx.workspace
        self.catalogs = controls_service.catalogs(ws=ws) if ws is not None else []
        show_rows(self.catalog_table, self.catalog_model, self.catalogs, cap=240, stretch=6)
        self._read_controls()

    def select_catalog(self, key: str) -> bool:
        row = next((i for i, c in enumerate(self.catalogs) if c.key == key), None)
        if row is None:
            return False
        self.catalog_table.selectRow(row)
        return True

    def select_control(self, catalog_id: int, control_id: int) -> bool:
        """Choose control ``control_id`` of catalog ``catalog_id`` (filters cleared when
        they hide it)."""
        row = next((i for i, c in enumerate(self.catalogs) if c.id == catalog_id), None)
        if row is None:
            return False
        self.catalog_table.selectRow(row)
        if self.control_model.row_of_key(control_id) is None:
            self.filter_box.clear()
            self.filter_box.flush()  # the filter it applies, not the one in 150 ms
            self.priority_combo.setCurrentIndex(0)
        found = self.control_model.row_of_key(control_id)
        if found is None:
            return False
        self.control_table.selectRow(found)
        return True

    def _read_controls(self) -> None:
        ws, catalog = self.ctx.workspace, self.current_catalog()
        found = []
        if ws is not None and catalog is not None:
            found = controls_service.controls(ws=ws, catalog_id=catalog.id)
        self.all_controls = found
        self.versions.read(found)
        self._show_controls()

    def _show_controls(self) -> None:
        priority = self.priority_combo.currentData()
        rows = filtered(
            self.filter_box,
            (c for c in self.all_controls if priority is None or c.priority == priority),
            lambda c: (c.ref, c.title, c.section, c.summary, c.notes),
        )
        show_rows(self.control_table, self.control_model, rows, cap=200, stretch=1)
        self.count_label.setText(f"{len(rows)} of {len(self.all_controls)} controls")
        self._show_control()

    def _show_control(self) -> None:
        control = self.current_control()
        self.detail.setEnabled(control is not None)
        if control is None:
            self.heading.setText("No control matches the filter." if self.all_controls else "")
            self.summary.setText("")
            self.notes.setPlainText("")
        else:
            self.heading.setText(f"{control.catalog}:{control.ref}  {control.title}")
            self.summary.setText(control.summary or control.section)
            if self.notes.toPlainText() != control.notes:
                self.notes.setPlainText(control.notes)
        self._update_actions()

    # -- notes ------------------------------------------------------------------------------

    def _update_actions(self) -> None:
        control = self.current_control()
        changed = control is not None and self.notes.toPlainText() != control.notes
        why = READ_ONLY_WHY if self.ctx.readonly else "Change the notes first."
        set_enabled_why(self.save_button, changed and not self.ctx.readonly, SAVE_TIP, why)

    def save_notes(self) -> bool:
        control = self.current_control()
        if control is None or self.ctx.readonly or self.notes.toPlainText() == control.notes:
            return False
        command = self.versions.update(
            self.ctx,
            Control,
            control.id,
            {"notes": self.notes.toPlainText()},
            text=f"Notes of {control.ref}",
        )
        return self.ctx.run_edit(command)
