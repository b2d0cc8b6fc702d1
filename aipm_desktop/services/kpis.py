"""KPIs: status against thresholds, trend, staleness, snapshots, import and export.

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

Reading uses SQLAlchemy Core: :func:`status_all` reads only the last ``window`` points of
every KPI (one indexed query) and computes in Python. Imports validate every row first
(:func:`preview_import`) and write all-or-nothing (:func:`apply_import`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pydantic
from sqlalchemy import and_, func, insert, select, update
from sqlalchemy import bindparam as bp
from sqlalchemy import exc as sa_exc

from ..errors import NotFoundError, ReadOnlyError, UserError, ValidationError
from ..models import (
    Incident,
    Kpi,
    KpiCatalogEntry,
    KpiSnapshot,
    KpiSnapshotCreate,
    Release,
    UseCase,
    utcnow,
)
from ..models.enums import Frequency, KpiDirection
from . import records
from .changes import Changes
from .tabular import read_rows, write_rows

if TYPE_CHECKING:
    from ..store import Workspace

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
DUPLICATE_CHOICES = ("replace", "skip")
IMPORT_COLUMNS: dict[str, str] = {
    "kpi": "KPI name, catalog key or id (required)",
    "date": "YYYY-MM-DD or a spreadsheet date (required)",
    "value": "a number (required)",
    "use_case": "use case title or id: the KPI must be tracked for it (optional)",
    "note": "text shown with the snapshot (optional)",
}
EXPORT_HEADER = ("kpi", "date", "value", "use_case", "note")
MAX_REPORTED_ERRORS = 20
_CHUNK = 2000  # rows per executemany batch and per progress call
_IN_CHUNK = 500  # ids per IN (...) list
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_RANGE = (10_000, 2_958_465)  # 1927-05-18 .. 9999-12-31 as spreadsheet serials
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
        return {
            "kpi_id": self.kpi_id,
            "name": self.name,
            "unit": self.unit,
            "direction": self.direction,
            "frequency": self.frequency,
            "use_case_id": self.use_case_id,
            "latest_value": self.latest_value,
            "latest_date": self.latest_date.isoformat() if self.latest_date else None,
            "baseline": self.baseline,
            "target": self.target,
            "warning": self.warning,
            "critical": self.critical,
            "status": self.status,
            "trend": self.trend,
            "slope_per_week": self.slope_per_week,
            "stale": self.stale,
            "days_since": self.days_since,
            "points": self.points,
            "category": self.category,
            "owner": self.owner,
        }


def _sign(direction: str) -> float:
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
    sign = _sign(direction)
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
    return ("improving" if slope * _sign(direction) > 0 else "worsening"), slope


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


def _tail_points(
    ws: Workspace, window: int, kpi_id: int | None
) -> tuple[dict[int, list[tuple[dt.date, float]]], dict[int, int]]:
    """The last ``window`` points of every KPI (or one), oldest first, and point counts."""
    s = KpiSnapshot.__table__  # type: ignore[attr-defined]
    inner = s.alias("newer")
    # The date of the window-th newest point of the row's KPI: an index seek per row.
    cutoff = (
        select(inner.c.date)
        .where(inner.c.kpi_id == s.c.kpi_id)
        .order_by(inner.c.date.desc())
        .limit(1)
        .offset(window - 1)
        .correlate(s)
        .scalar_subquery()
    )
    points = select(s.c.kpi_id, s.c.date, s.c.value).where(
        s.c.date >= func.coalesce(cutoff, s.c.date)
    )
    counts = select(s.c.kpi_id, func.count()).group_by(s.c.kpi_id)
    if kpi_id is not None:
        points = points.where(s.c.kpi_id == kpi_id)
        counts = counts.where(s.c.kpi_id == kpi_id)
    tails: dict[int, list[tuple[dt.date, float]]] = {}
    with ws.engine.connect() as conn:
        for kid, day, value in conn.execute(points.order_by(s.c.kpi_id, s.c.date)):
            tails.setdefault(kid, []).append((day, value))
        totals = {kid: int(n) for kid, n in conn.execute(counts)}
    return tails, totals


def _statuses(
    ws: Workspace, today: dt.date | None, window: int, kpi_id: int | None
) -> list[KpiStatus]:
    if window < 1:
        raise UserError("the trend window must be at least one point.")
    today = today or dt.date.today()
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
            KpiStatus(
                kpi_id=row.id,
                name=row.name,
                unit=row.unit,
                direction=row.direction,
                frequency=row.frequency,
                use_case_id=row.use_case_id,
                latest_value=latest_value,
                latest_date=latest_date,
                baseline=row.baseline,
                target=row.target,
                warning=row.warning,
                critical=row.critical,
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
                category=row.category,
                owner=row.owner,
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


# lookups ----------------------------------------------------------------------------


def find_kpi(*, ws: Workspace, ref: int | str) -> int:
    """The id of the KPI ``ref`` names: an id, a name (any case) or a catalog key.

    An unknown or ambiguous reference raises a :class:`UserError` naming close KPIs.
    """
    k = Kpi.__table__  # type: ignore[attr-defined]
    with ws.engine.connect() as conn:
        rows = conn.execute(select(k.c.id, k.c.name, k.c.catalog_key)).all()
    text = str(ref).strip()
    if isinstance(ref, int) or text.isdigit():
        wanted = int(text)
        if any(r.id == wanted for r in rows):
            return wanted
    folded = text.casefold()
    matches = [r.id for r in rows if r.name.casefold() == folded]
    if not matches:
        matches = [r.id for r in rows if r.catalog_key and r.catalog_key.casefold() == folded]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise UserError(f"{len(matches)} KPIs match {text!r}; give the KPI's name or id.")
    names = [r.name for r in rows]
    close = difflib.get_close_matches(text, names, n=5, cutoff=0.5)
    if not close:
        close = [n for n in names if folded and folded in n.casefold()][:5]
    if close:
        hint = "; did you mean " + ", ".join(repr(n) for n in close) + "?"
    elif names:
        hint = f"; tracked KPIs include {', '.join(repr(n) for n in names[:5])}."
    else:
        hint = "; this workspace tracks no KPIs yet."
    raise UserError(f"No KPI named {text!r}{hint}")


def get_kpi(*, ws: Workspace, kpi_id: int) -> Kpi:
    return records.get(ws=ws, model=Kpi, id=kpi_id)  # type: ignore[return-value]


def kpi_rows(*, ws: Workspace) -> list[dict[str, Any]]:
    """Every tracked KPI's definition with its use case title, ordered by name."""
    k = Kpi.__table__  # type: ignore[attr-defined]
    u = UseCase.__table__  # type: ignore[attr-defined]
    query = (
        select(
            k.c.id,
            k.c.name,
            k.c.catalog_key,
            k.c.unit,
            k.c.direction,
            k.c.frequency,
            k.c.baseline,
            k.c.target,
            k.c.warning,
            k.c.critical,
            k.c.category,
            k.c.owner,
            k.c.data_source,
            k.c.use_case_id,
            u.c.title.label("use_case"),
        )
        .select_from(k.outerjoin(u, u.c.id == k.c.use_case_id))
        .order_by(k.c.name, k.c.id)
    )
    with ws.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


# series, markers, before/after ------------------------------------------------------


def series(
    *,
    ws: Workspace,
    kpi_id: int,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> tuple[list[dt.date], list[float]]:
    """A KPI's snapshots (dates and values) oldest first, within ``[start, end]``."""
    s = KpiSnapshot.__table__  # type: ignore[attr-defined]
    k = Kpi.__table__  # type: ignore[attr-defined]
    query = select(s.c.date, s.c.value).where(s.c.kpi_id == kpi_id)
    if start is not None:
        query = query.where(s.c.date >= start)
    if end is not None:
        query = query.where(s.c.date <= end)
    with ws.engine.connect() as conn:
        if conn.execute(select(k.c.id).where(k.c.id == kpi_id)).first() is None:
            raise NotFoundError(f"No KPI with id {kpi_id}.")
        rows = conn.execute(query.order_by(s.c.date)).all()
    return [r[0] for r in rows], [r[1] for r in rows]


def snapshot_rows(*, ws: Workspace, kpi_id: int) -> list[dict[str, Any]]:
    """A KPI's snapshots newest first: id, date, value, note, source (the per-KPI table)."""
    s = KpiSnapshot.__table__  # type: ignore[attr-defined]
    query = (
        select(s.c.id, s.c.date, s.c.value, s.c.note, s.c.source)
        .where(s.c.kpi_id == kpi_id)
        .order_by(s.c.date.desc())
    )
    with ws.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


@dataclass(frozen=True)
class Marker:
    """An event drawn on a KPI chart: a release's target date or an incident."""

    date: dt.date
    kind: str  # "release" | "incident"
    label: str
    entity_id: int = 0


def markers(
    *,
    ws: Workspace,
    kpi_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[Marker]:
    """Releases (by target date) and incidents (by date occurred), oldest first.

    For a KPI tied to a use case, only events of that use case and portfolio-wide events
    (no use case) are included.
    """
    r = Release.__table__  # type: ignore[attr-defined]
    i = Incident.__table__  # type: ignore[attr-defined]
    use_case_id: int | None = None
    if kpi_id is not None:
        use_case_id = get_kpi(ws=ws, kpi_id=kpi_id).use_case_id
    releases = select(r.c.id, r.c.target_date, r.c.name).where(r.c.target_date.is_not(None))
    incidents = select(i.c.id, i.c.occurred_on, i.c.title, i.c.severity)
    if use_case_id is not None:
        releases = releases.where((r.c.use_case_id == use_case_id) | r.c.use_case_id.is_(None))
        incidents = incidents.where((i.c.use_case_id == use_case_id) | i.c.use_case_id.is_(None))
    if start is not None:
        releases = releases.where(r.c.target_date >= start)
        incidents = incidents.where(i.c.occurred_on >= start)
    if end is not None:
        releases = releases.where(r.c.target_date <= end)
        incidents = incidents.where(i.c.occurred_on <= end)
    with ws.engine.connect() as conn:
        found = [Marker(day, "release", name, rid) for rid, day, name in conn.execute(releases)]
        found += [
            Marker(day, "incident", f"{severity.upper()}: {title}", iid)
            for iid, day, title, severity in conn.execute(incidents)
        ]
    found.sort(key=lambda m: (m.date, m.kind, m.label))
    return found


@dataclass(frozen=True)
class BeforeAfter:
    """Mean of a KPI before and after a date (the pivot counts as after)."""

    pivot: dt.date
    mean_before: float | None
    mean_after: float | None
    change_pct: float | None
    n_before: int
    n_after: int
    better: bool | None


def before_after(
    *, ws: Workspace, kpi_id: int, pivot: dt.date, weeks: int | None = None
) -> BeforeAfter:
    """Mean before ``pivot``, mean from ``pivot`` on, and the change in %.

    ``weeks`` limits both sides to that many weeks around the pivot. ``change_pct`` is
    None when the mean before is zero or a side has no points; ``better`` says whether the
    change goes the KPI's way (None without both means).
    """
    if weeks is not None and weeks < 1:
        raise UserError("the before/after window must be at least one week.")
    kpi = get_kpi(ws=ws, kpi_id=kpi_id)
    start = end = None
    if weeks is not None:
        start = pivot - dt.timedelta(weeks=weeks)
        end = pivot + dt.timedelta(weeks=weeks) - dt.timedelta(days=1)
    dates, values = series(ws=ws, kpi_id=kpi_id, start=start, end=end)
    before = [v for d, v in zip(dates, values, strict=True) if d < pivot]
    after = [v for d, v in zip(dates, values, strict=True) if d >= pivot]
    mean_before = sum(before) / len(before) if before else None
    mean_after = sum(after) / len(after) if after else None
    change = better = None
    if mean_before is not None and mean_after is not None:
        if mean_before != 0:
            change = (mean_after - mean_before) / abs(mean_before) * 100
        better = (mean_after - mean_before) * _sign(kpi.direction) > 0
    return BeforeAfter(
        pivot=pivot,
        mean_before=mean_before,
        mean_after=mean_after,
        change_pct=change,
        n_before=len(before),
        n_after=len(after),
        better=better,
    )


# catalog and edits ------------------------------------------------------------------


def catalog(*, ws: Workspace) -> list[KpiCatalogEntry]:
    """The built-in KPI framework (what, why, example target, frequency, unit, direction)."""
    with ws.session() as session:
        return list(
            session.execute(
                select(KpiCatalogEntry).order_by(KpiCatalogEntry.__table__.c.id)  # type: ignore[attr-defined]
            ).scalars()
        )


def add_from_catalog(
    *,
    ws: Workspace,
    catalog_key: str,
    use_case_id: int | None = None,
    who: str | None = None,
) -> tuple[int, Changes]:
    """Track a catalog metric: a new KPI with its name, unit, direction and frequency.

    Thresholds start empty. When the catalog name is already taken by a tracked KPI, the
    use case's title (or a number) is appended so names stay unique.
    """
    k = Kpi.__table__  # type: ignore[attr-defined]
    with ws.session() as session:
        entry = session.execute(
            select(KpiCatalogEntry).where(
                KpiCatalogEntry.__table__.c.key == catalog_key  # type: ignore[attr-defined]
            )
        ).scalar_one_or_none()
        if entry is None:
            raise NotFoundError(f"No KPI {catalog_key!r} in the catalog.")
        taken = {n.casefold() for (n,) in session.execute(select(k.c.name))}
        use_case = session.get(UseCase, use_case_id) if use_case_id is not None else None
    if use_case_id is not None and use_case is None:
        raise NotFoundError(f"No use case with id {use_case_id}.")
    name = entry.name
    if name.casefold() in taken and use_case is not None:
        name = f"{entry.name} ({use_case.title})"[:200]
    number = 2
    base = name
    while name.casefold() in taken:
        name = f"{base} ({number})"
        number += 1
    obj, changes = records.create(
        ws=ws,
        model=Kpi,
        data={
            "catalog_key": entry.key,
            "name": name,
            "description": entry.what,
            "unit": entry.unit,
            "direction": entry.direction,
            "frequency": entry.frequency,
            "category": entry.category,
            "use_case_id": use_case_id,
        },
        who=who,
    )
    return int(obj.id), changes  # type: ignore[attr-defined]


def set_snapshot(
    *,
    ws: Workspace,
    kpi_id: int,
    day: dt.date,
    value: float | None,
    note: str | None = None,
    who: str | None = None,
) -> tuple[Changes, tuple[float, str] | None]:
    """Set (insert or replace) or, with ``value=None``, delete the snapshot of a KPI on a day.

    ``note=None`` keeps an existing note. Returns the changes and the OLD ``(value, note)``
    (None if there was no snapshot), so an undo can put it back with another call.
    """
    if value is not None:
        try:
            checked = KpiSnapshotCreate.model_validate(
                {"kpi_id": kpi_id, "date": day, "value": value, "note": note or ""}
            )
        except pydantic.ValidationError as error:
            raise records.validation_error(error, "KPI snapshot") from error
        value = checked.value
    s = KpiSnapshot.__table__  # type: ignore[attr-defined]
    with ws.write(who=who) as session:
        kpi = session.get(Kpi, kpi_id)
        if kpi is None:
            raise NotFoundError(f"No KPI with id {kpi_id}; it may have been deleted.")
        row = session.execute(
            select(s.c.id, s.c.value, s.c.note).where(s.c.kpi_id == kpi_id, s.c.date == day)
        ).first()
        old = None if row is None else (float(row.value), str(row.note))
        session.info["label"] = f"{kpi.name} · {day.isoformat()}"
        if value is None:
            if row is None:
                return Changes("kpi_snapshot", (), "delete"), None
            session.execute(s.delete().where(s.c.id == row.id))
            snapshot_id, action = int(row.id), "delete"
        elif row is None:
            now = utcnow()
            result = session.connection().execute(
                insert(s).values(
                    kpi_id=kpi_id,
                    date=day,
                    value=value,
                    note=note or "",
                    source="",
                    created_at=now,
                    updated_at=now,
                    version=1,
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            snapshot_id, action = int(key[0]), "create"
        else:
            new_note = row.note if note is None else note
            snapshot_id, action = int(row.id), "update"
            if float(row.value) == value and new_note == row.note:
                return Changes("kpi_snapshot", (snapshot_id,), action), old  # nothing to change
            session.execute(
                update(s)
                .where(s.c.id == row.id)
                .values(value=value, note=new_note, version=s.c.version + 1, updated_at=utcnow())
            )
    return Changes("kpi_snapshot", (snapshot_id,), action), old


# import -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One valid row of an import file, resolved to its KPI."""

    number: int
    kpi_id: int
    kpi_name: str
    day: dt.date
    value: float
    note: str
    use_case_id: int | None
    old_value: float | None


@dataclass(frozen=True)
class ImportPreview:
    """What an import would do, before anything is written.

    ``add``: new snapshots; ``replace``: existing snapshots (same KPI and date) whose value
    the file replaces (``on_duplicate="replace"``); ``skip``: existing ones left as they are
    (``on_duplicate="skip"``); ``rejected``: ``(row number, message)`` for rows that cannot
    be imported. A KPI and date appearing twice in the file is ambiguous: the later row is
    rejected (naming the earlier one), so the file must be fixed before anything is written.
    """

    source: str
    on_duplicate: str
    add: tuple[ImportRow, ...]
    replace: tuple[ImportRow, ...]
    skip: tuple[ImportRow, ...]
    rejected: tuple[tuple[int, str], ...]
    kpi_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.rejected

    @property
    def to_write(self) -> int:
        return len(self.add) + len(self.replace)

    def summary(self) -> str:
        """``120 to add, 3 to replace, 0 to skip, 2 rejected (4 KPIs)``."""
        kpis = f" ({self.kpi_count} KPI{'s' if self.kpi_count != 1 else ''})"
        return (
            f"{len(self.add):,} to add, {len(self.replace):,} to replace, "
            f"{len(self.skip):,} to skip, {len(self.rejected):,} rejected{kpis}"
        )

    def rejected_lines(self, limit: int | None = None) -> list[str]:
        shown = self.rejected if limit is None else self.rejected[:limit]
        return [f"row {number}: {message}" for number, message in shown]


def parse_day(text: str) -> dt.date:
    """An ISO date (``2025-03-31``, optionally with a time) or a spreadsheet serial day."""
    text = text.strip()
    if not text:
        raise ValueError("the date is empty")
    if len(text) > 10 and text[10] in "T ":
        text = text[:10]
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        serial = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date; use YYYY-MM-DD") from None
    if serial.is_integer() and _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
        return _EXCEL_EPOCH + dt.timedelta(days=int(serial))
    raise ValueError(f"{text!r} is not a date; use YYYY-MM-DD")


def parse_value(text: str) -> float:
    """A finite number; a trailing ``%`` is allowed (the value is kept as written)."""
    raw = text.strip()
    if not raw:
        raise ValueError("the value is empty")
    cleaned = raw.removesuffix("%").strip()
    try:
        number = float(cleaned)
    except ValueError:
        raise ValueError(f"{raw!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{raw!r} is not a finite number")
    return number


@dataclass
class _Resolver:
    """Resolves the KPI and use case references of import rows (with cached answers)."""

    kpis: list[Any]
    use_cases: list[Any]
    by_name: dict[str, list[Any]] = field(default_factory=dict)
    by_key: dict[str, list[Any]] = field(default_factory=dict)
    by_id: dict[int, Any] = field(default_factory=dict)
    uc_by_title: dict[str, list[int]] = field(default_factory=dict)
    uc_ids: dict[int, str] = field(default_factory=dict)
    cache: dict[tuple[str, str], tuple[Any, int | None] | str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for row in self.kpis:
            self.by_id[row.id] = row
            self.by_name.setdefault(row.name.casefold(), []).append(row)
            if row.catalog_key:
                self.by_key.setdefault(row.catalog_key.casefold(), []).append(row)
        for uid, title in self.use_cases:
            self.uc_ids[uid] = title
            self.uc_by_title.setdefault(title.casefold(), []).append(uid)

    def use_case(self, text: str) -> int | None:
        if not text:
            return None
        if text.isdigit() and int(text) in self.uc_ids:
            return int(text)
        ids = self.uc_by_title.get(text.casefold(), [])
        if len(ids) > 1:
            raise ValueError(f"{len(ids)} use cases are titled {text!r}; give the use case id")
        if not ids:
            raise ValueError(f"unknown use case {text!r}")
        return ids[0]

    def resolve(self, kpi_text: str, uc_text: str) -> tuple[Any, int | None] | str:
        """``(kpi row, use case id)`` or an error message."""
        key = (kpi_text, uc_text)
        if key not in self.cache:
            try:
                self.cache[key] = self._resolve(kpi_text, uc_text)
            except ValueError as exc:
                self.cache[key] = str(exc)
        return self.cache[key]

    def _resolve(self, kpi_text: str, uc_text: str) -> tuple[Any, int | None]:
        if not kpi_text:
            raise ValueError("the KPI is empty")
        use_case_id = self.use_case(uc_text)
        folded = kpi_text.casefold()
        if kpi_text.isdigit() and int(kpi_text) in self.by_id:
            found = [self.by_id[int(kpi_text)]]
        else:
            found = self.by_name.get(folded) or self.by_key.get(folded) or []
        if not found:
            names = [r.name for r in self.kpis]
            close = difflib.get_close_matches(kpi_text, names, n=3, cutoff=0.6)
            hint = f" (did you mean {', '.join(repr(n) for n in close)}?)" if close else ""
            raise ValueError(f"unknown KPI {kpi_text!r}{hint}")
        if use_case_id is not None:
            mine = [r for r in found if r.use_case_id == use_case_id]
            if not mine:
                title = self.uc_ids[use_case_id]
                raise ValueError(f"KPI {kpi_text!r} is not tracked for use case {title!r}")
            found = mine
        if len(found) > 1:
            raise ValueError(
                f"{len(found)} KPIs match {kpi_text!r}; give the KPI's name or id, "
                "or a use_case column"
            )
        return found[0], use_case_id


def _existing(ws: Workspace, kpi_ids: Iterable[int]) -> dict[tuple[int, dt.date], float]:
    s = KpiSnapshot.__table__  # type: ignore[attr-defined]
    ids = sorted(set(kpi_ids))
    found: dict[tuple[int, dt.date], float] = {}
    with ws.engine.connect() as conn:
        for i in range(0, len(ids), _IN_CHUNK):
            chunk = ids[i : i + _IN_CHUNK]
            query = select(s.c.kpi_id, s.c.date, s.c.value).where(s.c.kpi_id.in_(chunk))
            for kid, day, value in conn.execute(query):
                found[(kid, day)] = value
    return found


def preview_import(
    *, ws: Workspace, source: Path | str, on_duplicate: str = "replace"
) -> ImportPreview:
    """Read and check an import file; classify every row (nothing is written).

    Columns: ``kpi`` (name, catalog key or id), ``date``, ``value``, optional
    ``use_case`` (title or id: the KPI must be tracked for it; it also picks between KPIs
    sharing a catalog key) and ``note``. Other columns are refused. A note left empty
    keeps an existing snapshot's note when its value is replaced.
    """
    if on_duplicate not in DUPLICATE_CHOICES:
        raise UserError(f"on duplicate must be one of {', '.join(DUPLICATE_CHOICES)}.")
    source = Path(source).expanduser()
    rows = read_rows(source, required=["kpi", "date", "value"])
    if rows:
        unknown = [c for c in rows[0].cells if c not in IMPORT_COLUMNS]
        if unknown:
            raise UserError(
                f"{source.name}: unknown column(s): {', '.join(unknown)}; the columns are "
                f"{', '.join(IMPORT_COLUMNS)}."
            )
    k = Kpi.__table__  # type: ignore[attr-defined]
    u = UseCase.__table__  # type: ignore[attr-defined]
    with ws.engine.connect() as conn:
        kpi_list = conn.execute(select(k.c.id, k.c.name, k.c.catalog_key, k.c.use_case_id)).all()
        use_cases = conn.execute(select(u.c.id, u.c.title)).all()
    resolver = _Resolver(list(kpi_list), [tuple(r) for r in use_cases])

    rejected: list[tuple[int, str]] = []
    parsed: list[tuple[int, Any, dt.date, float, str, int | None]] = []
    seen: dict[tuple[int, dt.date], int] = {}
    for row in rows:
        cells = row.cells
        problems: list[str] = []
        resolved = resolver.resolve(cells.get("kpi", "").strip(), cells.get("use_case", "").strip())
        if isinstance(resolved, str):
            problems.append(resolved)
        day: dt.date | None = None
        value: float | None = None
        try:
            day = parse_day(cells.get("date", ""))
        except ValueError as exc:
            problems.append(str(exc))
        try:
            value = parse_value(cells.get("value", ""))
        except ValueError as exc:
            problems.append(str(exc))
        note = cells.get("note", "").strip()
        if len(note) > 500:
            problems.append("the note is longer than 500 characters")
        if not problems and not isinstance(resolved, str) and day and value is not None:
            kpi_row, use_case_id = resolved
            key = (kpi_row.id, day)
            earlier = seen.get(key)
            if earlier is not None:
                problems.append(
                    f"{kpi_row.name!r} on {day.isoformat()} is already given in row {earlier}"
                )
            else:
                seen[key] = row.number
                parsed.append((row.number, kpi_row, day, value, note, use_case_id))
        if problems:
            rejected.append((row.number, "; ".join(problems)))

    existing = _existing(ws, {kpi_row.id for _n, kpi_row, *_rest in parsed})
    add: list[ImportRow] = []
    replace: list[ImportRow] = []
    skip: list[ImportRow] = []
    for number, kpi_row, day, value, note, use_case_id in parsed:
        old = existing.get((kpi_row.id, day))
        item = ImportRow(number, kpi_row.id, kpi_row.name, day, value, note, use_case_id, old)
        if old is None:
            add.append(item)
        elif on_duplicate == "replace":
            replace.append(item)
        else:
            skip.append(item)
    return ImportPreview(
        source=source.name,
        on_duplicate=on_duplicate,
        add=tuple(add),
        replace=tuple(replace),
        skip=tuple(skip),
        rejected=tuple(rejected),
        kpi_count=len({r[1].id for r in parsed}),
    )


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def apply_import(
    *,
    ws: Workspace,
    preview: ImportPreview,
    progress: Callable[[int, int], None] | None = None,
    who: str | None = None,
) -> tuple[Changes, int]:
    """Write a checked import in one transaction: all of it or, on any problem, nothing.

    Refuses (``ValidationError``) a preview with rejected rows. ``progress(done, total)``
    is called after each batch of rows. Records one change-log row per affected KPI.
    Returns ``Changes("kpi_snapshot", (), "import")`` (empty ids: many snapshots) and the
    number of snapshots written.
    """
    if preview.rejected:
        shown = "; ".join(preview.rejected_lines(MAX_REPORTED_ERRORS))
        more = len(preview.rejected) - MAX_REPORTED_ERRORS
        tail = f"; and {more} more" if more > 0 else ""
        raise ValidationError(
            f"{preview.source}: nothing imported, {len(preview.rejected)} row(s) rejected: "
            f"{shown}{tail}.",
            [(f"row {n}", m) for n, m in preview.rejected],
        )
    if ws.readonly:
        raise ReadOnlyError(f"{ws.path.name} is open read-only; edits are disabled.")
    total = preview.to_write
    if progress is not None:
        progress(0, total)
    s = KpiSnapshot.__table__  # type: ignore[attr-defined]
    now = utcnow()
    source = f"import: {preview.source}"[:200]
    done = 0
    per_kpi: dict[int, list[Any]] = {}
    for item in preview.add:
        per_kpi.setdefault(item.kpi_id, [item.kpi_name, 0, 0])[1] += 1
    for item in preview.replace:
        per_kpi.setdefault(item.kpi_id, [item.kpi_name, 0, 0])[2] += 1
    keyed = and_(s.c.kpi_id == bp("b_kpi"), s.c.date == bp("b_date"))
    common = {"value": bp("b_value"), "source": source, "updated_at": now}
    with_note = update(s).where(keyed).values(**common, note=bp("b_note"), version=s.c.version + 1)
    keep_note = update(s).where(keyed).values(**common, version=s.c.version + 1)
    try:
        with ws.write(who=who) as session:
            conn = session.connection()
            for chunk in _chunks(preview.add):
                conn.execute(
                    insert(s),
                    [
                        {
                            "kpi_id": r.kpi_id,
                            "date": r.day,
                            "value": r.value,
                            "note": r.note,
                            "source": source,
                            "created_at": now,
                            "updated_at": now,
                            "version": 1,
                        }
                        for r in chunk
                    ],
                )
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
            for chunk in _chunks(preview.replace):
                noted = [r for r in chunk if r.note]
                plain = [r for r in chunk if not r.note]
                for statement, group in ((with_note, noted), (keep_note, plain)):
                    if not group:
                        continue
                    params = [
                        {"b_kpi": r.kpi_id, "b_date": r.day, "b_value": r.value, "b_note": r.note}
                        for r in group
                    ]
                    result = conn.execute(statement, params)
                    if result.rowcount is not None and 0 <= result.rowcount < len(params):
                        raise UserError(
                            "Some snapshots to replace were deleted since the preview; "
                            "preview the import again."
                        )
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
    except sa_exc.IntegrityError as error:
        raise UserError(
            "The workspace changed since the preview (a snapshot was added or a KPI deleted); "
            "preview the import again. Nothing was imported."
        ) from error
    return Changes("kpi_snapshot", (), "import"), total


# export -----------------------------------------------------------------------------


def export_snapshots(
    *, ws: Workspace, out: Path | str, kpi_ids: Iterable[int] | None = None
) -> Path:
    """Write snapshots as CSV or XLSX (by suffix): kpi, date, value, use_case, note.

    The file reads back with :func:`preview_import`; cells are formula-safe.
    """
    s = KpiSnapshot.__table__  # type: ignore[attr-defined]
    k = Kpi.__table__  # type: ignore[attr-defined]
    u = UseCase.__table__  # type: ignore[attr-defined]
    query = (
        select(k.c.name, s.c.date, s.c.value, u.c.title, s.c.note)
        .select_from(s.join(k, k.c.id == s.c.kpi_id).outerjoin(u, u.c.id == k.c.use_case_id))
        .order_by(k.c.name, k.c.id, s.c.date)
    )
    if kpi_ids is not None:
        ids = sorted({int(i) for i in kpi_ids})
        query = query.where(k.c.id.in_(ids))
    with ws.engine.connect() as conn:
        rows = [
            (name, day, value, title or "", note)
            for name, day, value, title, note in conn.execute(query)
        ]
    return write_rows(out, EXPORT_HEADER, rows)


def tracked_catalog_keys(*, ws: Workspace) -> dict[str, int]:
    """Catalog key -> how many tracked KPIs of the workspace come from it."""
    table = Kpi.__table__  # type: ignore[attr-defined]
    stmt = select(table.c.catalog_key, func.count()).group_by(table.c.catalog_key)
    with ws.engine.connect() as conn:
        return {str(key): int(n) for key, n in conn.execute(stmt) if key}


def snapshot_values(*, ws: Workspace, kpi_id: int) -> dict[dt.date, tuple[float, str]]:
    """Every snapshot of a KPI: date -> (value, note)."""
    s = KpiSnapshot.__table__  # type: ignore[attr-defined]
    query = select(s.c.date, s.c.value, s.c.note).where(s.c.kpi_id == kpi_id)
    with ws.engine.connect() as conn:
        return {row.date: (float(row.value), str(row.note)) for row in conn.execute(query)}


def snapshot_key(*, ws: Workspace, snapshot_id: int) -> tuple[int | None, dt.date | None]:
    """(KPI id, date) of a snapshot; (None, None) when it does not exist."""
    s = KpiSnapshot.__table__  # type: ignore[attr-defined]
    with ws.engine.connect() as conn:
        row = conn.execute(select(s.c.kpi_id, s.c.date).where(s.c.id == snapshot_id)).first()
    return (None, None) if row is None else (int(row.kpi_id), row.date)
