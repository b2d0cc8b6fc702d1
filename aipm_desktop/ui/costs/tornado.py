"""Sensitivity: a tornado chart of which inputs move the chosen model's cost per
successful task most, each input set lower and higher by a swing (±20 % by default) or to
the low / high values the user keeps for it in the table beside the chart
(:mod:`.ranges`).

The chart follows the inputs on screen (typed, not yet saved, included), redrawn shortly
after typing pauses and only while the tab is visible (matplotlib loads on first show);
a low / high value stored in the table redraws it at once.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QSpinBox, QWidget

from ...services import costs
from ...services.charts.tornado import draw_tornado
from ..context import AppContext
from ..widgets.builders import button, empty_state, hbox, keep_state, panel, splitter, stacked, vbox
from ..widgets.chart_canvas import ChartCanvas
from ..widgets.dialog_parts import ask_save_path
from ..widgets.page_header import named_label
from .ranges import RangesPanel

NO_MODEL = "Choose a cost model in the list to see which inputs move its cost most."
EXPORT_FILTERS = "PNG image (*.png);;SVG image (*.svg);;PDF document (*.pdf)"
REDRAW_DELAY_MS = 150
SPLITTER_NAME = "costsSensitivity"


class SensitivityTab(QWidget):
    """The tornado of the inputs on screen, a swing, the table of low / high values and an
    export button."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("costSensitivityTab")
        self.ctx = ctx
        self.inputs: costs.CostInputs | None = None
        self.scenario = "base"
        self.data: costs.Sensitivity | None = None
        self._dirty = False

        self.swing = QSpinBox()
        self.swing.setObjectName("costSwingSpin")
        self.swing.setRange(1, 100)
        self.swing.setValue(round(costs.DEFAULT_SWING * 100))
        self.swing.setPrefix("± ")
        self.swing.setSuffix(" %")
        self.swing.setToolTip("How far each input is set below and above its value")
        self.swing.valueChanged.connect(lambda _v: self.redraw())
        self.export_button = button(
            "Export chart…",
            self._on_export_button_clicked,
            name="costExportChart",
            tip="Save the tornado chart as a PNG, SVG or PDF file",
        )
        self.saved = named_label("", "mutedLabel")
        controls = hbox(
            QLabel("Each input"),
            self.swing,
            named_label("lower (green) and higher (red), the others as they are", "mutedLabel"),
            1,
            self.saved,
            self.export_button,
            margins=(0, 0, 0, 0),
            spacing=8,
        )
        self.canvas = ChartCanvas()
        self.canvas.setMinimumSize(300, 240)
        self.ranges = RangesPanel(ctx)
        self.ranges.ranges_changed.connect(self._on_ranges_ranges_changed)
        self.splitter = splitter(
            self.canvas,
            self.ranges,
            stretch=(3, 2),
            name="costSensitivitySplitter",
            collapsible=False,
        )
        keep_state(self.splitter, ctx.settings, SPLITTER_NAME, (520, 370))
        self.empty = empty_state(NO_MODEL, margin=24)
        self.stack = stacked(self.empty, panel((self.splitter, 1)))
        vbox(controls, (self.stack, 1), margins=(4, 8, 4, 4), spacing=6, parent=self)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REDRAW_DELAY_MS)
        self._timer.timeout.connect(self.redraw)
        self._update_export()

    def show_for(self, inputs: costs.CostInputs | None, scenario: str) -> None:
        """Show the tornado of ``inputs`` (redrawn when typing pauses, when visible)."""
        self.inputs, self.scenario = inputs, scenario
        self._dirty = True
        self.ranges.show_for(inputs, scenario, self.swing.value() / 100)
        self._update_export()
        if inputs is None:
            self.stack.setCurrentWidget(self.empty)
            return
        if self.isVisible():
            self._timer.start()

    def redraw(self) -> None:
        """Draw the tornado now."""
        self._timer.stop()
        self._dirty = False
        self.ranges.show_for(self.inputs, self.scenario, self.swing.value() / 100)
        if self.inputs is None:
            self.stack.setCurrentIndex(0)
            return
        self.stack.setCurrentIndex(1)
        self.data = costs.sensitivity(self.inputs, self.scenario, swing=self.swing.value() / 100)
        figure = self.canvas.figure()
        draw_tornado(figure, self.data, title=self.inputs.name, currency=self.inputs.currency)
        self.canvas.draw()
        self._update_export()

    def _on_ranges_ranges_changed(self, ranges: object) -> None:
        if self.inputs is None or not isinstance(ranges, dict):
            return
        self.inputs = dataclasses.replace(self.inputs, sensitivity_ranges=ranges)
        self.redraw()

    def bar_count(self) -> int:
        """How many bars the chart shows (two per input drawn)."""
        if self.canvas.canvas is None:
            return 0
        return sum(len(ax.patches) for ax in self.canvas.figure().axes)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self.redraw()

    def _update_export(self) -> None:
        has = self.inputs is not None
        self.export_button.setEnabled(has)
        self.export_button.setToolTip(
            "Save the tornado chart as a PNG, SVG or PDF file"
            if has
            else "Choose a cost model first: there is no chart to export"
        )

    def export(self, path: Path) -> Path | None:
        """Write the chart to ``path`` (PNG, SVG or PDF by suffix; PNG when none)."""
        if self.inputs is None:
            return None
        if self._dirty or self.data is None:
            self.redraw()
        if not path.suffix:
            path = path.with_suffix(".png")
        out = self.canvas.export_or_warn(path, self)
        if out is None:
            return None
        self.saved.setText(f"Saved {out.name}")
        self.saved.setToolTip(str(out))
        return out

    def _on_export_button_clicked(self) -> None:
        if self.inputs is None:
            return
        stem = "-".join(
            "".join(c if c.isalnum() else " " for c in self.inputs.name).lower().split()
        )
        start = (
            Path(str(self.ctx.settings.last_directory())) / f"tornado-{stem or 'cost-model'}.png"
        )
        path = ask_save_path(self, "Export tornado chart", start, EXPORT_FILTERS)
        if path is not None:
            self.export(path)
