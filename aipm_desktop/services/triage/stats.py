"""Feedback figures: counts per class and per failure cluster over time (by week or by
month), and the top clusters this month against last month.

A week starts on Monday, a month on its 1st; a period holds the items dated in it. The
queries group by day (read from the ``(date, class, cluster)`` index alone) and the days
are summed into periods here, so the SQL stays portable.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, select

from ...errors import UserError
from ...models import FeedbackClass
from ...store import Workspace
from .. import clock
from ..records import record_dict
from .data import CLASS_LABELS, FEEDBACK

PERIODS = ("week", "month")
#: The periods shown by default (the current one last).
DEFAULT_COUNT = {"week": 12, "month": 6}
#: The clusters drawn over time by default (the most frequent in the span).
DEFAULT_TOP = 6


def period_start(day: dt.date, period: str) -> dt.date:
    """The first day of the week (Monday) or month holding ``day``."""
    if period == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def _next_start(start: dt.date, period: str) -> dt.date:
    if period == "week":
        return start + dt.timedelta(days=7)
    return (start + dt.timedelta(days=32)).replace(day=1)


def _previous_start(start: dt.date, period: str) -> dt.date:
    if period == "week":
        return start - dt.timedelta(days=7)
    return (start - dt.timedelta(days=1)).replace(day=1)


def period_label(start: dt.date, period: str) -> str:
    """``2027-W03`` or ``Jan 2027``."""
    if period == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start:%b %Y}"


def _check_period(period: str) -> None:
    if period not in PERIODS:
        raise UserError(f"The period is week or month, not {period!r}.")


@dataclass(frozen=True)
class Series:
    """One line of a chart: a class or a cluster, its count in each period."""

    key: str
    label: str
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class TimeCounts:
    """Counts per period (oldest first, the current one last) of each class or cluster."""

    period: str
    starts: tuple[dt.date, ...]
    series: tuple[Series, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(period_label(s, self.period) for s in self.starts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "periods": list(self.labels),
            "starts": [s.isoformat() for s in self.starts],
            "series": {s.label: list(s.counts) for s in self.series},
        }


def _starts(period: str, count: int | None, today: dt.date, first: dt.date | None) -> list[dt.date]:
    current = period_start(today, period)
    starts = [current]
    while True:
        previous = _previous_start(starts[-1], period)
        if count is not None and len(starts) >= count:
            break
        if count is None and (first is None or previous < period_start(first, period)):
            break
        starts.append(previous)
    return starts[::-1]


def _first_day(ws: Workspace) -> dt.date | None:
    with ws.engine.connect() as conn:
        value = conn.execute(select(func.min(FEEDBACK.c.date))).scalar()
    return value if isinstance(value, dt.date) else None


def _day_counts(
    ws: Workspace, column: Any, start: dt.date, end: dt.date
) -> list[tuple[dt.date, str, int]]:
    where = [FEEDBACK.c.date >= start, FEEDBACK.c.date < end]
    if column is FEEDBACK.c.cluster:
        where.append(FEEDBACK.c.cluster != "")
    query = (
        select(FEEDBACK.c.date, column, func.count())
        .where(and_(*where))
        .group_by(FEEDBACK.c.date, column)
    )
    with ws.engine.connect() as conn:
        return [(day, str(key), int(n)) for day, key, n in conn.execute(query)]


def _bucket(
    rows: list[tuple[dt.date, str, int]], starts: list[dt.date], period: str
) -> dict[str, list[int]]:
    index = {start: i for i, start in enumerate(starts)}
    out: dict[str, list[int]] = defaultdict(lambda: [0] * len(starts))
    for day, key, n in rows:
        position = index.get(period_start(day, period))
        if position is not None:
            out[key][position] += n
    return out


def _counted(
    ws: Workspace, column: Any, period: str, count: int | None, today: dt.date | None
) -> tuple[list[dt.date], dict[str, list[int]]]:
    """The periods asked for (see :func:`counts_by_class`) and the items per value of
    ``column`` in each."""
    _check_period(period)
    today = today or clock.today()
    count = DEFAULT_COUNT[period] if count is None else count
    starts = _starts(period, count or None, today, _first_day(ws) if not count else None)
    end = _next_start(starts[-1], period)
    return starts, _bucket(_day_counts(ws, column, starts[0], end), starts, period)


def counts_by_class(
    *, ws: Workspace, period: str = "month", count: int | None = None, today: dt.date | None = None
) -> TimeCounts:
    """Items per class in each of the last ``count`` periods (None: 6 months or 12
    weeks; 0: since the first item). Every class has a series, untriaged last."""
    starts, buckets = _counted(ws, FEEDBACK.c.triage_class, period, count, today)
    order = [k.value for k in FeedbackClass if k is not FeedbackClass.UNTRIAGED]
    order.append(FeedbackClass.UNTRIAGED.value)
    series = tuple(
        Series(key, CLASS_LABELS[key], tuple(buckets.get(key, [0] * len(starts)))) for key in order
    )
    return TimeCounts(period, tuple(starts), series)


def counts_by_cluster(
    *,
    ws: Workspace,
    period: str = "month",
    count: int | None = None,
    top: int = DEFAULT_TOP,
    today: dt.date | None = None,
) -> TimeCounts:
    """Items per failure cluster in each period, for the ``top`` clusters with the most
    items in the span (most first); items without a cluster are left out."""
    starts, buckets = _counted(ws, FEEDBACK.c.cluster, period, count, today)
    ranked = sorted(buckets.items(), key=lambda kv: (-sum(kv[1]), kv[0].casefold()))[:top]
    series = tuple(Series(name, name, tuple(values)) for name, values in ranked)
    return TimeCounts(period, tuple(starts), series)


@dataclass(frozen=True)
class ClusterChange:
    """A failure cluster's items this month and last month."""

    cluster: str
    this_month: int
    last_month: int

    @property
    def change(self) -> int:
        return self.this_month - self.last_month

    def as_dict(self) -> dict[str, Any]:
        return record_dict(self, change=self.change)


@dataclass(frozen=True)
class TopClusters:
    """The clusters of this month and last, this month's largest first."""

    this_month: dt.date
    last_month: dt.date
    rows: tuple[ClusterChange, ...]

    def as_dict(self) -> dict[str, Any]:
        return {
            "this_month": self.this_month.isoformat(),
            "last_month": self.last_month.isoformat(),
            "clusters": [r.as_dict() for r in self.rows],
        }


def top_clusters(*, ws: Workspace, today: dt.date | None = None, limit: int = 10) -> TopClusters:
    """The ``limit`` clusters with the most items this month (then last month's most),
    each with last month's count: which failure clusters grow."""
    today = today or clock.today()
    this_start = period_start(today, "month")
    last_start = _previous_start(this_start, "month")
    next_start = _next_start(this_start, "month")
    this_count = func.sum(case((FEEDBACK.c.date >= this_start, 1), else_=0))
    query = (
        select(FEEDBACK.c.cluster, this_count, func.count())
        .where(
            FEEDBACK.c.date >= last_start,
            FEEDBACK.c.date < next_start,
            FEEDBACK.c.cluster != "",
        )
        .group_by(FEEDBACK.c.cluster)
    )
    with ws.engine.connect() as conn:
        found = [
            ClusterChange(str(name), int(now or 0), int(both) - int(now or 0))
            for name, now, both in conn.execute(query)
        ]
    found.sort(key=lambda c: (-c.this_month, -c.last_month, c.cluster.casefold()))
    return TopClusters(this_start, last_start, tuple(found[:limit]))


@dataclass(frozen=True)
class FeedbackStats:
    """What ``aipm feedback stats`` prints: totals per class, counts over time per class
    and cluster, and the top clusters this month against last."""

    total: int
    per_class: dict[str, int]
    by_class: TimeCounts
    by_cluster: TimeCounts
    top: TopClusters

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "per_class": dict(self.per_class),
            "by_class": self.by_class.as_dict(),
            "by_cluster": self.by_cluster.as_dict(),
            "top_clusters": self.top.as_dict(),
        }


def feedback_stats(
    *, ws: Workspace, period: str = "month", count: int | None = None, today: dt.date | None = None
) -> FeedbackStats:
    """Every figure of the feedback inbox (see :class:`FeedbackStats`)."""
    query = select(FEEDBACK.c.triage_class, func.count()).group_by(FEEDBACK.c.triage_class)
    with ws.engine.connect() as conn:
        counted = {str(k): int(n) for k, n in conn.execute(query)}
    per_class = {label: counted.get(key, 0) for key, label in CLASS_LABELS.items()}
    return FeedbackStats(
        total=sum(counted.values()),
        per_class=per_class,
        by_class=counts_by_class(ws=ws, period=period, count=count, today=today),
        by_cluster=counts_by_cluster(ws=ws, period=period, count=count, today=today),
        top=top_clusters(ws=ws, today=today),
    )
