"""The filter line edit above every list: debounced, clearable, Escape clears."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

KEY_ESCAPE = Qt.Key.Key_Escape
NO_MODIFIER = Qt.KeyboardModifier.NoModifier


class FilterBox(QLineEdit):
    """A line edit whose text filters a list, reported once typing pauses.

    Escape clears the text (and reports the empty filter at once); when the box is
    already empty, Escape passes on to the parent (e.g. to close a dialog).

    Signals:
        filter_changed(str): the filter text, stripped, after typing paused for
            ``delay_ms`` (150 ms), or at once when cleared with Escape. Emitted only
            when it differs from the last one reported.
    """

    filter_changed = Signal(str)

    PLACEHOLDER = "Filter… (Ctrl+F)"

    def __init__(self, parent: QWidget | None = None, *, delay_ms: int = 150) -> None:
        super().__init__(parent)
        self.setPlaceholderText(self.PLACEHOLDER)
        self.setClearButtonEnabled(True)
        self.setToolTip(
            "Show only rows containing every word typed here (in any column). Esc clears."
        )
        self._reported = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.textChanged.connect(self._on_self_text_changed)

    @property
    def filter_text(self) -> str:
        """The filter last reported through ``filter_changed``."""
        return self._reported

    def flush(self) -> None:
        """Report a pending change now instead of waiting for the pause."""
        self._timer.stop()
        self._on_timer_timeout()

    def focus_filter(self) -> None:
        """Put the cursor in the box with its text selected (the Ctrl+F action)."""
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.selectAll()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == KEY_ESCAPE and event.modifiers() == NO_MODIFIER and self.text():
            self.clear()
            self.flush()
            event.accept()
            return
        super().keyPressEvent(event)

    def _on_self_text_changed(self, _text: str) -> None:
        self._timer.start()

    def _on_timer_timeout(self) -> None:
        text = self.text().strip()
        if text != self._reported:
            self._reported = text
            self.filter_changed.emit(text)
