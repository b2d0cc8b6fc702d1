"""Roadmap: lanes, the timeline (items and finish-to-start dependencies), scheduling and
predictability.

Dates are inclusive days: an item runs from ``start`` to ``end``; a milestone has
``start == end``. A dependency is finish-to-start: the successor must not start before
the predecessor ends (``successor.start >= predecessor.end``); a dependency where the
successor starts earlier is *violated*. The planned (baseline) dates are never moved by
scheduling, so slip stays visible.

Lists are read with SQLAlchemy Core (5,000 items and 10,000 dependencies in a few tens of
milliseconds); the critical path is a longest-path pass over a topological order.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pydantic
from sqlalchemy import and_, func, insert, select, update

from ..errors import NotFoundError, UserError, ValidationError
from ..models import (
    ChangeLog,
    ItemKind,
    ItemStatus,
    Kpi,
    KpiCatalogEntry,
    KpiSnapshot,
    RoadmapDependency,
    RoadmapItem,
    WorkspaceSettings,
    WorkspaceSettingsUpdate,
    utcnow,
)
from ..models.roadmap import DEFAULT_LANES
from ..store import Workspace
from . import records
from .changes import Changes

#: Items in these states take no further part in scheduling (critical path, board).
CLOSED_STATUSES = (ItemStatus.DONE.value, ItemStatus.CANCELLED.value)
#: Items starting within this many days are "next" on the board; later ones "later".
NEXT_WINDOW_DAYS = 90
PREDICTABILITY_KEY = "roadmap_predictability"

_ITEM = RoadmapItem.__table__  # type: ignore[attr-defined]
_DEP = RoadmapDependency.__table__  # type: ignore[attr-defined]
_LOG = ChangeLog.__table__  # type: ignore[attr-defined]


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

    @property
    def duration_days(self) -> int:
        return (self.end - self.start).days + 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "lane": self.lane,
            "kind": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "planned_start": self.planned_start.isoformat() if self.planned_start else None,
            "planned_end": self.planned_end.isoformat() if self.planned_end else None,
            "status": self.status,
            "progress": self.progress,
            "owner": self.owner,
            "use_case_id": self.use_case_id,
            "slip_days": self.slip_days,
            "critical": self.critical,
        }


@dataclass(frozen=True)
class Dependency:
    """Finish-to-start link; ``violated`` when the successor starts before the predecessor
    ends."""

    id: int
    predecessor_id: int
    successor_id: int
    violated: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "predecessor_id": self.predecessor_id,
            "successor_id": self.successor_id,
            "violated": self.violated,
        }


@dataclass(frozen=True)
class QuarterPredictability:
    """Items whose planned end fell in ``quarter`` (``"2026-Q3"``) and how many of them
    were delivered on plan (done, ending on or before the planned end)."""

    quarter: str
    planned: int
    on_plan: int
    ratio: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "quarter": self.quarter,
            "planned": self.planned,
            "on_plan": self.on_plan,
            "ratio": self.ratio,
        }


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


# --------------------------------------------------------------------------- lanes


def lanes(*, ws: Workspace) -> list[str]:
    """The workspace's lanes in order, then any lane an item uses that is not configured
    (so no item is ever hidden), alphabetically."""
    with ws.engine.connect() as conn:
        stored = conn.execute(
            select(WorkspaceSettings.__table__.c.roadmap_lanes).where(  # type: ignore[attr-defined]
                WorkspaceSettings.__table__.c.id == 1  # type: ignore[attr-defined]
            )
        ).scalar()
        used = [row[0] for row in conn.execute(select(_ITEM.c.lane).distinct())]
    configured = list(stored) if stored else list(DEFAULT_LANES)
    known = {name.casefold() for name in configured}
    extra = sorted({name for name in used if name and name.casefold() not in known})
    return configured + extra


def set_lanes(
    *, ws: Workspace, lanes: Sequence[str], who: str | None = None
) -> tuple[Changes, list[str]]:
    """Replace the lane list (order matters). Returns the changes and the OLD list (undo).

    Removing a lane that roadmap items still use is refused, naming how many items.
    """
    try:
        checked = WorkspaceSettingsUpdate.model_validate({"roadmap_lanes": list(lanes)})
    except pydantic.ValidationError as error:
        raise records.validation_error(error, "roadmap lanes") from error
    wanted: list[str] = list(checked.roadmap_lanes)  # type: ignore[attr-defined]
    with ws.write(who=who) as session:
        settings = session.get(WorkspaceSettings, 1)
        if settings is None:
            raise NotFoundError("This workspace has no settings row; it cannot store lanes.")
        old = list(settings.roadmap_lanes or DEFAULT_LANES)
        keep = {name.casefold() for name in wanted}
        removed = [name for name in old if name.casefold() not in keep]
        if removed:
            rows = session.execute(
                select(_ITEM.c.lane, func.count())
                .where(func.lower(_ITEM.c.lane).in_([n.lower() for n in removed]))
                .group_by(_ITEM.c.lane)
            ).all()
            if rows:
                parts = [
                    f"{lane!r} ({count} item{'s' if count != 1 else ''})" for lane, count in rows
                ]
                total = sum(count for _lane, count in rows)
                raise UserError(
                    f"Cannot remove the lane{'s' if len(rows) > 1 else ''} "
                    f"{', '.join(parts)}: {total} roadmap item{'s' if total != 1 else ''} "
                    "still use it. Move those items to another lane first."
                )
        if wanted != old:
            settings.roadmap_lanes = wanted
            settings.version += 1
            settings.updated_at = utcnow()
            session.flush()
    return Changes("settings", (1,), "update"), old


def rename_lane(
    *, ws: Workspace, old: str, new: str, who: str | None = None
) -> tuple[Changes, Changes]:
    """Rename the lane ``old`` to ``new`` in one transaction: the lane keeps its place in
    the configured list and every item in it (any case) moves to ``new``.

    Renaming onto another lane's name (configured or used by items) is refused; a
    change of case only is allowed. Undo is ``rename_lane(old=new, new=old)``. Returns
    the settings changes and the changes of the moved items.
    """
    source = str(old or "").strip()
    with ws.write(who=who) as session:
        conn = session.connection()
        settings = session.get(WorkspaceSettings, 1)
        if settings is None:
            raise NotFoundError("This workspace has no settings row; it cannot store lanes.")
        configured = list(settings.roadmap_lanes or DEFAULT_LANES)
        rows = conn.execute(select(_ITEM.c.id, _ITEM.c.title, _ITEM.c.lane)).all()
        used = {row.lane for row in rows if row.lane}
        known = {name.casefold(): name for name in [*configured, *sorted(used)]}
        if source.casefold() not in known:
            raise NotFoundError(f"There is no roadmap lane {source!r}.")
        try:
            checked = WorkspaceSettingsUpdate.model_validate({"roadmap_lanes": [new]})
        except pydantic.ValidationError as error:
            raise records.validation_error(error, "roadmap lane name") from error
        target: str = checked.roadmap_lanes[0]  # type: ignore[attr-defined]
        if target.casefold() != source.casefold() and target.casefold() in known:
            raise UserError(
                f"There is already a lane {known[target.casefold()]!r}; choose another name "
                f"for {source!r}."
            )
        wanted = [target if name.casefold() == source.casefold() else name for name in configured]
        moved = [row for row in rows if row.lane.casefold() == source.casefold()]
        moved = [row for row in moved if row.lane != target]
        now = utcnow()
        if wanted != configured:
            settings.roadmap_lanes = wanted
            settings.version += 1
            settings.updated_at = now
            session.flush()
        if moved:
            conn.execute(
                update(_ITEM)
                .where(_ITEM.c.id.in_([row.id for row in moved]))
                .values(lane=target, version=_ITEM.c.version + 1, updated_at=now)
            )
    return (
        Changes("settings", (1,), "update"),
        Changes("roadmap_item", tuple(row.id for row in moved), "update"),
    )


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
)


def _item_rows(conn: Any, start: dt.date | None = None, end: dt.date | None = None) -> list[Any]:
    query = select(*(_ITEM.c[name] for name in _ITEM_COLUMNS)).order_by(_ITEM.c.start, _ITEM.c.id)
    if start is not None:
        query = query.where(_ITEM.c.end >= start)
    if end is not None:
        query = query.where(_ITEM.c.start <= end)
    return conn.execute(query).all()


def _dep_rows(conn: Any) -> list[tuple[int, int, int]]:
    query = select(_DEP.c.id, _DEP.c.predecessor_id, _DEP.c.successor_id).order_by(_DEP.c.id)
    return [tuple(row) for row in conn.execute(query)]  # type: ignore[misc]


def _slip(row: Any) -> int | None:
    if row.planned_end is None:
        return None
    return (row.end - row.planned_end).days


def _timeline_item(row: Any, critical: bool) -> TimelineItem:
    return TimelineItem(
        id=row.id,
        title=row.title,
        lane=row.lane,
        kind=row.kind,
        start=row.start,
        end=row.end,
        planned_start=row.planned_start,
        planned_end=row.planned_end,
        status=row.status,
        progress=row.progress,
        owner=row.owner,
        use_case_id=row.use_case_id,
        slip_days=_slip(row),
        critical=critical,
    )


def timeline(
    *, ws: Workspace, start: dt.date | None = None, end: dt.date | None = None
) -> tuple[list[TimelineItem], list[Dependency]]:
    """Items overlapping ``[start, end]`` (all when open), ordered by start, and the
    dependencies between two listed items. ``critical`` marks the critical path, computed
    over the whole roadmap."""
    with ws.engine.connect() as conn:
        all_rows = _item_rows(conn)
        deps = _dep_rows(conn)
    path = set(critical_path(ws=ws, items=all_rows, deps=deps))
    if start is None and end is None:
        rows = all_rows
    else:
        rows = [
            r
            for r in all_rows
            if (start is None or r.end >= start) and (end is None or r.start <= end)
        ]
    items = [_timeline_item(r, r.id in path) for r in rows]
    by_id = {r.id: r for r in rows}
    links = [
        Dependency(
            id=dep_id,
            predecessor_id=pred,
            successor_id=succ,
            violated=by_id[succ].start < by_id[pred].end,
        )
        for dep_id, pred, succ in deps
        if pred in by_id and succ in by_id
    ]
    return items, links


def get_item(*, ws: Workspace, item_id: int) -> TimelineItem:
    """One item (``critical`` is False: use :func:`timeline` for the path)."""
    with ws.engine.connect() as conn:
        row = conn.execute(
            select(*(_ITEM.c[name] for name in _ITEM_COLUMNS)).where(_ITEM.c.id == item_id)
        ).first()
    if row is None:
        raise NotFoundError(f"No roadmap item with id {item_id}; it may have been deleted.")
    return _timeline_item(row, False)


def find_item(*, ws: Workspace, ref: int | str) -> int:
    """The id of the item ``ref`` names: an id or a title (any case)."""
    return records.resolve_ref(
        ws=ws,
        table=_ITEM,
        name_column="title",
        ref=ref,
        noun="roadmap item",
        plural="roadmap items",
    )


# --------------------------------------------------------------------------- critical path


def critical_path(
    *,
    ws: Workspace,
    items: Iterable[Any] | None = None,
    deps: Iterable[Any] | None = None,
) -> list[int]:
    """The longest chain (by total duration in days) through the dependency graph among
    items that are not done or cancelled, first item first.

    ``items`` (rows or :class:`TimelineItem` with ``id``, ``start``, ``end``, ``status``)
    and ``deps`` (``(id, predecessor, successor)`` tuples or :class:`Dependency`) may be
    passed to avoid reading them again. Items caught in a dependency cycle (only possible
    in data written outside this service) are left out. Ties go to the lower ids.
    """
    if items is None or deps is None:
        with ws.engine.connect() as conn:
            if items is None:
                items = _item_rows(conn)
            if deps is None:
                deps = _dep_rows(conn)
    duration: dict[int, int] = {}
    for row in items:
        if str(row.status) in CLOSED_STATUSES:
            continue
        duration[row.id] = (_as_date(row.end) - _as_date(row.start)).days + 1
    if not duration:
        return []
    succs: dict[int, list[int]] = defaultdict(list)
    indegree = dict.fromkeys(duration, 0)
    for dep in deps:
        if isinstance(dep, Dependency):
            pred, succ = dep.predecessor_id, dep.successor_id
        else:
            _dep_id, pred, succ = dep
        if pred in duration and succ in duration:
            succs[pred].append(succ)
            indegree[succ] += 1
    queue = deque(sorted(node for node, degree in indegree.items() if degree == 0))
    best = dict(duration)
    parent: dict[int, int] = {}
    last_id, last_len = None, -1
    while queue:
        node = queue.popleft()
        total = best[node]
        if total > last_len or (total == last_len and last_id is not None and node < last_id):
            last_id, last_len = node, total
        for nxt in succs.get(node, ()):
            candidate = total + duration[nxt]
            current_parent = parent.get(nxt)
            if candidate > best[nxt] or (
                candidate == best[nxt] and current_parent is not None and node < current_parent
            ):
                best[nxt] = candidate
                parent[nxt] = node
            indegree[nxt] -= 1
            if indegree[nxt] == 0:
                queue.append(nxt)
    path: list[int] = []
    node_id = last_id
    while node_id is not None:
        path.append(node_id)
        node_id = parent.get(node_id)
    path.reverse()
    return path


# --------------------------------------------------------------------------- dependencies


def _graph(conn: Any) -> dict[int, list[int]]:
    succs: dict[int, list[int]] = defaultdict(list)
    for _dep_id, pred, succ in _dep_rows(conn):
        succs[pred].append(succ)
    return succs


def _path_between(succs: Mapping[int, list[int]], source: int, target: int) -> list[int] | None:
    """A chain of successors from ``source`` to ``target`` (inclusive), or None."""
    previous: dict[int, int | None] = {source: None}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        if node == target:
            chain = [node]
            while previous[chain[-1]] is not None:
                chain.append(previous[chain[-1]])  # type: ignore[arg-type]
            return list(reversed(chain))
        for nxt in succs.get(node, ()):
            if nxt not in previous:
                previous[nxt] = node
                queue.append(nxt)
    return None


def _titles(conn: Any, ids: Iterable[int]) -> dict[int, str]:
    wanted = list(set(ids))
    rows = conn.execute(select(_ITEM.c.id, _ITEM.c.title).where(_ITEM.c.id.in_(wanted)))
    return {r.id: r.title for r in rows}


def add_dependency(
    *, ws: Workspace, predecessor_id: int, successor_id: int, who: str | None = None
) -> tuple[int, Changes]:
    """Link two items finish-to-start. A self-link, a duplicate or a link that would close
    a cycle is refused with a message naming the items."""
    with ws.write(who=who) as session:
        conn = session.connection()
        titles = _titles(conn, (predecessor_id, successor_id))
        for item_id in (predecessor_id, successor_id):
            if item_id not in titles:
                raise NotFoundError(f"No roadmap item with id {item_id}; it may have been deleted.")
        pred_title, succ_title = titles[predecessor_id], titles[successor_id]
        if predecessor_id == successor_id:
            raise ValidationError(
                f"An item cannot depend on itself ({pred_title!r}).",
                [("successor_id", "same item")],
            )
        exists = conn.execute(
            select(_DEP.c.id).where(
                _DEP.c.predecessor_id == predecessor_id, _DEP.c.successor_id == successor_id
            )
        ).first()
        if exists is not None:
            raise ValidationError(
                f"{succ_title!r} already depends on {pred_title!r}.",
                [("successor_id", "duplicate")],
            )
        chain = _path_between(_graph(conn), successor_id, predecessor_id)
        if chain is not None:
            names = _titles(conn, chain)
            route = " → ".join(repr(names[i]) for i in chain)
            raise ValidationError(
                f"Cannot make {succ_title!r} depend on {pred_title!r}: that would create a "
                f"cycle, because {pred_title!r} already comes after {succ_title!r} "
                f"({route}).",
                [("successor_id", "cycle")],
            )
        result = conn.execute(
            insert(_DEP).values(predecessor_id=predecessor_id, successor_id=successor_id)
        )
        key = result.inserted_primary_key
        assert key is not None
        dep_id = int(key[0])
    return dep_id, Changes("roadmap_dependency", (dep_id,), "create")


def remove_dependency(
    *, ws: Workspace, dependency_id: int, who: str | None = None
) -> tuple[Changes, tuple[int, int]]:
    """Remove a dependency; returns the changes and ``(predecessor, successor)`` (undo)."""
    with ws.write(who=who) as session:
        conn = session.connection()
        row = conn.execute(
            select(_DEP.c.predecessor_id, _DEP.c.successor_id).where(_DEP.c.id == dependency_id)
        ).first()
        if row is None:
            raise NotFoundError(f"No dependency with id {dependency_id}; it may have been removed.")
        conn.execute(_DEP.delete().where(_DEP.c.id == dependency_id))
    return (
        Changes("roadmap_dependency", (dependency_id,), "delete"),
        (int(row.predecessor_id), int(row.successor_id)),
    )


# --------------------------------------------------------------------------- moving


def _write_dates(
    conn: Any,
    moves: Mapping[int, tuple[dt.date, dt.date]],
    old: Mapping[int, tuple[dt.date, dt.date]],
    titles: Mapping[int, str],
    who: str | None,
) -> None:
    now = utcnow()
    for item_id, (start, end) in moves.items():
        conn.execute(
            update(_ITEM)
            .where(_ITEM.c.id == item_id)
            .values(start=start, end=end, version=_ITEM.c.version + 1, updated_at=now)
        )
        old_start, old_end = old[item_id]
        diff: dict[str, Any] = {}
        if old_start != start:
            diff["start"] = [old_start, start]
        if old_end != end:
            diff["end"] = [old_end, end]


def move_item(
    *,
    ws: Workspace,
    item_id: int,
    start: dt.date,
    end: dt.date,
    shift_dependents: bool = False,
    who: str | None = None,
) -> tuple[Changes, list[tuple[int, dt.date, dt.date]]]:
    """Give an item new dates (a drag or a resize). Milestones keep ``start == end``.

    With ``shift_dependents`` every successor (transitively) that would now start before
    a predecessor ends is pushed later, keeping its duration. Planned (baseline) dates
    never change. Returns the changes and the OLD ``(id, start, end)`` of every item moved,
    for :func:`restore_dates`.
    """
    if end < start:
        raise ValidationError(
            "Invalid roadmap item: the end date must not be before the start date.",
            [("end", "before start")],
        )
    with ws.write(who=who) as session:
        conn = session.connection()
        row = conn.execute(
            select(_ITEM.c.id, _ITEM.c.kind, _ITEM.c.start, _ITEM.c.end).where(
                _ITEM.c.id == item_id
            )
        ).first()
        if row is None:
            raise NotFoundError(f"No roadmap item with id {item_id}; it may have been deleted.")
        if row.kind == ItemKind.MILESTONE:
            end = start
        moves: dict[int, tuple[dt.date, dt.date]] = {}
        old: dict[int, tuple[dt.date, dt.date]] = {}
        if (row.start, row.end) != (start, end):
            moves[item_id] = (start, end)
            old[item_id] = (row.start, row.end)
        if shift_dependents:
            _shift_successors(conn, item_id, moves, old)
        if moves:
            titles = _titles(conn, moves)
            _write_dates(conn, moves, old, titles, who)
    moved = [(i, *old[i]) for i in moves]
    return Changes("roadmap_item", tuple(moves), "update"), moved


def _shift_successors(
    conn: Any,
    root: int,
    moves: dict[int, tuple[dt.date, dt.date]],
    old: dict[int, tuple[dt.date, dt.date]],
) -> None:
    """Push successors of ``root`` (transitively) so that finish-to-start holds."""
    succs = _graph(conn)
    reach: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        for nxt in succs.get(node, ()):
            if nxt not in reach:
                reach.add(nxt)
                stack.append(nxt)
    reach.discard(root)
    if not reach:
        return
    preds: dict[int, list[int]] = defaultdict(list)
    for pred, nexts in succs.items():
        for nxt in nexts:
            preds[nxt].append(pred)
    involved = reach | {p for n in reach for p in preds[n]}
    dates = {
        r.id: (r.start, r.end)
        for r in conn.execute(
            select(_ITEM.c.id, _ITEM.c.start, _ITEM.c.end).where(_ITEM.c.id.in_(list(involved)))
        )
    }
    dates.update(moves)
    # Topological order of the reachable part (Kahn), so each item sees its final preds.
    indegree = {n: sum(1 for p in preds[n] if p in reach) for n in reach}
    queue = deque(sorted(n for n, d in indegree.items() if d == 0))
    while queue:
        node = queue.popleft()
        start, end = dates[node]
        earliest = max(dates[p][1] for p in preds[node] if p in dates)
        if start < earliest:
            delta = earliest - start
            new = (start + delta, end + delta)
            if node not in old:
                old[node] = (start, end)
            moves[node] = new
            dates[node] = new
        for nxt in succs.get(node, ()):
            if nxt in indegree:
                indegree[nxt] -= 1
                if indegree[nxt] == 0:
                    queue.append(nxt)


def restore_dates(
    *, ws: Workspace, dates: Sequence[tuple[int, dt.date, dt.date]], who: str | None = None
) -> Changes:
    """Put items back on the given dates (the undo of :func:`move_item`)."""
    if not dates:
        return Changes("roadmap_item", (), "update")
    wanted = {int(i): (_as_date(s), _as_date(e)) for i, s, e in dates}
    with ws.write(who=who) as session:
        conn = session.connection()
        rows = conn.execute(
            select(_ITEM.c.id, _ITEM.c.title, _ITEM.c.start, _ITEM.c.end).where(
                _ITEM.c.id.in_(list(wanted))
            )
        ).all()
        found = {r.id: r for r in rows}
        missing = [i for i in wanted if i not in found]
        if missing:
            raise NotFoundError(
                f"No roadmap item with id {', '.join(map(str, missing))}; it may have been deleted."
            )
        old = {r.id: (r.start, r.end) for r in rows}
        moves = {i: d for i, d in wanted.items() if old[i] != d}
        _write_dates(conn, moves, old, {r.id: r.title for r in rows}, who)
    return Changes("roadmap_item", tuple(wanted), "update")


# --------------------------------------------------------------------------- board


def board(*, ws: Workspace, today: dt.date | None = None) -> dict[str, list[TimelineItem]]:
    """Now / Next / Later: ``now`` holds items in progress or already started, ``next``
    items starting within 90 days, ``later`` the rest. Done and cancelled items are left
    out. Each column is ordered by start date."""
    today = today or dt.date.today()
    items, _deps = timeline(ws=ws)
    result: dict[str, list[TimelineItem]] = {"now": [], "next": [], "later": []}
    horizon = today + dt.timedelta(days=NEXT_WINDOW_DAYS)
    for item in items:
        if item.status in CLOSED_STATUSES:
            continue
        if item.status == ItemStatus.IN_PROGRESS or item.start <= today:
            result["now"].append(item)
        elif item.start <= horizon:
            result["next"].append(item)
        else:
            result["later"].append(item)
    return result


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
    today = today or dt.date.today()
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
    today = today or dt.date.today()
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
            while obj.name.casefold() in taken:  # type: ignore[attr-defined]
                obj.name = f"{entry.name} ({number})"  # type: ignore[attr-defined]
                number += 1
            session.add(obj)
            session.flush()
            kpi_id = int(obj.id)  # type: ignore[attr-defined]
        else:
            kpi_id = int(kpi.id)
        existing = conn.execute(
            select(s.c.id, s.c.value).where(and_(s.c.kpi_id == kpi_id, s.c.date == day))
        ).first()
        now = utcnow()
        note = f"{latest.on_plan} of {latest.planned} items delivered on plan in {latest.quarter}"
        if existing is None:
            result = conn.execute(
                insert(s).values(
                    kpi_id=kpi_id,
                    date=day,
                    value=value,
                    note=note,
                    source="roadmap",
                    created_at=now,
                    updated_at=now,
                    version=1,
                )
            )
            key = result.inserted_primary_key
            assert key is not None
            snapshot_id = int(key[0])
        else:
            snapshot_id = int(existing.id)
            conn.execute(
                update(s)
                .where(s.c.id == snapshot_id)
                .values(value=value, note=note, version=s.c.version + 1, updated_at=now)
            )
    return Changes("kpi_snapshot", (snapshot_id,), "create" if existing is None else "update"), 1


def lane_counts(*, ws: Workspace) -> dict[str, int]:
    """Roadmap items per lane (keys case-folded)."""
    with ws.engine.connect() as conn:
        rows = conn.execute(select(_ITEM.c.lane, func.count()).group_by(_ITEM.c.lane)).all()
    counts: dict[str, int] = {}
    for lane, count in rows:
        counts[str(lane).casefold()] = counts.get(str(lane).casefold(), 0) + int(count)
    return counts


def predictability_kpi_id(*, ws: Workspace) -> int | None:
    """The tracked KPI that roadmap predictability is recorded in (None when untracked)."""
    k = Kpi.__table__  # type: ignore[attr-defined]
    query = select(k.c.id).where(k.c.catalog_key == PREDICTABILITY_KEY).order_by(k.c.id).limit(1)
    with ws.engine.connect() as conn:
        return conn.execute(query).scalar()
