"""Roadmap predictability: per quarter of the planned end, how many items were delivered
on plan, and recording the latest completed quarter as a KPI snapshot.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select

from ...errors import NotFoundError
from ...models import ItemStatus, Kpi, KpiCatalogEntry, KpiSnapshot, RoadmapItem
from ...store import Workspace
from .. import clock, records
from ..changes import Changes
from ..kpis.snapshots import store_snapshot

PREDICTABILITY_KEY = "roadmap_predictability"

_ITEM = RoadmapItem.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class QuarterPredictability:
    """Items whose planned end fell in ``quarter`` (``"2026-Q3"``) and how many of them
    were delivered on plan (done, ending on or before the planned end)."""

    quarter: str
    planned: int
    on_plan: int
    ratio: float | None

    def as_dict(self) -> dict[str, Any]:
        return records.record_dict(self)


# --------------------------------------------------------------------------- predictability


def quarter_of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def quarter_end(label: str) -> dt.date:
    """The last day of a quarter label ``"2026-Q3"``."""
    year, quarter = int(label[:4]), int(label[-1])
    month = quarter * 3
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    return following - dt.timedelta(days=1)


def predictability(*, ws: Workspace, today: dt.date | None = None) -> list[QuarterPredictability]:
    """Roadmap predictability per quarter of the planned end date, oldest first.

    Counted: items with a planned end on or before ``today`` (so a quarter in progress
    counts what was due so far), cancelled items excluded (a deliberate change of plan).
    On plan: done, with the end date on or before the planned end.
    """
    today = today or clock.today()
    query = select(_ITEM.c.planned_end, _ITEM.c.end, _ITEM.c.status).where(
        _ITEM.c.planned_end.is_not(None),
        _ITEM.c.planned_end <= today,
        _ITEM.c.status != ItemStatus.CANCELLED.value,
    )
    planned: dict[str, int] = defaultdict(int)
    on_plan: dict[str, int] = defaultdict(int)
    with ws.engine.connect() as conn:
        for planned_end, end, status in conn.execute(query):
            label = quarter_of(planned_end)
            planned[label] += 1
            if status == ItemStatus.DONE and end <= planned_end:
                on_plan[label] += 1
    return [
        QuarterPredictability(
            quarter=label,
            planned=planned[label],
            on_plan=on_plan[label],
            ratio=on_plan[label] / planned[label] if planned[label] else None,
        )
        for label in sorted(planned)
    ]


def record_predictability_kpi(
    *, ws: Workspace, today: dt.date | None = None, who: str | None = None
) -> tuple[Changes, int]:
    """Write the latest completed quarter's predictability (in %) as a snapshot, dated the
    quarter's last day, of the KPI with catalog key ``roadmap_predictability`` (tracked
    from the catalog when missing). Returns the changes and the snapshots written (0 when
    no completed quarter had planned items)."""
    today = today or clock.today()
    done = [q for q in predictability(ws=ws, today=today) if quarter_end(q.quarter) < today]
    if not done or done[-1].ratio is None:
        return Changes("kpi_snapshot", (), "create"), 0
    latest = done[-1]
    value = round(100 * latest.ratio, 1)  # type: ignore[operator]
    day = quarter_end(latest.quarter)
    k = Kpi.__table__  # type: ignore[attr-defined]
    s = KpiSnapshot.__table__  # type: ignore[attr-defined]
    c = KpiCatalogEntry.__table__  # type: ignore[attr-defined]
    with ws.write(who=who) as session:
        conn = session.connection()
        kpi = conn.execute(
            select(k.c.id, k.c.name)
            .where(k.c.catalog_key == PREDICTABILITY_KEY)
            .order_by(k.c.id)
            .limit(1)
        ).first()
        if kpi is None:
            entry = conn.execute(select(c).where(c.c.key == PREDICTABILITY_KEY)).first()
            if entry is None:
                raise NotFoundError(f"No KPI {PREDICTABILITY_KEY!r} in the catalog.")
            obj = records.validate_create(
                Kpi,
                {
                    "catalog_key": entry.key,
                    "name": entry.name,
                    "description": entry.what,
                    "unit": entry.unit,
                    "direction": entry.direction,
                    "frequency": entry.frequency,
                    "category": entry.category,
                },
            )
            taken = {n.casefold() for (n,) in conn.execute(select(k.c.name))}
            number = 2
            while obj.name.casefold() in taken:
                obj.name = f"{entry.name} ({number})"
                number += 1
            session.add(obj)
            session.flush()
            assert obj.id is not None  # assigned by the flush
            kpi_id = int(obj.id)
        else:
            kpi_id = int(kpi.id)
        existing = conn.execute(
            select(s.c.id, s.c.value).where(and_(s.c.kpi_id == kpi_id, s.c.date == day))
        ).first()
        note = f"{latest.on_plan} of {latest.planned} items delivered on plan in {latest.quarter}"
        snapshot_id = store_snapshot(
            conn,
            kpi_id=kpi_id,
            day=day,
            value=value,
            note=note,
            source="roadmap",
            snapshot_id=None if existing is None else int(existing.id),
        )
    return Changes("kpi_snapshot", (snapshot_id,), "create" if existing is None else "update"), 1


def predictability_kpi_id(*, ws: Workspace) -> int | None:
    """The tracked KPI that roadmap predictability is recorded in (None when untracked)."""
    k = Kpi.__table__  # type: ignore[attr-defined]
    query = select(k.c.id).where(k.c.catalog_key == PREDICTABILITY_KEY).order_by(k.c.id).limit(1)
    with ws.engine.connect() as conn:
        return conn.execute(query).scalar()
