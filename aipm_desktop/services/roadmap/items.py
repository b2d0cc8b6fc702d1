"""Roadmap items and dependencies as read: the :class:`TimelineItem` and
:class:`Dependency` records, the row readers the other roadmap modules share, and
looking up one item.

Dates are inclusive days: an item runs from ``start`` to ``end``; a milestone has
``start == end``. A dependency is finish-to-start: the successor must not start before
the predecessor ends (``successor.start >= predecessor.end``); a dependency where the
successor starts earlier is *violated*.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ...errors import NotFoundError
from ...models import ItemStatus, RoadmapDependency, RoadmapItem
from ...store import Workspace
from .. import records

#: Items in these states take no further part in scheduling (critical path, board).
CLOSED_STATUSES = (ItemStatus.DONE.value, ItemStatus.CANCELLED.value)

_ITEM = RoadmapItem.__table__  # type: ignore[attr-defined]
_DEP = RoadmapDependency.__table__  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class TimelineItem:
    """One roadmap item as the timeline and the board show it."""

    id: int
    title: str
    lane: str
    kind: str
    start: dt.date
    end: dt.date
    planned_start: dt.date | None
    planned_end: dt.date | None
    status: str
    progress: int
    owner: str
    use_case_id: int | None
    slip_days: int | None
    critical: bool
    #: The version read with the rest (an edit of the row expects it: no lost update).
    version: int = 0

    @property
    def duration_days(self) -> int:
        return (self.end - self.start).days + 1

    def as_dict(self) -> dict[str, Any]:
        return records.record_dict(self)


@dataclass(frozen=True)
class Dependency:
    """Finish-to-start link; ``violated`` when the successor starts before the predecessor
    ends."""

    id: int
    predecessor_id: int
    successor_id: int
    violated: bool

    def as_dict(self) -> dict[str, Any]:
        return records.record_dict(self)


def as_date(value: Any) -> dt.date:
    """A date from a date, a datetime or ISO text."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


# --------------------------------------------------------------------------- reading

_ITEM_COLUMNS = (
    "id",
    "title",
    "lane",
    "kind",
    "start",
    "end",
    "planned_start",
    "planned_end",
    "status",
    "progress",
    "owner",
    "use_case_id",
    "version",
)


def item_rows(conn: Any, start: dt.date | None = None, end: dt.date | None = None) -> list[Any]:
    """Item rows overlapping ``[start, end]`` (all when open), by start then id."""
    query = select(*(_ITEM.c[name] for name in _ITEM_COLUMNS)).order_by(_ITEM.c.start, _ITEM.c.id)
    if start is not None:
        query = query.where(_ITEM.c.end >= start)
    if end is not None:
        query = query.where(_ITEM.c.start <= end)
    return conn.execute(query).all()


def dep_rows(conn: Any) -> list[tuple[int, int, int]]:
    """Every dependency as ``(id, predecessor, successor)``, by id."""
    query = select(_DEP.c.id, _DEP.c.predecessor_id, _DEP.c.successor_id).order_by(_DEP.c.id)
    return [tuple(row) for row in conn.execute(query)]


def _slip(row: Any) -> int | None:
    if row.planned_end is None:
        return None
    return (row.end - row.planned_end).days


def timeline_item(row: Any, critical: bool) -> TimelineItem:
    """A :class:`TimelineItem` from an item row."""
    return records.from_row(TimelineItem, row, slip_days=_slip(row), critical=critical)


def get_item(*, ws: Workspace, item_id: int) -> TimelineItem:
    """One item (``critical`` is False: use :func:`timeline` for the path)."""
    with ws.engine.connect() as conn:
        row = conn.execute(
            select(*(_ITEM.c[name] for name in _ITEM_COLUMNS)).where(_ITEM.c.id == item_id)
        ).first()
    if row is None:
        raise NotFoundError(f"No roadmap item with id {item_id}; it may have been deleted.")
    return timeline_item(row, False)


#: The id of the item ``ref`` names: an id or a title (any case).
find_item = records.RefFinder(_ITEM, "title", "roadmap item")
