"""The readiness card's evaluation item: computed from the evaluation suites of the
release's use case, never ticked by hand.

It passes when the latest run of every suite meets each blocking threshold; otherwise it
lists each failing blocking metric (its value beside the bar, the suite and the run) and
each suite without a run. The go / no-go counts it. Double-click a metric, press Enter on
it or choose "Open in Evaluations" to see its report in the Evaluations area. A use case
without suites shows no evaluation item.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QSizePolicy, QWidget

from ..widgets.builders import NO_MARGINS, button, hbox, vbox
from ..widgets.page_header import named_label, set_enabled_why

METRIC_ROLE = Qt.ItemDataRole.UserRole
PASS, FAIL = "#2e7d32", "#c62828"
PASSES = "passes: the latest run of each suite meets every blocking threshold"
#: Lines the list shows before it scrolls.
ROWS = 3


def failing_line(failing: Any) -> str:
    """``Accuracy 75% (needs ≥ 80%) — Routing held-out, run v2``."""
    from ..evaluations.texts import threshold_text, value_text

    higher = str(failing.direction) != "lower_is_better"
    if failing.value is None:
        shown = f"{failing.metric}: no value ({failing.note})"
    else:
        bar = threshold_text(failing.kind, failing.threshold, higher)
        shown = f"{failing.metric} {value_text(failing.kind, failing.value)} (needs {bar})"
    return f"{shown} — {failing.suite}, run {failing.run}"


class EvaluationBox(QWidget):
    """The evaluation item of the release shown (see the module docstring).

    Signals:
        open_metric(int): show metric ``id`` in the Evaluations area.
    """

    open_metric = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evaluationBox")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.title = named_label("Evaluation (computed)", "sectionTitle")
        self.state = named_label("", "mutedLabel")
        self.list = QListWidget()
        self.list.setObjectName("evaluationList")
        self.list.itemActivated.connect(self._on_list_item_activated)
        self.list.currentRowChanged.connect(lambda _r: self._enable())
        self.open_button = button("Open in Evaluations", self.open_current, name="openEvaluation")
        vbox(
            hbox(self.title, self.state, 1, self.open_button, spacing=8),
            self.list,
            margins=NO_MARGINS,
            spacing=4,
            parent=self,
        )
        self.setVisible(False)

    def show_item(self, item: Any) -> None:
        """Show the evaluation item ``item`` (None: the use case has no suites; hidden)."""
        self.list.clear()
        self.setVisible(item is not None)
        if item is None:
            return
        self.state.setText(PASSES if item.passed else "fails: blocks the launch")
        self.state.setStyleSheet(f"color: {PASS if item.passed else FAIL};")
        self.list.setVisible(not item.passed)
        for failing in item.failing:
            line = QListWidgetItem(failing_line(failing))
            line.setData(METRIC_ROLE, int(failing.metric_id))
            line.setForeground(QBrush(QColor(FAIL)))
            line.setToolTip("Double-click to open the metric in the Evaluations area")
            self.list.addItem(line)
        for name in item.unrun:
            self.list.addItem(f"{name}: no run yet — import the results of the version to ship")
        self.list.setCurrentRow(0)
        rows = min(max(self.list.count(), 1), ROWS)
        self.list.setFixedHeight(
            self.list.sizeHintForRow(0) * rows + 2 * self.list.frameWidth() + 2
        )
        self._enable()

    def lines(self) -> list[str]:
        return [self.list.item(i).text() for i in range(self.list.count())]

    def current_metric(self) -> int | None:
        item = self.list.currentItem()
        value = item.data(METRIC_ROLE) if item is not None else None
        return int(value) if value is not None else None

    def _enable(self) -> None:
        chosen = self.current_metric() is not None
        set_enabled_why(
            self.open_button,
            chosen,
            "Show the chosen failing metric's report in the Evaluations area",
            "Choose a failing metric in the list.",
        )
        self.open_button.setVisible(self.list.count() > 0 and any(
            self.list.item(i).data(METRIC_ROLE) is not None for i in range(self.list.count())
        ))  # fmt: skip

    def open_current(self) -> None:
        metric_id = self.current_metric()
        if metric_id is not None:
            self.open_metric.emit(metric_id)

    def _on_list_item_activated(self, item: QListWidgetItem) -> None:
        value = item.data(METRIC_ROLE)
        if value is not None:
            self.open_metric.emit(int(value))
