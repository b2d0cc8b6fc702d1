"""The countdown of a case's time box, as a small QObject with an injectable clock."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

WARNING_SECONDS = 5 * 60
TICK_MS = 250

NORMAL = "normal"
WARNING = "warning"
OVER = "over"


def format_seconds(seconds: float) -> str:
    """``MM:SS`` (``H:MM:SS`` from an hour) of a non-negative duration."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class CountdownTimer(QObject):
    """Counts a time box down; keeps counting past zero as overtime.

    ``clock`` returns seconds from any fixed origin (default ``time.monotonic``); tests
    pass a fake one and call :meth:`refresh` instead of waiting.

    Signals:
        changed(): the time shown, the phase or the running state changed.
    """

    changed = Signal()

    def __init__(
        self,
        seconds: float = 0,
        *,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._duration = float(seconds)
        self._elapsed_before = 0.0
        self._started_at: float | None = None
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self.refresh)
        self._shown = ""

    @property
    def duration(self) -> float:
        return self._duration

    @property
    def running(self) -> bool:
        return self._started_at is not None

    def set_duration(self, seconds: float) -> None:
        """A new time box; stops and resets the countdown."""
        self._duration = float(seconds)
        self.reset()

    def start(self) -> None:
        if self._started_at is None:
            self._started_at = self._clock()
            self._ticker.start()
            self._emit(force=True)

    def pause(self) -> None:
        if self._started_at is not None:
            self._elapsed_before += self._clock() - self._started_at
            self._started_at = None
            self._ticker.stop()
            self._emit(force=True)

    def reset(self) -> None:
        self._ticker.stop()
        self._started_at = None
        self._elapsed_before = 0.0
        self._emit(force=True)

    def elapsed(self) -> float:
        running = 0.0 if self._started_at is None else self._clock() - self._started_at
        return self._elapsed_before + running

    def remaining(self) -> float:
        """Seconds left; negative in overtime."""
        return self._duration - self.elapsed()

    def phase(self) -> str:
        """``"normal"``, ``"warning"`` (last 5 minutes) or ``"over"`` (time is up)."""
        left = self.remaining()
        if left <= 0:
            return OVER
        if left <= WARNING_SECONDS:
            return WARNING
        return NORMAL

    def text(self) -> str:
        """What the clock shows: ``12:34`` left, or ``+01:05 over``."""
        left = self.remaining()
        if left > 0:
            # Round up, so the clock shows 00:01 until the very end and 45:00 at the start.
            return format_seconds(-(-left // 1))
        return f"+{format_seconds(-left)} over"

    def refresh(self) -> None:
        """Re-read the clock; emits :attr:`changed` when what is shown changed."""
        self._emit()

    def _emit(self, *, force: bool = False) -> None:
        shown = f"{self.text()}|{self.phase()}|{self.running}"
        if force or shown != self._shown:
            self._shown = shown
            self.changed.emit()
