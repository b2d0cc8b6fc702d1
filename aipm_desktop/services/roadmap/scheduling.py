"""The timeline with its critical path, and the Now / Next / Later board.

The critical path is a longest-path pass over a topological order of the open items
(5,000 items and 10,000 dependencies in a few tens of milliseconds).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from collections.abc import Iterable
from typing import Any

from ...models import ItemStatus
from ...store import Workspace
from .. import clock
from .items import (
    CLOSED_STATUSES,
    Dependency,
    TimelineItem,
    as_date,
    dep_rows,
    item_rows,
    timeline_item,
)

#: Items starting within this many days are "next" on the board; later ones "later".
NEXT_WINDOW_DAYS = 90


def timeline(
    *, ws: Workspace, start: dt.date | None = None, end: dt.date | None = None
) -> tuple[list[TimelineItem], list[Dependency]]:
    """Items overlapping ``[start, end]`` (all when open), ordered by start, and the
    dependencies between two listed items. ``critical`` marks the critical path, computed
    over the whole roadmap."""
    with ws.engine.connect() as conn:
        all_rows = item_rows(conn)
        deps = dep_rows(conn)
    path = set(critical_path(ws=ws, items=all_rows, deps=deps))
    if start is None and end is None:
        rows = all_rows
    else:
        rows = [
            r
            for r in all_rows
            if (start is None or r.end >= start) and (end is None or r.start <= end)
        ]
    items = [timeline_item(r, r.id in path) for r in rows]
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
                items = item_rows(conn)
            if deps is None:
                deps = dep_rows(conn)
    duration: dict[int, int] = {}
    for row in items:
        if str(row.status) in CLOSED_STATUSES:
            continue
        duration[row.id] = (as_date(row.end) - as_date(row.start)).days + 1
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


# --------------------------------------------------------------------------- board


def board(*, ws: Workspace, today: dt.date | None = None) -> dict[str, list[TimelineItem]]:
    """Now / Next / Later: ``now`` holds items in progress or already started, ``next``
    items starting within 90 days, ``later`` the rest. Done and cancelled items are left
    out. Each column is ordered by start date."""
    today = today or clock.today()
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
