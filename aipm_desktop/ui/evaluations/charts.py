"""The Charts tab: a metric across the suite's runs with its threshold band, the
reliability diagram of a run (how well its confidence matches its accuracy), and a run's
slices side by side with their intervals.

Choose the chart, the metric and (for the last two) the run; the figure is built in a
worker (the intervals need the bootstrap) and shown on the shared chart canvas, and
"Export chart…" writes it as PNG, SVG or PDF with the workspace footer, like every chart
of the app (``aipm chart FILE eval`` draws the same figures).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QComboBox, QWidget

from ..context import AppContext
from ..widgets import dialog_parts as parts
from ..widgets.builders import hbox
from ..widgets.chart_canvas import ChartCanvas
from ..widgets.page_header import named_label, set_enabled_why
from .computed import ComputedTab, fill_runs

#: The charts offered: (chart, label, whether it is of one run, whether of one metric).
CHARTS = (
    ("trend", "Trend across runs", False, True),
    ("slices", "Slices with intervals", True, True),
    ("reliability", "Reliability diagram", True, False),
)
NO_RUNS = (
    "No runs to chart yet. Import the results of a version (Ctrl+I); its metrics show "
    "here across runs, by slice, and its calibration."
)
NO_METRICS = "This suite has no metrics yet: add them on the Metrics tab to chart them."


def draw_chart(
    *, ws: Any, chart: str, suite_id: int, metric_id: int | None, run_id: int | None
) -> Any:
    """Build the chosen evaluation chart as a matplotlib figure (in a worker): the same
    figures ``aipm chart FILE eval|eval_slices|eval_reliability`` draws."""
    from ...services.charts import evaluation as charts

    metric, run = str(metric_id or ""), str(run_id or "")
    if chart == "trend":
        return charts.build_trend(ws=ws, suite=suite_id, metric=metric)
    if chart == "slices":
        return charts.build_slices(ws=ws, suite=suite_id, metric=metric, run=run)
    return charts.build_reliability(ws=ws, suite=suite_id, run=run)


class ChartsTab(ComputedTab):
    """The charts of the shown suite (see the module docstring)."""

    PROGRESS = False  # one figure: the bar shows it is busy

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="chartsTab")
        self.chart_combo = self._combo("chartKind")
        for chart, label, _of_run, _of_metric in CHARTS:
            self.chart_combo.addItem(label, chart)
        self.metric_combo = self._combo("chartMetric")
        self.run_combo = self._combo("chartRun")
        self.export_button, self.saved = parts.export_controls(
            self.ask_export, name="exportEvalChart", tip="Save the chart as PNG, SVG or PDF"
        )
        self.chart = ChartCanvas()
        self.chart.setObjectName("evaluationChart")
        self.chart.setMinimumHeight(320)
        self.run_label = named_label("Run", "formLabel")
        self.metric_label = named_label("Metric", "formLabel")
        top = hbox(
            named_label("Chart", "formLabel"), self.chart_combo,
            self.metric_label, self.metric_combo,
            self.run_label, self.run_combo, 1, self.saved, self.export_button, spacing=8,
        )  # fmt: skip
        self.lay_out(top, self.chart, NO_RUNS)
        for combo in (self.chart_combo, self.metric_combo, self.run_combo):
            combo.currentIndexChanged.connect(lambda _i: self._on_choice_changed())
        self._show_run_choice()
        self._enable_export()

    def _combo(self, name: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(name)
        combo.setMinimumContentsLength(12)
        return combo

    def _chosen(self) -> tuple[bool, bool]:
        """Whether the chart shown is of one run, and of one metric."""
        chart = self.chart_combo.currentData()
        return next(((r, m) for c, _l, r, m in CHARTS if c == chart), (False, True))

    def _show_run_choice(self) -> None:
        of_run, of_metric = self._chosen()
        for widget, shown in (
            (self.run_label, of_run),
            (self.run_combo, of_run),
            (self.metric_label, of_metric),
            (self.metric_combo, of_metric),
        ):
            widget.setVisible(shown)

    def _on_choice_changed(self) -> None:
        self._show_run_choice()
        self.recompute()

    # -- choices ----------------------------------------------------------------------------

    def fill_choices(self, suite: Any) -> None:
        fill_runs(
            self.run_combo,
            list(suite.runs) if suite is not None else [],
            self.run_combo.currentData(),
        )
        chosen = self.metric_combo.currentData()
        blocked = self.metric_combo.blockSignals(True)
        self.metric_combo.clear()
        for metric in suite.metrics if suite is not None else ():
            self.metric_combo.addItem(metric.name, metric.id)
        self.metric_combo.setCurrentIndex(max(self.metric_combo.findData(chosen), 0))
        self.metric_combo.blockSignals(blocked)

    def choose(self, chart: str, metric_id: int | None = None, run_id: int | None = None) -> None:
        """Show ``chart`` of metric ``metric_id`` (and run ``run_id``), as the user does."""
        for combo, value in ((self.metric_combo, metric_id), (self.run_combo, run_id)):
            if value is not None and combo.findData(value) >= 0:
                blocked = combo.blockSignals(True)
                combo.setCurrentIndex(combo.findData(value))
                combo.blockSignals(blocked)
        self.chart_combo.setCurrentIndex(self.chart_combo.findData(chart))
        self.recompute()

    # -- computing --------------------------------------------------------------------------

    def job(self) -> tuple[Callable[..., Any], dict[str, Any]] | None:
        suite = self.suite
        if not suite.runs:
            self.show_nothing(NO_RUNS)
            return None
        if not suite.metrics:
            self.show_nothing(NO_METRICS)
            return None
        run_id = self.run_combo.currentData() if self._chosen()[0] else None
        return draw_chart, {
            "chart": self.chart_combo.currentData(),
            "suite_id": suite.id,
            "metric_id": self.metric_combo.currentData(),
            "run_id": run_id,
        }

    def clear(self) -> None:
        self._enable_export()

    def show_result(self, figure: Any) -> None:
        self.chart.set_figure(figure)
        self.body.setCurrentWidget(self.chart)
        self._enable_export()

    # -- export -----------------------------------------------------------------------------

    def _enable_export(self) -> None:
        shown = self.body.currentWidget() is self.chart and self.result is not None
        set_enabled_why(
            self.export_button, shown, "Save the chart as PNG, SVG or PDF", "Nothing is drawn yet."
        )

    def export_chart(self, path: Path) -> Path | None:
        """Write the chart shown to ``path`` (PNG, SVG or PDF by suffix); None when
        nothing is drawn or the path is bad (the reason is shown)."""
        if self.result is None:
            return None
        out = self.chart.export_or_warn(path, self)
        if out is not None:
            parts.show_saved(self.saved, out)
        return out

    def ask_export(self) -> Path | None:
        if self.suite is None or self.result is None:
            return None
        name = parts.file_stem(f"{self.suite.name} {self.chart_combo.currentText()}", "evaluation")
        start = Path(self.ctx.settings.last_directory()) / f"{name}.png"
        path = parts.ask_save_path(
            self, "Export the evaluation chart", start, parts.DRAWING_FILTERS
        )
        return self.export_chart(path) if path is not None else None
