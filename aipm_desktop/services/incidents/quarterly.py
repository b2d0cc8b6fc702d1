"""Incident figures over several quarters, for the Operations area's Figures tab.

:func:`quarterly_stats` computes :func:`~.stats.stats` for each quarter from the one of
the first detected incident to the current quarter (the latest ``count`` of them), so the
quarters line up in a table and a chart. :func:`figures_table` lays those figures out as
rows (a figure each: counts by severity and category, hours to acknowledge and to
mitigate as median and p90, the share with a completed review) by quarter columns, as
text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from ...models import Incident
from .. import clock
from ..listing import FORMATTERS
from .stats import IncidentStats, Quarter, stats

if TYPE_CHECKING:
    from ...store import Workspace

#: Quarters shown when the caller does not say.
DEFAULT_QUARTERS = 4
#: The most quarters one table or chart holds.
MAX_QUARTERS = 16


def quarter_span(first: Quarter, last: Quarter) -> list[Quarter]:
    """Every quarter from ``first`` to ``last``, both included (none if ``last`` is
    earlier)."""
    quarters = []
    year, number = first.year, first.number
    while (year, number) <= (last.year, last.number):
        quarters.append(Quarter(year, number))
        year, number = (year + 1, 1) if number == 4 else (year, number + 1)
    return quarters


def quarterly_stats(
    *, ws: Workspace, count: int | None = DEFAULT_QUARTERS, today: dt.date | None = None
) -> list[IncidentStats]:
    """The figures of the latest ``count`` quarters (None: every quarter since the first
    incident, at most :data:`MAX_QUARTERS`), oldest first, ending with the current one;
    each quarter as :func:`~.stats.stats` computes it (one query a quarter).

    A workspace without incidents gets the current quarter alone (all zero)."""
    i = Incident.__table__  # type: ignore[attr-defined]
    current = Quarter.of(today or clock.today())
    with ws.engine.connect() as conn:
        first_detected = conn.execute(select(func.min(i.c.detected_at))).scalar()
    first = Quarter.of(_day(first_detected)) if first_detected is not None else current
    span = quarter_span(min(first, current, key=lambda q: (q.year, q.number)), current)
    limit = MAX_QUARTERS if count is None else max(1, min(int(count), MAX_QUARTERS))
    return [stats(ws=ws, quarter=quarter) for quarter in span[-limit:]]


def _day(value: dt.datetime | str) -> dt.date:
    if isinstance(value, str):  # SQLite's MIN() of a timestamp column comes back as text
        value = dt.datetime.fromisoformat(value)
    return value.date()


@dataclass(frozen=True)
class FigureRow:
    """One row of the figures table: a label, its group and one text per quarter."""

    group: str
    label: str
    values: tuple[str, ...]
    #: The numbers behind ``values`` (None where there is none), for sorting and charts.
    numbers: tuple[float | None, ...] = ()


def hours_text(value: float | None) -> str:
    """``45 min`` below two hours, else ``3.5 h``; ``-`` for no value."""
    return FORMATTERS["hours"](value) or "-"


def figures_table(stats: Sequence[IncidentStats]) -> tuple[list[str], list[FigureRow]]:
    """``(quarter labels, rows)``: the figures of ``stats`` as a table, a figure a row."""
    headers = [s.quarter for s in stats]
    rows: list[FigureRow] = []

    def add(group: str, label: str, numbers: list[float | None], text: list[str]) -> None:
        rows.append(FigureRow(group, label, tuple(text), tuple(numbers)))

    def counts(group: str, label: str, values: list[int]) -> None:
        add(group, label, [float(v) for v in values], [str(v) for v in values])

    counts("Incidents", "Detected", [s.total for s in stats])
    severities = list(dict.fromkeys(k for s in stats for k in s.by_severity))
    for severity in severities:
        counts("Severity", severity.upper(), [s.by_severity.get(severity, 0) for s in stats])
    categories = list(dict.fromkeys(k for s in stats for k in s.by_category))
    for name in categories:
        counts("Category", name, [s.by_category.get(name, 0) for s in stats])
    for group, attribute in (
        ("To acknowledge", "acknowledge"),
        ("To mitigate", "mitigate"),
    ):
        figures = [getattr(s, attribute) for s in stats]
        for label, field in (("Median", "median_hours"), ("p90", "p90_hours")):
            values = [getattr(f, field) for f in figures]
            add(group, label, values, [hours_text(v) for v in values])
    shares = [s.share_reviewed for s in stats]
    add(
        "Review",
        "Completed",
        shares,
        [
            "-" if share is None else f"{share:.0%} ({s.reviewed} of {s.total})"
            for share, s in zip(shares, stats, strict=True)
        ],
    )
    return headers, rows
