"""One way to show dates everywhere: ISO (``2026-12-06``) by default, the locale's if chosen.

Every date or time a person reads (lists, forms, the overview, messages, chart labels of
single days, exports meant for reading) goes through :func:`format_date` or
:func:`format_datetime`; data files (CSV, JSON, XLSX cells) always keep ISO dates.

The style is process-wide: the GUI sets it from the user's preference at start-up and
when the preference changes (Workspace settings ▸ Date format); the CLI keeps ISO. The
Qt date pickers follow it through ``ui.widgets.field_editors.date_display_format``.
"""

from __future__ import annotations

import datetime as dt
import locale
import threading

ISO = "iso"
LOCALE = "locale"
STYLES = {ISO: "ISO 8601 (2026-12-06)", LOCALE: "This computer's regional format"}

_lock = threading.Lock()
_style = ISO
#: What stands for "no date" (an en dash).
NO_DATE = "\u2013"


def style() -> str:
    """The current style: :data:`ISO` or :data:`LOCALE`."""
    return _style


def set_style(name: str) -> None:
    """Use ``name`` (:data:`ISO` or :data:`LOCALE`) from now on (unknown names: ISO)."""
    global _style
    with _lock:
        if name == LOCALE:
            try:
                locale.setlocale(locale.LC_TIME, "")
            except locale.Error:
                name = ISO  # a broken locale setting: fall back rather than fail
        _style = name if name in STYLES else ISO


def format_date(day: dt.date | dt.datetime | None, empty: str = NO_DATE) -> str:
    """``2026-12-06`` (or the locale's short date); ``empty`` for no date."""
    if day is None:
        return empty
    if isinstance(day, dt.datetime):
        day = day.date()
    if _style == LOCALE:
        return day.strftime("%x")
    return day.isoformat()


def format_datetime(moment: dt.datetime | None, empty: str = NO_DATE) -> str:
    """``2026-12-06 14:05`` in local time (naive values are taken as UTC, as stored)."""
    if moment is None:
        return empty
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    local = moment.astimezone()
    if _style == LOCALE:
        return f"{local:%x} {local:%H:%M}"
    return f"{local:%Y-%m-%d %H:%M}"


def format_range(start: dt.date, end: dt.date) -> str:
    """``2026-12-06 → 2027-01-28``."""
    return f"{format_date(start)} → {format_date(end)}"
