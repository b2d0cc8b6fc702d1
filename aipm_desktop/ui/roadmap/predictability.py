"""Roadmap predictability: per quarter, items planned, delivered on plan, and the ratio.

A table and a small bar chart (on :class:`ChartCanvas`, so matplotlib is imported only
when the tab is first shown), and a button that records the latest completed quarter as
a snapshot of the "Roadmap predictability" KPI (undoable).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QPushButton,
    QTableWidgetItem,
    QWidget,
)

from ...services import roadmap
from ...services.changes import Changes
from ...services.dates import format_date
from ..context import AppContext
from ..undo import OperationCommand
from ..widgets.builders import hbox, table, vbox
from ..widgets.chart_canvas import ChartCanvas
from ..widgets.lazy_table import set_enabled_why
from ..widgets.page_header import named_label
from ..widgets.refresh import RefreshWhenShown
from .edits import RecordPredictabilityCommand

RECORD_TIP = (
    "Write the latest completed quarter's predictability as a snapshot of the "
    "“Roadmap predictability” KPI (Edit ▸ Undo takes it back)"
)

HEADERS = ("Quarter", "Planned", "On plan", "Predictability")
PLANNED_COLOUR = "#c9d3df"
ON_PLAN_COLOUR = "#3b6fd4"


def ratio_text(ratio: float | None) -> str:
    return "—" if ratio is None else f"{100 * ratio:.0f}%"


class PredictabilityWidget(RefreshWhenShown, QWidget):
    """The Predictability tab: table, chart and the "Record as KPI snapshot" button."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("roadmapPredictability")
        self.rows: list[Any] = []

        intro = named_label(
            "Items delivered on their planned dates ÷ items planned, per quarter of the "
            "planned end date (cancelled items left out; the current quarter counts what "
            "was due so far).",
            "pageSubtitle",
            wrap=True,
        )
        self.record_button = QPushButton("Record as KPI snapshot")
        self.record_button.setToolTip(RECORD_TIP)
        self.status = named_label("", "mutedLabel")
        self.table = table(HEADERS, "roadmapPredictabilityTable", read_only=True, single=False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumWidth(340)
        self.table.setMaximumWidth(460)
        self.chart = ChartCanvas()
        self.chart.setMinimumHeight(260)
        self.empty = named_label(
            "No item has a planned end date in the past yet: predictability appears once "
            "planned work comes due.",
            "hintBox",
            wrap=True,
        )

        top = hbox((intro, 1))
        top.addWidget(self.record_button, 0, Qt.AlignmentFlag.AlignTop)
        body = hbox(self.table, (self.chart, 1), spacing=16)
        vbox(
            top,
            self.status,
            self.empty,
            (body, 1),
            margins=(16, 12, 16, 12),
            spacing=8,
            parent=self,
        )
        self.record_button.clicked.connect(self.record_kpi)

    def reload(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        self.rows = roadmap.predictability(ws=ws)
        self.table.setRowCount(len(self.rows))
        for row, quarter in enumerate(reversed(self.rows)):
            values = (
                quarter.quarter,
                str(quarter.planned),
                str(quarter.on_plan),
                ratio_text(quarter.ratio),
            )
            for column, text in enumerate(values):
                cell = QTableWidgetItem(text)
                if column:
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.table.setItem(row, column, cell)
        self.empty.setVisible(not self.rows)
        why = (
            "This workspace is open read-only."
            if self.ctx.readonly
            else "No quarter has planned items yet: nothing to record."
        )
        set_enabled_why(
            self.record_button, bool(self.rows) and not self.ctx.readonly, RECORD_TIP, why
        )
        self._draw()
        self._dirty = False

    def _draw(self) -> None:
        from ...services.charts import new_figure

        figure = new_figure(7.0, 3.4)
        axes = figure.add_subplot()
        rows = self.rows[-8:]
        labels = [q.quarter.replace("-", "\n") for q in rows]
        positions = list(range(len(rows)))
        axes.bar(
            [p - 0.18 for p in positions],
            [q.planned for q in rows],
            width=0.36,
            color=PLANNED_COLOUR,
            label="Planned",
        )
        axes.bar(
            [p + 0.18 for p in positions],
            [q.on_plan for q in rows],
            width=0.36,
            color=ON_PLAN_COLOUR,
            label="Delivered on plan",
        )
        top = max([q.planned for q in rows] + [1])
        for position, quarter in zip(positions, rows, strict=True):
            axes.annotate(
                ratio_text(quarter.ratio),
                (position, max(quarter.planned, quarter.on_plan)),
                xytext=(0, 4),
                textcoords="offset points",
                ha="center",
                fontsize=9,
                color="#243b53",
            )
        axes.set_xticks(positions, labels)
        axes.set_xlim(-0.7, max(len(rows), 4) - 0.3)
        axes.set_ylim(0, top * 1.25)
        axes.set_ylabel("Items")
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.spines[["top", "right"]].set_visible(False)
        axes.legend(frameon=False, loc="upper left", fontsize=9)
        axes.set_title("Planned vs delivered on plan, by quarter", fontsize=11, loc="left")
        self.chart.set_figure(figure)

    def record_kpi(self) -> OperationCommand | None:
        """Record the latest completed quarter as a KPI snapshot (undoable)."""
        if self.ctx.readonly:
            return None
        command = RecordPredictabilityCommand(self.ctx)
        if not self.ctx.run_edit(command):
            return command
        if command.written:
            self.status.setText(
                "Recorded as a snapshot of the “Roadmap predictability” KPI "
                f"({format_date(command.day)}). Edit ▸ Undo takes it back."
            )
        else:
            self.status.setText("No completed quarter has planned items yet: nothing recorded.")
        return command

    def on_changed(self, changes: Changes) -> None:
        if changes.touches("roadmap_item"):
            self.invalidate()

    def refresh(self) -> None:
        self.reload()
