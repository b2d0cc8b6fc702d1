"""Views that read their data only when it can be seen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class RefreshWhenShown:
    """Mixin (before the Qt base) for a widget that reads its data in ``refresh()``.

    ``invalidate()`` marks the data stale: a visible widget refreshes at once, a hidden
    one when it is next shown. ``refresh()`` clears ``_dirty``.
    """

    _dirty: bool = True
    #: Read the data and show it (each view defines it).
    refresh: Callable[[], None]

    def begin_refresh(self) -> Any:
        """How ``refresh()`` starts: the data is read now (no longer stale); returns the
        open workspace of ``self.ctx`` (None: nothing to read)."""
        ws = self.ctx.workspace  # type: ignore[attr-defined]
        self._dirty = False
        return ws

    def invalidate(self) -> None:
        """The data changed: refresh now when visible, else when next shown."""
        self._dirty = True
        if self.isVisible():  # type: ignore[attr-defined]
            self.refresh()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)  # type: ignore[misc]
        if self._dirty:
            self.refresh()
