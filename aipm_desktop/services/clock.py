"""The app's one clock for dates: what day it is on this computer.

Everything that asks "what day is it" (overdue reviews, stale KPIs, the timeline's today
line, default dates in forms, chart footers) asks :func:`today`. A test run pins the day
once (:func:`pin`), so a run that crosses midnight judges everything against the same
day instead of failing half-way.
"""

from __future__ import annotations

import datetime as dt

_pinned: dt.date | None = None


def today() -> dt.date:
    """Today's date on this computer (or the pinned day)."""
    return _pinned if _pinned is not None else dt.date.today()


def pin(day: dt.date | None) -> None:
    """Make :func:`today` return ``day`` from now on (None: follow the computer again)."""
    global _pinned
    _pinned = day
