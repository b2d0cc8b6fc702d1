"""A one-line label that gives way: it asks for its whole text's width, but can be
narrowed to a few characters, when it shows the start of its text with "…" and the whole
text in its tooltip.

A plain QLabel's minimum width is its text's width, so a long value (a document kind, an
approver and a date) in a row of a page forces the whole window wider than a laptop
screen. Style-sheet padding and borders still apply: the label draws itself as a QLabel,
only with a shortened text.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

#: Characters always shown (before "…") when the label is squeezed to its minimum.
MIN_CHARS = 4


class ElidedLabel(QLabel):
    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self._own_tip = ""
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setText(text)

    # The whole text, whatever is shown.
    def text(self) -> str:  # type: ignore[override]
        return self._full

    def setText(self, text: str) -> None:  # type: ignore[override]
        self._full = text
        super().setText(text)
        self.updateGeometry()
        self._elide()

    def setToolTip(self, tip: str) -> None:  # type: ignore[override]
        self._own_tip = tip
        self._elide()

    def _chrome(self) -> int:
        """Width the label adds around its text: margins, style-sheet padding and border,
        and the indent a framed label gives its text (QLabel's own hint counts them all)."""
        shown = super().text()
        return super().sizeHint().width() - self.fontMetrics().horizontalAdvance(shown)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(
            self.fontMetrics().horizontalAdvance(self._full) + self._chrome(), hint.height()
        )

    def minimumSizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        shown = self._full[:MIN_CHARS] + "…" if len(self._full) > MIN_CHARS else self._full
        return QSize(
            metrics.horizontalAdvance(shown) + self._chrome(), super().minimumSizeHint().height()
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        room = self.width() - self._chrome()
        metrics = self.fontMetrics()
        if metrics.horizontalAdvance(self._full) <= room:
            shown = self._full  # elidedText's own measure can be a pixel wider
        else:
            shown = metrics.elidedText(self._full, Qt.TextElideMode.ElideRight, max(room, 0))
        if shown != super().text():
            super().setText(shown)
        cut = shown != self._full
        super().setToolTip(self._own_tip or (self._full if cut else ""))
