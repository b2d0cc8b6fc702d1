"""Import an experiment's results from CSV/XLSX: choose the file and its layout, see what
it would store (or every problem, row by row) BEFORE anything is written, then import all
of it as one operation, or nothing.

Reading and checking the file runs in a worker (a per-unit file may hold millions of
rows) with a progress dialog after half a second; so does the write, on the single
writer thread. Import stays disabled while any row has a problem: the file must be fixed
first. Edit ▸ Undo takes the whole import back.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QHeaderView, QWidget

from ...errors import UserError
from ...services import experiments
from ...services.changes import Changes
from ...services.problems import Problem
from ..context import AppContext
from ..tasks import Task
from ..widgets import task_progress
from ..widgets.builders import (
    NO_MARGINS,
    button,
    dialog_buttons,
    hbox,
    labelled_row,
    line_edit,
    stacked,
    table_view,
    vbox,
)
from ..widgets.context_widgets import ContextDialog
from ..widgets.dialog_parts import choose_spreadsheet, dialog_heading
from ..widgets.page_header import named_label
from ..widgets.row_list_model import Column, ColumnTableModel
from .edits import ResultsImportCommand, apply_import
from .figures import figure

LAYOUTS = (("Daily aggregates per arm", False), ("Per-unit rows (one row per unit)", True))
MODES = (
    ("Replace the stored results", False),
    ("Merge: keep stored days the file does not hold", True),
)
INTRO = (
    "Daily aggregates: one row per date, variant and metric with the columns date, "
    "variant, metric, units, then conversions (a rate) or sum and sum_sq (a mean); "
    "pre_sum, pre_sum_sq and cross_sum add a pre-period covariate for CUPED. Per-unit rows: "
    "unit_id, variant, date and a column per metric (0/1 for a rate). Every row is checked "
    "first; nothing is written until you choose Import, and then all of it or nothing."
)
#: Rows of a preview the table lists (the summary counts them all).
SHOWN_ROWS = 2000


def problem_columns() -> tuple[Column[Problem], ...]:
    return (
        Column("Row", lambda p: str(p.row), align="right"),
        Column("Column", lambda p: p.column),
        Column("Problem", lambda p: p.message, color=lambda _p: "#b71c1c"),
    )


def row_columns(names: dict[int, str]) -> tuple[Column[dict[str, Any]], ...]:
    def amount(row: dict[str, Any]) -> str:
        if row.get("conversions") is not None:
            return f"{figure(row['conversions'], 6)} conversions"
        if row.get("total") is not None:
            return f"sum {figure(row['total'], 6)}"
        return ""

    return (
        Column("Day", lambda r: r["day"].isoformat()),
        Column("Variant", lambda r: names.get(r["variant_id"], str(r["variant_id"]))),
        Column("Metric", lambda r: r["metric"]),
        Column("Units", lambda r: f"{r['units']:,}", align="right"),
        Column("Value", amount, align="right"),
        Column(
            "CUPED",
            lambda r: "covariate" if r.get("pre_total") is not None else "",
            header_tip="Whether the row carries a pre-period covariate",
        ),
    )


def looks_per_unit(path: Path) -> bool | None:
    """Whether a CSV file's header names a ``unit_id`` column (None: cannot tell)."""
    if path.suffix.lower() != ".csv":
        return None
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as fh:
            header = fh.readline()
    except OSError:
        return None
    names = {" ".join(n.strip().lower().replace("_", " ").split()) for n in header.split(",")}
    return "unit id" in names


class ResultsImportDialog(ContextDialog):
    """Choose, preview and import an experiment's results (see the module docstring).

    One worker at a time (:attr:`task`): the preview of the file chosen, then the import;
    a preview that a newer choice replaced is ignored when it ends.
    """

    def __init__(
        self, ctx: AppContext, experiment_id: int, title: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            ctx, parent, name="resultsImportDialog", title="Import results", size=(920, 600)
        )
        self.experiment_id = experiment_id
        self.path: Path | None = None
        self.preview: experiments.ResultsPreview | None = None
        self.task: Task | None = None
        self.importing = False
        self.progress: task_progress.TaskProgressDialog | None = None
        self.changes: Changes | None = None

        heading, intro = dialog_heading(f"Import the results of “{title}”", INTRO)
        self.path_edit = line_edit("resultsPath", "No file chosen")
        self.path_edit.setReadOnly(True)
        self.choose_button = button("Choose file…", self.choose_file, name="resultsChoose")
        self.layout_combo = self._combo("resultsLayout", LAYOUTS)
        self.mode_combo = self._combo("resultsMode", MODES)
        self.summary = named_label(
            "Choose a file to see what it would import.", "importSummary", wrap=True
        )
        self.problem = named_label("", "errorHint", wrap=True)
        for label in (self.summary, self.problem):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.hide()
        self.problems_model: ColumnTableModel[Problem] = ColumnTableModel(problem_columns(), self)
        self.rows_model: ColumnTableModel[dict[str, Any]] = ColumnTableModel(row_columns({}), self)
        self.problems_table = table_view(self.problems_model, "resultsProblems")
        self.rows_table = table_view(self.rows_model, "resultsRows")
        self.tables = stacked(self.rows_table, self.problems_table)
        self.buttons = dialog_buttons(self, self.start_import)
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("Import")
        self.import_button.setObjectName("primaryButton")
        self.import_button.setEnabled(False)

        choices = labelled_row(
            (("Layout", self.layout_combo), ("Stored results", self.mode_combo)),
            label_name="formLabel",
        )
        choices.addStretch(1)
        vbox(
            heading,
            intro,
            hbox((self.path_edit, 1), self.choose_button, margins=NO_MARGINS),
            choices,
            self.summary,
            self.problem,
            (self.tables, 1),
            self.buttons,
            margins=(18, 16, 18, 14),
            spacing=8,
            parent=self,
        )

    def _combo(self, name: str, items: Any) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        for label, value in items:
            combo.addItem(label, value)
        combo.currentIndexChanged.connect(self._on_choice_combo_index_changed)
        return combo

    # -- the worker -----------------------------------------------------------------------

    def _follow(self, task: Task, text: str, finished: Any, *, delay: int = 500) -> Task:
        """Make ``task`` the dialog's worker, with a progress dialog saying ``text``."""
        task_progress.close_progress(self.progress)
        self.task = task
        self.progress = task_progress.run_with_progress(
            task,
            text,
            self,
            finished,
            self._on_task_failed,
            title="Import results",
            name="resultsProgress",
            delay=delay,
        )
        return task

    def _settle(self) -> bool:
        """The worker that sent the signal ended: True when it is the current one."""
        if self.sender() is not self.task:
            return False
        self.task = None
        task_progress.close_progress(self.progress)
        self.progress = None
        return True

    def _say(self, summary: str, problem: str = "") -> None:
        self.summary.setText(summary)
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))

    def _on_task_failed(self, error: object) -> None:
        if not self._settle():
            return
        self.importing = False
        self._enable_choices(True)
        if isinstance(error, UserError):
            self._say("Nothing was imported.", str(error))
        else:
            task_progress.show_task_error(self, error)
        self.import_button.setEnabled(self.can_import())

    def _enable_choices(self, enabled: bool) -> None:
        for widget in (self.choose_button, self.layout_combo, self.mode_combo):
            widget.setEnabled(enabled)

    # -- preview --------------------------------------------------------------------------

    def set_path(self, path: Path | str, *, per_unit: bool | None = None) -> Task | None:
        """Preview ``path`` (in a worker); its layout guessed from a CSV header unless
        ``per_unit`` says it. Returns the preview task."""
        self.path = Path(path)
        self.path_edit.setText(str(self.path))
        guess = per_unit if per_unit is not None else looks_per_unit(self.path)
        if guess is not None:
            blocked = self.layout_combo.blockSignals(True)
            self.layout_combo.setCurrentIndex(self.layout_combo.findData(guess))
            self.layout_combo.blockSignals(blocked)
        return self.start_preview()

    def start_preview(self) -> Task | None:
        """Read and check the chosen file in a worker; nothing is written."""
        ws, path = self.ctx.workspace, self.path
        if ws is None or path is None or self.importing:
            return None
        self.preview = None
        for model in (self.problems_model, self.rows_model):
            model.set_rows([])
        self.import_button.setEnabled(False)
        self._say(f"Checking {path.name}…")
        task = self.ctx.tasks.run(
            experiments.preview_results,
            ws=ws,
            experiment_id=self.experiment_id,
            path=path,
            per_unit=bool(self.layout_combo.currentData()),
            merge=bool(self.mode_combo.currentData()),
        )
        return self._follow(task, f"Checking {path.name}…", self._on_preview_task_finished)

    def _on_preview_task_finished(self, preview: object) -> None:
        if self._settle():
            assert isinstance(preview, experiments.ResultsPreview)
            self.show_preview(preview)

    def show_preview(self, preview: experiments.ResultsPreview) -> None:
        self.preview = preview
        self.rows_model.set_columns(row_columns({i: n for n, i in preview.variant_ids.items()}))
        summary = f"{preview.source}: {preview.summary()}. {' '.join(preview.notes)}".strip()
        problem = ""
        if preview.problem_count:
            shown = preview.problems[:SHOWN_ROWS]
            self.problems_model.set_rows(shown)
            self.tables.setCurrentWidget(self.problems_table)
            listed = "" if len(shown) == preview.problem_count else f" ({len(shown):,} listed)"
            problem = (
                f"{preview.problem_count:,} problem(s){listed}: nothing can be imported while "
                "any row has one. Fix the file and choose it again."
            )
        else:
            self.rows_model.set_rows(preview.rows[:SHOWN_ROWS])
            self.tables.setCurrentWidget(self.rows_table)
            if not preview.rows:
                problem = "Nothing to import: the file holds no results."
        self._say(summary, problem)
        for view in (self.problems_table, self.rows_table):
            header = view.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(header.count() - 1, QHeaderView.ResizeMode.Stretch)
        self.import_button.setEnabled(self.can_import())

    def can_import(self) -> bool:
        """A preview without problems, a writable workspace, no worker running."""
        found = self.preview
        return bool(found and found.ok and not self.ctx.readonly and self.task is None)

    def problem_lines(self) -> list[str]:
        """The problems listed, as ``row N: column: message``."""
        return [p.line() for p in self.problems_model.rows]

    # -- import ---------------------------------------------------------------------------

    def start_import(self) -> Task | None:
        """Write the previewed results on the single writer thread, with a progress
        dialog; the dialog closes when they are stored."""
        ws, preview = self.ctx.workspace, self.preview
        if ws is None or preview is None or not self.can_import():
            return None
        self.importing = True
        self.import_button.setEnabled(False)
        self._enable_choices(False)
        task = self.ctx.tasks.run_write(apply_import, ws=ws, preview=preview, who=self.ctx.author())
        return self._follow(
            task, f"Importing {preview.source}…", self._on_import_task_finished, delay=300
        )

    def _on_import_task_finished(self, result: object) -> None:
        if not self._settle():
            return
        self.importing = False
        assert isinstance(result, Changes) and self.preview is not None
        self.changes = result
        self.ctx.run_edit(ResultsImportCommand(self.ctx, self.preview, result))
        self.ctx.notify(result)
        self.accept()

    # -- slots ----------------------------------------------------------------------------

    def choose_file(self) -> None:
        start = self.ctx.settings.last_directory()
        path = choose_spreadsheet(self, "Import experiment results", self.path, start)
        if path:
            self.set_path(path)

    def _on_choice_combo_index_changed(self, _index: int) -> None:
        if self.path is not None:
            self.start_preview()

    def reject(self) -> None:
        """Cancel, unless the import is being written (it cannot stop half-way)."""
        if not self.importing:
            super().reject()
