"""Editing the schedule: adding and removing finish-to-start dependencies (refusing
cycles) and moving items, optionally pushing their successors later; restoring dates
for undo. The planned (baseline) dates are never moved, so slip stays visible.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import select, update

from ...errors import NotFoundError, ValidationError
from ...models import ItemKind, RoadmapDependency, RoadmapItem, utcnow
from ...store import Workspace
from .. import records
from ..changes import Changes
from .items import as_date, dep_rows

_ITEM = RoadmapItem.__table__  # type: ignore[attr-defined]
_DEP = RoadmapDependency.__table__  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- dependencies


def _graph(conn: Any) -> dict[int, list[int]]:
    succs: dict[int, list[int]] = defaultdict(list)
    for _dep_id, pred, succ in dep_rows(conn):
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
        dep_id = records.insert_row(
            conn, _DEP, {"predecessor_id": predecessor_id, "successor_id": successor_id}
        )
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


def _write_dates(conn: Any, moves: Mapping[int, tuple[dt.date, dt.date]]) -> None:
    now = utcnow()
    for item_id, (start, end) in moves.items():
        conn.execute(
            update(_ITEM)
            .where(_ITEM.c.id == item_id)
            .values(start=start, end=end, version=_ITEM.c.version + 1, updated_at=now)
        )


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
            _write_dates(conn, moves)
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
    wanted = {int(i): (as_date(s), as_date(e)) for i, s, e in dates}
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
        _write_dates(conn, moves)
    return Changes("roadmap_item", tuple(wanted), "update")
