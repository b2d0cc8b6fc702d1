"""The Report tab: every metric of a suite on one run, with its 95 % interval, pass or
fail against its threshold, per slice, and the worst slice named.

Above the table, the run (the latest by default) and the verdict in a sentence: which
blocking metrics fail (in red) or that every one passes. Choosing a metric lists its
slices under the table, the worst one first and marked. The report is computed in a
worker (a seeded bootstrap of 1,000 resamples per metric and slice) with a progress bar;
a note under it says how, so the figures can be recomputed from the run's export.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QHeaderView, QWidget

from ...services import evaluations
from ..context import AppContext
from ..operations.parts import record_table, wrap_rows
from ..widgets.builders import (
    hbox,
    panel,
)
from ..widgets.page_header import named_label
from ..widgets.row_list_model import Column, ColumnTableModel
from .computed import ComputedTab, fill_runs, headline_label
from .metrics import slice_text
from .texts import FAIL, plural, threshold_text, verdict, with_interval

NO_RUNS = (
    "No runs to report on yet. Press “Import results…” (Ctrl+I) and choose the "
    "per-example results of a version; its report shows here."
)
NO_METRICS = (
    "This suite has no metrics yet: add them on the Metrics tab, then its report shows here."
)


def _higher(result: Any) -> bool:
    return str(result.spec.direction) == "higher_is_better"


def metric_columns() -> tuple[Column[Any], ...]:
    def interval(r: Any) -> tuple[float, float] | None:
        return None if r.low is None or r.high is None else (r.low, r.high)

    return (
        Column(
            "Metric",
            lambda r: r.spec.name + ("\nblocking" if r.spec.blocking else ""),
            tip=lambda r: (
                f"{r.spec.name}: {slice_text(r.spec)}" + (f"\n{r.note}" if r.note else "")
            ),
        ),
        Column(
            "Value\n95% interval",
            lambda r: with_interval(r.spec.kind, r.value, interval(r)),
            align="right",
            header_tip="The metric on the run, and its 95 % bootstrap interval",
        ),
        Column(
            "Threshold",
            lambda r: threshold_text(r.spec.kind, r.spec.threshold, _higher(r)),
            align="right",
        ),
        Column(
            "Verdict",
            lambda r: verdict(r.passed)[0],
            color=lambda r: verdict(r.passed)[1],
            tip=lambda r: "Blocks the launch" if r.failing_blocking else None,
        ),
        Column("Examples", lambda r: f"{r.n:,}", align="right"),
        Column(
            "Worst slice",
            lambda r: r.worst_slice.replace("=", " = ") or "-",
            header_tip="The slice where the metric is worst",
        ),
    )


def slice_columns(result: Callable[[], Any]) -> tuple[Column[Any], ...]:
    """The slice table's columns (``result()`` is the metric shown, for its kind)."""

    def worst(s: Any) -> bool:
        return f"{s.column}={s.label}" == result().worst_slice

    def interval(s: Any) -> tuple[float, float] | None:
        return None if s.low is None or s.high is None else (s.low, s.high)

    return (
        Column(
            "Slice",
            lambda s: f"{s.column} = {s.label}" + ("  (worst)" if worst(s) else ""),
            color=lambda s: FAIL if worst(s) else "",
        ),
        Column("Examples", lambda s: f"{s.n:,}", align="right"),
        Column(
            "Value\n95% interval",
            lambda s: with_interval(result().spec.kind, s.value, interval(s)),
            align="right",
        ),
        Column("Verdict", lambda s: verdict(s.passed)[0], color=lambda s: verdict(s.passed)[1]),
    )


def headline(report: Any) -> tuple[str, bool]:
    """The report in a sentence, and whether it is bad news (a blocking metric fails)."""
    failing = list(report.failing)
    if failing:
        names = "; ".join(
            f"{m.spec.name} {with_interval(m.spec.kind, m.value, None)} "
            f"(needs {threshold_text(m.spec.kind, m.spec.threshold, _higher(m))})"
            for m in failing
        )
        verb = "fails" if len(failing) == 1 else "fail"
        return f"Blocks a launch: {plural(len(failing), 'blocking metric')} {verb} — {names}.", True
    blocking = [m for m in report.metrics if m.spec.blocking]
    missed = [m.spec.name for m in report.metrics if m.passed is False]
    others = f" Below their threshold, not blocking: {', '.join(missed)}." if missed else ""
    if blocking:
        return f"Every blocking metric passes ({len(blocking)} of {len(blocking)}).{others}", False
    text = "No metric blocks a launch: mark the metrics that must pass as blocking."
    return text + others, False


class ReportTab(ComputedTab):
    """The report of one run of the shown suite (see the module docstring)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="reportTab")
        self.wanted_metric: int | None = None
        self.run_combo = QComboBox()
        self.run_combo.setObjectName("reportRun")
        self.run_combo.setMinimumContentsLength(24)
        self.run_combo.currentIndexChanged.connect(lambda _i: self.recompute())
        self.headline = headline_label()
        self.model: ColumnTableModel[Any] = ColumnTableModel(
            metric_columns(), self, key=lambda r: r.spec.id
        )
        self.table = record_table("reportTable", self.model, 0)
        wrap_rows(self.table)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._show_slices())
        self.slices_title = named_label("Slices", "sectionTitle")
        self.slice_model: ColumnTableModel[Any] = ColumnTableModel(slice_columns(self._shown), self)
        self.slice_table = record_table("sliceTable", self.slice_model, 0)
        wrap_rows(self.slice_table)
        self.notes = named_label("", "mutedLabel", wrap=True)
        self.notes.setObjectName("reportNotes")
        self.figures = panel(
            self.headline,
            (self.table, 3),
            self.slices_title,
            (self.slice_table, 2),
            self.notes,
            spacing=6,
        )
        top = hbox(named_label("Run", "formLabel"), self.run_combo, 1, spacing=8)
        self.lay_out(top, self.figures, NO_RUNS)

    # -- choices ----------------------------------------------------------------------------

    def fill_choices(self, suite: Any) -> None:
        fill_runs(
            self.run_combo,
            list(suite.runs) if suite is not None else [],
            self.run_combo.currentData(),
        )

    def choose_run(self, run_id: int) -> None:
        index = self.run_combo.findData(run_id)
        if index >= 0 and index != self.run_combo.currentIndex():
            self.run_combo.setCurrentIndex(index)

    def choose_metric(self, metric_id: int) -> None:
        """Choose the latest run and metric ``metric_id``'s row (now, or once computed)."""
        self.run_combo.setCurrentIndex(0 if self.run_combo.count() else -1)
        self.wanted_metric = metric_id
        self._choose_wanted()

    # -- computing --------------------------------------------------------------------------

    def job(self) -> tuple[Callable[..., Any], dict[str, Any]] | None:
        suite = self.suite
        run_id = self.run_combo.currentData()
        if not suite.runs or run_id is None:
            self.show_nothing(NO_RUNS)
            return None
        if not suite.metrics:
            self.show_nothing(NO_METRICS)
            return None
        return evaluations.run_report, {"run_id": run_id}

    def clear(self) -> None:
        self.model.set_rows([])
        self.slice_model.set_rows([])

    def show_result(self, report: Any) -> None:
        self.show_figures(self.headline, *headline(report))
        chosen = self.table.currentIndex().row()
        self.model.set_rows(report.metrics)
        self.notes.setText(
            f"{plural(report.examples, 'example')} in run {report.run}. Intervals: 95 % "
            f"percentile bootstrap, {report.resamples:,} resamples, seed {report.seed}; "
            "the same run gives the same figures. Metrics with a slice restriction are "
            "computed on that slice only."
        )
        self.table.selectRow(max(chosen, 0))
        self._choose_wanted()
        self._show_slices()

    def _choose_wanted(self) -> None:
        if self.wanted_metric is None or not self.model.rows:
            return
        row = self.model.row_of_key(self.wanted_metric)
        if row is not None:
            self.table.selectRow(row)
            self.table.setFocus()
            self.wanted_metric = None

    def _shown(self) -> Any:
        return self.model.record_at(self.table.currentIndex())

    def _show_slices(self) -> None:
        result = self._shown()
        if result is None:
            self.slice_model.set_rows([])
            return
        slices = sorted(result.slices, key=lambda s: f"{s.column}={s.label}" != result.worst_slice)
        self.slice_model.set_rows(slices)
        self.slices_title.setText(
            f"Slices of {result.spec.name}"
            if slices
            else f"{result.spec.name}: no slices (name slice columns on the Suite tab)"
        )
        self.slice_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def lines(self) -> list[Any]:
        return list(self.model.rows)
