"""The debounce timer: run a slot once, a fixed pause after the last request.

Typing, resizing or a burst of changes restarts the timer; the slot runs when the input
pauses (or at once when asked to).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


class Debouncer(QTimer):
    """A single-shot timer of ``delay_ms`` that calls ``slot`` when it runs out.

    ``start()`` (re)starts the pause; :meth:`request` does that or, ``immediate``, calls
    ``slot`` at once; ``isActive()`` is true while a call waits.
    """

    def __init__(self, parent: QObject, delay_ms: int, slot: Callable[[], object]) -> None:
        super().__init__(parent)
        self.setSingleShot(True)
        self.setInterval(delay_ms)
        self.timeout.connect(slot)
        self._slot = slot

    def request(self, immediate: bool = False) -> None:
        """Call the slot after the pause, or at once when ``immediate``."""
        if immediate:
            self._slot()
        else:
            self.start()
