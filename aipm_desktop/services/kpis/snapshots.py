"""KPI snapshots: the series of a KPI, chart markers (releases, incidents), before/after
means, and setting or deleting one snapshot.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pydantic
from sqlalchemy import select, update

from ...errors import NotFoundError, UserError
from ...models import (
    Incident,
    IncidentKpiLink,
    IncidentUseCaseLink,
    Kpi,
    KpiSnapshot,
    KpiSnapshotCreate,
    Release,
    utcnow,
)
from .. import records
from ..changes import Changes
from ..conflicts import Slot, check_slot
from ..dates import format_date
from .definitions import get_kpi
from .status import direction_sign

if TYPE_CHECKING:
    from ...store import Workspace


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


#: A snapshot as the weekly grid shows it: a row with ``kpi_id``, ``date``, ``value`` and the
#: ``id`` and ``version`` an edit of it expects (:class:`~aipm_desktop.services.conflicts.Slot`).
GridCell = Any

#: Longest KPI id list filtered in SQL; longer ones are filtered as the rows are read.
_IN_LIMIT = 50


def grid_cells(*, ws: Workspace, kpi_ids: list[int], start: dt.date) -> list[GridCell]:
    """The snapshots of ``kpi_ids`` from ``start`` on, by KPI and oldest first, with their
    ids and versions: one query for all the KPIs of a grid (the rows as read, no object
    built per snapshot)."""
    s = KpiSnapshot.__table__  # type: ignore[attr-defined]
    if not kpi_ids:
        return []
    query = select(s.c.kpi_id, s.c.date, s.c.value, s.c.id, s.c.version).where(s.c.date >= start)
    wanted = set(kpi_ids)
    if len(wanted) <= _IN_LIMIT:
        query = query.where(s.c.kpi_id.in_(sorted(wanted)))
    with ws.engine.connect() as conn:
        rows = conn.execute(query.order_by(s.c.kpi_id, s.c.date)).all()
    return list(rows) if len(wanted) <= _IN_LIMIT else [r for r in rows if r.kpi_id in wanted]


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


def _utc_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def _utc_day(moment: dt.datetime) -> dt.date:
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.date()


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
    """Releases (by target date) and incidents (by the day they were detected, in UTC),
    oldest first.

    For a KPI tied to a use case, only events of that use case and portfolio-wide events
    (no use case) are included; an incident counts for a use case it affected (its
    ``incident_use_case`` links) and for a KPI it is linked to, and is portfolio-wide
    when it names no use case.
    """
    r = Release.__table__  # type: ignore[attr-defined]
    i = Incident.__table__  # type: ignore[attr-defined]
    iu = IncidentUseCaseLink.__table__  # type: ignore[attr-defined]
    ik = IncidentKpiLink.__table__  # type: ignore[attr-defined]
    use_case_id: int | None = None
    if kpi_id is not None:
        use_case_id = get_kpi(ws=ws, kpi_id=kpi_id).use_case_id
    releases = select(r.c.id, r.c.target_date, r.c.name).where(r.c.target_date.is_not(None))
    incidents = select(i.c.id, i.c.detected_at, i.c.title, i.c.severity)
    if use_case_id is not None:
        releases = releases.where((r.c.use_case_id == use_case_id) | r.c.use_case_id.is_(None))
        linked = select(iu.c.incident_id).where(iu.c.use_case_id == use_case_id)
        anywhere = select(iu.c.incident_id)
        on_kpi = select(ik.c.incident_id).where(ik.c.kpi_id == kpi_id)
        incidents = incidents.where(
            i.c.id.in_(linked) | i.c.id.not_in(anywhere) | i.c.id.in_(on_kpi)
        )
    if start is not None:
        releases = releases.where(r.c.target_date >= start)
        incidents = incidents.where(i.c.detected_at >= _utc_midnight(start))
    if end is not None:
        releases = releases.where(r.c.target_date <= end)
        incidents = incidents.where(i.c.detected_at < _utc_midnight(end + dt.timedelta(days=1)))
    with ws.engine.connect() as conn:
        found = [Marker(day, "release", name, rid) for rid, day, name in conn.execute(releases)]
        found += [
            Marker(_utc_day(moment), "incident", f"{severity.upper()}: {title}", iid)
            for iid, moment, title, severity in conn.execute(incidents)
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
        better = (mean_after - mean_before) * direction_sign(kpi.direction) > 0
    return BeforeAfter(
        pivot=pivot,
        mean_before=mean_before,
        mean_after=mean_after,
        change_pct=change,
        n_before=len(before),
        n_after=len(after),
        better=better,
    )


def set_snapshot(
    *,
    ws: Workspace,
    kpi_id: int,
    day: dt.date,
    value: float | None,
    note: str | None = None,
    who: str | None = None,
    expect: Slot | None = None,
) -> tuple[Changes, tuple[float, str] | None]:
    """Set (insert or replace) or, with ``value=None``, delete the snapshot of a KPI on a day.

    ``note=None`` keeps an existing note. Returns the changes and the OLD ``(value, note)``
    (None if there was no snapshot), so an undo can put it back with another call. With
    ``expect`` (the snapshot the editor read, or none) nothing is written, and a
    :class:`~aipm_desktop.errors.ConflictError` says so, unless that day still holds it
    at that version.
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
        kpi = records.existing(session, Kpi, kpi_id, what="KPI")
        find = select(s.c.id, s.c.value, s.c.note, s.c.version)
        find = find.where(s.c.kpi_id == kpi_id, s.c.date == day)
        if expect is not None:
            find = find.with_for_update()  # on a server, held until the edit commits
        row = session.execute(find).first()
        old = None if row is None else (float(row.value), str(row.note))
        session.info["label"] = f"{kpi.name} · {format_date(day)}"
        if expect is not None:
            found = None if row is None else (int(row.id), int(row.version))
            check_slot(KpiSnapshot, expect, found, session.info["label"])
        if value is None:
            if row is None:
                return Changes("kpi_snapshot", (), "delete"), None
            session.execute(s.delete().where(s.c.id == row.id))
            snapshot_id, action = int(row.id), "delete"
        elif row is None:
            snapshot_id = store_snapshot(
                session.connection(), kpi_id=kpi_id, day=day, value=value, note=note or ""
            )
            action = "create"
        else:
            new_note = row.note if note is None else note
            snapshot_id, action = int(row.id), "update"
            if float(row.value) == value and new_note == row.note:
                return Changes("kpi_snapshot", (snapshot_id,), action), old  # nothing to change
            store_snapshot(
                session.connection(),
                kpi_id=kpi_id,
                day=day,
                value=value,
                note=new_note,
                snapshot_id=snapshot_id,
            )
    return Changes("kpi_snapshot", (snapshot_id,), action), old


def store_snapshot(
    conn: Any,
    *,
    kpi_id: int,
    day: dt.date,
    value: float,
    note: str,
    source: str = "",
    snapshot_id: int | None = None,
) -> int:
    """Inside an open write: insert the snapshot of a KPI on ``day`` or, given its
    ``snapshot_id``, replace that snapshot's value and note (its source stays). Returns
    the snapshot's id."""
    s = KpiSnapshot.__table__  # type: ignore[attr-defined]
    now = utcnow()
    if snapshot_id is not None:
        conn.execute(
            update(s)
            .where(s.c.id == snapshot_id)
            .values(value=value, note=note, version=s.c.version + 1, updated_at=now)
        )
        return snapshot_id
    values = {"kpi_id": kpi_id, "date": day, "value": value, "note": note, "source": source}
    return records.insert_row(conn, s, records.new_row(values, now))


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
