"""Agreement tab: how consistently the panel scores (Krippendorff's alpha, ICC(2,1), each
interviewer's offset), as tables and a chart; figures are worked out when the tab shows."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import QTableWidget, QTableWidgetItem, QWidget

from ...errors import UserError
from ...services.interviews import agreement as ag
from ..context import AppContext
from ..widgets.builders import button, hbox, panel, resize_columns, splitter, stacked, table, vbox
from ..widgets.chart_canvas import ChartCanvas
from ..widgets.context_widgets import ContextWidget
from ..widgets.dialog_parts import IMAGE_FILTERS, ask_save_path
from .widgets import (
    INTERVIEW_KINDS,
    empty_state,
    fit_height,
    keep_rows_fitted,
    muted_label,
    section_label,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

POOR_FG = QColor("#b71c1c")
POOR_BG = QColor("#fdecea")
HIGH_FG = QColor("#b71c1c")
LOW_FG = QColor("#1f5fae")
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
EMPTY_TEXT = (
    "No agreement figures yet. They need candidates scored by two or more interviewers who "
    "have all submitted: rate candidates in Interview mode and press Submit evaluation "
    "(Ctrl+Return)."
)


def _cell(text: str, *, align: Qt.AlignmentFlag | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if align is not None:
        item.setTextAlignment(align)
    return item


class AgreementTab(ContextWidget):
    """The panel's agreement figures; recomputed after edits when visible."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="agreementTab")
        self.data: ag.Agreement | None = None
        self._dirty = True

        self.summary = muted_label("")
        self.summary.setObjectName("agreementSummary")
        self.table = table(
            ["Dimension", "n", "Alpha (ordinal)", "ICC(2,1)"], "agreementTable", read_only=True
        )
        for column, tip in (
            (1, "Candidates rated by two or more interviewers"),
            (2, "Krippendorff's alpha for ordinal data [95% interval]"),
            (3, "Two-way random, absolute agreement, single rater [95% interval]"),
        ):
            self.table.horizontalHeaderItem(column).setToolTip(tip)
        resize_columns(self.table, stretch=(0,), fit=(1, 2, 3))
        self.table.setWordWrap(True)
        keep_rows_fitted(self.table)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.offsets = table(
            ["Interviewer", "Offset", "Reads as", "Comparisons"], "offsetTable", read_only=True
        )
        resize_columns(self.offsets, stretch=(0,), fit=(1, 2, 3))
        self.withheld = muted_label("")
        self.withheld.setObjectName("agreementWithheld")
        self.offsets.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        left = panel(
            self.summary,
            self.table,
            section_label("Who rates high or low"),
            self.offsets,
            self.withheld,
            1,
            spacing=6,
        )
        self.canvas = ChartCanvas()
        self.canvas.setMinimumHeight(300)
        self.export_button = button(
            "Export chart…", self._on_export_button_clicked, name="exportChartButton"
        )
        right = panel(hbox(1, self.export_button), (self.canvas, 1))
        split = splitter(left, right, sizes=(540, 660), stretch=(5, 6), collapsible=False)
        self.empty_label = empty_state(EMPTY_TEXT)
        self.stack = stacked(self.empty_label, split)
        self._content = split
        vbox(self.stack, margins=(16, 12, 16, 12), parent=self)
        ctx.watch(self, INTERVIEW_KINDS, self._on_data_changed)

    # -- data -----------------------------------------------------------------------------

    def _on_data_changed(self) -> None:
        self._dirty = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self.reload()

    def reload(self) -> None:
        if (ws := self.ctx.workspace) is None:
            return
        self.data = data = ag.agreement(ws=ws)
        self._dirty = False
        waiting = "; ".join(
            f"{name} (waiting for {', '.join(who) or 'a submission'})"
            for name, who in data.withheld
        )
        self.withheld.setText(
            f"Not counted until everyone has submitted: {waiting}." if waiting else ""
        )
        self.withheld.setVisible(bool(waiting))
        if data.empty:
            self.empty_label.setText(
                EMPTY_TEXT + (f" Not counted yet: {waiting}." if waiting else "")
            )
            self.stack.setCurrentWidget(self.empty_label)
            return
        self.stack.setCurrentWidget(self._content)
        self.summary.setText(
            f"Over {len(data.units)} candidate(s) scored by two or more interviewers "
            f"({', '.join(data.interviewers)}). Alpha below {ag.POOR_ALPHA}: poor (⚠). "
            f"[95% intervals]: alpha by a seeded bootstrap ({data.resamples:,} resamples), "
            "ICC by McGraw and Wong's F formulas."
        )
        self._fill_figures(data)
        self._fill_offsets(data)
        self.canvas.set_figure(self._figure(data))

    def _fill_figures(self, data: ag.Agreement) -> None:
        rows = [*data.dimensions, data.overall]
        self.table.setRowCount(len(rows))
        bold = QFont()
        bold.setBold(True)
        for index, row in enumerate(rows):
            cells = [
                _cell(("⚠ " if row.poor else "") + row.name),
                _cell(str(row.units), align=RIGHT),
                _cell(ag.figure_text(row.alpha, row.alpha_ci)),
                _cell(ag.figure_text(row.icc, row.icc_ci)),
            ]
            if row.poor:
                cells[0].setToolTip(f"Poor agreement: alpha below {ag.POOR_ALPHA}")
            cells[3].setToolTip(
                f"ICC on {row.icc_units} unit(s) rated by every one of "
                f"{', '.join(row.icc_raters) or 'the same interviewers'}"
            )
            for column, item in enumerate(cells):
                if row.poor:
                    item.setBackground(QBrush(POOR_BG))
                    if column == 0:
                        item.setForeground(QBrush(POOR_FG))
                if row.key == ag.OVERALL_KEY:
                    item.setFont(bold)
                self.table.setItem(index, column, item)
        self.table.resizeRowsToContents()
        fit_height(self.table)

    def _fill_offsets(self, data: ag.Agreement) -> None:
        self.offsets.setRowCount(len(data.offsets))
        for index, offset in enumerate(data.offsets):
            tendency = _cell(offset.tendency)
            if offset.tendency == "rates high":
                tendency.setForeground(QBrush(HIGH_FG))
            elif offset.tendency == "rates low":
                tendency.setForeground(QBrush(LOW_FG))
            for column, item in enumerate(
                [
                    _cell(offset.interviewer),
                    _cell(ag.offset_text(offset.offset), align=RIGHT),
                    tendency,
                    _cell(str(offset.comparisons), align=RIGHT),
                ]
            ):
                self.offsets.setItem(index, column, item)
        self.offsets.resizeRowsToContents()
        fit_height(self.offsets)

    @staticmethod
    def _figure(data: ag.Agreement) -> Figure:
        from ...services.charts import new_figure
        from ...services.charts.agreement import draw_agreement

        figure = new_figure(9.0, 5.2)
        draw_agreement(figure, data)
        return figure

    def row_text(self, view: QTableWidget, first: str, column: int) -> str:
        """The text in ``column`` of the row of ``view`` whose first cell is ``first``
        (a poor dimension's name as shown, after its ⚠)."""
        for row in range(view.rowCount()):
            if view.item(row, 0).text().removeprefix("⚠ ") == first:
                return view.item(row, column).text()
        raise KeyError(first)

    # -- export ---------------------------------------------------------------------------

    def _on_export_button_clicked(self) -> None:
        path = ask_save_path(
            self, "Export agreement chart", Path.home() / "panel-agreement.png", IMAGE_FILTERS
        )
        if path is not None:
            self.export_chart(path)

    def export_chart(self, path: str | Path) -> Path | None:
        if self.data is None or self._dirty:
            self.reload()
        try:
            return self.canvas.export(Path(path))
        except UserError as err:
            self.ctx.show_error(err)
            return None
