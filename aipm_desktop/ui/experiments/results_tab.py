"""The Results tab: import an experiment's results, then its readout.

Above everything, "Import results…" (Ctrl+I in the area) and what was imported (file,
rows, when, SHA-256). When the sample-ratio check fails (p < 0.001) a red banner says the
readout is not trustworthy and the figures stay hidden until the user chooses to see them
anyway. Then the readout's sentences, "can we stop now?" for a running experiment whose
design allows looking, and the table: one row per metric (the primary one, then the
guardrails) and treatment with both arms' values, the absolute and relative lift with
their intervals, the p-value and the corrected one, and the verdict (guardrails: breach,
inconclusive or OK, in colour). Notes under it name where CUPED reduced the variance.
Last, the chart (cumulative lift with its interval; each arm's daily value) for a chosen
metric, exported as PNG, SVG or PDF.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHeaderView, QWidget

from ...errors import UserError
from ...services import experiments
from ...services.dates import format_datetime
from ...services.experiments import (
    ExperimentDetail,
    MetricInfo,
    MetricReadout,
    Readout,
    TreatmentReadout,
)
from ..context import AppContext
from ..widgets.builders import (
    button,
    empty_state,
    hbox,
    page_content,
    panel,
    scroll_area,
    stacked,
    table_view,
    vbox,
)
from ..widgets.chart_canvas import ChartCanvas
from ..widgets.context_widgets import ContextWidget
from ..widgets.dialog_parts import DRAWING_FILTERS, ask_save_path, confirm_delete
from ..widgets.page_header import READ_ONLY_WHY, named_label, set_enabled_why
from ..widgets.row_list_model import Column, ColumnTableModel
from .arms import fit_rows
from .edits import ClearResultsCommand
from .figures import (
    VERDICT_COLOURS,
    VERDICT_LABELS,
    figure,
    lift_text,
    outcome,
    p_text,
    relative_text,
    share_text,
    value_text,
)

NO_RESULTS = (
    "No results imported yet. Press “Import results…” (Ctrl+I) and choose a CSV or XLSX "
    "file: daily aggregates per arm (date, variant, metric, units, then conversions, or sum "
    "and sum_sq; optional pre_sum, pre_sum_sq, cross_sum for CUPED), or one row per unit "
    "(unit_id, variant, date and a column per metric)."
)
IMPORT_TIP = "Import the experiment's daily aggregates or per-unit rows (Ctrl+I)"


@dataclass(frozen=True)
class ReadoutLine:
    """One row of the readout table: a metric and one treatment's comparison on it."""

    metric: MetricInfo
    row: TreatmentReadout


def _verdict(line: ReadoutLine) -> tuple[str, str, str]:
    """The verdict cell of a line: text, colour and tooltip."""
    row = line.row
    c = row.comparison
    if c is None:
        return "Not compared", "#52606d", row.problem
    if line.metric.role == "guardrail":
        if row.guardrail is None:
            return "Not judged (no margin)", "#52606d", c.verdict
        verdict = row.guardrail.verdict
        return VERDICT_LABELS[verdict], VERDICT_COLOURS[verdict], row.guardrail.message
    text, colour = outcome(c, line.metric.higher_is_better)
    return text, colour, c.verdict


def _cell(line: ReadoutLine, read: Any) -> str:
    comparison = line.row.comparison
    return "-" if comparison is None else read(comparison)


def readout_columns() -> tuple[Column[ReadoutLine], ...]:
    """The readout table's columns; a lift's interval and the adjusted p-value sit on a
    second line of their cell."""

    def metric_name(line: ReadoutLine) -> str:
        return line.metric.name + ("" if line.metric.role == "primary" else "\nguardrail")

    def values(line: ReadoutLine) -> str:
        kind = line.metric.kind
        return _cell(
            line,
            lambda c: (
                f"{value_text(kind, c.control_value)}\n→ {value_text(kind, c.treatment_value)}"
            ),
        )

    def lift(line: ReadoutLine) -> str:
        return _cell(line, lambda c: lift_text(line.metric.kind, c.abs_lift, c.abs_ci))

    def relative(line: ReadoutLine) -> str:
        return _cell(line, lambda c: relative_text(c.rel_lift, c.rel_ci))

    def p_values(line: ReadoutLine) -> str:
        return _cell(line, lambda c: f"{p_text(c.p_value)}\nadj. {p_text(c.p_adjusted)}")

    return (
        Column("Metric", metric_name),
        Column("Treatment", lambda line: line.row.treatment),
        Column(
            "Control\n→ treatment",
            values,
            align="right",
            header_tip="The control's value and the treatment's (a rate in percent)",
        ),
        Column(
            "Lift\n(interval)",
            lift,
            align="right",
            header_tip="Treatment minus control with its interval (a rate's in points)",
        ),
        Column(
            "Relative\n(interval)",
            relative,
            align="right",
            header_tip="Treatment over control minus 1, with its delta-method interval",
        ),
        Column(
            "p\nadjusted",
            p_values,
            align="right",
            header_tip="The p-value, and after the correction over the treatments (Holm by "
            "default)",
        ),
        Column(
            "Verdict",
            lambda line: _verdict(line)[0],
            tip=lambda line: _verdict(line)[2],
            color=lambda line: _verdict(line)[1],
        ),
    )


def readout_lines(readout: Readout) -> list[ReadoutLine]:
    return [ReadoutLine(m.metric, t) for m in readout.metrics for t in m.treatments]


def cuped_notes(metrics: tuple[MetricReadout, ...]) -> list[str]:
    """Where CUPED was applied and how much variance it removed."""
    notes = []
    for m in metrics:
        for t in m.treatments:
            c = t.comparison
            if c is not None and c.cuped_variance_reduction is not None:
                notes.append(
                    f"CUPED on {m.metric.name} ({t.treatment}): the pre-period covariate cut "
                    f"the variance of the difference by {share_text(c.cuped_variance_reduction)}."
                )
    return notes


class ResultsTab(ContextWidget):
    """The results and readout of the shown experiment (see the module docstring).

    Signals:
        import_requested(): the user asked to import results (the page opens the dialog).
    """

    import_requested = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="resultsTab")
        self.info: ExperimentDetail | None = None
        self.readout: Readout | None = None
        self.trusted_anyway: set[int] = set()
        self.confirm_box: Any = None
        self._chart_dirty = True

        self.import_button = button(
            "Import results…", self.import_requested.emit, name="importResultsButton",
            tip=IMPORT_TIP,
        )  # fmt: skip
        self.clear_button = button("Clear results", self.clear_results, name="clearResultsButton")
        self.source = named_label("", "mutedLabel", wrap=True)
        self.source.setObjectName("resultsSource")
        self.source.setTextFormat(Qt.TextFormat.PlainText)
        top = hbox(self.import_button, self.clear_button, (self.source, 1), spacing=8)

        self.banner_text = named_label("", "breachText", wrap=True)
        self.banner_text.setTextFormat(Qt.TextFormat.PlainText)
        self.show_anyway = button(
            "Show the figures anyway", self.trust_anyway, name="showAnywayButton",
            tip="See the figures knowing they may be wrong (for finding the fault)",
        )  # fmt: skip
        self.banner = panel(
            named_label("This readout is not trustworthy", "breachTitle"),
            self.banner_text,
            hbox(self.show_anyway, 1),
            name="breachPanel",
            margins=(12, 8, 12, 8),
            spacing=4,
            frame=True,
        )

        self.headline = named_label("", "hintBox", wrap=True)
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        self.stop_label = named_label("", "disclaimerBox", wrap=True)
        self.stop_label.setTextFormat(Qt.TextFormat.PlainText)
        self.model: ColumnTableModel[ReadoutLine] = ColumnTableModel(readout_columns(), self)
        self.table = table_view(self.model, "readoutTable", wrap=True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.notes = named_label("", "mutedLabel", wrap=True)
        self.notes.setObjectName("readoutNotes")
        self.notes.setTextFormat(Qt.TextFormat.PlainText)

        self.metric_combo = QComboBox()
        self.metric_combo.setObjectName("chartMetricCombo")
        self.metric_combo.activated.connect(lambda _i: self._draw())
        self.export_button = button(
            "Export chart…", self.ask_export, name="exportChartButton",
            tip="Save the chart as PNG, SVG or PDF",
        )  # fmt: skip
        self.chart = ChartCanvas()
        self.chart.setObjectName("experimentChart")
        self.chart.setMinimumHeight(420)
        self.figures = panel(
            self.headline,
            self.stop_label,
            self.table,
            self.notes,
            named_label("Over time", "sectionTitle"),
            hbox(named_label("Metric", "formLabel"), self.metric_combo, 1, self.export_button),
            self.chart,
            spacing=8,
        )
        self.blocked = empty_state(
            "The figures are hidden while the sample-ratio check fails: fix the assignment or "
            "the logging, import the results again, or choose “Show the figures anyway”.",
            margin=16,
        )
        self.empty = empty_state(NO_RESULTS, margin=16)
        self.body_stack = stacked(self.empty, self.figures, self.blocked)
        content, layout = page_content((4, 4, 12, 12), 8, top, self.banner, self.body_stack)
        layout.addStretch(1)
        scroll = scroll_area(content, name="resultsScroll", fit_width=True)
        vbox(scroll, margins=(0, 0, 0, 0), parent=self)
        self.banner.setVisible(False)

    # -- showing --------------------------------------------------------------------------

    def load(self, info: ExperimentDetail | None) -> None:
        """Read the readout of ``info`` again (None: nothing shown)."""
        self.info = info
        ws = self.ctx.workspace
        readout = None
        with contextlib.suppress(UserError):  # the experiment is gone
            if ws is not None and info is not None:
                readout = experiments.readout_of(ws=ws, experiment_id=info.id)
        self.readout = readout
        self._show(info, readout)
        self._chart_dirty = True
        if self.isVisible():
            self._draw()

    def _show(self, info: ExperimentDetail | None, readout: Readout | None) -> None:
        writable = not self.ctx.readonly and info is not None
        set_enabled_why(
            self.import_button,
            writable,
            IMPORT_TIP,
            READ_ONLY_WHY if self.ctx.readonly else "Choose an experiment first.",
        )
        has_results = readout is not None and readout.days > 0
        set_enabled_why(
            self.clear_button,
            writable and has_results,
            "Delete the imported results (Edit ▸ Undo brings them back)",
            READ_ONLY_WHY if self.ctx.readonly else "There are no results to clear.",
        )
        self.source.setText(self._source_text(info, readout))
        if readout is None or not has_results:
            self.banner.setVisible(False)
            self.body_stack.setCurrentWidget(self.empty)
            self.model.set_rows([])
            return
        blocked = readout.srm_detected and readout.experiment_id not in self.trusted_anyway
        self.banner.setVisible(readout.srm_detected)
        if readout.srm is not None:
            self.banner_text.setText(readout.srm.message)
        self.show_anyway.setVisible(blocked)
        self.body_stack.setCurrentWidget(self.blocked if blocked else self.figures)
        found = [(t.treatment, t.stop) for m in readout.metrics for t in m.treatments if t.stop]
        said = {stop.reason for _name, stop in found}
        lines = [f"• {line}" for line in readout.headline() if line and line not in said]
        self.headline.setText("\n".join(lines))
        stops = [f"{name}: {stop.reason}" for name, stop in found]
        self.stop_label.setText("Can we stop now? " + " ".join(stops) if stops else "")
        self.stop_label.setVisible(bool(stops))
        rows = readout_lines(readout)
        self.model.set_rows(rows)
        self.table.setColumnHidden(1, len({line.row.treatment for line in rows}) < 2)
        fit_rows(self.table, len(rows))
        self.notes.setText("\n".join(self._notes(readout)))
        self._fill_metrics(readout)

    @staticmethod
    def _source_text(info: ExperimentDetail | None, readout: Readout | None) -> str:
        if info is None or readout is None or not readout.days:
            return ""
        span = f"{readout.days} days ({readout.first_day} to {readout.last_day})"
        when = format_datetime(info.results_imported_at) if info.results_imported_at else ""
        source = f" from {info.results_file}" if info.results_file else ""
        digest = f" · SHA-256 {info.results_sha256[:12]}…" if info.results_sha256 else ""
        imported = f", imported {when}" if when else ""
        return f"{span}{source}{imported}{digest}"

    @staticmethod
    def _notes(readout: Readout) -> list[str]:
        notes = cuped_notes(readout.metrics)
        if readout.srm is not None and not readout.srm.mismatch:
            notes.append(f"Sample ratio ({readout.srm_metric}): {readout.srm.message}")
        correction = {"holm": "Holm", "bonferroni": "Bonferroni"}.get(readout.correction)
        level = f"Significance level {figure(readout.alpha)} two-sided"
        notes.append(
            level + (f", {correction} correction over the treatments." if correction else ".")
        )
        notes += list(readout.notes)
        return notes

    def _fill_metrics(self, readout: Readout) -> None:
        chosen = self.metric_combo.currentData()
        blocked = self.metric_combo.blockSignals(True)
        self.metric_combo.clear()
        for m in readout.metrics:
            role = "primary metric" if m.metric.role == "primary" else "guardrail"
            self.metric_combo.addItem(f"{m.metric.name} ({role})", m.metric.name)
        index = self.metric_combo.findData(chosen)
        self.metric_combo.setCurrentIndex(max(index, 0))
        self.metric_combo.blockSignals(blocked)

    def lines(self) -> list[ReadoutLine]:
        return list(self.model.rows)

    # -- the chart --------------------------------------------------------------------------

    def _draw(self) -> None:
        from ...services.charts.experiment import draw_experiment

        ws, info = self.ctx.workspace, self.info
        self._chart_dirty = False
        if ws is None or info is None or self.body_stack.currentWidget() is not self.figures:
            return
        try:
            data = experiments.cumulative(
                ws=ws, experiment_id=info.id, metric=self.metric_combo.currentData()
            )
        except UserError:
            return
        draw_experiment(self.chart.figure(), data)
        self.chart.draw()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._chart_dirty:
            self._draw()

    def export_chart(self, path: Path) -> Path | None:
        """Write the chart to ``path`` (PNG, SVG or PDF by suffix); None on a bad path
        (the reason is shown)."""
        if self._chart_dirty:
            self._draw()
        return self.chart.export_or_warn(path, self)

    def ask_export(self) -> Path | None:
        info = self.info
        if info is None:
            return None
        start = Path(self.ctx.settings.last_directory()) / f"{info.title[:60]}.png"
        path = ask_save_path(self, "Export the experiment chart", start, DRAWING_FILTERS)
        return self.export_chart(path) if path is not None else None

    # -- actions ----------------------------------------------------------------------------

    def trust_anyway(self) -> None:
        """Show the figures although the sample-ratio check failed (the banner stays)."""
        if self.readout is not None:
            self.trusted_anyway.add(self.readout.experiment_id)
            self._show(self.info, self.readout)
            self._draw()

    def clear_results(self) -> Any:
        """Ask, then delete the imported results (undoable)."""
        info = self.info
        if info is None or self.ctx.readonly:
            return None
        experiment_id = info.id
        self.confirm_box = confirm_delete(
            self,
            "Clear results",
            f"Delete the imported results of \u201c{info.title}\u201d?",
            informative="The readout goes with them. Edit \u25b8 Undo brings them back.",
            name="clearResultsBox",
            on_yes=lambda: self.ctx.run_edit(ClearResultsCommand(self.ctx, experiment_id)),
        )
        return self.confirm_box
