"""Red text for overdue risks in the register list (review date passed, acceptance expired).

The list model knows nothing of colours; this delegate reads the row's "Overdue" cell
(the list spec's ``overdue`` column, derived in SQL by the risk service) and paints the
"Next review" and "Overdue" cells of an overdue row in red.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem, QWidget

OVERDUE_COLOR = QColor("#c62828")
_DISPLAY = Qt.ItemDataRole.DisplayRole
_TEXT_ROLE = QPalette.ColorRole.Text


class OverdueDelegate(QStyledItemDelegate):
    """Paints the review columns of overdue rows red and bold."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.overdue_column = -1
        self.review_column = -1

    def is_overdue(self, index: QModelIndex | QPersistentModelIndex) -> bool:
        if self.overdue_column < 0:
            return False
        cell = index.siblingAtColumn(self.overdue_column)
        return cell.data(_DISPLAY) == "Yes"

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        if index.column() in (self.overdue_column, self.review_column) and self.is_overdue(index):
            option.palette.setColor(_TEXT_ROLE, OVERDUE_COLOR)
            option.font.setBold(True)
