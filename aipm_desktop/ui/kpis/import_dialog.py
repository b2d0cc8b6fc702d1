"""Import KPI snapshots from CSV/XLSX: choose a file and what to do with duplicates, see
every row as add / replace / skip / rejected BEFORE anything is written, then import all
of it in one transaction (in a worker, with a progress dialog).

Import stays disabled while any row is rejected: the file must be fixed first; Save
problems… writes every rejected row (row, column, problem) to a CSV or XLSX file to work
from. Every import is one operation of the workspace, so Edit ▸ Undo takes all of it back.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QUndoCommand
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QWidget,
)

from ...errors import UserError
from ...services import kpis as kpi_service
from ...services.changes import Changes
from ...services.dates import format_date
from ...services.problems import write_problems
from ..context import AppContext
from ..errors import show_user_error
from ..widgets.import_flow import ImportDialog as ImportDialogBase
from ..widgets.roles import ALIGNMENT_ROLE, BACKGROUND_ROLE, DISPLAY_ROLE, TOOLTIP_ROLE
from ..widgets.row_list_model import RowTableModel
from .edits import ImportCommand, import_snapshots

PROBLEMS_FILTER = "CSV file (*.csv);;Excel workbook (*.xlsx)"
DUPLICATE_LABELS = (
    ("replace", "Replace the existing value"),
    ("skip", "Keep the existing value (skip the row)"),
)
COLUMNS = ("Row", "Action", "KPI", "Date", "Value", "Now", "Message")
ACTION_LABELS = {"add": "Add", "replace": "Replace", "skip": "Skip", "rejected": "Rejected"}
ACTION_COLORS = {
    "add": QColor("#e3f4e8"),
    "replace": QColor("#e4eefc"),
    "skip": QColor("#eef1f5"),
    "rejected": QColor("#fbe0de"),
}
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

#: (row number, action, kpi, date, value, old value, message)
PreviewLine = tuple[int, str, str, str, str, str, str]


def preview_lines(preview: kpi_service.ImportPreview) -> list[PreviewLine]:
    """Every row of a preview, rejected ones first, then in file order."""
    lines: list[PreviewLine] = [
        (number, "rejected", "", "", "", "", message) for number, message in preview.rejected
    ]
    rows: list[PreviewLine] = []
    for action, items in (
        ("add", preview.add),
        ("replace", preview.replace),
        ("skip", preview.skip),
    ):
        for item in items:
            old = "" if item.old_value is None else f"{item.old_value:g}"
            message = ""
            if action == "skip":
                message = "a value for this date exists; kept"
            elif action == "replace":
                message = "replaces the stored value"
            rows.append(
                (
                    item.number,
                    action,
                    item.kpi_name,
                    format_date(item.day),
                    f"{item.value:g}",
                    old,
                    message,
                )
            )
    rows.sort(key=lambda line: line[0])
    return lines + rows


class PreviewModel(RowTableModel[PreviewLine]):
    """The preview rows (plain tuples: a 50,000-row file is fine)."""

    HEADERS = COLUMNS

    def cell_data(self, line: PreviewLine, column: int, role: int) -> Any:
        if role == DISPLAY_ROLE:
            if column == 0:
                return str(line[0])
            if column == 1:
                return ACTION_LABELS[line[1]]
            return line[column]
        if role == BACKGROUND_ROLE and column == 1:
            return QBrush(ACTION_COLORS[line[1]])
        if role == ALIGNMENT_ROLE and column in (0, 4, 5):
            return _RIGHT
        if role == TOOLTIP_ROLE and column == 6 and line[6]:
            return line[6]
        return None


class ImportDialog(ImportDialogBase):
    """Choose, preview and import a snapshot file."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        columns = ", ".join(kpi_service.IMPORT_COLUMNS)
        super().__init__(
            ctx,
            parent,
            name="kpiImportDialog",
            title="Import KPI snapshots",
            intro=f"A CSV or XLSX file with the columns {columns} (kpi, date and value are "
            "required). Every row is checked first; nothing is written until you choose "
            "Import, and then all rows or none.",
            size=(900, 600),
        )
        self.duplicates_combo = QComboBox()
        self.duplicates_combo.setObjectName("importDuplicates")
        for value, label in DUPLICATE_LABELS:
            self.duplicates_combo.addItem(label, value)
        self.duplicates_combo.currentIndexChanged.connect(self._on_duplicates_index_changed)
        dup_row = QHBoxLayout()
        dup_row.addWidget(QLabel("When a KPI already has a value for the date:"))
        dup_row.addWidget(self.duplicates_combo, 1)

        self.model = PreviewModel(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().setDefaultSectionSize(24)
        for column, width in enumerate((60, 80, 200, 96, 80, 80)):
            self.table.setColumnWidth(column, width)
        self.table.horizontalHeader().setSectionResizeMode(
            len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch
        )
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)

        self.save_problems_button = self.buttons.addButton(
            "Save problems…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.save_problems_button.setObjectName("importSaveProblems")
        self.save_problems_button.setToolTip(
            "Save every rejected row (row, column, problem) to a CSV or XLSX file"
        )
        self.save_problems_button.setEnabled(False)
        self.save_problems_button.clicked.connect(self._on_save_problems_button_clicked)
        self.lay_out(dup_row)

    # -- preview --------------------------------------------------------------------------

    def on_duplicate(self) -> str:
        return str(self.duplicates_combo.currentData())

    def preview_call(self, path: Path) -> tuple[Callable[..., Any], dict[str, Any]]:
        self.model.set_rows([])
        self.save_problems_button.setEnabled(False)
        return kpi_service.preview_import, {"source": path, "on_duplicate": self.on_duplicate()}

    def show_preview(self, preview: kpi_service.ImportPreview) -> None:
        self.model.set_rows(preview_lines(preview))
        self.show_found(
            preview,
            len(preview.rejected),
            "Nothing to import: every row is skipped or the file is empty.",
            " Save problems… writes the full list to a file.",
        )
        self.save_problems_button.setEnabled(bool(preview.rejected))

    def row_actions(self) -> list[tuple[int, str, str]]:
        """``(row number, action, message)`` of the preview table, as shown."""
        return [(line[0], line[1], line[6]) for line in self.model.rows]

    def save_problems(self, path: Path | str) -> Path | None:
        """Write every rejected row of the preview to ``path`` (CSV or XLSX by suffix;
        ``.csv`` when it has none). None when there is nothing to save or writing failed
        (the reason is shown)."""
        preview = self.preview
        if preview is None or not preview.rejected:
            return None
        path = Path(path)
        if not path.suffix:
            path = path.with_suffix(".csv")
        try:
            out = write_problems(path, preview.problems())
        except UserError as err:
            show_user_error(self, err)
            return None
        count = len(preview.rejected)
        self.summary.setText(
            f"{preview.source}: {preview.summary()}. "
            f"Saved the {count} rejected row{'s' if count != 1 else ''} to {out}."
        )
        return out

    # -- import ---------------------------------------------------------------------------

    def import_call(self) -> tuple[Callable[..., Any], dict[str, Any], str]:
        return import_snapshots, {"preview": self.preview}, "Importing KPI snapshots…"

    def undo_command(self, preview: Any, changes: Changes) -> QUndoCommand:
        return ImportCommand(self.ctx, preview, changes)

    def set_busy(self, busy: bool) -> None:
        self.duplicates_combo.setEnabled(not busy)

    # -- slots ----------------------------------------------------------------------------

    def _on_save_problems_button_clicked(self) -> None:
        if self.preview is None or not self.preview.rejected:
            return
        folder = self.path.parent if self.path else self.ctx.settings.last_directory()
        stem = self.path.stem if self.path else "import"
        chosen, chosen_filter = QFileDialog.getSaveFileName(
            self, "Save problems", str(Path(folder) / f"{stem} problems.csv"), PROBLEMS_FILTER
        )
        if not chosen:
            return
        path = Path(chosen)
        if not path.suffix:
            path = path.with_suffix(".xlsx" if "xlsx" in chosen_filter else ".csv")
        self.save_problems(path)

    def _on_duplicates_index_changed(self, _index: int) -> None:
        if self.path is not None:
            self.start_preview()
