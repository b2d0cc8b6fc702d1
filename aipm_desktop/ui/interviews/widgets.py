"""Small widgets shared by the Interviews tabs."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QPlainTextEdit, QWidget

from ..widgets import builders
from ..widgets.page_header import named_label

USER_ROLE = Qt.ItemDataRole.UserRole
#: The tables whose changes the candidate, interview and comparison tabs show.
INTERVIEW_KINDS = (
    "candidate",
    "case_exercise",
    "evaluation",
    "rating",
    "scorecard",
    "scorecard_dimension",
    "scorecard_signal",
)


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


def list_id(view: QListWidget) -> int | None:
    """The id (``UserRole``) of the list's current item, or None."""
    item = view.currentItem()
    return None if item is None else item.data(USER_ROLE)


def refill_list(view: QListWidget, entries: Iterable[tuple[QListWidgetItem, int]]) -> None:
    """Replace the list's items by ``(item, id)`` entries without signalling each step;
    the current id stays current when still there, else the first row becomes current."""
    current = list_id(view)
    view.blockSignals(True)
    view.clear()
    ids = []
    for item, entry_id in entries:
        item.setData(USER_ROLE, entry_id)
        view.addItem(item)
        ids.append(entry_id)
    view.blockSignals(False)
    if ids:
        view.setCurrentRow(ids.index(current) if current in ids else 0)


def section_label(text: str) -> QLabel:
    label = named_label(text, "sectionTitle")
    return label


def muted_label(text: str = "", *, wrap: bool = True) -> QLabel:
    label = named_label(text, "mutedLabel")
    label.setWordWrap(wrap)
    return label


def empty_state(text: str) -> QLabel:
    return builders.empty_state(text, margin=24)


def repolish(widget: QWidget) -> None:
    """Re-apply the style sheet after a dynamic property changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()
