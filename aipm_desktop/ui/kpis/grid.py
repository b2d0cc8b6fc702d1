"""The snapshot grid: one row per week (newest first), one column per tracked KPI.

Typing a number in a cell sets that KPI's snapshot for the week (on the date of the
snapshot already in that week, else on the week's Monday) through an undoable
:class:`~aipm_desktop.ui.kpis.edits.SetSnapshotCommand`; Delete clears the selected
cells (one undo step). Cells are coloured by the status their value would have.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QTableView,
    QWidget,
)

from ...services import clock
from ...services import kpis as kpi_service
from ...services.dates import format_date
from ..context import AppContext
from ..widgets.builders import TAB_MARGINS, vbox
from ..widgets.combos import choice_combo
from ..widgets.context_widgets import ContextWidget
from ..widgets.page_header import named_label
from ..widgets.refresh import RefreshWhenShown
from .chart import parse_value
from .edits import SetSnapshotCommand

WEEK_CHOICES = (13, 26, 52, 104)
DEFAULT_WEEKS = 13
_DISPLAY = Qt.ItemDataRole.DisplayRole
_EDIT = Qt.ItemDataRole.EditRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_BACKGROUND = Qt.ItemDataRole.BackgroundRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
#: Cell tints by status of the value.
CELL_COLORS = {
    "on_target": QColor("#e3f4e8"),
    "warning": QColor("#fff1cc"),
    "critical": QColor("#fbe0de"),
    "off_target": QColor("#fdf0e6"),
}

Index = QModelIndex | QPersistentModelIndex


def column_title(name: str, unit: str = "") -> str:
    """A KPI's column title on two lines: the name split near its middle, then the unit."""
    suffix = f" ({unit})" if unit else ""
    words = name.split()
    if len(name) <= 16 or len(words) < 2:
        return f"{name}\n{suffix.strip()}" if suffix else name
    best = min(
        range(1, len(words)),
        key=lambda i: abs(len(" ".join(words[:i])) - len(" ".join(words[i:]))),
    )
    return " ".join(words[:best]) + "\n" + " ".join(words[best:]) + suffix


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


class SnapshotGridModel(QAbstractTableModel):
    """Weeks x KPIs. Holds the KPIs' statuses and, per cell, ``(date, value)``.

    Signals:
        edit_requested(int, object, object): KPI id, date, value (None: clear).
        invalid_input(str): a cell was given text that is not a number.
    """

    edit_requested = Signal(int, object, object)
    invalid_input = Signal(str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.weeks: list[dt.date] = []
        self.kpis: list[kpi_service.KpiStatus] = []
        self.cells: dict[tuple[int, int], tuple[dt.date, float]] = {}
        self.readonly = False

    def load(
        self,
        weeks: list[dt.date],
        kpis: list[kpi_service.KpiStatus],
        cells: dict[tuple[int, int], tuple[dt.date, float]],
    ) -> None:
        self.beginResetModel()
        self.weeks = weeks
        self.kpis = kpis
        self.cells = cells
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.weeks)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.kpis)

    def cell(self, row: int, column: int) -> tuple[dt.date, float] | None:
        return self.cells.get((row, column))

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        found = self.cells.get((index.row(), index.column()))
        if role in (_DISPLAY, _EDIT):
            return "" if found is None else f"{found[1]:g}"
        if role == _ALIGN:
            return _RIGHT
        if role == _BACKGROUND and found is not None:
            kpi = self.kpis[index.column()]
            status = kpi_service.classify(
                found[1],
                direction=kpi.direction,
                target=kpi.target,
                warning=kpi.warning,
                critical=kpi.critical,
            )
            color = CELL_COLORS.get(status)
            return QBrush(color) if color is not None else None
        if role == _TOOLTIP:
            kpi = self.kpis[index.column()]
            if found is None:
                week = self.weeks[index.row()]
                return f"{kpi.name}: no snapshot in the week of {format_date(week)}"
            return f"{kpi.name} on {format_date(found[0])}: {found[1]:g} {kpi.unit}".rstrip()
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation == Qt.Orientation.Horizontal:
            if section >= len(self.kpis):
                return None
            kpi = self.kpis[section]
            if role == _DISPLAY:
                return column_title(kpi.name, kpi.unit)
            if role == _TOOLTIP:
                return kpi.name
            return None
        if section >= len(self.weeks) or role != _DISPLAY:
            return None
        week = self.weeks[section]
        return f"{format_date(week)}  W{week.isocalendar().week:02d}"

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if self.readonly:
            return base
        return base | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: Index, value: Any, role: int = _EDIT) -> bool:
        if role != _EDIT or not index.isValid() or self.readonly:
            return False
        text = str(value)
        try:
            number = parse_value(text)
        except ValueError:
            self.invalid_input.emit(f"{text!r} is not a number; enter e.g. 42 or 3.5.")
            return False
        found = self.cells.get((index.row(), index.column()))
        if number is None and found is None:
            return False
        if found is not None and number == found[1]:
            return False
        day = found[0] if found is not None else self.weeks[index.row()]
        self.edit_requested.emit(self.kpis[index.column()].kpi_id, day, number)
        return True


class GridView(QTableView):
    """The table; Delete / Backspace clears the selected cells.

    Signals:
        clear_requested(): Delete was pressed with cells selected (not while editing).
    """

    clear_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and (
            self.state() != QAbstractItemView.State.EditingState
        ):
            self.clear_requested.emit()
            return
        super().keyPressEvent(event)


class SnapshotGrid(RefreshWhenShown, ContextWidget):
    """Quick entry of weekly snapshots for every tracked KPI."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, name="kpiSnapshotGrid")
        self._statuses: list[kpi_service.KpiStatus] | None = None
        self.model = SnapshotGridModel(self)
        self.model.edit_requested.connect(self._on_model_edit_requested)
        self.model.invalid_input.connect(self._on_model_invalid_input)

        self.weeks_combo = choice_combo(
            "gridWeeksCombo",
            ((f"Last {weeks} weeks", weeks) for weeks in WEEK_CHOICES),
            DEFAULT_WEEKS,
            self._on_weeks_combo_index_changed,
        )
        help_text = named_label(
            "Type a number to set the week's snapshot; Delete clears it. "
            "Edits can be undone (Ctrl+Z).",
            "mutedLabel",
        )
        self.message = named_label("", "errorHint")
        self.message.setVisible(False)

        self.view = GridView()
        self.view.setObjectName("kpiGridView")
        self.view.setModel(self.model)
        self.view.setAlternatingRowColors(False)
        self.view.setWordWrap(True)
        self.view.horizontalHeader().setDefaultSectionSize(120)
        self.view.horizontalHeader().setMinimumHeight(44)
        self.view.verticalHeader().setDefaultSectionSize(26)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.clear_requested.connect(self._on_view_clear_requested)
        self.empty_label = named_label(
            "No KPIs are tracked yet. Track one from the Catalog tab to enter snapshots.",
            "hintBox",
            wrap=True,
        )

        top = QHBoxLayout()
        top.addWidget(self.weeks_combo)
        top.addWidget(help_text, 1)
        vbox(
            top,
            self.message,
            self.empty_label,
            (self.view, 1),
            margins=TAB_MARGINS,
            spacing=6,
            parent=self,
        )

    def invalidate(self, statuses: list[kpi_service.KpiStatus] | None = None) -> None:
        """The data changed (``statuses``: the KPIs, when the caller has read them)."""
        self._dirty = True
        self._statuses = statuses
        if self.isVisible():
            self.refresh()

    def refresh(self) -> None:
        """Read the KPIs and the snapshots of the shown weeks again."""
        ws = self.begin_refresh()
        if ws is None:
            return
        statuses = self._statuses
        self._statuses = None
        if statuses is None:
            statuses = kpi_service.status_all(ws=ws)
        count = int(self.weeks_combo.currentData())
        this_week = monday_of(clock.today())
        weeks = [this_week - dt.timedelta(weeks=n) for n in range(count)]
        first = weeks[-1]
        row_of = {week: row for row, week in enumerate(weeks)}
        cells: dict[tuple[int, int], tuple[dt.date, float]] = {}
        for column, status in enumerate(statuses):
            dates, values = kpi_service.series(ws=ws, kpi_id=status.kpi_id, start=first)
            for day, value in zip(dates, values, strict=True):
                row = row_of.get(monday_of(day))
                if row is None:
                    continue
                previous = cells.get((row, column))
                if previous is None or previous[0] <= day:
                    cells[(row, column)] = (day, value)
        self.model.readonly = self.ctx.readonly
        current = self.view.currentIndex()
        self.model.load(weeks, list(statuses), cells)
        if current.isValid():
            self.view.setCurrentIndex(self.model.index(current.row(), current.column()))
        self.empty_label.setVisible(not statuses)
        self.view.setVisible(bool(statuses))
        metrics = self.view.horizontalHeader().fontMetrics()
        for column, status in enumerate(statuses):
            lines = column_title(status.name, status.unit).split("\n")
            width = max(metrics.horizontalAdvance(line) for line in lines) + 24
            self.view.setColumnWidth(column, max(90, min(240, width)))

    def _on_weeks_combo_index_changed(self, _index: int) -> None:
        self.refresh()

    def _on_model_edit_requested(self, kpi_id: int, day: dt.date, value: float | None) -> None:
        self.message.setVisible(False)
        name = next((k.name for k in self.model.kpis if k.kpi_id == kpi_id), "")
        self.ctx.run_edit(SetSnapshotCommand(self.ctx, kpi_id, day, value, kpi_name=name))

    def _on_model_invalid_input(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(True)

    def _on_view_clear_requested(self) -> None:
        if self.ctx.readonly:
            return
        targets = []
        for index in self.view.selectionModel().selectedIndexes():
            found = self.model.cell(index.row(), index.column())
            if found is not None:
                kpi = self.model.kpis[index.column()]
                targets.append((kpi, found[0]))
        if not targets:
            return
        stack = self.ctx.undo_stack
        if len(targets) > 1:
            stack.beginMacro(f"clear {len(targets)} snapshots")
        for kpi, day in targets:
            self.ctx.run_edit(
                SetSnapshotCommand(self.ctx, kpi.kpi_id, day, None, kpi_name=kpi.name)
            )
        if len(targets) > 1:
            stack.endMacro()
