"""KPI status against thresholds, trend, staleness, and how values are written.

Status of a KPI is its latest snapshot against its thresholds, in the KPI's direction
(for ``lower_is_better`` KPIs such as hallucination rate or latency a smaller value is
better; thresholds then rise from target through warning to critical):

- ``critical``: at or past the critical threshold;
- ``on_target``: at or better than the target (checked before warning, so a target
  equal to the warning threshold counts as on target);
- ``warning``: at or past the warning threshold;
- ``off_target``: worse than the target but no threshold crossed;
- ``no_target``: no target set and no threshold crossed;
- ``no_data``: no snapshot yet.

Trend is the least-squares slope over the last ``window`` points (x in weeks), as a
change over the window relative to the series' level (``|mean|``): within
``FLAT_TOLERANCE`` (5 %) it is ``flat``; otherwise ``improving`` or ``worsening`` in the
KPI's direction. Fewer than :data:`MIN_TREND_POINTS` points give ``unknown``.

A KPI is stale when its latest snapshot is older than its frequency's period plus a grace
period (:data:`FREQUENCY_DAYS` + :data:`GRACE_DAYS`): daily 1 + 1 days, weekly 7 + 3,
biweekly 14 + 3, monthly 31 + 5, quarterly 92 + 10, per release 180 + 0. A KPI with no
snapshot at all is ``no_data``, not stale.

:func:`status_all` reads only the last ``window`` points of every KPI (one indexed query,
SQLAlchemy Core) and computes in Python.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from ...errors import NotFoundError, UserError
from ...models import Kpi, KpiSnapshot
from ...models.enums import Frequency, KpiDirection
from .. import clock
from ..records import from_row, record_dict

if TYPE_CHECKING:
    from ...store import Workspace


STATUS_LABELS: dict[str, str] = {
    "critical": "Critical",
    "warning": "Warning",
    "off_target": "Off target",
    "on_target": "On target",
    "no_target": "No target",
    "no_data": "No data",
}
#: Most urgent first: the order lists and alerts sort by.
STATUS_ORDER: dict[str, int] = {key: i for i, key in enumerate(STATUS_LABELS)}
TREND_LABELS: dict[str, str] = {
    "improving": "Improving",
    "flat": "Flat",
    "worsening": "Worsening",
    "unknown": "Unknown",
}
#: The period between two snapshots of each frequency, in days.
FREQUENCY_DAYS: dict[str, int] = {
    Frequency.DAILY: 1,
    Frequency.WEEKLY: 7,
    Frequency.BIWEEKLY: 14,
    Frequency.MONTHLY: 31,
    Frequency.QUARTERLY: 92,
    Frequency.PER_RELEASE: 180,
}
#: Extra days a snapshot may be late before its KPI counts as stale (data lands late).
GRACE_DAYS: dict[str, int] = {
    Frequency.DAILY: 1,
    Frequency.WEEKLY: 3,
    Frequency.BIWEEKLY: 3,
    Frequency.MONTHLY: 5,
    Frequency.QUARTERLY: 10,
    Frequency.PER_RELEASE: 0,
}
FREQUENCY_LABELS: dict[str, str] = {
    Frequency.DAILY: "Daily",
    Frequency.WEEKLY: "Weekly",
    Frequency.BIWEEKLY: "Every two weeks",
    Frequency.MONTHLY: "Monthly",
    Frequency.QUARTERLY: "Quarterly",
    Frequency.PER_RELEASE: "Per release",
}
DEFAULT_WINDOW = 8
MIN_TREND_POINTS = 3
#: A change over the trend window smaller than this share of the series' level is flat.
FLAT_TOLERANCE = 0.05


_EPS = 1e-9


# status ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class KpiStatus:
    """One tracked KPI with its latest value, status, trend and staleness."""

    kpi_id: int
    name: str
    unit: str
    direction: str
    frequency: str
    use_case_id: int | None
    latest_value: float | None
    latest_date: dt.date | None
    baseline: float | None
    target: float | None
    warning: float | None
    critical: float | None
    status: str
    trend: str
    slope_per_week: float | None
    stale: bool
    days_since: int | None
    points: int
    category: str = ""
    owner: str = ""

    @property
    def lower_is_better(self) -> bool:
        return self.direction == KpiDirection.LOWER_IS_BETTER

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (dates as ISO text)."""
        return record_dict(self)


def direction_sign(direction: str) -> float:
    """1 when a higher value is better, -1 for a ``lower_is_better`` KPI."""
    return -1.0 if direction == KpiDirection.LOWER_IS_BETTER else 1.0


def _at_or_better(value: float, threshold: float, sign: float) -> bool:
    """``value`` is at ``threshold`` or on its good side (a tiny tolerance for float noise)."""
    return sign * (value - threshold) >= -_EPS * max(1.0, abs(threshold))


def _at_or_worse(value: float, threshold: float, sign: float) -> bool:
    return sign * (value - threshold) <= _EPS * max(1.0, abs(threshold))


def classify(
    value: float | None,
    *,
    direction: str,
    target: float | None,
    warning: float | None,
    critical: float | None,
) -> str:
    """The status of ``value`` against the thresholds, in the KPI's direction."""
    if value is None:
        return "no_data"
    sign = direction_sign(direction)
    if critical is not None and _at_or_worse(value, critical, sign):
        return "critical"
    if target is not None and _at_or_better(value, target, sign):
        return "on_target"
    if warning is not None and _at_or_worse(value, warning, sign):
        return "warning"
    return "no_target" if target is None else "off_target"


def trend_of(
    dates: Sequence[dt.date],
    values: Sequence[float],
    *,
    direction: str,
    flat_tolerance: float = FLAT_TOLERANCE,
) -> tuple[str, float | None]:
    """``(trend, slope per week)`` of a series by least squares, in the KPI's direction.

    The slope is in the KPI's unit per week. The change it implies over the series' span,
    relative to the series' level (``|mean|``), decides ``flat``: within
    ``flat_tolerance`` it is flat, otherwise improving or worsening.
    """
    n = len(values)
    if n < MIN_TREND_POINTS or n != len(dates):
        return "unknown", None
    first = dates[0]
    xs = [(d - first).days / 7.0 for d in dates]
    mean_x = sum(xs) / n
    mean_y = sum(values) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx <= 0:
        return "unknown", None
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, values, strict=True))
    slope = sxy / sxx
    scale = abs(mean_y) or max(abs(v) for v in values)
    if scale == 0:
        return "flat", 0.0
    change = slope * (xs[-1] - xs[0]) / scale
    if abs(change) <= flat_tolerance:
        return "flat", slope
    return ("improving" if slope * direction_sign(direction) > 0 else "worsening"), slope


def stale_after_days(frequency: str) -> int:
    """Days without a snapshot after which a KPI of ``frequency`` is stale."""
    return FREQUENCY_DAYS.get(frequency, 7) + GRACE_DAYS.get(frequency, 3)


def is_stale(latest_date: dt.date | None, *, frequency: str, today: dt.date) -> bool:
    """True when the latest snapshot is older than the frequency's period plus grace."""
    if latest_date is None:
        return False
    return (today - latest_date).days > stale_after_days(frequency)


_KPI_COLUMNS = (
    "id",
    "name",
    "unit",
    "direction",
    "frequency",
    "use_case_id",
    "baseline",
    "target",
    "warning",
    "critical",
    "category",
    "owner",
)


def latest_snapshots(
    conn: Any, kpi_ids: Sequence[int] | None, depth: int
) -> dict[int, list[tuple[dt.date, float]]]:
    """The ``depth`` latest snapshots of each KPI in ``kpi_ids`` (None: every KPI),
    newest first, in one query."""
    if (kpi_ids is not None and not kpi_ids) or depth < 1:
        return {}
    k = Kpi.__table__  # type: ignore[attr-defined]
    s = KpiSnapshot.__table__  # type: ignore[attr-defined]
    # Per KPI, the date of its depth-th latest snapshot (one probe of the (kpi, date)
    # index each), then the snapshots from that date on: an index range per KPI.
    cutoff = (
        select(s.c.date)
        .where(s.c.kpi_id == k.c.id)
        .order_by(s.c.date.desc())
        .limit(1)
        .offset(depth - 1)
        .correlate(k)
        .scalar_subquery()
    )
    # MATERIALIZED (SQLite 3.35+, PostgreSQL 12+): the cut-offs are found once per KPI,
    # not once per snapshot row, which a flattened subquery would do.
    cuts = select(k.c.id.label("kpi_id"), cutoff.label("cutoff"))
    if kpi_ids is not None:
        cuts = cuts.where(k.c.id.in_(sorted(set(kpi_ids))))
    found_cuts = cuts.cte("cuts").prefix_with("MATERIALIZED")
    query = (
        select(s.c.kpi_id, s.c.date, s.c.value)
        .select_from(found_cuts)
        .join(
            s,
            (s.c.kpi_id == found_cuts.c.kpi_id)
            & (found_cuts.c.cutoff.is_(None) | (s.c.date >= found_cuts.c.cutoff)),
        )
        .order_by(s.c.kpi_id, s.c.date.desc())
    )
    found: dict[int, list[tuple[dt.date, float]]] = {}
    for kpi_id, day, value in conn.execute(query):
        found.setdefault(int(kpi_id), []).append((day, float(value)))
    return found


def _tail_points(
    ws: Workspace, window: int, kpi_id: int | None
) -> tuple[dict[int, list[tuple[dt.date, float]]], dict[int, int]]:
    """The last ``window`` points of every KPI (or one), oldest first, and point counts."""
    s = KpiSnapshot.__table__  # type: ignore[attr-defined]
    counts = select(s.c.kpi_id, func.count()).group_by(s.c.kpi_id)
    if kpi_id is not None:
        counts = counts.where(s.c.kpi_id == kpi_id)
    with ws.engine.connect() as conn:
        latest = latest_snapshots(conn, None if kpi_id is None else [kpi_id], window)
        totals = {kid: int(n) for kid, n in conn.execute(counts)}
    return {kid: points[::-1] for kid, points in latest.items()}, totals


def _statuses(
    ws: Workspace, today: dt.date | None, window: int, kpi_id: int | None
) -> list[KpiStatus]:
    if window < 1:
        raise UserError("the trend window must be at least one point.")
    today = today or clock.today()
    k = Kpi.__table__  # type: ignore[attr-defined]
    query = select(*(k.c[name] for name in _KPI_COLUMNS)).order_by(k.c.name, k.c.id)
    if kpi_id is not None:
        query = query.where(k.c.id == kpi_id)
    with ws.engine.connect() as conn:
        kpis = conn.execute(query).all()
    if kpi_id is not None and not kpis:
        raise NotFoundError(f"No KPI with id {kpi_id}.")
    tails, totals = _tail_points(ws, window, kpi_id)
    result: list[KpiStatus] = []
    for row in kpis:
        tail = tails.get(row.id, [])
        latest_date, latest_value = tail[-1] if tail else (None, None)
        trend, slope = trend_of([d for d, _ in tail], [v for _, v in tail], direction=row.direction)
        result.append(
            from_row(
                KpiStatus,
                row,
                kpi_id=row.id,
                latest_value=latest_value,
                latest_date=latest_date,
                status=classify(
                    latest_value,
                    direction=row.direction,
                    target=row.target,
                    warning=row.warning,
                    critical=row.critical,
                ),
                trend=trend,
                slope_per_week=slope,
                stale=is_stale(latest_date, frequency=row.frequency, today=today),
                days_since=None if latest_date is None else (today - latest_date).days,
                points=totals.get(row.id, 0),
            )
        )
    return result


def status_all(
    *, ws: Workspace, today: dt.date | None = None, window: int = DEFAULT_WINDOW
) -> list[KpiStatus]:
    """Status, trend and staleness of every tracked KPI, ordered by name."""
    return _statuses(ws, today, window, None)


def kpi_status(
    *, ws: Workspace, kpi_id: int, today: dt.date | None = None, window: int = DEFAULT_WINDOW
) -> KpiStatus:
    """Status, trend and staleness of one KPI (``NotFoundError`` if it does not exist)."""
    return _statuses(ws, today, window, kpi_id)[0]


# formatting -------------------------------------------------------------------------


def format_number(value: float | None) -> str:
    """A value as a person reads it: ``52,000``, ``71.4``, ``2.35``, ``0.0312``."""
    if value is None or not math.isfinite(value):
        return "\u2013"  # en dash
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 100:
        text = f"{value:.1f}"
    elif size >= 1:
        text = f"{value:.2f}"
    elif size == 0:
        return "0"
    else:
        text = f"{value:.3g}" if size >= 0.001 else f"{value:.2e}"
        return text
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_value(value: float | None, unit: str = "") -> str:
    """``4.2%``, ``3.1 s``, ``0.031 USD``."""
    text = format_number(value)
    if value is None or not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"
