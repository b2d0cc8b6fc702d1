"""Small multiples: a grid of sparklines with status colours, one per tracked KPI."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from ...services import clock
from ...services import kpis as kpi_service
from ..context import AppContext
from ..widgets.builders import TAB_MARGINS
from ..widgets.chart_canvas import ChartCanvas
from ..widgets.combos import choice_combo
from ..widgets.context_widgets import ContextWidget
from ..widgets.page_header import named_label
from ..widgets.refresh import RefreshWhenShown
from .chart import months_before

#: Range choices in months (0: everything).
SPAN_CHOICES = ((6, "Last 6 months"), (12, "Last 12 months"), (24, "Last 24 months"), (0, "All"))
DEFAULT_SPAN = 12


class SmallMultiples(RefreshWhenShown, ContextWidget):
    """Sparklines of every tracked KPI, drawn when the tab is first shown."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="kpiSmallMultiples")
        self.kpi_ids: list[int] = []

        self.span_combo = choice_combo(
            "multiplesSpanCombo",
            ((label, months) for months, label in SPAN_CHOICES),
            DEFAULT_SPAN,
            self._on_span_combo_index_changed,
        )
        legend = named_label(
            "Line colour: status of the latest value (green on target, amber warning, "
            "red critical, grey no target or no data).",
            "mutedLabel",
            wrap=True,
        )
        self.canvas = ChartCanvas()
        self.empty_label = named_label(
            "No KPIs are tracked yet. Track one from the Catalog tab to see its sparkline.",
            "hintBox",
            wrap=True,
        )
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignTop)

        top = QHBoxLayout()
        top.addWidget(self.span_combo)
        top.addWidget(legend, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(*TAB_MARGINS)
        layout.addLayout(top)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.canvas, 1)

    def refresh(self) -> None:
        ws = self.begin_refresh()
        if ws is None:
            return
        from ...services.charts.kpi import draw_sparklines

        statuses = kpi_service.status_all(ws=ws)
        months = int(self.span_combo.currentData())
        start = months_before(clock.today(), months) if months else None
        items = []
        for status in statuses:
            dates, values = kpi_service.series(ws=ws, kpi_id=status.kpi_id, start=start)
            items.append((status, dates, values))
        self.kpi_ids = [status.kpi_id for status in statuses]
        self.empty_label.setVisible(not statuses)
        self.canvas.setVisible(bool(statuses))
        if not statuses:
            return
        figure = self.canvas.figure()
        figure.clear()
        draw_sparklines(figure, items)
        self.canvas.draw_now()

    def drawn_axes(self) -> list:
        """The visible axes of the figure (one per KPI)."""
        if self.canvas.canvas is None:
            return []
        return [axes for axes in self.canvas.figure().axes if axes.get_visible()]

    def _on_span_combo_index_changed(self, _index: int) -> None:
        self.refresh()
