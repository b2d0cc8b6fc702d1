"""Import KPI snapshots from CSV/XLSX: choose a file and what to do with duplicates, see
every row as add / replace / skip / rejected BEFORE anything is written, then import all
of it in one transaction (in a worker, with a progress dialog).

Import stays disabled while any row is rejected: the file must be fixed first; Save
problems… writes every rejected row (row, column, problem) to a CSV or XLSX file to work
from. Every import is one operation of the workspace, so Edit ▸ Undo takes all of it back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...services import kpis as kpi_service
from ...services.changes import Changes
from ...services.dates import format_date
from ...services.problems import write_problems
from ..context import AppContext
from ..errors import show_user_error
from ..tasks import Task, report_error
from ..widgets.context_widgets import ContextDialog
from ..widgets.dialog_parts import choose_spreadsheet, dialog_heading
from ..widgets.page_header import named_label
from ..widgets.roles import ALIGNMENT_ROLE, BACKGROUND_ROLE, DISPLAY_ROLE, TOOLTIP_ROLE
from ..widgets.row_list_model import RowTableModel
from ..widgets.task_progress import (
    TaskProgressDialog,
    close_progress,
    run_with_progress,
    show_task_error,
)
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


class ImportDialog(ContextDialog):
    """Choose, preview and import a snapshot file."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx, parent, name="kpiImportDialog", title="Import KPI snapshots", size=(900, 600)
        )
        self.preview: kpi_service.ImportPreview | None = None
        self.path: Path | None = None
        self.preview_task: Task | None = None
        self.import_task: Task | None = None
        self.progress: TaskProgressDialog | None = None
        self.imported = 0

        columns = ", ".join(kpi_service.IMPORT_COLUMNS)
        heading, help_text = dialog_heading(
            "Import KPI snapshots",
            f"A CSV or XLSX file with the columns {columns} (kpi, date and value are "
            "required). Every row is checked first; nothing is written until you choose "
            "Import, and then all rows or none.",
        )

        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("importPath")
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText("No file chosen")
        self.choose_button = QPushButton("Choose file…")
        self.choose_button.setObjectName("importChoose")
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        self.duplicates_combo = QComboBox()
        self.duplicates_combo.setObjectName("importDuplicates")
        for value, label in DUPLICATE_LABELS:
            self.duplicates_combo.addItem(label, value)
        self.duplicates_combo.currentIndexChanged.connect(self._on_duplicates_index_changed)

        file_row = QHBoxLayout()
        file_row.addWidget(self.path_edit, 1)
        file_row.addWidget(self.choose_button)
        dup_row = QHBoxLayout()
        dup_row.addWidget(QLabel("When a KPI already has a value for the date:"))
        dup_row.addWidget(self.duplicates_combo, 1)

        self.summary = named_label(
            "Choose a file to see what it would import.", "importSummary", wrap=True
        )
        self.problem = named_label("", "errorHint", wrap=True)
        self.problem.setVisible(False)

        self.model = PreviewModel(self)
        self.table = QTableView()
        self.table.setObjectName("importPreview")
        self.table.setModel(self.model)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        for column, width in enumerate((60, 80, 200, 96, 80, 80)):
            self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(
            "Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setObjectName("primaryButton")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.save_problems_button = self.buttons.addButton(
            "Save problems…", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.save_problems_button.setObjectName("importSaveProblems")
        self.save_problems_button.setToolTip(
            "Save every rejected row (row, column, problem) to a CSV or XLSX file"
        )
        self.save_problems_button.setEnabled(False)
        self.save_problems_button.clicked.connect(self._on_save_problems_button_clicked)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(8)
        layout.addWidget(heading)
        layout.addWidget(help_text)
        layout.addLayout(file_row)
        layout.addLayout(dup_row)
        layout.addWidget(self.summary)
        layout.addWidget(self.problem)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)

    # -- preview --------------------------------------------------------------------------

    def on_duplicate(self) -> str:
        return str(self.duplicates_combo.currentData())

    def set_path(self, path: Path | str) -> Task | None:
        """Preview ``path`` (in a worker); returns the preview task."""
        self.path = Path(path)
        self.path_edit.setText(str(self.path))
        return self.start_preview()

    def start_preview(self) -> Task | None:
        ws = self.ctx.workspace
        if ws is None or self.path is None:
            return None
        self.preview = None
        self.model.set_rows([])
        self.import_button.setEnabled(False)
        self.save_problems_button.setEnabled(False)
        self.problem.setVisible(False)
        self.summary.setText(f"Checking {self.path.name}…")
        task = self.ctx.tasks.run(
            kpi_service.preview_import, ws=ws, source=self.path, on_duplicate=self.on_duplicate()
        )
        self.preview_task = task
        task.finished.connect(self._on_preview_task_finished)
        task.failed.connect(self._on_preview_task_failed)
        return task

    def _on_preview_task_finished(self, preview: object) -> None:
        if self.sender() is not self.preview_task:
            return  # an older preview (the file or the choice changed since)
        self.preview_task = None
        assert isinstance(preview, kpi_service.ImportPreview)
        self.show_preview(preview)

    def _on_preview_task_failed(self, error: object) -> None:
        if self.sender() is not self.preview_task:
            return
        self.preview_task = None
        if isinstance(error, UserError):
            self.summary.setText("The file cannot be imported.")
            self.problem.setText(str(error))
            self.problem.setVisible(True)
        elif isinstance(error, BaseException):
            report_error(error)

    def show_preview(self, preview: kpi_service.ImportPreview) -> None:
        self.preview = preview
        self.model.set_rows(preview_lines(preview))
        self.summary.setText(f"{preview.source}: {preview.summary()}.")
        if preview.rejected:
            count = len(preview.rejected)
            self.problem.setText(
                f"{count} row{'s are' if count != 1 else ' is'} rejected (listed first). "
                "Fix the file and choose it again: nothing is imported while any row is "
                "rejected. Save problems… writes the full list to a file."
            )
            self.problem.setVisible(True)
        elif preview.to_write == 0:
            self.problem.setText("Nothing to import: every row is skipped or the file is empty.")
            self.problem.setVisible(True)
        self.import_button.setEnabled(self.can_import())
        self.save_problems_button.setEnabled(bool(preview.rejected))

    def can_import(self) -> bool:
        preview = self.preview
        return (
            preview is not None
            and not preview.rejected
            and preview.to_write > 0
            and not self.ctx.readonly
            and self.import_task is None
        )

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

    def start_import(self) -> Task | None:
        """Write the previewed rows in a worker with a progress dialog."""
        ws = self.ctx.workspace
        if ws is None or not self.can_import():
            return None
        preview = self.preview
        assert preview is not None
        task = self.ctx.tasks.run_write(
            import_snapshots,
            ws=ws,
            preview=preview,
            who=self.ctx.author(),
            progress=True,
        )
        self.import_task = task
        self.import_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        self.duplicates_combo.setEnabled(False)
        self.progress = run_with_progress(
            task,
            "Importing KPI snapshots…",
            self,
            self._on_import_task_finished,
            self._on_import_task_failed,
            title="Import KPI snapshots",
            name="importProgress",
            maximum=max(preview.to_write, 1),
            delay=300,
        )
        return task

    def _end_import(self) -> None:
        self.import_task = None
        close_progress(self.progress)
        self.progress = None
        self.choose_button.setEnabled(True)
        self.duplicates_combo.setEnabled(True)

    def _on_import_task_finished(self, result: object) -> None:
        self._end_import()
        changes, count = cast(tuple[Changes, int], result)
        preview = self.preview
        assert preview is not None
        self.imported = int(count)
        self.ctx.run_edit(ImportCommand(self.ctx, preview, changes))
        self.ctx.notify(changes)
        self.accept()

    def _on_import_task_failed(self, error: object) -> None:
        self._end_import()
        self.import_button.setEnabled(self.can_import())
        show_task_error(self, error)

    # -- slots ----------------------------------------------------------------------------

    def _on_choose_button_clicked(self) -> None:
        start = self.ctx.settings.last_directory()
        chosen = choose_spreadsheet(self, "Import KPI snapshots", self.path, start)
        if chosen:
            self.set_path(chosen)

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

    def _on_import_button_clicked(self) -> None:
        self.start_import()

    def reject(self) -> None:
        if self.import_task is not None:
            return  # the import is running: it cannot be abandoned half-way
        super().reject()
