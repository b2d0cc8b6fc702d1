"""Small editors and badges shared by the Risks area's form, dialogs and tabs."""

from __future__ import annotations

import enum

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QLabel,
    QWidget,
)

from ..widgets.field_editors import enum_label

NOT_SET = "Not set"


def enum_text(value: str | enum.Enum | None) -> str:
    """``in_progress`` -> ``In progress``."""
    return "" if value is None else enum_label(value)


def text_color_on(background: str) -> str:
    """Dark or white text, whichever reads better on ``background``."""
    color = QColor(background)
    if not color.isValid():
        return "#1f2933"
    luminance = 0.299 * color.red() + 0.587 * color.green() + 0.114 * color.blue()
    return "#1f2933" if luminance > 150 else "#ffffff"


class Badge(QLabel):
    """A rounded coloured label: a risk level (``20 · critical``) or an AI Act tier."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("riskBadge")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.set_badge("", "")

    def set_badge(self, text: str, color: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))
        background = color or "#e4e7eb"
        self.setStyleSheet(
            f"QLabel#riskBadge {{ background: {background}; color: {text_color_on(background)};"
            " border-radius: 9px; padding: 3px 12px; font-weight: 600; }"
        )


class EnumCombo(QComboBox):
    """A combo over the members of a ``StrEnum`` (display text, stored value as data)."""

    def __init__(self, enum_cls: type[enum.Enum], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for member in enum_cls:
            self.addItem(enum_text(member), member.value)

    def value(self) -> str:
        return str(self.currentData())

    def set_value(self, value: str | enum.Enum) -> None:
        raw = value.value if isinstance(value, enum.Enum) else value
        index = self.findData(raw)
        self.blockSignals(True)
        self.setCurrentIndex(max(index, 0))
        self.blockSignals(False)


def split_level(text: str) -> tuple[str, str]:
    """``"Rare: may happen only ..."`` -> (``Rare``, ``may happen only ...``)."""
    name, sep, description = text.partition(":")
    return (name.strip(), description.strip()) if sep else (text.strip(), "")


class LevelCombo(QComboBox):
    """A 1-5 picker whose items name the anchored level (``4 · Likely``).

    With ``allow_unset`` the first item is "Not set" (value None). Each item's tooltip
    holds the level's anchored description.
    """

    def __init__(
        self, levels: tuple[str, ...], *, allow_unset: bool = False, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.levels = levels
        if allow_unset:
            self.addItem(NOT_SET, None)
        for number, text in enumerate(levels, start=1):
            name, description = split_level(text)
            self.addItem(f"{number} · {name}", number)
            self.setItemData(self.count() - 1, description or name, Qt.ItemDataRole.ToolTipRole)

    def value(self) -> int | None:
        data = self.currentData()
        return None if data is None else int(data)

    def set_value(self, value: int | None) -> None:
        index = self.findData(value) if value is not None else self.findData(None)
        self.blockSignals(True)
        self.setCurrentIndex(max(index, 0))
        self.blockSignals(False)

    def description(self) -> str:
        value = self.value()
        if value is None:
            return ""
        return split_level(self.levels[value - 1])[1]


class ListCompleter(QCompleter):
    """Completes the last item of a ``;``-separated list (framework references)."""

    def __init__(self, words: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(QStringListModel(words, self))
        self.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterMode(Qt.MatchFlag.MatchContains)

    def splitPath(self, path: str) -> list[str]:
        return [path.split(";")[-1].strip()]

    def pathFromIndex(self, index) -> str:
        completion = str(index.data())
        widget = self.widget()
        text = widget.text() if widget is not None and hasattr(widget, "text") else ""
        head = [part.strip() for part in text.split(";")[:-1] if part.strip()]
        return "; ".join([*head, completion])
