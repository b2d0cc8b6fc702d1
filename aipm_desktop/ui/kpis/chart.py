"""The chart of one KPI: time series with target, bands, baseline and markers; hover for
values; a date range; export as PNG/SVG and the data as CSV; a before/after comparison and
the KPI's snapshots as an editable table.

matplotlib is imported only when the chart is first drawn, which happens when the panel
is visible (see :class:`~aipm_desktop.ui.widgets.chart_canvas.ChartCanvas`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...errors import UserError
from ...services import clock
from ...services import kpis as kpi_service
from ...services.dates import format_date
from ..context import AppContext
from ..errors import show_user_error
from ..widgets.builders import splitter
from ..widgets.chart_canvas import ChartCanvas
from ..widgets.combos import choice_combo
from ..widgets.context_widgets import ContextWidget
from ..widgets.dialog_parts import IMAGE_FILTERS, ask_save_path
from ..widgets.field_editors import date_display_format
from ..widgets.page_header import named_label
from ..widgets.refresh import RefreshWhenShown
from .edits import SetSnapshotCommand

#: Range combo entries: label -> months (0: everything, -1: the two date boxes).
RANGES: tuple[tuple[str, int], ...] = (
    ("Last 3 months", 3),
    ("Last 6 months", 6),
    ("Last 12 months", 12),
    ("Last 24 months", 24),
    ("All", 0),
    ("Custom range", -1),
)
DEFAULT_RANGE = 12
#: Hover shows a point when the mouse is this close to it (display pixels).
HOVER_RADIUS_PX = 14.0
#: matplotlib's date numbers count days from 1970-01-01.
_EPOCH = dt.date(1970, 1, 1).toordinal()
_DISPLAY = Qt.ItemDataRole.DisplayRole
_USER = Qt.ItemDataRole.UserRole


def format_value(value: float | None, unit: str = "") -> str:
    """``54.3 %``, ``0.031 USD``; "—" for None."""
    if value is None:
        return "—"
    text = f"{value:,.4g}" if abs(value) < 1e6 else f"{value:,.0f}"
    if unit == "%":
        return f"{text}%"
    return f"{text} {unit}".strip()


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` earlier (clamped to the month's length)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in range(day.day, 0, -1):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    return dt.date(year, month, 1)


def date_from_num(x: float) -> dt.date:
    """A matplotlib date number as a date."""
    return dt.date.fromordinal(_EPOCH + round(x))


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


class SnapshotTable(QTableWidget):
    """The snapshots of one KPI, newest first; the value column is editable.

    Signals:
        value_entered(object, str): a value cell was edited (date, text typed).
        clear_requested(object): Delete was pressed on a row (its date).
    """

    value_entered = Signal(object, str)
    clear_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 3, parent)
        self.setObjectName("kpiSnapshotTable")
        self.setHorizontalHeaderLabels(["Date", "Value", "Note"])
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.setColumnWidth(0, 110)
        self.setColumnWidth(1, 100)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self._filling = False
        self.itemChanged.connect(self._on_self_item_changed)

    def fill(self, rows: list[dict[str, Any]]) -> None:
        """``rows``: dicts with date, value and note, newest first."""
        self._filling = True
        self.setRowCount(len(rows))
        for row, record in enumerate(rows):
            day, value = record["date"], record["value"]
            date_item = QTableWidgetItem(format_date(day))
            date_item.setData(_USER, day)
            date_item.setFlags(date_item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            value_item = QTableWidgetItem(f"{value:g}")
            value_item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            note_item = QTableWidgetItem(record.get("note") or "")
            note_item.setFlags(note_item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.setItem(row, 0, date_item)
            self.setItem(row, 1, value_item)
            self.setItem(row, 2, note_item)
        self._filling = False

    def _on_self_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != 1:
            return
        day = self.item(item.row(), 0).data(_USER)
        self.value_entered.emit(day, item.text())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.state() != (
            QAbstractItemView.State.EditingState
        ):
            rows = sorted({index.row() for index in self.selectedIndexes()})
            for row in rows:
                self.clear_requested.emit(self.item(row, 0).data(_USER))
            return
        super().keyPressEvent(event)


class KpiChartPanel(RefreshWhenShown, ContextWidget):
    """Chart, range, exports, before/after and snapshot table of one KPI.

    Signals:
        message(str): a short status text for the page (e.g. "Exported ...").
    """

    message = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="kpiChartPanel")
        self.kpi_id: int | None = None
        self.status: kpi_service.KpiStatus | None = None
        self.points: tuple[list[float], list[float]] = ([], [])
        self.dates: list[dt.date] = []
        self.values: list[float] = []
        self.before_after: kpi_service.BeforeAfter | None = None
        self._line: Any = None
        self._dirty = True
        self._setting = False
        self._pivot_for: int | None = None

        self.range_combo = choice_combo(
            "kpiRangeCombo", RANGES, DEFAULT_RANGE, self._on_range_combo_index_changed
        )
        today = clock.today()
        self.start_edit = _date_edit("kpiRangeStart", months_before(today, DEFAULT_RANGE))
        self.end_edit = _date_edit("kpiRangeEnd", today)
        self.start_edit.dateChanged.connect(self._on_range_date_changed)
        self.end_edit.dateChanged.connect(self._on_range_date_changed)
        self.export_chart_button = QPushButton("Export chart…")
        self.export_chart_button.setObjectName("kpiExportChart")
        self.export_chart_button.setToolTip("Save the chart as a PNG or SVG image")
        self.export_chart_button.clicked.connect(self._on_export_chart_clicked)
        self.export_data_button = QPushButton("Export data…")
        self.export_data_button.setObjectName("kpiExportData")
        self.export_data_button.setToolTip("Save this KPI's snapshots as CSV (re-importable)")
        self.export_data_button.clicked.connect(self._on_export_data_clicked)

        toolbar = QHBoxLayout()
        toolbar.setSpacing(6)
        toolbar.addWidget(self.range_combo)
        toolbar.addWidget(self.start_edit)
        toolbar.addWidget(QLabel("to"))
        toolbar.addWidget(self.end_edit)
        toolbar.addStretch(1)

        self.canvas = ChartCanvas()
        self.canvas.setMinimumHeight(260)
        self.canvas.set_hover_handler(self.hover_text)
        self.canvas.clicked.connect(self._on_canvas_clicked)

        self.pivot_edit = _date_edit("kpiPivotEdit", today)
        self.pivot_edit.setToolTip(
            "Compare the means before and after this date (or click the chart)"
        )
        self.pivot_edit.dateChanged.connect(self._on_pivot_edit_date_changed)
        self.before_after_label = named_label("", "kpiBeforeAfter", wrap=True)
        self.before_after_label.setTextFormat(Qt.TextFormat.RichText)
        compare = QFrame()
        compare.setObjectName("kpiCompareCard")
        compare_layout = QHBoxLayout(compare)
        compare_layout.setContentsMargins(10, 6, 10, 6)
        compare_layout.addWidget(QLabel("Before / after"))
        compare_layout.addWidget(self.pivot_edit)
        compare_layout.addWidget(self.before_after_label, 1)
        exports = QHBoxLayout()
        exports.setSpacing(6)
        exports.addStretch(1)
        exports.addWidget(self.export_chart_button)
        exports.addWidget(self.export_data_button)

        self.table = SnapshotTable()
        self.table.value_entered.connect(self._on_table_value_entered)
        self.table.clear_requested.connect(self._on_table_clear_requested)

        self.empty_label = named_label("Choose a KPI to see its chart.", "mutedLabel")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.setSpacing(6)
        top_layout.addLayout(toolbar)
        top_layout.addWidget(self.canvas, 1)
        top_layout.addWidget(compare)
        top_layout.addLayout(exports)
        self.splitter = splitter(
            top,
            self.table,
            sizes=(520, 180),
            stretch=(3, 1),
            name="kpiChartSplitter",
            orientation=Qt.Orientation.Vertical,
        )

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.splitter, 1)
        self._update_enabled()

    # -- state ----------------------------------------------------------------------------

    def set_kpi(self, kpi_id: int | None) -> None:
        """Show ``kpi_id`` (None: nothing)."""
        if kpi_id != self.kpi_id:
            self.kpi_id = kpi_id
            self._pivot_for = None
        self.invalidate()

    def invalidate(self) -> None:
        """The data changed: redraw now when visible, else when next shown."""
        self._dirty = True
        self._update_enabled()
        if self.isVisible():
            self.refresh()

    def date_range(self) -> tuple[dt.date | None, dt.date | None]:
        """The range the chart shows (None: open-ended)."""
        months = self.range_combo.currentData()
        if months == -1:
            return from_qdate(self.start_edit.date()), from_qdate(self.end_edit.date())
        if months == 0:
            return None, None
        today = clock.today()
        return months_before(today, int(months)), None

    def set_range(self, start: dt.date, end: dt.date) -> None:
        """Zoom to ``start``..``end`` (switches the combo to the custom range)."""
        self._setting = True
        self.range_combo.setCurrentIndex(self.range_combo.findData(-1))
        self.start_edit.setDate(to_qdate(start))
        self.end_edit.setDate(to_qdate(end))
        self._setting = False
        self.invalidate()

    def _update_enabled(self) -> None:
        has = self.kpi_id is not None
        self.splitter.setVisible(has)
        self.empty_label.setVisible(not has)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.NoEditTriggers
            if self.ctx.readonly
            else (
                QAbstractItemView.EditTrigger.DoubleClicked
                | QAbstractItemView.EditTrigger.EditKeyPressed
                | QAbstractItemView.EditTrigger.AnyKeyPressed
            )
        )

    # -- drawing --------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the KPI again and redraw the chart, comparison and table."""
        ws = self.begin_refresh()
        if ws is None or self.kpi_id is None:
            return
        from ...services.charts.kpi import draw_kpi

        try:
            self.status = kpi_service.kpi_status(ws=ws, kpi_id=self.kpi_id)
        except UserError:
            self.kpi_id = None
            self._update_enabled()
            return
        start, end = self.date_range()
        self.dates, self.values = kpi_service.series(
            ws=ws, kpi_id=self.kpi_id, start=start, end=end
        )
        markers = kpi_service.markers(ws=ws, kpi_id=self.kpi_id, start=start, end=end)
        figure = self.canvas.figure()
        figure.clear()
        result = draw_kpi(
            figure,
            dates=self.dates,
            values=self.values,
            status=self.status,
            markers=markers,
            start=start,
            end=end,
        )
        self._line = result.get("line")
        x_nums, ys = result.get("points", ([], []))
        self.points = (list(x_nums), list(ys))
        self._draw_pivot()
        self.canvas.draw_now()
        self._fill_table()
        self._update_before_after()

    def _fill_table(self) -> None:
        ws = self.ctx.workspace
        if ws is None or self.kpi_id is None:
            return
        self.table.fill(kpi_service.snapshot_rows(ws=ws, kpi_id=self.kpi_id))

    def _draw_pivot(self) -> None:
        if self._line is None or not self.dates:
            return
        if self._pivot_for != self.kpi_id:
            # A new KPI: put the pivot in the middle of what is shown.
            self._pivot_for = self.kpi_id
            middle = self.dates[len(self.dates) // 2]
            self.pivot_edit.blockSignals(True)
            self.pivot_edit.setDate(to_qdate(middle))
            self.pivot_edit.blockSignals(False)
        pivot = from_qdate(self.pivot_edit.date())
        axes = self._line.axes
        x = float(pivot.toordinal() - _EPOCH)
        lo, hi = axes.get_xlim()
        if lo <= x <= hi:
            axes.axvline(x, color="#7b8794", linestyle=":", linewidth=1.2, gid="pivot")

    def _update_before_after(self) -> None:
        ws = self.ctx.workspace
        if ws is None or self.kpi_id is None or self.status is None:
            return
        pivot = from_qdate(self.pivot_edit.date())
        result = kpi_service.before_after(ws=ws, kpi_id=self.kpi_id, pivot=pivot)
        self.before_after = result
        unit = self.status.unit
        if result.n_before == 0 or result.n_after == 0:
            self.before_after_label.setText(
                f"Not enough snapshots on both sides of {format_date(pivot)}: "
                f"{result.n_before} before, {result.n_after} after."
            )
            return
        change = "—" if result.change_pct is None else f"{result.change_pct:+.1f}%"
        verdict = {True: "better", False: "worse", None: "no change"}[result.better]
        css = {True: "good", False: "bad", None: "neutral"}[result.better]
        self.before_after_label.setText(
            f"mean before <b>{format_value(result.mean_before, unit)}</b> "
            f"(n={result.n_before}) · after <b>{format_value(result.mean_after, unit)}</b> "
            f"(n={result.n_after}) · change <b class='{css}'>{change}</b> ({verdict})"
        )

    def line_data(self) -> tuple[list[float], list[float]]:
        """The x (date numbers) and y values of the drawn line."""
        if self._line is None:
            return [], []
        xs, ys = self._line.get_data()
        return [float(x) for x in xs], [float(y) for y in ys]

    def hover_text(self, x_px: float, y_px: float) -> str | None:
        """Date and value of the point nearest the mouse (display coordinates)."""
        if self._line is None or not self.points[0]:
            return None
        axes = self._line.axes
        xs, ys = self.points
        best: tuple[float, int] | None = None
        transform = axes.transData
        for index, (x, y) in enumerate(zip(xs, ys, strict=True)):
            px, py = transform.transform((x, y))
            distance = ((px - x_px) ** 2 + (py - y_px) ** 2) ** 0.5
            if best is None or distance < best[0]:
                best = (distance, index)
        if best is None or best[0] > HOVER_RADIUS_PX:
            return None
        index = best[1]
        unit = self.status.unit if self.status else ""
        return f"{format_date(date_from_num(xs[index]))}: {format_value(ys[index], unit)}"

    # -- slots ----------------------------------------------------------------------------

    def _on_range_combo_index_changed(self, _index: int) -> None:
        if self._setting:
            return
        months = self.range_combo.currentData()
        custom = months == -1
        if not custom:
            start, _end = self.date_range()
            self._setting = True
            today = clock.today()
            first = self.dates[0] if months == 0 and self.dates else start or today
            self.start_edit.setDate(to_qdate(first))
            self.end_edit.setDate(to_qdate(today))
            self._setting = False
        self.invalidate()

    def _on_range_date_changed(self, _date: QDate) -> None:
        if self._setting:
            return
        self._setting = True
        self.range_combo.setCurrentIndex(self.range_combo.findData(-1))
        self._setting = False
        self.invalidate()

    def _on_pivot_edit_date_changed(self, _date: QDate) -> None:
        if self.kpi_id is None:
            return
        self.invalidate()

    def _on_canvas_clicked(self, x: float, _y: float) -> None:
        if self.kpi_id is None:
            return
        self.pivot_edit.setDate(to_qdate(date_from_num(x)))

    def _on_table_value_entered(self, day: dt.date, text: str) -> None:
        if self.kpi_id is None:
            return
        try:
            value = parse_value(text)
        except ValueError:
            show_user_error(self, UserError(f"{text!r} is not a number; enter e.g. 42 or 3.5."))
            self._fill_table()
            return
        name = self.status.name if self.status else ""
        self.ctx.run_edit(SetSnapshotCommand(self.ctx, self.kpi_id, day, value, kpi_name=name))

    def _on_table_clear_requested(self, day: dt.date) -> None:
        if self.kpi_id is None or self.ctx.readonly:
            return
        name = self.status.name if self.status else ""
        self.ctx.run_edit(SetSnapshotCommand(self.ctx, self.kpi_id, day, None, kpi_name=name))

    def _ask_export_path(self, title: str, suffix: str, filters: str) -> Path | None:
        """Ask where to export the current KPI; None when there is none or on cancel."""
        if self.kpi_id is None:
            return None
        name = _file_stem(self.status.name if self.status else "kpi")
        start_dir = Path(str(self.ctx.settings.last_directory()))
        return ask_save_path(self, title, start_dir / f"{name}{suffix}", filters)

    def _on_export_chart_clicked(self) -> None:
        path = self._ask_export_path("Export chart", ".png", IMAGE_FILTERS)
        if path is not None:
            self.export_chart(path)

    def export_chart(self, path: Path, *, svg: bool = False) -> Path | None:
        """Write the chart to ``path`` (suffix added from the format when missing)."""
        if not path.suffix:
            path = path.with_suffix(".svg" if svg else ".png")
        out = self.canvas.export_or_warn(path, self)
        if out is None:
            return None
        self.message.emit(f"Exported the chart to {out}")
        return out

    def _on_export_data_clicked(self) -> None:
        path = self._ask_export_path("Export KPI data", ".csv", "CSV file (*.csv)")
        if path is not None:
            self.export_data(path)

    def export_data(self, path: Path) -> Path | None:
        """Write this KPI's snapshots as CSV (kpi, date, value, use case, note)."""
        ws = self.ctx.workspace
        if ws is None or self.kpi_id is None:
            return None
        if not path.suffix:
            path = path.with_suffix(".csv")
        try:
            out = kpi_service.export_snapshots(ws=ws, out=path, kpi_ids=[self.kpi_id])
        except UserError as err:
            show_user_error(self, err)
            return None
        self.message.emit(f"Exported the data to {out}")
        return out


def parse_value(text: str) -> float | None:
    """``""`` -> None (clear); ``"1,200"`` -> 1200.0; ``"12%"`` -> 12.0; else ValueError."""
    text = text.strip().replace(",", "").replace("_", "").removesuffix("%").strip()
    if not text:
        return None
    value = float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return value


def _file_stem(name: str) -> str:
    keep = "".join(c if c.isalnum() or c in " -_" else " " for c in name)
    return "-".join(keep.lower().split()) or "kpi"


def _date_edit(name: str, day: dt.date) -> QDateEdit:
    edit = QDateEdit(to_qdate(day))
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(date_display_format())
    return edit
