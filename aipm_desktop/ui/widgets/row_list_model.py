"""List and table models over a Python list of records (small lists, held whole).

:class:`RowListModel` is a read-only list (for lists a delegate paints): a subclass answers
:meth:`RowListModel.row_data` for one record. :class:`RowTableModel` is a table with fixed,
titled columns: a subclass answers :meth:`RowTableModel.cell_data` for one record and
column, and may answer :meth:`RowTableModel.header_data` for more than the titles;
:class:`RecordTableModel` adds the look-ups by id for records that have one. Each model
checks the index, and ``set_rows`` swaps the whole list in one reset.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QObject, Qt

from .roles import DISPLAY_ROLE, HORIZONTAL

R = TypeVar("R")


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
