"""The Runs tab: every version scored on a suite, newest first, and the chosen run's
record.

A run comes from "Import results…" (Ctrl+I): one model / prompt / system version, its
date, environment and notes, and the file its per-example results came from (name,
SHA-256, rows). The chosen run's version, date, environment and notes are edited in place
(each edit one undo step; a version the suite already has is refused); "Delete run"
removes it with its results after asking.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from ...models import EvalRun
from ...models.evaluations import EvalRunBase
from ...services import evaluations
from ...services.dates import format_date, format_datetime
from ..context import AppContext
from ..operations.parts import PaneForm, RowsPanel, ask_to_delete
from ..widgets.builders import button, hbox, open_dialog, splitter, vbox
from ..widgets.dialog_parts import ask_save_path, export_controls, file_stem
from ..widgets.page_header import READ_ONLY_WHY, named_label, set_enabled_why
from ..widgets.record_form import FieldSpec
from ..widgets.row_list_model import Column
from .computed import write_or_warn
from .edits import DeleteRunCommand, UpdateRunCommand
from .kpi_dialog import KpiSnapshotDialog
from .texts import Named, plural

NO_RUNS = (
    "No runs yet. Press “Import results…” (Ctrl+I) and choose the per-example results of "
    "one version (CSV, XLSX or JSONL from your eval harness): one row per example with its "
    "id, expected label, prediction and any flags, scores, latency, cost and slices."
)
IMPORT_TIP = "Import the per-example results of a version as a new run (Ctrl+I)"
EXPORT_FILTERS = "CSV file (*.csv);;JSON lines (*.jsonl)"


def run_columns() -> tuple[Column[Any], ...]:
    return (
        Column("Version", lambda r: r.name),
        Column("Date", lambda r: format_date(r.run_date, "-")),
        Column("Environment", lambda r: r.environment or "-"),
        Column("Examples", lambda r: f"{r.source_rows:,}", align="right"),
        Column("Notes", lambda r: " ".join(r.notes.split()), tip=lambda r: r.notes or None),
    )


def source_text(run: Any) -> str:
    """Where a run's results came from: the file, its rows, when, its SHA-256."""
    if not run.source_file:
        return "No results file recorded."
    when = f", imported {format_datetime(run.imported_at)}" if run.imported_at else ""
    digest = f" · SHA-256 {run.source_sha256}" if run.source_sha256 else ""
    kpi = " · recorded as a KPI snapshot" if run.kpi_snapshot_id else ""
    return f"{run.source_file}: {plural(run.source_rows, 'example')}{when}{digest}{kpi}"


class RunsTab(RowsPanel):
    """The runs of the shown suite and the chosen run's record (see the module docstring).

    Signals:
        import_requested(): the user asked to import results (the page opens the dialog).
    """

    import_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx, run_columns(), parent, name="runsPanel", empty_text=NO_RUNS, stretch=4
        )
        self.suite: Any = None
        self.confirm_box: QMessageBox | None = None
        self.import_button = button(
            "Import results…", self.import_requested.emit, name="importRunButton", tip=IMPORT_TIP
        )
        self.delete_button = button("Delete run", self.delete_run, name="deleteRunButton")
        self.export_button, self.saved = export_controls(
            self.ask_export, name="exportRunButton", text="Export results…"
        )
        self.kpi_button = button("Record as KPI snapshot…", self.record_kpi, name="runKpiButton")
        self.kpi_dialog: KpiSnapshotDialog | None = None
        self.form = PaneForm(
            ctx,
            (
                FieldSpec("name", "Version", placeholder="model / prompt / system version"),
                FieldSpec("run_date", "Date", "date"),
                FieldSpec("environment", "Environment", placeholder="e.g. staging, offline"),
                FieldSpec("notes", "Notes", "text", placeholder="What changed in this version"),
            ),
            EvalRun,
            EvalRunBase,
            UpdateRunCommand,
            empty_text="Choose a run in the list.",
            name="runForm",
        )
        self.source = named_label("", "mutedLabel", wrap=True)
        self.source.setObjectName("runSource")
        self.source.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.form.insert_row("", "source", "Results", self.source, hint=False)
        self.split = splitter(
            self.stack, self.form, sizes=(200, 300), stretch=(2, 3), name="runs",
            orientation=Qt.Orientation.Vertical,
        )  # fmt: skip
        vbox(
            hbox(
                self.import_button,
                self.delete_button,
                self.kpi_button,
                1,
                self.saved,
                self.export_button,
                spacing=6,
            ),
            (self.split, 1),
            spacing=6,
            margins=(4, 4, 4, 4),
            parent=self,
        )
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._show_current())

    def show_suite(self, suite: Any, runs: list[Any]) -> None:
        """Show the runs of ``suite`` (None: none), keeping the chosen one chosen."""
        chosen = self.current()
        self.suite = suite
        self.show_rows(suite.id if suite is not None else None, runs)
        keep = self.model.row_of_key(chosen.id) if chosen is not None else None
        self.table.selectRow(keep if keep is not None else 0)
        self._show_current()

    def current(self) -> Any:
        return self.model.record_at(self.table.currentIndex())

    def select_run(self, run_id: int) -> None:
        row = self.model.row_of_key(run_id)
        if row is not None:
            self.table.selectRow(row)

    def _show_current(self) -> None:
        run = self.current()
        self.form.load(run.id if run is not None else None)
        self.source.setText(source_text(run) if run is not None else "")
        self.update_actions()

    def update_actions(self) -> None:
        writable = not self.ctx.readonly and self.suite is not None
        why = READ_ONLY_WHY if self.ctx.readonly else "Choose a suite first."
        set_enabled_why(self.import_button, writable, IMPORT_TIP, why)
        chosen = writable and self.current() is not None
        off = why if not writable else "Choose a run first."
        for widget, tip in (
            (
                self.delete_button,
                "Delete the chosen run with its results (Edit ▸ Undo brings it back)",
            ),
            (self.kpi_button, "Record a metric of the chosen run as a KPI snapshot on its date"),
        ):
            set_enabled_why(widget, chosen, tip, off)
        set_enabled_why(
            self.export_button,
            self.current() is not None,
            "Write the chosen run's per-example results as stored (CSV or JSONL)",
            "Choose a run first.",
        )

    def delete_run(self) -> QMessageBox | None:
        """Ask, then delete the chosen run with its results (undoable)."""
        run = self.current()
        named = Named(run.id, run.name) if run is not None else None
        what = f"Its {plural(run.source_rows, 'example')} go with it." if run is not None else ""
        return ask_to_delete(self, "run", named, what, DeleteRunCommand)

    def export_results(self, path: Path) -> Path | None:
        """Write the chosen run's results as stored to ``path`` (CSV or JSONL: the headers
        are the mapping's fields, so the file imports again as it is); None on a refusal
        (the reason is shown)."""
        run, ws = self.current(), self.ctx.workspace
        if run is None or ws is None:
            return None
        run_id = run.id
        return write_or_warn(
            self, self.saved, lambda: evaluations.export_results(ws=ws, run_id=run_id, out=path)
        )

    def ask_export(self) -> Path | None:
        run = self.current()
        if run is None:
            return None
        start = Path(self.ctx.settings.last_directory()) / f"{file_stem(run.name, 'run')}.csv"
        path = ask_save_path(self, "Export the run's results", start, EXPORT_FILTERS)
        return self.export_results(path) if path is not None else None

    def record_kpi(self) -> KpiSnapshotDialog | None:
        """Open the dialog recording a metric of the chosen run as a KPI snapshot."""
        run = self.current()
        if run is None or self.suite is None or self.ctx.readonly or self.kpi_dialog is not None:
            return None
        dialog = KpiSnapshotDialog(self.ctx, run, list(self.suite.metrics), self)
        return open_dialog(self, "kpi_dialog", dialog)
