"""Import a control catalog (JSON, CSV or XLSX): a new catalog, or a newer version of a
loaded one. The file is read and compared in a worker; the dialog lists what loading it
adds, changes and removes and which use cases' statuses and evidence that touches, before
anything is written. Removing controls that carry statuses or evidence needs the box
ticked. The load is one undo step."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QCheckBox, QFileDialog, QLineEdit, QWidget

from ...services import controls as controls_service
from ...services.changes import Changes
from ..context import AppContext
from ..undo import OperationCommand
from ..widgets.builders import labelled_row
from ..widgets.import_flow import ImportDialog
from ..widgets.row_list_model import Column, ColumnTableModel
from ..widgets.service_edits import recorded_import
from .parts import shown

FILTERS = (
    "Catalogs (*.json *.csv *.xlsx);;JSON (*.json);;CSV files (*.csv);;Excel workbooks (*.xlsx)"
)
INTRO = (
    "A JSON catalog names itself (key, name, version). A CSV or XLSX file has one control "
    "a row (ref, title, and optionally summary, section, priority, roles, scope, "
    "applies_tiers, applies_answers, notes): give its key, name and version below. A key "
    "already loaded makes this file its new version; the changes are listed before "
    "anything is stored."
)


def diff_rows(diff: controls_service.CatalogDiff) -> list[tuple[str, str, str, str, str]]:
    """The diff as table rows: (change, control, what, use case, status or evidence)."""
    rows = [("added", ref, "", "", "") for ref in diff.added]
    rows += [("changed", ref, ", ".join(fields), "", "") for ref, fields in diff.changed]
    rows += [("removed", ref, "", "", "") for ref in diff.removed]
    for hit in diff.affected:
        carried = shown(hit.status)
        if hit.evidence:
            carried = ", ".join(filter(None, (carried, f"{hit.evidence} evidence link(s)")))
        rows.append((f"{hit.change}: affects", hit.ref, "", hit.use_case, carried))
    return rows


def _columns() -> tuple[Column[Any], ...]:
    return tuple(
        Column(title, lambda r, i=i: r[i])
        for i, title in enumerate(("Change", "Control", "Fields", "Use case", "Status / evidence"))
    )


def _label(preview: Any) -> str:
    return f"Load catalog {preview.diff.name} {preview.diff.new_version}"


class CatalogImportDialog(ImportDialog):
    """Choose a catalog file, see the diff, load it (see the module docstring)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx,
            parent,
            name="catalogImportDialog",
            title="Import a control catalog",
            intro=INTRO,
            size=(880, 600),
        )
        self.key_edit, self.name_edit, self.version_edit = (QLineEdit() for _ in range(3))
        for edit, name, hint in (
            (self.key_edit, "catalogKey", "e.g. soc2_ai"),
            (self.name_edit, "catalogName", "e.g. Our AI controls"),
            (self.version_edit, "catalogVersion", "e.g. 2.0"),
        ):
            edit.setObjectName(name)
            edit.setPlaceholderText(hint)
            edit.editingFinished.connect(self._on_fields_edited)
        self.removals = QCheckBox(
            "Remove the controls this version drops, with their statuses and evidence links"
        )
        self.removals.setObjectName("allowRemovals")
        self.removals.setVisible(False)
        self.removals.toggled.connect(lambda _on: self.import_button.setEnabled(self.can_import()))
        self.diff_model: ColumnTableModel[Any] = ColumnTableModel(_columns())
        self.table.setModel(self.diff_model)
        self.table.horizontalHeader().setStretchLastSection(True)
        fields = labelled_row(
            (("Key", self.key_edit), ("Name", self.name_edit), ("Version", self.version_edit)),
            label_name="fieldLabel",
        )
        self.lay_out(fields, below=(self.removals,))

    def preview_call(self, path: Path) -> tuple[Any, dict[str, Any]]:
        given = {
            "key": self.key_edit.text().strip() or None,
            "name": self.name_edit.text().strip() or None,
            "catalog_version": self.version_edit.text().strip() or None,
        }
        return controls_service.preview_catalog, {"path": path, **given}

    def show_preview(self, preview: Any) -> None:
        self.diff_model.set_rows(diff_rows(preview.diff))
        self.table.resizeColumnsToContents()
        self.removals.setChecked(False)
        self.removals.setVisible(preview.drops_records)
        self.show_found(
            preview,
            0,
            f"{preview.diff.name} {preview.diff.new_version} is already loaded: nothing to do.",
        )

    def can_import(self) -> bool:
        preview = self.preview
        consent = preview is None or not preview.drops_records or self.removals.isChecked()
        return super().can_import() and consent

    def import_call(self) -> tuple[Any, dict[str, Any], str]:
        apply = functools.partial(
            controls_service.apply_preview, allow_removals=self.removals.isChecked()
        )
        text = f"Loading {self.preview.diff.name}…"
        return recorded_import(apply, _label), {"preview": self.preview}, text

    def undo_command(self, preview: Any, changes: Changes) -> QUndoCommand:
        return OperationCommand.recorded(self.ctx, _label(preview), changes.op_ids[-1])

    def set_busy(self, busy: bool) -> None:
        for widget in (self.key_edit, self.name_edit, self.version_edit, self.removals):
            widget.setEnabled(not busy)

    def _on_choose_button_clicked(self) -> None:
        start = self.path.parent if self.path else self.ctx.settings.last_directory()
        chosen, _f = QFileDialog.getOpenFileName(self, self.title, str(start), FILTERS)
        if chosen:
            self.set_path(chosen)

    def _on_fields_edited(self) -> None:
        if self.path is not None:
            self.start_preview()
