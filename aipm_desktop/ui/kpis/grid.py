"""The snapshot grid: one row per week (newest first), one column per tracked KPI.

Typing a number in a cell sets that KPI's snapshot for the week (on the date of the
snapshot already in that week, else on the week's Monday) through an undoable
:class:`~aipm_desktop.ui.kpis.edits.SetSnapshotCommand`; Delete clears the selected
cells (one undo step). Cells are coloured by the status their value would have.

An edit writes only while the cell's snapshot is the one shown (no lost update): the
grid reads each snapshot's id and version with its value, and the edit expects them (an
empty cell expects no snapshot on that day). When another window changed it since,
nothing is written and the conflict dialog shows the value typed beside the stored one.
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

from ...models import KpiSnapshot
from ...services import clock
from ...services import kpis as kpi_service
from ...services.conflicts import Slot
from ...services.dates import format_date
from ...services.kpis import GridCell
from ..context import AppContext
from ..undo import OperationCommand
from ..widgets.builders import TAB_MARGINS, vbox
from ..widgets.combos import choice_combo
from ..widgets.context_widgets import ContextWidget
from ..widgets.page_header import named_label
from ..widgets.refresh import RefreshWhenShown
from ..widgets.versioned import guard_slot
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
    """Weeks x KPIs. Holds the KPIs' statuses and, per cell, the snapshot shown
    (a :data:`~aipm_desktop.services.kpis.GridCell`: date, value, id and version).

    Signals:
        edit_requested(int, object, object, object): KPI id, date, value (None: clear),
            the :class:`~aipm_desktop.services.conflicts.Slot` the cell showed.
        invalid_input(str): a cell was given text that is not a number.
    """

    edit_requested = Signal(int, object, object, object)
    invalid_input = Signal(str)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.weeks: list[dt.date] = []
        self.kpis: list[kpi_service.KpiStatus] = []
        self.cells: dict[tuple[int, int], GridCell] = {}
        self.readonly = False

    def load(
        self,
        weeks: list[dt.date],
        kpis: list[kpi_service.KpiStatus],
        cells: dict[tuple[int, int], GridCell],
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

    def cell(self, row: int, column: int) -> GridCell | None:
        return self.cells.get((row, column))

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid():
            return None
        found = self.cells.get((index.row(), index.column()))
        if role in (_DISPLAY, _EDIT):
            return "" if found is None else f"{found.value:g}"
        if role == _ALIGN:
            return _RIGHT
        if role == _BACKGROUND and found is not None:
            kpi = self.kpis[index.column()]
            status = kpi_service.classify(
                found.value,
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
            return f"{kpi.name} on {format_date(found.date)}: {found.value:g} {kpi.unit}".rstrip()
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
        if found is not None and number == found.value:
            return False
        day = found.date if found is not None else self.weeks[index.row()]
        slot = Slot(found.id, found.version) if found is not None else Slot()
        self.edit_requested.emit(self.kpis[index.column()].kpi_id, day, number, slot)
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
        row_of = {
            week + dt.timedelta(days=d): row for row, week in enumerate(weeks) for d in range(7)
        }
        column_of = {status.kpi_id: column for column, status in enumerate(statuses)}
        cells: dict[tuple[int, int], GridCell] = {}
        for found in kpi_service.grid_cells(ws=ws, kpi_ids=list(column_of), start=first):
            row = row_of.get(found.date)  # by KPI, oldest first: the week's last wins
            if row is not None:
                cells[(row, column_of[found.kpi_id])] = found
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

    def _on_model_edit_requested(
        self, kpi_id: int, day: dt.date, value: float | None, slot: Slot
    ) -> None:
        self.message.setVisible(False)
        name = next((k.name for k in self.model.kpis if k.kpi_id == kpi_id), "")
        self.ctx.run_edit(snapshot_edit(self.ctx, kpi_id, name, day, value, slot))

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
                targets.append((self.model.kpis[index.column()], found))
        if not targets:
            return
        stack = self.ctx.undo_stack
        if len(targets) > 1:
            stack.beginMacro(f"clear {len(targets)} snapshots")
        for kpi, found in targets:
            self.ctx.run_edit(
                snapshot_edit(
                    self.ctx, kpi.kpi_id, kpi.name, found.date, None, Slot(found.id, found.version)
                )
            )
        if len(targets) > 1:
            stack.endMacro()


def snapshot_edit(
    ctx: AppContext, kpi_id: int, name: str, day: dt.date, value: float | None, slot: Slot
) -> OperationCommand:
    """Set (None: clear) the snapshot of ``kpi_id`` on ``day``, expecting the cell's
    snapshot as it was shown (``slot``)."""

    def make(values: dict[str, Any], expect: Slot) -> OperationCommand:
        return SetSnapshotCommand(ctx, kpi_id, day, values["value"], kpi_name=name, expect=expect)

    return guard_slot(make, KpiSnapshot, slot, {"value": value}, label_for=lambda _name: "Value")
