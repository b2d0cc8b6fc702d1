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

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QFileDialog,
    QWidget,
)

from ...services import clock, evaluations
from ...services.changes import Changes
from ..context import AppContext
from ..tasks import Task
from ..undo import OperationCommand, short
from ..widgets.builders import (
    form_layout,
    hbox,
    line_edit,
    panel,
    scroll_area,
    splitter,
)
from ..widgets.dialog_parts import dialog_heading
from ..widgets.field_editors import date_display_format
from ..widgets.import_preview import PreviewImportDialog
from ..widgets.page_header import named_label
from ..widgets.row_list_model import Column
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


class RunImportDialog(PreviewImportDialog):
    """Choose, map, preview and import a run's results (see the module docstring).

    Signals:
        imported_run(int): the id of the run stored.
    """

    imported_run = Signal(int)

    def __init__(self, ctx: AppContext, suite: Any, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="runImportDialog", size=(980, 680), prefix="run")
        self.suite = suite
        self.run_id: int | None = None
        heading, intro = dialog_heading(f"Import results into “{suite.name}”", INTRO)
        self.version_edit = line_edit("runVersion", "e.g. router-v3.2, prompt 2026-12-01")
        self.version_edit.textChanged.connect(lambda _t: self.enable_import())
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
        mapping_panel = panel(
            named_label("What each column holds", "sectionTitle"),
            (scroll_area(self.mapping, name="mappingScroll"), 1),
        )
        self.split = splitter(
            mapping_panel, self.tables, sizes=(420, 520), stretch=(2, 3), name="runImport"
        )
        self.lay_out(heading, intro, run_form, self.split)

    def choice_widgets(self) -> tuple[QWidget, ...]:
        return (self.mapping, self.version_edit, self.replace_check)

    def ready(self) -> bool:
        return bool(self.version_edit.text().strip())

    # -- preview --------------------------------------------------------------------------

    def set_path(self, path: Path | str) -> Task | None:
        """Preview ``path`` with the suite's remembered mapping (or a guess)."""
        self.path = Path(path)
        self.path_edit.setText(str(self.path))
        return self.start_preview(guess=True)

    def start_preview(self, *, guess: bool = False) -> Task | None:
        """Read and check the chosen file with the mapping shown (``guess``: the suite's
        remembered one or a guess) in a worker; nothing is written."""
        ws, path = self.ctx.workspace, self.path
        if ws is None or path is None or self.importing:
            return None
        mapping = None if guess else self.mapping.mapping()
        self.clear_preview(f"Checking {path.name}…")
        task = self.ctx.tasks.run(
            evaluations.preview_import, ws=ws, suite_id=self.suite.id, path=path, mapping=mapping
        )
        return self.follow(task, f"Checking {path.name}…", self._on_preview_task_finished)

    def _on_preview_task_finished(self, preview: object) -> None:
        if self.settle():
            self.show_preview(preview)

    def show_preview(self, preview: Any) -> None:
        mapping = dict(preview.mapping)
        if list(self.mapping.combos) != list(preview.header) or self.mapping.mapping() != mapping:
            self.mapping.set_columns(preview.header, preview.sample, mapping)
        self.rows_model.set_columns(sample_columns(preview.header, mapping))
        fix = "Change what a column holds, or fix the file and choose it again."
        problem = self.show_rows_or_problems(preview, preview.sample, fix)
        self.say(f"{preview.source}: {preview.summary()}.", problem)
        self.enable_import()

    def enable_import(self) -> None:
        super().enable_import()
        good = self.preview is not None and self.preview.ok
        need = "Give the version these results are of." if good and not self.ready() else ""
        self.import_button.setToolTip(need)

    # -- import ---------------------------------------------------------------------------

    def write_job(self) -> tuple[Any, dict[str, Any], str]:
        day = self.date_edit.date()
        kwargs = {
            "preview": self.preview,
            "who": self.ctx.author(),
            "name": self.version_edit.text().strip(),
            "run_date": dt.date(day.year(), day.month(), day.day()),
            "environment": self.environment_edit.text().strip(),
            "notes": self.notes_edit.text().strip(),
            "replace": self.replace_check.isChecked(),
        }
        return store_run, kwargs, f"Importing {self.preview.source}…"

    def imported(self, result: Any) -> None:
        run_id, changes = result
        text = import_text(self.version_edit.text().strip(), self.suite.name)
        if changes.op_ids:
            command = OperationCommand.recorded(self.ctx, text, changes.op_ids[-1])
            command.record_id = run_id
            self.ctx.run_edit(command)
        self.ctx.notify(changes)
        self.run_id = run_id
        self.imported_run.emit(run_id)

    def choose_file(self) -> None:
        folder = self.path.parent if self.path else self.ctx.settings.last_directory()
        chosen, _f = QFileDialog.getOpenFileName(
            self, "Import results", str(folder), RESULTS_FILTERS
        )
        if chosen:
            self.set_path(chosen)
