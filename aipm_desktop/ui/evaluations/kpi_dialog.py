"""Record a run's metric as a KPI snapshot, so offline and online quality sit on one chart
(the KPI's chart in the KPIs area): the metric's value on the run becomes the KPI's value
on the run's date (times 100 for a KPI kept in percent); a snapshot that day is updated.
One step of Edit ▸ Undo; the run keeps a link to the snapshot.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QWidget

from ...services import kpis as kpi_service
from ..context import AppContext
from ..widgets.builders import dialog_buttons, form_layout, vbox
from ..widgets.context_widgets import ContextDialog
from ..widgets.dialog_parts import dialog_heading
from ..widgets.page_header import named_label
from .edits import RecordKpiCommand
from .texts import is_rate


class KpiSnapshotDialog(ContextDialog):
    """Choose the metric and the KPI; OK records the snapshot (a refusal is shown here)."""

    def __init__(
        self, ctx: AppContext, run: Any, metrics: list[Any], parent: QWidget | None = None
    ) -> None:
        super().__init__(
            ctx, parent, name="kpiSnapshotDialog", title="Record a KPI snapshot", size=(520, 300)
        )
        self.run = run
        heading, intro = dialog_heading(
            f"Record run “{run.name}” as a KPI snapshot",
            "The metric's value on this run becomes the KPI's value on the run's date, so the "
            "offline evaluation and the live KPI share one chart.",
        )
        self.metric_combo = QComboBox()
        self.metric_combo.setObjectName("snapshotMetric")
        for metric in metrics:
            self.metric_combo.addItem(metric.name, (metric.id, metric.kind))
        self.kpi_combo = QComboBox()
        self.kpi_combo.setObjectName("snapshotKpi")
        ws = ctx.workspace
        for row in kpi_service.kpi_rows(ws=ws) if ws is not None else []:
            unit = f" ({row['unit']})" if row.get("unit") else ""
            self.kpi_combo.addItem(f"{row['name']}{unit}", int(row["id"]))
        self.percent_check = QCheckBox("The KPI is kept in percent (the value times 100)")
        self.percent_check.setObjectName("snapshotPercent")
        self.metric_combo.currentIndexChanged.connect(lambda _i: self._suggest_scale())
        self.kpi_combo.currentIndexChanged.connect(lambda _i: self._suggest_scale())
        self.error = named_label("", "errorHint", wrap=True)
        self.error.setVisible(False)
        if not self.kpi_combo.count():
            self.show_error("The workspace tracks no KPI yet: add one in the KPIs area first.")
        form = form_layout(
            ("Metric", self.metric_combo), ("KPI", self.kpi_combo), ("", self.percent_check)
        )
        self.buttons = dialog_buttons(self, self.record)
        vbox(heading, intro, form, self.error, 1, self.buttons, parent=self)
        self._suggest_scale()

    def _suggest_scale(self) -> None:
        """A share recorded into a KPI measured in % is scaled by 100."""
        chosen = self.metric_combo.currentData()
        unit = self.kpi_combo.currentText().endswith("(%)")
        self.percent_check.setChecked(bool(chosen and is_rate(chosen[1]) and unit))

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def record(self) -> bool:
        """Record the snapshot; False (the reason shown) when it was refused."""
        metric, kpi_id = self.metric_combo.currentData(), self.kpi_combo.currentData()
        if metric is None or kpi_id is None:
            return False
        scale = 100.0 if self.percent_check.isChecked() else 1.0
        command = RecordKpiCommand(self.ctx, self.run.id, metric[0], kpi_id, scale)
        self.ctx.run_edit(command)
        if command.error is not None:
            self.show_error(str(command.error))
            return False
        self.accept()
        return True
