"""Import a version's per-example results as a new run of a suite: choose the file (CSV,
XLSX or JSONL), say what each column holds, see the first rows as they would be stored (or
every problem, by row and column) BEFORE anything is written, then import all of it as
one operation, or nothing.

The mapping starts from the one the suite remembers (the last import's), else from the
column names and their values; every change of it checks the whole file again. Reading
and checking run in a worker, and so does the write (on the single writer thread), each
with a progress dialog after half a second. Import stays disabled while any row has a
problem or the version is empty. Edit ▸ Undo takes the whole run back.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QWidget,
)

from ...errors import UserError
from ...services import clock, evaluations
from ...services.changes import Changes
from ...services.problems import Problem
from ..context import AppContext
from ..experiments.import_dialog import problem_columns
from ..tasks import Task
from ..undo import OperationCommand, short
from ..widgets import task_progress
from ..widgets.builders import (
    NO_MARGINS,
    button,
    dialog_buttons,
    form_layout,
    hbox,
    line_edit,
    scroll_area,
    splitter,
    stacked,
    table_view,
    vbox,
)
from ..widgets.context_widgets import ContextDialog
from ..widgets.dialog_parts import dialog_heading
from ..widgets.field_editors import date_display_format
from ..widgets.page_header import named_label
from ..widgets.row_list_model import Column, ColumnTableModel
from .mapping import MappingGrid

RESULTS_FILTERS = (
    "Results files (*.csv *.xlsx *.jsonl);;CSV files (*.csv);;Excel workbooks (*.xlsx);;"
    "JSON lines (*.jsonl)"
)
INTRO = (
    "One row per example: an id, the expected label and the prediction, and any "
    "probability, boolean flags (hallucination, toxicity …), numeric scores, latency, cost "
    "and slice columns. Every row is checked first; nothing is written until you choose "
    "Import, and then all of it or nothing."
)
#: Problems the table lists (the summary counts them all).
SHOWN_PROBLEMS = 2000


def sample_columns(header: tuple[str, ...], mapping: dict[str, str]) -> list[Column[Any]]:
    """The preview's columns: each mapped file column, headed with what it holds."""
    columns = []
    for index, name in enumerate(header):
        field = mapping.get(name, "ignore")
        if field == "ignore":
            continue
        columns.append(Column(f"{name}\n→ {field}", lambda row, i=index: row[i]))
    return columns


def import_text(version: str, suite: str) -> str:
    return f"import run '{short(version)}' into '{short(suite)}'"


def store_run(
    *, ws: Any, preview: Any, name: str, who: str | None = None, **fields: Any
) -> tuple[int, Changes]:
    """Store a checked preview as the new run ``name``, as one named operation (safe in a
    worker): the run's id, and the changes with the operation's id for the undo step."""
    with ws.operation(import_text(name, preview.suite), who=who) as op:
        run_id, changes = evaluations.apply_import(
            ws=ws, preview=preview, name=name, who=who, **fields
        )
    done = op.result
    return run_id, changes if done is None else changes.with_kinds(done.kinds, (done.id,))


class RunImportDialog(ContextDialog):
    """Choose, map, preview and import a run's results (see the module docstring).

    One worker at a time (:attr:`task`): the preview of the file and mapping chosen, then
    the import; a preview that a newer choice replaced is ignored when it ends.

    Signals:
        imported(int): the id of the run stored.
    """

    imported = Signal(int)

    def __init__(self, ctx: AppContext, suite: Any, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx, parent, name="runImportDialog", title="Import results", size=(980, 680)
        )
        self.suite = suite
        self.path: Path | None = None
        self.preview: Any = None
        self.task: Task | None = None
        self.importing = False
        self.progress: task_progress.TaskProgressDialog | None = None
        self.run_id: int | None = None

        heading, intro = dialog_heading(f"Import results into “{suite.name}”", INTRO)
        self.path_edit = line_edit("runPath", "No file chosen")
        self.path_edit.setReadOnly(True)
        self.choose_button = button("Choose file…", self.choose_file, name="runChoose")
        self.version_edit = line_edit("runVersion", "e.g. router-v3.2, prompt 2026-12-01")
        self.version_edit.textChanged.connect(lambda _t: self._enable_import())
        self.date_edit = QDateEdit(QDate(clock.today()))
        self.date_edit.setObjectName("runDate")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat(date_display_format())
        self.environment_edit = line_edit("runEnvironment", "e.g. offline, staging")
        self.notes_edit = line_edit("runNotes", "What changed in this version")
        self.replace_check = QCheckBox("Replace the run of this version if the suite has one")
        self.replace_check.setObjectName("runReplace")
        run_form = form_layout(
            ("Version", self.version_edit),
            ("Date", hbox(self.date_edit, (self.environment_edit, 1), spacing=6)),
            ("Notes", self.notes_edit),
            ("", self.replace_check),
        )
        self.mapping = MappingGrid()
        self.mapping.changed.connect(self.start_preview)
        self.summary = named_label(
            "Choose a file to see what it would import.", "importSummary", wrap=True
        )
        self.problem = named_label("", "errorHint", wrap=True)
        for label in (self.summary, self.problem):
            label.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.hide()
        self.problems_model: ColumnTableModel[Problem] = ColumnTableModel(problem_columns(), self)
        self.rows_model: ColumnTableModel[Any] = ColumnTableModel((), self)
        self.problems_table = table_view(self.problems_model, "runProblems")
        self.rows_table = table_view(self.rows_model, "runRows")
        self.tables = stacked(self.rows_table, self.problems_table)
        mapping_box = vbox(
            named_label("What each column holds", "sectionTitle"), margins=NO_MARGINS
        )
        mapping_panel = QWidget()
        vbox(
            mapping_box,
            (scroll_area(self.mapping, name="mappingScroll"), 1),
            margins=NO_MARGINS,
            parent=mapping_panel,
        )
        self.split = splitter(
            mapping_panel, self.tables, sizes=(420, 520), stretch=(2, 3), name="runImport"
        )
        self.buttons = dialog_buttons(self, self.start_import)
        self.import_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.import_button.setText("Import")
        self.import_button.setObjectName("primaryButton")
        self.import_button.setEnabled(False)
        vbox(
            heading,
            intro,
            hbox((self.path_edit, 1), self.choose_button, margins=NO_MARGINS),
            run_form,
            self.summary,
            self.problem,
            (self.split, 1),
            self.buttons,
            margins=(18, 16, 18, 14),
            spacing=8,
            parent=self,
        )

    # -- the worker -----------------------------------------------------------------------

    def _follow(self, task: Task, text: str, finished: Any, *, delay: int = 500) -> Task:
        task_progress.close_progress(self.progress)
        self.task = task
        self.progress = task_progress.run_with_progress(
            task, text, self, finished, self._on_task_failed,
            title="Import results", name="runImportProgress", delay=delay,
        )  # fmt: skip
        return task

    def _settle(self) -> bool:
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
        self._enable_import()

    def _enable_choices(self, enabled: bool) -> None:
        for widget in (self.choose_button, self.mapping, self.version_edit, self.replace_check):
            widget.setEnabled(enabled)

    # -- preview --------------------------------------------------------------------------

    def set_path(self, path: Path | str) -> Task | None:
        """Preview ``path`` with the suite's remembered mapping (or a guess)."""
        self.path = Path(path)
        self.path_edit.setText(str(self.path))
        self.preview = None
        return self.start_preview(guess=True)

    def start_preview(self, *, guess: bool = False) -> Task | None:
        """Read and check the chosen file with the mapping shown (``guess``: the suite's
        remembered one or a guess) in a worker; nothing is written."""
        ws, path = self.ctx.workspace, self.path
        if ws is None or path is None or self.importing:
            return None
        mapping = None if guess else self.mapping.mapping()
        self.preview = None
        for model in (self.problems_model, self.rows_model):
            model.set_rows([])
        self._enable_import()
        self._say(f"Checking {path.name}…")
        task = self.ctx.tasks.run(
            evaluations.preview_import, ws=ws, suite_id=self.suite.id, path=path, mapping=mapping
        )
        return self._follow(task, f"Checking {path.name}…", self._on_preview_task_finished)

    def _on_preview_task_finished(self, preview: object) -> None:
        if self._settle():
            self.show_preview(preview)

    def show_preview(self, preview: Any) -> None:
        self.preview = preview
        mapping = dict(preview.mapping)
        if list(self.mapping.combos) != list(preview.header) or self.mapping.mapping() != mapping:
            self.mapping.set_columns(preview.header, preview.sample, mapping)
        self.rows_model.set_columns(sample_columns(preview.header, mapping))
        problem = ""
        if preview.problem_count:
            shown = list(preview.problems[:SHOWN_PROBLEMS])
            self.problems_model.set_rows(shown)
            self.tables.setCurrentWidget(self.problems_table)
            listed = "" if len(shown) == preview.problem_count else f" ({len(shown):,} listed)"
            problem = (
                f"{preview.problem_count:,} problem(s){listed}: nothing can be imported while "
                "any row has one. Change what a column holds, or fix the file and choose it "
                "again."
            )
        else:
            self.rows_model.set_rows(preview.sample)
            self.tables.setCurrentWidget(self.rows_table)
        self._say(f"{preview.source}: {preview.summary()}.", problem)
        for view in (self.problems_table, self.rows_table):
            header = view.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setStretchLastSection(True)
        self._enable_import()

    def can_import(self) -> bool:
        """A preview without problems, a version, a writable workspace, no worker."""
        found = self.preview
        return bool(
            found is not None
            and found.ok
            and self.version_edit.text().strip()
            and not self.ctx.readonly
            and self.task is None
        )

    def _enable_import(self) -> None:
        ok = self.can_import()
        self.import_button.setEnabled(ok)
        needs_version = self.preview is not None and self.preview.ok
        self.import_button.setToolTip(
            "" if ok else "Give the version these results are of." if needs_version else ""
        )

    def problem_lines(self) -> list[str]:
        """The problems listed, as ``row N: column: message``."""
        return [p.line() for p in self.problems_model.rows]

    # -- import ---------------------------------------------------------------------------

    def start_import(self) -> Task | None:
        """Store the previewed results as a new run on the writer thread; the dialog
        closes when they are stored."""
        ws, preview = self.ctx.workspace, self.preview
        if ws is None or preview is None or not self.can_import():
            return None
        self.importing = True
        self.import_button.setEnabled(False)
        self._enable_choices(False)
        day = self.date_edit.date()
        task = self.ctx.tasks.run_write(
            store_run,
            ws=ws,
            preview=preview,
            who=self.ctx.author(),
            name=self.version_edit.text().strip(),
            run_date=dt.date(day.year(), day.month(), day.day()),
            environment=self.environment_edit.text().strip(),
            notes=self.notes_edit.text().strip(),
            replace=self.replace_check.isChecked(),
        )
        return self._follow(
            task, f"Importing {preview.source}…", self._on_import_task_finished, delay=300
        )

    def _on_import_task_finished(self, result: object) -> None:
        if not self._settle():
            return
        self.importing = False
        run_id, changes = result  # type: ignore[misc]
        text = import_text(self.version_edit.text().strip(), self.suite.name)
        if changes.op_ids:
            command = OperationCommand.recorded(self.ctx, text, changes.op_ids[-1])
            command.record_id = run_id
            self.ctx.run_edit(command)
        self.ctx.notify(changes)
        self.run_id = run_id
        self.imported.emit(run_id)
        self.accept()

    # -- slots ----------------------------------------------------------------------------

    def choose_file(self) -> None:
        folder = self.path.parent if self.path else self.ctx.settings.last_directory()
        chosen, _f = QFileDialog.getOpenFileName(
            self, "Import results", str(folder), RESULTS_FILTERS
        )
        if chosen:
            self.set_path(chosen)

    def reject(self) -> None:
        """Cancel, unless the import is being written (it cannot stop half-way)."""
        if not self.importing:
            super().reject()
