"""Combo boxes the list filters share."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtWidgets import QComboBox


def filter_combo(all_text: str) -> QComboBox:
    """A filter combo whose first choice, ``all_text`` (data None), filters nothing; it
    sizes itself to about eight characters and its icon."""
    combo = QComboBox()
    combo.addItem(all_text, None)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(8)
    return combo


def chosen_filters(combos: Iterable[tuple[str, QComboBox]]) -> dict[str, Any]:
    """``{key: chosen data}`` for each ``(key, combo)`` whose choice is not the first
    ("All …") one."""
    return {key: combo.currentData() for key, combo in combos if combo.currentIndex() > 0}


def choice_combo(
    name: str,
    items: Iterable[tuple[str, Any]],
    current: Any,
    on_change: Callable[[int], object],
) -> QComboBox:
    """A combo named ``name`` offering ``(label, data)`` items, showing the item whose data
    is ``current``, that calls ``on_change(index)`` when the choice changes."""
    combo = QComboBox()
    combo.setObjectName(name)
    for label, data in items:
        combo.addItem(label, data)
    combo.setCurrentIndex(combo.findData(current))
    combo.currentIndexChanged.connect(on_change)
    return combo
