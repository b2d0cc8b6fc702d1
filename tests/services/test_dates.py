"""One date format everywhere: ISO by default, the locale's when chosen."""

from __future__ import annotations

import datetime as dt

from aipm_desktop.services import dates


def test_iso_is_the_default_and_needs_no_locale():
    assert dates.style() == dates.ISO
    assert dates.format_date(dt.date(2026, 3, 7)) == "2026-03-07"
    assert dates.format_date(dt.datetime(2026, 3, 7, 23, 30)) == "2026-03-07"
    assert dates.format_date(None) == "\u2013"
    assert dates.format_date(None, empty="never") == "never"
    assert dates.format_range(dt.date(2026, 1, 5), dt.date(2026, 2, 1)) == (
        "2026-01-05 \u2192 2026-02-01"
    )


def test_a_stored_utc_time_is_shown_in_local_time(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Kolkata")  # UTC+05:30, no daylight saving
    import time

    time.tzset()
    try:
        shown = dates.format_datetime(dt.datetime(2026, 12, 31, 20, 0))  # naive = UTC
        assert shown == "2027-01-01 01:30"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_the_locale_style_uses_the_locale_short_date(monkeypatch):
    monkeypatch.setenv("LC_ALL", "C")
    dates.set_style(dates.LOCALE)
    try:
        assert dates.style() == dates.LOCALE
        assert dates.format_date(dt.date(2026, 3, 7)) == "03/07/26"  # the C locale's %x
    finally:
        dates.set_style(dates.ISO)


def test_an_unknown_style_falls_back_to_iso():
    dates.set_style("roman")
    assert dates.style() == dates.ISO


def test_the_clock_can_be_pinned_and_the_app_follows_it():
    from aipm_desktop.services import clock, templates

    real = clock.today()
    clock.pin(dt.date(2030, 1, 2))
    try:
        assert clock.today() == dt.date(2030, 1, 2)
        assert templates.fill("Written {{date}}", title="t") == "Written 2030-01-02"
    finally:
        clock.pin(real)
    assert clock.today() == real
