"""Where a rollout stands: when each stage ran, and whether the release has launched.

A stage's **window** comes from the change log: the day it was set to active (its start)
and the day it was set to complete or rolled back (its end). A stage entered as complete
(created so, or without such a record) has no window: the day it was typed in says
nothing about when it ran, so its criteria show the recorded result instead.

A release has **launched** when it has rollout stages and every one is complete. It
launched on the day its final stage started (the full audience got it), else on its
target date when that has passed, else on the day the final stage was completed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from ...models import ChangeLog, StageStatus
from .. import clock
from ..dates import format_date

_LOG = ChangeLog.__table__  # type: ignore[attr-defined]

#: Stage statuses whose criteria are history: judged in the stage's own window.
SETTLED_STAGES = (StageStatus.COMPLETE.value, StageStatus.ROLLED_BACK.value)


@dataclass(frozen=True)
class StageWindow:
    """When a stage ran, from the change log (None: not recorded)."""

    started: dt.date | None = None
    ended: dt.date | None = None


@dataclass(frozen=True)
class LaunchState:
    """Whether a release has launched (every rollout stage complete) and on which day."""

    launched: bool
    launched_on: dt.date | None
    stages: int

    def text(self) -> str:
        """``"Launched on 2026-10-22"`` (``"Launched"`` when the day is not known)."""
        if not self.launched:
            return ""
        return f"Launched on {format_date(self.launched_on)}" if self.launched_on else "Launched"


def _day(moment: Any) -> dt.date | None:
    if isinstance(moment, dt.datetime):
        return moment.date()
    if isinstance(moment, dt.date):
        return moment
    if isinstance(moment, str) and moment:
        return dt.datetime.fromisoformat(moment).date()
    return None


def stage_windows(conn: Any, stages: Sequence[Any]) -> dict[int, StageWindow]:
    """Each stage's window (by stage id) from the status changes in the change log.

    The end is the last time the stage was set to its current settled status; the start
    the last time it was set to active before that.
    """
    ids = [int(s.id) for s in stages]
    if not ids:
        return {}
    rows = conn.execute(
        select(_LOG.c.entity_id, _LOG.c.at, _LOG.c.changes)
        .where(
            _LOG.c.entity == "rollout_stage",
            _LOG.c.entity_id.in_(ids),
            _LOG.c.action == "update",
        )
        .order_by(_LOG.c.at, _LOG.c.id)
    ).all()
    moves: dict[int, list[tuple[dt.date, str]]] = {}
    for entity_id, at, changes in rows:
        status = (changes or {}).get("status") if isinstance(changes, dict) else None
        day = _day(at)
        if not status or len(status) != 2 or day is None:
            continue
        moves.setdefault(int(entity_id), []).append((day, str(status[1])))
    result: dict[int, StageWindow] = {}
    for stage in stages:
        history = moves.get(int(stage.id), [])
        current = str(stage.status)
        ended = started = None
        if current in SETTLED_STAGES:
            ended = next((d for d, s in reversed(history) if s == current), None)
        cutoff = ended or dt.date.max
        started = next(
            (d for d, s in reversed(history) if s == StageStatus.ACTIVE.value and d <= cutoff),
            None,
        )
        result[int(stage.id)] = StageWindow(started, ended)
    return result


def launch_state(
    stages: Sequence[Any],
    windows: dict[int, StageWindow],
    target_date: dt.date | None,
    today: dt.date | None = None,
) -> LaunchState:
    """Whether the release with these stages (in order) has launched, and when."""
    today = today or clock.today()
    if not stages or any(str(s.status) != StageStatus.COMPLETE.value for s in stages):
        return LaunchState(False, None, len(stages))
    final = windows.get(int(stages[-1].id), StageWindow())
    if final.started is not None:
        day: dt.date | None = final.started
    elif target_date is not None and target_date <= today:
        day = target_date
    else:
        day = final.ended
    return LaunchState(True, day, len(stages))
