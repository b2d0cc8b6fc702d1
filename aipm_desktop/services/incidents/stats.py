"""Incident figures per quarter: counts by severity and failure category, time to
acknowledge and to mitigate, and the share with a completed review.

An incident belongs to the quarter in which it was **detected** (UTC). Durations are in
hours: *time to acknowledge* is ``acknowledged_at - detected_at`` and *time to mitigate*
``mitigated_at - detected_at``, over the incidents of the quarter that have both
timestamps (the others are counted as ``pending``).

**Median and p90 use linear interpolation between closest ranks** (NumPy's default,
Excel's ``PERCENTILE.INC``): for ``n`` sorted values ``x[0] <= ... <= x[n-1]`` and a
share ``p``, the position is ``h = (n - 1) x p``; the result is
``x[floor(h)] + (h - floor(h)) x (x[floor(h) + 1] - x[floor(h)])``. So the median of
1, 2, 4, 10 hours is 3 hours, and their p90 is 4 + 0.7 x 6 = 8.2 hours. No values: None.

*Share reviewed* is the share of the quarter's incidents whose post-incident review is
complete (status *reviewed*, which stamps ``reviewed_at``); None without incidents.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ...errors import UserError
from ...models import FailureCategory, Incident, Severity
from .. import clock, records

if TYPE_CHECKING:
    from ...store import Workspace

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*Q\s*([1-4])\s*$", re.IGNORECASE)
UNCATEGORISED = "(no category)"


def percentile(values: Sequence[float], share: float) -> float | None:
    """The ``share`` (0-1) percentile of ``values`` by linear interpolation between
    closest ranks (see the module docstring); None for no values."""
    if not values:
        return None
    if not 0 <= share <= 1:
        raise ValueError("a percentile share lies between 0 and 1")
    ordered = sorted(values)
    h = (len(ordered) - 1) * share
    low = math.floor(h)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


@dataclass(frozen=True)
class Quarter:
    year: int
    number: int

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> dt.date:
        """The first day after the quarter."""
        if self.number == 4:
            return dt.date(self.year + 1, 1, 1)
        return dt.date(self.year, 3 * self.number + 1, 1)

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def parse(cls, text: str | None) -> Quarter:
        """``"2026Q4"`` (also ``2026-Q4``, ``2026 q4``); None or "": this quarter."""
        if text is None or not str(text).strip():
            return cls.of(clock.today())
        match = _QUARTER.match(str(text))
        if match is None:
            raise UserError(f"Not a quarter: {text!r}; write it like 2026Q4.")
        return cls(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class DurationFigures:
    """Hours from detection to a step, over the incidents that reached it."""

    count: int
    pending: int
    median_hours: float | None
    p90_hours: float | None


@dataclass(frozen=True)
class IncidentStats:
    quarter: str
    start: dt.date
    end: dt.date  # first day after the quarter
    total: int
    by_severity: dict[str, int]
    by_category: dict[str, int]
    acknowledge: DurationFigures
    mitigate: DurationFigures
    reviewed: int
    share_reviewed: float | None
    incident_ids: tuple[int, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, Any]:
        return records.record_dict(
            self,
            acknowledge=records.record_dict(self.acknowledge),
            mitigate=records.record_dict(self.mitigate),
            incident_ids=list(self.incident_ids),
        )


@dataclass(frozen=True)
class IncidentFacts:
    """What the figures need of one incident (no database)."""

    id: int
    severity: str
    category: str | None
    status: str
    detected_at: dt.datetime
    acknowledged_at: dt.datetime | None
    mitigated_at: dt.datetime | None
    reviewed_at: dt.datetime | None


def _hours(start: dt.datetime, end: dt.datetime | None) -> float | None:
    if end is None:
        return None
    return (end - start).total_seconds() / 3600


def _durations(values: Sequence[float | None]) -> DurationFigures:
    known = [v for v in values if v is not None]
    return DurationFigures(
        count=len(known),
        pending=len(values) - len(known),
        median_hours=percentile(known, 0.5),
        p90_hours=percentile(known, 0.9),
    )


def compute_stats(
    facts: Sequence[IncidentFacts], quarter: Quarter, categories: Sequence[str] = ()
) -> IncidentStats:
    """The figures of ``quarter`` over ``facts`` (incidents detected in it are kept).

    ``categories`` lists the category names to report even at 0, in order.
    """
    start = dt.datetime.combine(quarter.start, dt.time(), tzinfo=dt.UTC)
    end = dt.datetime.combine(quarter.end, dt.time(), tzinfo=dt.UTC)
    inside = [f for f in facts if start <= _utc(f.detected_at) < end]
    by_severity = {s.value: 0 for s in Severity}
    by_category = {name: 0 for name in categories}
    for f in inside:
        by_severity[f.severity] = by_severity.get(f.severity, 0) + 1
        name = f.category or UNCATEGORISED
        by_category[name] = by_category.get(name, 0) + 1
    reviewed = sum(1 for f in inside if f.status == "reviewed" or f.reviewed_at is not None)
    return IncidentStats(
        quarter=quarter.label,
        start=quarter.start,
        end=quarter.end,
        total=len(inside),
        by_severity=by_severity,
        by_category=by_category,
        acknowledge=_durations(
            [_hours(_utc(f.detected_at), _utc_or_none(f.acknowledged_at)) for f in inside]
        ),
        mitigate=_durations(
            [_hours(_utc(f.detected_at), _utc_or_none(f.mitigated_at)) for f in inside]
        ),
        reviewed=reviewed,
        share_reviewed=reviewed / len(inside) if inside else None,
        incident_ids=tuple(f.id for f in inside),
    )


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _utc_or_none(moment: dt.datetime | None) -> dt.datetime | None:
    return None if moment is None else _utc(moment)


def stats(*, ws: Workspace, quarter: str | Quarter | None = None) -> IncidentStats:
    """The figures of ``quarter`` (``"2026Q4"``; default: this quarter)."""
    q = quarter if isinstance(quarter, Quarter) else Quarter.parse(quarter)
    i = Incident.__table__  # type: ignore[attr-defined]
    c = FailureCategory.__table__  # type: ignore[attr-defined]
    start = dt.datetime.combine(q.start, dt.time(), tzinfo=dt.UTC)
    end = dt.datetime.combine(q.end, dt.time(), tzinfo=dt.UTC)
    with ws.engine.connect() as conn:
        rows = conn.execute(
            select(
                i.c.id,
                i.c.severity,
                c.c.name.label("category"),
                i.c.status,
                i.c.detected_at,
                i.c.acknowledged_at,
                i.c.mitigated_at,
                i.c.reviewed_at,
            )
            .select_from(i.outerjoin(c, c.c.id == i.c.category_id))
            .where((i.c.detected_at >= start) & (i.c.detected_at < end))
        ).all()
        names = [n for (n,) in conn.execute(select(c.c.name).order_by(c.c.position, c.c.name))]
    facts = [records.from_row(IncidentFacts, r) for r in rows]
    return compute_stats(facts, q, names)
