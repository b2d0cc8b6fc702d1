"""The Figures tab: incident figures per quarter as a table and as charts.

The table has a row per figure (incidents detected; by severity; by failure category;
time to acknowledge and to mitigate, median and p90; the share with a completed review)
and a column per quarter. The charts beside it (``services.charts.incidents``) draw the
same figures; "Export chart…" saves them as PNG, SVG or PDF with the workspace footer.
Both are read when the tab is shown and again after a change to the incidents
(matplotlib loads the first time the charts show).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QHeaderView, QWidget

from ...services.charts.incidents import draw_incident_figures
from ...services.incidents import IncidentStats
from ...services.incidents.quarterly import (
    DEFAULT_QUARTERS,
    FigureRow,
    figures_table,
    quarterly_stats,
)
from ..context import AppContext
from ..widgets.builders import hbox, splitter, vbox
from ..widgets.chart_canvas import ChartCanvas
from ..widgets.combos import choice_combo
from ..widgets.context_widgets import ContextWidget
from ..widgets.dialog_parts import DRAWING_FILTERS, ask_save_path, export_controls, show_saved
from ..widgets.page_header import named_label
from ..widgets.refresh import RefreshWhenShown
from ..widgets.row_list_model import Column, ColumnTableModel
from .parts import record_table

WATCHED = ("incident", "failure_category")
#: The spans the tab offers: (label, quarters; None: since the first incident).
SPANS = (
    ("Last 4 quarters", DEFAULT_QUARTERS),
    ("Last 8 quarters", 8),
    ("Since the first incident", None),
)


@dataclass(frozen=True)
class _Line:
    """A row of the table: the figure, and whether it starts its group."""

    row: FigureRow
    first: bool


def _figure_columns(quarters: list[str]) -> list[Column[_Line]]:
    columns: list[Column[_Line]] = [
        Column(
            "", lambda line: line.row.group if line.first else "", tip=lambda line: line.row.group
        ),
        Column(
            "Figure",
            lambda line: line.row.label,
            tip=lambda line: f"{line.row.group}: {line.row.label}",
        ),
    ]
    for i, quarter in enumerate(quarters):
        columns.append(
            Column(
                quarter, _value_of(i), align="right", header_tip=f"Incidents detected in {quarter}"
            )
        )
    return columns


def _value_of(column: int) -> Callable[[_Line], str]:
    """The text of quarter ``column`` of a row."""
    return lambda line: line.row.values[column]


class FiguresTab(RefreshWhenShown, ContextWidget):
    """Incident figures per quarter: the table beside the charts (see the module docstring)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="figuresTab")
        self.stats: list[IncidentStats] = []
        self.span = choice_combo(
            "figuresSpan", SPANS, DEFAULT_QUARTERS, self._on_span_current_index_changed
        )
        self.span.setToolTip("Which quarters to show (the current one last)")
        self.export_button, self.saved = export_controls(
            self.choose_export,
            name="exportFiguresButton",
            tip="Save the charts as a PNG, SVG or PDF file",
        )
        self.note = named_label(
            "A quarter holds the incidents detected in it. Median and p90 by linear "
            "interpolation; “-”: no incident reached that step.",
            "mutedLabel",
            wrap=True,
        )
        self.model: ColumnTableModel[_Line] = ColumnTableModel(_figure_columns([]))
        self.table = record_table("figuresTable", self.model, -1)
        self.canvas = ChartCanvas()
        self.canvas.setMinimumSize(320, 260)
        left = QWidget()
        vbox((self.table, 1), self.note, margins=(0, 0, 0, 0), spacing=6, parent=left)
        self.splitter = splitter(
            left, self.canvas, sizes=(560, 620), stretch=(0, 1), name="figuresSplitter"
        )
        self.splitter.setChildrenCollapsible(False)
        controls = hbox(
            named_label("Quarters", "formLabel"),
            self.span,
            1,
            self.saved,
            self.export_button,
            spacing=8,
        )
        vbox(controls, (self.splitter, 1), margins=(12, 10, 12, 12), spacing=8, parent=self)
        ctx.watch(self, WATCHED, self.invalidate)

    def refresh(self) -> None:
        """Read the figures of the chosen quarters and draw them."""
        ws = self.begin_refresh()
        if ws is None:
            return
        self.stats = quarterly_stats(ws=ws, count=self.span.currentData())
        headers, rows = figures_table(self.stats)
        self.model.set_columns(_figure_columns(headers))
        self.model.set_rows(
            _Line(item, i == 0 or rows[i - 1].group != item.group) for i, item in enumerate(rows)
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        self._fit_table()
        self._draw()

    def _fit_table(self) -> None:
        """Give the table the width its columns need (at most half the tab); the charts
        get the rest."""
        table = self.table
        table.resizeColumnsToContents()
        wanted = (
            sum(table.columnWidth(c) for c in range(self.model.columnCount()))
            + 2 * table.frameWidth()
            + table.verticalScrollBar().sizeHint().width()
        )
        total = sum(self.splitter.sizes()) or self.width()
        left = min(wanted, max(total // 2, 300))
        self.splitter.setSizes([left, max(total - left, 1)])

    def _draw(self) -> None:
        figure = self.canvas.figure()
        draw_incident_figures(figure, self.stats)
        self.canvas.draw()

    def row_texts(self) -> list[list[str]]:
        """The table as shown, row by row (the figure's name first)."""
        return [
            [self.model.cell_text(r, c) for c in range(self.model.columnCount())]
            for r in range(self.model.rowCount())
        ]

    def choose_export(self) -> Path | None:
        ws = self.ctx.workspace
        if ws is None:
            return None
        start = Path(str(self.ctx.settings.last_directory())) / "incident-figures.png"
        path = ask_save_path(self, "Export incident charts", start, DRAWING_FILTERS)
        return None if path is None else self.export(path)

    def export(self, path: Path) -> Path | None:
        """Write the charts as shown to ``path`` (PNG, SVG or PDF; PNG without a suffix)."""
        if self._dirty or self.canvas.canvas is None:
            self.refresh()
        out = self.canvas.export_or_warn(path if path.suffix else path.with_suffix(".png"), self)
        if out is None:
            return None
        self.ctx.settings.set_last_directory(out.parent)
        show_saved(self.saved, out)
        return out

    def _on_span_current_index_changed(self, _index: int) -> None:
        self.refresh()
