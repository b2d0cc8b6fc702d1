"""List and table models over a Python list of records (small lists, held whole).

:class:`RowListModel` is a read-only list (for lists a delegate paints): a subclass answers
:meth:`RowListModel.row_data` for one record. :class:`RowTableModel` is a table with fixed,
titled columns: a subclass answers :meth:`RowTableModel.cell_data` for one record and
column, and may answer :meth:`RowTableModel.header_data` for more than the titles;
:class:`RecordTableModel` adds the look-ups by id for records that have one. Each model
checks the index, and ``set_rows`` swaps the whole list in one reset.

:class:`ColumnTableModel` is a :class:`RowTableModel` described column by column, for the
short tables a detail pane shows (an incident's timeline, a runbook's escalation path, a
quarter's figures): each :class:`Column` says how a record reads in it (text, tooltip,
colour, alignment) and whether the user may edit it. An edit is not stored in the model:
:attr:`ColumnTableModel.edited` reports it and the owner writes it through a service (an
undo step), then shows the rows read again with ``set_rows``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    Qt,
    Signal,
)
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


class _Rows(Generic[R]):
    """The records of a model, held whole: one row each (a mixin of the models below)."""

    rows: list[R]

    def set_rows(self, rows: Iterable[R]) -> None:
        self.beginResetModel()  # type: ignore[attr-defined]
        self.rows = list(rows)
        self.endResetModel()  # type: ignore[attr-defined]

    def rowCount(self, parent: Any = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def record_at(self, index: Any) -> R | None:
        """The record of ``index``'s row; None for an invalid index or a row out of range."""
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        return self.rows[index.row()]


class RowListModel(_Rows[R], QAbstractListModel):
    """The records in ``rows`` as the rows of a flat list."""

    #: What a record (at a row) shows for a role; None for a role it lacks. Each
    #: subclass defines it as ``def row_data(self, record, row, role)``.
    row_data: Callable[[R, int, int], Any]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows = []

    def data(self, index: Any, role: int = DISPLAY_ROLE) -> Any:
        record = self.record_at(index)
        return None if record is None else self.row_data(record, index.row(), role)


class RowTableModel(_Rows[R], QAbstractTableModel):
    """The records in ``rows`` as the rows of a table titled ``HEADERS``, a column each."""

    #: The column titles (a subclass sets them).
    HEADERS: Sequence[str] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows = []

    def columnCount(self, parent: Any = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Any, role: int = DISPLAY_ROLE) -> Any:
        record = self.record_at(index)
        return None if record is None else self.cell_data(record, index.column(), role)

    def cell_data(self, record: R, column: int, role: int) -> Any:
        """What ``record`` shows in ``column`` for ``role``; None for a role it lacks."""
        raise NotImplementedError

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = DISPLAY_ROLE
    ) -> Any:
        if orientation != HORIZONTAL or not 0 <= section < len(self.HEADERS):
            return None
        return self.header_data(section, role)

    def header_data(self, section: int, role: int) -> Any:
        """What the title of column ``section`` shows for ``role`` (its title to display)."""
        return self.HEADERS[section] if role == DISPLAY_ROLE else None


class Identified(Protocol):
    """A record with an id."""

    id: int


RI = TypeVar("RI", bound=Identified)


class RecordTableModel(RowTableModel[RI]):
    """A :class:`RowTableModel` of records with an ``id``."""

    def id_at(self, row: int) -> int | None:
        return self.rows[row].id if 0 <= row < len(self.rows) else None

    def row_of(self, record_id: int | None) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.id == record_id), None)


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column of a :class:`ColumnTableModel`: its header and how a record shows in it.

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


def edited_as_shown(header: str, text: Callable[[R], str], *, header_tip: str = "") -> Column[R]:
    """A column the user may edit, the editor starting from the text shown."""
    return Column(header, text, edit=text, header_tip=header_tip)


class ColumnTableModel(RowTableModel[R]):
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
        self._key = key
        self._brushes: dict[str, QBrush] = {}
        self._use_columns(columns)

    def set_columns(self, columns: Sequence[Column[R]]) -> None:
        """Show other columns (e.g. one per quarter), the rows kept."""
        self.beginResetModel()
        self._use_columns(columns)
        self.endResetModel()

    def _use_columns(self, columns: Sequence[Column[R]]) -> None:
        self.columns = list(columns)
        self.HEADERS = tuple(column.header for column in self.columns)

    def row_of_key(self, key: Any) -> int | None:
        if self._key is None:
            return None
        return next((i for i, r in enumerate(self.rows) if self._key(r) == key), None)

    def cell_text(self, row: int, column: int) -> str:
        return str(self.data(self.index(row, column)) or "")

    def flags(self, index: Any) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return EDITABLE_FLAGS if self.columns[index.column()].edit is not None else ITEM_FLAGS

    def cell_data(self, record: R, column: int, role: int) -> Any:
        spec = self.columns[column]
        if role == DISPLAY_ROLE:
            return spec.text(record)
        if role == EDIT_ROLE:
            return spec.edit(record) if spec.edit is not None else spec.text(record)
        if role == TOOLTIP_ROLE:
            return spec.tip(record) if spec.tip is not None else spec.text(record) or None
        if role == ALIGNMENT_ROLE:
            return _ALIGN[spec.align]
        if role == FOREGROUND_ROLE and spec.color is not None:
            name = spec.color(record)
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
            or self.record_at(index) is None
            or self.columns[index.column()].edit is None
        ):
            return False
        self.edited.emit(index.row(), index.column(), value)
        return True

    def header_data(self, section: int, role: int) -> Any:
        if role == TOOLTIP_ROLE:
            return self.columns[section].header_tip or self.columns[section].header
        return super().header_data(section, role)
