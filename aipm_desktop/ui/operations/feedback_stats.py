"""The Trends view of the Feedback tab: counts per class and failure cluster over time
(by week or by month; :mod:`aipm_desktop.services.charts.feedback`) above the top
clusters this month against last month.

Read when shown and again after a change (never on every triage keystroke while hidden);
matplotlib loads the first time the charts show.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget

from ...services import triage
from ...services.charts.feedback import draw_feedback_trends
from ..context import AppContext
from ..widgets.builders import hbox, splitter, vbox
from ..widgets.chart_canvas import ChartCanvas
from ..widgets.context_widgets import ContextWidget
from ..widgets.page_header import named_label
from ..widgets.refresh import RefreshWhenShown
from ..widgets.row_list_model import Column, ColumnTableModel
from .parts import record_table

PERIODS = (("Per month", "month"), ("Per week", "week"))
TOP_COLUMNS: list[Column[triage.ClusterChange]] = [
    Column("Cluster", lambda c: c.cluster, tip=lambda c: c.cluster),
    Column("This month", lambda c: f"{c.this_month:,}", align="right"),
    Column("Last month", lambda c: f"{c.last_month:,}", align="right"),
    Column("Change", lambda c: f"{c.change:+,}", align="right"),
]


class FeedbackStatsPanel(RefreshWhenShown, ContextWidget):
    """Charts of the feedback over time and the top clusters (see the module docstring)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="feedbackStats")
        self.period = QComboBox()
        self.period.setObjectName("feedbackPeriod")
        for label, value in PERIODS:
            self.period.addItem(label, value)
        self.period.setToolTip("Count the items per month (last 6) or per week (last 12)")
        self.period.currentIndexChanged.connect(lambda _i: self.refresh())
        self.totals = named_label("", "mutedLabel", wrap=True)
        self.canvas = ChartCanvas()
        self.canvas.setMinimumSize(320, 220)
        self.top_title = named_label("Top clusters", "formHeading")
        self.model: ColumnTableModel[triage.ClusterChange] = ColumnTableModel(TOP_COLUMNS)
        self.table = record_table("topClusters", self.model, 0)
        lower = QWidget()
        vbox(self.top_title, (self.table, 1), margins=(0, 4, 0, 0), spacing=4, parent=lower)
        self.splitter = splitter(
            self.canvas,
            lower,
            sizes=(380, 200),
            stretch=(3, 2),
            name="feedbackStatsSplitter",
            orientation=Qt.Orientation.Vertical,
            collapsible=False,
        )
        controls = hbox(self.period, (self.totals, 1), spacing=12)
        vbox(controls, (self.splitter, 1), margins=(0, 0, 0, 0), spacing=8, parent=self)
        self.top: triage.TopClusters | None = None

    def refresh(self) -> None:
        """Read the counts of the chosen period and draw them."""
        ws = self.begin_refresh()
        if ws is None:
            return
        period = str(self.period.currentData())
        by_class = triage.counts_by_class(ws=ws, period=period)
        by_cluster = triage.counts_by_cluster(ws=ws, period=period)
        self.top = triage.top_clusters(ws=ws)
        total = triage.count_items(ws=ws)
        left = sum(by_class.series[-1].counts) if by_class.series else 0
        self.totals.setText(
            f"{total:,} items in all; {left:,} untriaged in the periods shown."
            if total
            else "No feedback yet."
        )
        this, last = self.top.this_month, self.top.last_month
        self.top_title.setText(f"Top clusters: {this:%B %Y} against {last:%B %Y}")
        self.model.set_rows(self.top.rows)
        draw_feedback_trends(self.canvas.figure(), by_class, by_cluster)
        self.canvas.draw()

    def top_rows(self) -> list[list[str]]:
        """The top-clusters table as shown."""
        return [
            [self.model.cell_text(r, c) for c in range(self.model.columnCount())]
            for r in range(self.model.rowCount())
        ]
