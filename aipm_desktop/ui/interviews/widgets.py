"""Small widgets shared by the Interviews tabs."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QWidget

from ..widgets.page_header import named_label


class NotesEdit(QPlainTextEdit):
    """A plain-text box that reports when the user leaves it after typing.

    Signals:
        editing_finished(): focus left the box and its text was changed since it was set.
    """

    editing_finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self._original = ""

    def set_text(self, text: str) -> None:
        """Show ``text`` unless the user is typing here."""
        if self.hasFocus() and self.toPlainText() != self._original:
            return
        self._original = text
        if self.toPlainText() != text:
            self.setPlainText(text)

    def is_modified(self) -> bool:
        return self.toPlainText() != self._original

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.finish()

    def finish(self) -> None:
        """Report the edit (as leaving the box does)."""
        if self.is_modified():
            self._original = self.toPlainText()
            self.editing_finished.emit()


def section_label(text: str) -> QLabel:
    label = named_label(text, "sectionTitle")
    return label


def muted_label(text: str = "", *, wrap: bool = True) -> QLabel:
    label = named_label(text, "mutedLabel")
    label.setWordWrap(wrap)
    return label


def empty_state(text: str) -> QLabel:
    label = named_label(text, "emptyState", wrap=True)
    label.setMargin(24)
    from PySide6.QtCore import Qt

    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def repolish(widget: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()
