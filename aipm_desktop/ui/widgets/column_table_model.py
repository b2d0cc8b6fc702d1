"""A small table model over a Python list of records, described column by column.

For the short tables a detail pane shows (an incident's timeline, a runbook's escalation
path, a quarter's figures): each :class:`Column` says how a record reads in it (text,
tooltip, colour, alignment) and whether the user may edit it. An edit is not stored in
the model: :attr:`ColumnTableModel.edited` reports it and the owner writes it through a
service (an undo step), then shows the rows read again with :meth:`set_rows`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from .roles import (
    ALIGNMENT_ROLE,
    DISPLAY_ROLE,
    FOREGROUND_ROLE,
    HORIZONTAL,
    ID_ROLE,
    ITEM_FLAGS,
    TOOLTIP_ROLE,
)

R = TypeVar("R")
EDIT_ROLE = Qt.ItemDataRole.EditRole
EDITABLE_FLAGS = ITEM_FLAGS | Qt.ItemFlag.ItemIsEditable
_ALIGN = {
    "left": int((Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter).value),
    "right": int((Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter).value),
    "center": int((Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter).value),
}


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: its header and how a record shows in it.

    ``text(record)`` is the cell; ``tip`` its tooltip (default: the text); ``color`` a
    ``#rrggbb`` text colour or ""; ``edit`` the value an editor starts from (the column is
    editable when given).
    """

    header: str
    text: Callable[[R], str]
    tip: Callable[[R], str | None] | None = None
    color: Callable[[R], str] | None = None
    align: str = "left"
    edit: Callable[[R], Any] | None = None
    header_tip: str = ""


class ColumnTableModel(QAbstractTableModel, Generic[R]):
    """The records in :attr:`rows`, one a row, in the given columns.

    ``key(record)`` is the id a row carries under ``ID_ROLE`` (default: none).

    Signals:
        edited(int, int, object): the user edited (row, column) to a value.
    """

    edited = Signal(int, int, object)

    def __init__(
        self,
        columns: Sequence[Column[R]],
        parent: QObject | None = None,
        *,
        key: Callable[[R], Any] | None = None,
    ) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[R] = []
        self._key = key
        self._brushes: dict[str, QBrush] = {}

    def set_rows(self, rows: Iterable[R]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def set_columns(self, columns: Sequence[Column[R]]) -> None:
        """Show other columns (e.g. one per quarter), the rows kept."""
        self.beginResetModel()
        self.columns = list(columns)
        self.endResetModel()

    def record(self, row: int) -> R | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def row_of_key(self, key: Any) -> int | None:
        if self._key is None:
            return None
        return next((i for i, r in enumerate(self.rows) if self._key(r) == key), None)

    def cell_text(self, row: int, column: int) -> str:
        return str(self.data(self.index(row, column)) or "")

    # -- QAbstractTableModel --------------------------------------------------------------

    def rowCount(self, parent: Any = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Any = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def flags(self, index: Any) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return EDITABLE_FLAGS if self.columns[index.column()].edit is not None else ITEM_FLAGS

    def data(self, index: Any, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        record = self.rows[index.row()]
        column = self.columns[index.column()]
        if role == DISPLAY_ROLE:
            return column.text(record)
        if role == EDIT_ROLE:
            return column.edit(record) if column.edit is not None else column.text(record)
        if role == TOOLTIP_ROLE:
            return column.tip(record) if column.tip is not None else column.text(record) or None
        if role == ALIGNMENT_ROLE:
            return _ALIGN[column.align]
        if role == FOREGROUND_ROLE and column.color is not None:
            name = column.color(record)
            if not name:
                return None
            brush = self._brushes.get(name)
            if brush is None:
                brush = self._brushes[name] = QBrush(QColor(name))
            return brush
        if role == ID_ROLE and self._key is not None:
            return self._key(record)
        return None

    def setData(self, index: Any, value: Any, role: int = EDIT_ROLE) -> bool:
        if (
            role != EDIT_ROLE
            or not index.isValid()
            or self.columns[index.column()].edit is None
            or not 0 <= index.row() < len(self.rows)
        ):
            return False
        self.edited.emit(index.row(), index.column(), value)
        return True

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = DISPLAY_ROLE
    ) -> Any:
        if orientation != HORIZONTAL or not 0 <= section < len(self.columns):
            return None
        if role == DISPLAY_ROLE:
            return self.columns[section].header
        if role == TOOLTIP_ROLE:
            return self.columns[section].header_tip or self.columns[section].header
        return None
