"""A read-only list model over a Python list of records, for lists a delegate paints.

A subclass answers :meth:`RowListModel.row_data` for one record; the model checks the
index, and :meth:`RowListModel.set_rows` swaps the whole list in one reset.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject

from .roles import DISPLAY_ROLE

R = TypeVar("R")


class RowListModel(QAbstractListModel, Generic[R]):
    """The records in ``rows`` as the rows of a flat list."""

    #: What a record (at a row) shows for a role; None for a role it lacks. Each
    #: subclass defines it as ``def row_data(self, record, row, role)``.
    row_data: Callable[[R, int, int], Any]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[R] = []

    def set_rows(self, rows: Iterable[R]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Any = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Any, role: int = DISPLAY_ROLE) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        return self.row_data(self.rows[index.row()], index.row(), role)
