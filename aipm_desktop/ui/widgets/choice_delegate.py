"""Delegates for editable table cells: a choice (a status) or a number (a weight), painted
as text and edited with a combo / spin box that exists only while the cell is edited.

The cell keeps the stored value under :data:`VALUE_ROLE` and its label as display text;
choosing writes both (so the view's ``itemChanged`` / ``dataChanged`` tells the owner to
store the edit). This replaces a combo box widget per row (``setCellWidget``), which costs
a widget per row to build and lay out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

VALUE_ROLE = Qt.ItemDataRole.UserRole + 20
_DISPLAY = Qt.ItemDataRole.DisplayRole


class ChoiceDelegate(QStyledItemDelegate):
    """Edit a cell with a combo over ``choices`` (``(value, label)`` pairs)."""

    def __init__(self, choices: Sequence[tuple[Any, str]], parent: Any = None) -> None:
        super().__init__(parent)
        self.choices = tuple(choices)

    def label(self, value: Any) -> str:
        return next((label for v, label in self.choices if v == value), str(value or ""))

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Any) -> QWidget:
        combo = QComboBox(parent)
        for value, label in self.choices:
            combo.addItem(label, value)
        combo.activated.connect(lambda _i, c=combo: self._on_combo_activated(c))
        return combo

    def setEditorData(self, editor: QWidget, index: Any) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(index.data(VALUE_ROLE)), 0))

    def setModelData(self, editor: QWidget, model: Any, index: Any) -> None:
        if isinstance(editor, QComboBox):
            value = editor.currentData()
            if value != index.data(VALUE_ROLE):
                model.setData(index, self.label(value), _DISPLAY)
                model.setData(index, value, VALUE_ROLE)

    def _on_combo_activated(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo)


class NumberDelegate(QStyledItemDelegate):
    """Edit a cell holding a number (under :data:`VALUE_ROLE`) with a spin box made only
    while the cell is edited; the display text is the number as ``{:g}``."""

    def __init__(
        self, minimum: float, maximum: float, decimals: int = 1, parent: Any = None
    ) -> None:
        super().__init__(parent)
        self.minimum, self.maximum, self.decimals = minimum, maximum, decimals

    @staticmethod
    def text(value: float) -> str:
        return f"{value:g}"

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Any) -> QWidget:
        spin = QDoubleSpinBox(parent)
        spin.setRange(self.minimum, self.maximum)
        spin.setDecimals(self.decimals)
        spin.setKeyboardTracking(False)
        spin.setFrame(False)
        return spin

    def setEditorData(self, editor: QWidget, index: Any) -> None:
        if isinstance(editor, QDoubleSpinBox):
            value = index.data(VALUE_ROLE)
            editor.setValue(float(value) if value is not None else self.minimum)

    def setModelData(self, editor: QWidget, model: Any, index: Any) -> None:
        if isinstance(editor, QDoubleSpinBox):
            editor.interpretText()
            value = float(editor.value())
            if value != index.data(VALUE_ROLE):
                model.setData(index, self.text(value), _DISPLAY)
                model.setData(index, value, VALUE_ROLE)
