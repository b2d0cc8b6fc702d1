"""The Metrics tab: what a suite measures, the bar each metric must meet and whether it
blocks a launch.

:class:`MetricsPanel` lists the suite's metrics (kind, the column it reads, the better
direction, the threshold, blocking, a slice restriction); Add metric… and Edit… (or a
double click, or Enter) open :class:`MetricDialog`, Remove (or Del in the table) removes
the chosen one. Every change is one undo step; the model's refusal (a pass rate without
its flag column, a 90 threshold for a share) is shown in the dialog and nothing is written.
"""

from __future__ import annotations

from typing import Any

import pydantic
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QUndoCommand
from PySide6.QtWidgets import QCheckBox, QComboBox, QWidget

from ...models.enums import KpiDirection
from ...models.evaluations import (
    COLUMN_KINDS,
    LOWER_IS_BETTER_KINDS,
    EvalMetric,
    EvalMetricBase,
    EvalMetricKind,
    name_list,
)
from ..context import AppContext
from ..operations.parts import RowsPanel
from ..widgets import builders
from ..widgets.builders import (
    button,
    dialog_buttons,
    form_layout,
    hbox,
    open_dialog,
    vbox,
)
from ..widgets.combos import choice_combo
from ..widgets.context_widgets import ContextDialog
from ..widgets.dialog_parts import dialog_heading
from ..widgets.field_editors import parse_number
from ..widgets.form_hints import validation_text
from ..widgets.page_header import READ_ONLY_WHY, local_action, named_label, set_enabled_why
from ..widgets.row_list_model import Column
from ..widgets.versioned import guard_edit, run_from_dialog
from .edits import RemoveMetricCommand, SaveMetricCommand
from .texts import KIND_LABELS, is_rate, kind_label, threshold_text, value_text

NO_METRICS = (
    "No metrics yet. Press “Add metric…” and choose what to measure (accuracy, recall, a "
    "pass rate of a flag such as hallucination, latency p95 …), the bar it must meet and "
    "whether missing it blocks a launch."
)
DIALOG_INTRO = (
    "A run passes a metric when its value meets the threshold. A blocking metric that fails "
    "holds the launch of the suite's use case at its gate."
)
DIRECTIONS = (("Higher is better", "higher_is_better"), ("Lower is better", "lower_is_better"))


def higher(metric: Any) -> bool:
    return str(metric.direction) == "higher_is_better"


def slice_text(metric: Any) -> str:
    """``"language = de"``, or "all examples"."""
    if not metric.slice_column:
        return "all examples"
    return f"{metric.slice_column} = {metric.slice_value}"


def metric_columns() -> tuple[Column[Any], ...]:
    return (
        Column("Metric", lambda m: m.name),
        Column("Kind", lambda m: kind_label(m.kind)),
        Column("Column", lambda m: m.column or "-", header_tip="The flag or score column read"),
        Column("Better", lambda m: "higher" if higher(m) else "lower"),
        Column(
            "Threshold",
            lambda m: threshold_text(m.kind, m.threshold, higher(m)),
            align="right",
            header_tip="The acceptance threshold a run must meet",
        ),
        Column(
            "Blocking",
            lambda m: "blocks launch" if m.blocking else "-",
            color=lambda m: "#c62828" if m.blocking else "",
            header_tip="Whether missing the threshold blocks a launch of the use case",
        ),
        Column("Slice", slice_text, header_tip="The examples the metric is computed on"),
    )


class MetricsPanel(RowsPanel):
    """The metrics of the shown suite (see the module docstring)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(
            ctx, metric_columns(), parent, name="metricsPanel", empty_text=NO_METRICS, stretch=0
        )
        self.suite: Any = None
        self.dialog: MetricDialog | None = None
        self.add_button = button("Add metric…", self.add_metric, name="addMetricButton")
        self.edit_button = button("Edit…", self.edit_metric, name="editMetricButton")
        self.remove_button = button("Remove", self.remove_metric, name="removeMetricButton")
        self.table.doubleClicked.connect(lambda _i: self.edit_metric())
        local_action(self.table, "Edit metric", QKeySequence(Qt.Key.Key_Return), self.edit_metric)
        local_action(
            self.table, "Remove metric", QKeySequence.StandardKey.Delete, self.remove_metric
        )
        vbox(
            hbox(self.add_button, self.edit_button, self.remove_button, 1),
            (self.stack, 1),
            spacing=6,
            margins=(4, 4, 4, 4),
            parent=self,
        )

    def show_suite(self, suite: Any, metrics: list[Any]) -> None:
        """Show the metrics of ``suite`` (None: none)."""
        row = self.current_row()
        self.suite = suite
        self.show_rows(suite.id if suite is not None else None, metrics)
        if 0 <= row < len(metrics):
            self.table.selectRow(row)

    def current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def current(self) -> Any:
        return self.model.record_at(self.table.currentIndex())

    def update_actions(self) -> None:
        writable = not self.ctx.readonly and self.suite is not None
        chosen = writable and self.current() is not None
        why = READ_ONLY_WHY if self.ctx.readonly else "Choose a metric first."
        for widget, enabled, tip in (
            (self.add_button, writable, "Add a metric to the suite"),
            (self.edit_button, chosen, "Change the chosen metric (Enter)"),
            (self.remove_button, chosen, "Remove the chosen metric (Del)"),
        ):
            set_enabled_why(widget, enabled, tip, why)

    def add_metric(self) -> MetricDialog | None:
        return self._open(None)

    def edit_metric(self) -> MetricDialog | None:
        chosen = self.current()
        return None if chosen is None else self._open(chosen)

    def _open(self, metric: Any) -> MetricDialog | None:
        if self.suite is None or self.ctx.readonly or self.dialog is not None:
            return None
        dialog = MetricDialog(self.ctx, self.suite, metric, self)
        return open_dialog(self, "dialog", dialog)

    def remove_metric(self) -> bool:
        metric = self.current()
        if metric is None or self.ctx.readonly:
            return False
        return self.ctx.run_edit(RemoveMetricCommand(self.ctx, metric.id, metric.name))


class MetricDialog(ContextDialog):
    """Add or change one metric of a suite: its name, kind, the column it reads (a pass
    rate's flag, a mean's score), the better direction, the threshold (a share typed in
    percent), whether it blocks a launch and a slice restriction. OK validates through
    ``EvalMetricBase``; a refusal is shown here and nothing is written."""

    def __init__(
        self, ctx: AppContext, suite: Any, metric: Any, parent: QWidget | None = None
    ) -> None:
        title = "Add a metric" if metric is None else "Edit the metric"
        super().__init__(ctx, parent, name="metricDialog", title=title, size=(560, 460))
        self.suite = suite
        #: The metric edited (None: a new one). Not ``metric``: that would hide
        #: ``QPaintDevice.metric()``, which Qt calls to paint the dialog.
        self.edited = metric
        self.name_edit = builders.line_edit(
            "metricName", "e.g. Routing accuracy, Hallucination-free rate"
        )
        self.kind_combo = choice_combo(
            "metricKind",
            [(label, kind) for kind, label in KIND_LABELS.items()],
            "accuracy",
            self._on_kind_combo_index_changed,
        )
        self.column_edit = builders.line_edit("metricColumn")
        self.direction_combo = choice_combo(
            "metricDirection", DIRECTIONS, "higher_is_better", lambda _i: None
        )
        self.threshold_edit = builders.line_edit("metricThreshold", "empty: reported, not judged")
        self.unit = named_label("", "mutedLabel")
        self.blocking_check = QCheckBox("Missing the threshold blocks a launch")
        self.blocking_check.setObjectName("metricBlocking")
        self.slice_combo = QComboBox()
        self.slice_combo.setObjectName("metricSliceColumn")
        self.slice_combo.addItem("All examples", "")
        for name in name_list(suite.slices):
            self.slice_combo.addItem(name, name)
        self.slice_value = builders.line_edit("metricSliceValue", "the slice's value, e.g. de")
        self.slice_combo.currentIndexChanged.connect(self._on_slice_combo_index_changed)
        self.error = named_label("", "errorHint", wrap=True)
        self.buttons = dialog_buttons(self, self._on_buttons_accepted)
        vbox(
            *dialog_heading(title, DIALOG_INTRO),
            form_layout(
                ("Name", self.name_edit),
                ("Kind", self.kind_combo),
                ("Column", self.column_edit),
                ("Better when", self.direction_combo),
                ("Threshold", hbox(self.threshold_edit, self.unit, spacing=6)),
                ("", self.blocking_check),
                ("Slice", hbox((self.slice_combo, 1), (self.slice_value, 1), spacing=6)),
            ),
            self.error,
            1,
            self.buttons,
            parent=self,
        )
        self.show_error("")
        if metric is not None:
            self._show_metric(metric)
        self._on_kind_combo_index_changed(0, keep_direction=metric is not None)
        self._on_slice_combo_index_changed(0)

    def _show_metric(self, metric: Any) -> None:
        self.name_edit.setText(metric.name)
        blocked = self.kind_combo.blockSignals(True)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(str(metric.kind)), 0))
        self.kind_combo.blockSignals(blocked)
        self.column_edit.setText(metric.column)
        self.direction_combo.setCurrentIndex(
            max(self.direction_combo.findData(str(metric.direction)), 0)
        )
        if metric.threshold is not None:
            self.threshold_edit.setText(f"{metric.threshold * self._scale():g}")
        self.blocking_check.setChecked(bool(metric.blocking))
        self.slice_combo.setCurrentIndex(max(self.slice_combo.findData(metric.slice_column), 0))
        self.slice_value.setText(metric.slice_value)

    def _kind(self) -> str:
        return str(self.kind_combo.currentData())

    def _scale(self) -> float:
        """Typed threshold units per stored unit: percent for a share, else 1."""
        return 100.0 if is_rate(self._kind()) else 1.0

    def values(self) -> dict[str, Any]:
        """What the dialog holds as metric fields; ValueError with the message."""
        try:
            threshold = parse_number(self.threshold_edit.text())
        except ValueError:
            raise ValueError("The threshold must be a number, e.g. 90 or 0.05.") from None
        reads_column = self._kind() in COLUMN_KINDS
        return {
            "suite_id": self.suite.id,
            "name": " ".join(self.name_edit.text().split()),
            "kind": EvalMetricKind(self._kind()),
            "column": self.column_edit.text().strip() if reads_column else "",
            "direction": KpiDirection(self.direction_combo.currentData()),
            "threshold": None if threshold is None else threshold / self._scale(),
            "blocking": self.blocking_check.isChecked(),
            "slice_column": self.slice_combo.currentData() or "",
            "slice_value": self.slice_value.text().strip()
            if self.slice_combo.currentData()
            else "",
        }

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _on_kind_combo_index_changed(self, _index: int, *, keep_direction: bool = False) -> None:
        kind = self._kind()
        reads = kind in COLUMN_KINDS
        self.column_edit.setEnabled(reads)
        self.column_edit.setPlaceholderText(
            ("the boolean flag column, e.g. hallucination" if kind == "pass_rate" else
             "the numeric score column, e.g. groundedness") if reads else
            "not used: this kind reads the label and prediction columns"
        )  # fmt: skip
        if not keep_direction:
            lower = kind in LOWER_IS_BETTER_KINDS
            wanted = "lower_is_better" if lower else "higher_is_better"
            self.direction_combo.setCurrentIndex(self.direction_combo.findData(wanted))
        units = {"latency_p50": "ms", "latency_p95": "ms", "cost_per_item": "per item"}
        self.unit.setText("%" if is_rate(kind) else units.get(kind, ""))

    def _on_slice_combo_index_changed(self, _index: int) -> None:
        self.slice_value.setEnabled(bool(self.slice_combo.currentData()))

    def checked_values(self) -> tuple[dict[str, Any], str]:
        """The metric's fields and what is wrong with them ("" when nothing is): the
        model's own check first, so a refusal never reaches the workspace."""
        values: dict[str, Any] = {}
        try:
            values = self.values()
            EvalMetricBase.model_validate(values)
        except pydantic.ValidationError as error:
            return values, validation_text(error, _label)
        except ValueError as error:
            return values, str(error)
        return values, ""

    def _on_buttons_accepted(self) -> None:
        values, problem = self.checked_values()
        if problem:
            self.show_error(problem)
            return
        command = self._save_command(values)
        if command is not None and not run_from_dialog(self.ctx, command, self):
            self.show_error(str(getattr(command, "error", "") or ""))
            return
        self.accept()

    def _save_command(self, values: dict[str, Any]) -> QUndoCommand | None:
        """The edit storing ``values``: a new metric, or the fields changed of the one
        shown, against the version read when the suite was shown (None: nothing
        changed)."""
        metric = self.edited
        suite_id = self.suite.id
        if metric is None:
            return SaveMetricCommand(self.ctx, suite_id, None, values)
        changed = {
            k: v for k, v in values.items() if k != "suite_id" and getattr(metric, k, None) != v
        }
        if not changed:
            return None

        def make(fields: dict[str, Any]) -> QUndoCommand:
            return SaveMetricCommand(self.ctx, suite_id, metric.id, fields)

        def show(field: str, value: Any) -> str | None:
            """A threshold as typed (90%, not 0.9)."""
            if field != "threshold" or value is None:
                return None
            kind = changed.get("kind", metric.kind)
            return value_text(str(getattr(kind, "value", kind)), value)

        return guard_edit(
            make, EvalMetric, metric.id, changed, metric.version, label_for=_label, show=show
        )


#: How the dialog names a metric's fields (its messages and the conflict dialog).
FIELD_LABELS = {
    "name": "Name",
    "kind": "Kind",
    "column": "Column",
    "direction": "Better when",
    "threshold": "Threshold",
    "blocking": "Blocks a launch",
    "slice_column": "Slice",
    "slice_value": "Slice value",
}


def _label(field: str) -> str:
    return FIELD_LABELS.get(field, "")
