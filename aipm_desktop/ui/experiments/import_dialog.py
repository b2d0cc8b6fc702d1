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

from PySide6.QtWidgets import QComboBox, QWidget

from ...services import experiments
from ...services.changes import Changes
from ..context import AppContext
from ..tasks import Task
from ..widgets.builders import (
    labelled_row,
)
from ..widgets.dialog_parts import choose_spreadsheet, dialog_heading
from ..widgets.import_preview import PreviewImportDialog
from ..widgets.row_list_model import Column
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


class ResultsImportDialog(PreviewImportDialog):
    """Choose, preview and import an experiment's results (see the module docstring)."""

    def __init__(
        self, ctx: AppContext, experiment_id: int, title: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(
            ctx, parent, name="resultsImportDialog", size=(920, 600), prefix="results",
            rows=row_columns({}),
        )  # fmt: skip
        self.experiment_id = experiment_id
        self.changes: Changes | None = None
        heading, intro = dialog_heading(f"Import the results of “{title}”", INTRO)
        self.layout_combo = self._combo("resultsLayout", LAYOUTS)
        self.mode_combo = self._combo("resultsMode", MODES)
        choices = labelled_row(
            (("Layout", self.layout_combo), ("Stored results", self.mode_combo)),
            label_name="formLabel",
        )
        choices.addStretch(1)
        self.lay_out(heading, intro, choices, self.tables)

    def _combo(self, name: str, items: Any) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        for label, value in items:
            combo.addItem(label, value)
        combo.currentIndexChanged.connect(self._on_choice_combo_index_changed)
        return combo

    def choice_widgets(self) -> tuple[QWidget, ...]:
        return (self.layout_combo, self.mode_combo)

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
        self.clear_preview(f"Checking {path.name}…")
        task = self.ctx.tasks.run(
            experiments.preview_results,
            ws=ws,
            experiment_id=self.experiment_id,
            path=path,
            per_unit=bool(self.layout_combo.currentData()),
            merge=bool(self.mode_combo.currentData()),
        )
        return self.follow(task, f"Checking {path.name}…", self._on_preview_task_finished)

    def _on_preview_task_finished(self, preview: object) -> None:
        if self.settle():
            assert isinstance(preview, experiments.ResultsPreview)
            self.show_preview(preview)

    def show_preview(self, preview: experiments.ResultsPreview) -> None:
        self.rows_model.set_columns(row_columns({i: n for n, i in preview.variant_ids.items()}))
        summary = f"{preview.source}: {preview.summary()}. {' '.join(preview.notes)}".strip()
        problem = self.show_rows_or_problems(
            preview, preview.rows, "Fix the file and choose it again."
        )
        if not problem and not preview.rows:
            problem = "Nothing to import: the file holds no results."
        self.say(summary, problem)
        self.enable_import()

    # -- import ---------------------------------------------------------------------------

    def write_job(self) -> tuple[Any, dict[str, Any], str]:
        preview = self.preview
        kwargs = {"preview": preview, "who": self.ctx.author()}
        return apply_import, kwargs, f"Importing {preview.source}…"

    def imported(self, result: Any) -> None:
        assert isinstance(result, Changes) and self.preview is not None
        self.changes = result
        self.ctx.run_edit(ResultsImportCommand(self.ctx, self.preview, result))
        self.ctx.notify(result)

    # -- slots ----------------------------------------------------------------------------

    def choose_file(self) -> None:
        start = self.ctx.settings.last_directory()
        path = choose_spreadsheet(self, "Import experiment results", self.path, start)
        if path:
            self.set_path(path)

    def _on_choice_combo_index_changed(self, _index: int) -> None:
        if self.path is not None:
            self.start_preview()
