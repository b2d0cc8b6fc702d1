"""The Traceability tab: the matrix use case -> risks -> mitigations / controls ->
evidence -> launch checks -> KPIs for the use case chosen above (with the workspace's
organisation-wide rows), or for every use case at the workspace level; filtered by text
and exported as CSV or XLSX (formula-safe, the rows :mod:`...services.controls.trace`
writes for ``aipm controls trace``)."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QWidget

from ...services import controls as controls_service
from ..context import AppContext
from ..operations.parts import record_table
from ..tasks import Task
from ..widgets.builders import TAB_MARGINS, empty_state, hbox, stacked, vbox
from ..widgets.dialog_parts import ask_save_path, export_controls, file_stem, show_saved
from ..widgets.page_header import named_label
from ..widgets.row_list_model import Column, ColumnTableModel
from ..widgets.task_progress import show_task_error
from .background import BusyPanel
from .parts import LevelTab, filtered, named_filter, show_rows, shown

FILTERS = "CSV file (*.csv);;Excel workbook (*.xlsx)"
EMPTY = (
    "Nothing to trace yet: no control applies here and no risk is linked. Apply controls on "
    "the Applicability tab and link their risks, mitigations and launch checks there."
)
NAMES = tuple(f.name for f in fields(controls_service.TraceRow))


def _columns() -> tuple[Column[Any], ...]:
    titles = {"control_title": "Control title", "launch_checks": "Launch checks", "kpis": "KPIs"}
    return tuple(
        Column(
            titles.get(name, shown(name).capitalize()),
            lambda r, n=name: shown(getattr(r, n)) if n == "status" else getattr(r, n),
        )
        for name in NAMES
    )


class TraceTab(LevelTab):
    """The matrix rows with a filter and Export."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="traceTab")
        self.rows: list[Any] = []
        self.export_task: Task | None = None
        self.export_button, self.saved_label = export_controls(
            self.export,
            name="traceExportButton",
            text="Export…",
            tip="Save the matrix as CSV or XLSX",
        )
        self.filter_box = named_filter("traceFilter")
        self.count_label = named_label("", "mutedLabel")
        self.model: ColumnTableModel[Any] = ColumnTableModel(_columns())
        self.table = record_table("traceTable", self.model, stretch=4)
        self.stack = stacked(empty_state(EMPTY, margin=24), self.table)
        self.busy = BusyPanel(
            ctx, self.stack, what="the traceability matrix", name="traceBusy", restart=self.refresh
        )
        self.busy.finished.connect(self._on_busy_finished)
        toolbar = hbox(
            (self.filter_box, 1), self.count_label, self.saved_label, self.export_button, spacing=8
        )
        vbox(toolbar, (self.stack, 1), margins=TAB_MARGINS, spacing=8, parent=self)
        self.filter_box.filter_changed.connect(lambda _t: self._show_rows())

    def refresh(self) -> None:
        """Compute the matrix of the level shown in the background
        (:class:`.background.BusyPanel`); the rows show when it is done."""
        ws = self.ctx.workspace
        self.export_button.setEnabled(False)
        if ws is None:
            self.busy.stop()
            self._on_busy_finished([])
            return
        self.busy.start(controls_service.trace_rows, ws=ws, use_case_id=self.use_case_id)

    def _on_busy_finished(self, rows: object) -> None:
        self.rows = list(rows)  # type: ignore[call-overload]
        self._show_rows()

    def _show_rows(self) -> None:
        rows = filtered(self.filter_box, self.rows, lambda r: (getattr(r, n) for n in NAMES))
        show_rows(self.table, self.model, rows, cap=200)
        self.count_label.setText(f"{len(rows)} of {len(self.rows)} rows")
        if not self.busy.running:  # else the rows of the level before, until it is done
            self.stack.setCurrentIndex(1 if self.rows else 0)
            self.export_button.setEnabled(bool(self.rows) and self.export_task is None)

    def export(self, path: Path | None = None) -> Task | None:
        """Write the matrix of this level (every row, whatever the filter) to ``path``
        (asked for when not given) in the background; the label beside Export says when
        it is saved."""
        if self.ctx.workspace is None or not self.rows or self.export_task is not None:
            return None
        if path is None:
            stem = file_stem(f"traceability {self.level_name()}", "traceability")
            path = ask_save_path(
                self,
                "Export traceability",
                self.ctx.settings.last_directory() / f"{stem}.csv",
                FILTERS,
            )
            if path is None:
                return None
        self.saved_label.setText(f"Exporting {path.name}…")
        self.export_button.setEnabled(False)
        task = self.ctx.tasks.run(controls_service.write_trace, path, list(self.rows))
        task.finished.connect(self._on_export_task_finished)
        task.failed.connect(self._on_export_task_failed)
        self.export_task = task
        return task

    def _on_export_task_finished(self, written: object) -> None:
        self._export_over()
        show_saved(self.saved_label, Path(str(written)))

    def _on_export_task_failed(self, error: object) -> None:
        self._export_over()
        self.saved_label.setText("")
        show_task_error(self, error)

    def _export_over(self) -> None:
        self.export_task = None
        self.export_button.setEnabled(bool(self.rows) and not self.busy.running)

    def level_name(self) -> str:
        return "workspace" if self.use_case_id is None else f"use case {self.use_case_id}"
