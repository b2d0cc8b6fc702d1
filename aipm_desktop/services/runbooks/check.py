"""Rollback criteria checked live against the KPIs' latest snapshots.

A criterion ``KPI op threshold`` with ``consecutive = N`` is **met** when each of the
KPI's N latest snapshots (by date) satisfies the comparison, after converting the KPI's
value into the criterion's unit (seconds and milliseconds); **not met** when any of
them does not, or when the KPI has fewer than N snapshots; **no data** when the
criterion names no KPI (it was deleted) or the KPI has no snapshot. ``streak`` is how
many of the N latest snapshots, newest first and in a row, satisfy it (at most N).

The whole check is two queries, whatever the number of criteria: the criteria with their
KPIs, and the latest N snapshots of every KPI named (N the largest count asked for: per KPI the
date of its N-th latest snapshot, found in the (KPI, date) index, and the snapshots from
that date on).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import records
from ..kpis.status import latest_snapshots
from ..launch.criteria import compare, convert_unit
from .data import _CRIT, _RB, _UC, ConditionText, criteria_query

if TYPE_CHECKING:
    from ...store import Workspace

MET = "met"
NOT_MET = "not met"
NO_DATA = "no data"


@dataclass(frozen=True)
class CriterionResult(ConditionText):
    """One rollback criterion and whether it is met now."""

    criterion_id: int
    runbook_id: int
    runbook: str
    use_case_id: int | None
    use_case: str
    text: str
    kpi_id: int | None
    kpi_name: str | None
    op: str
    threshold: float
    unit: str
    consecutive: int
    state: str  # MET | NOT_MET | NO_DATA
    #: The latest snapshots judged, newest first, as (date, value in the criterion's unit).
    values: tuple[tuple[dt.date, float], ...] = ()
    streak: int = 0

    @property
    def met(self) -> bool:
        return self.state == MET

    @property
    def latest(self) -> float | None:
        return self.values[0][1] if self.values else None

    @property
    def latest_date(self) -> dt.date | None:
        return self.values[0][0] if self.values else None

    def as_dict(self) -> dict[str, Any]:
        return records.record_dict(
            self,
            values=[{"date": d.isoformat(), "value": v} for d, v in self.values],
            met=self.met,
            condition=self.condition,
        )


def judge(op: str, threshold: float, consecutive: int, values: Sequence[float]) -> tuple[str, int]:
    """(state, streak) of a criterion over ``values`` (newest first, in its unit)."""
    if not values:
        return NO_DATA, 0
    streak = 0
    for value in values:
        if not compare(value, op, threshold):
            break
        streak += 1
    return (MET if streak >= consecutive else NOT_MET), streak


def check(
    *, ws: Workspace, runbook_id: int | None = None, use_case_id: int | None = None
) -> list[CriterionResult]:
    """Every rollback criterion (of one runbook or use case, if given), by runbook then
    position, and whether it is met now (see the module docstring)."""
    query = (
        criteria_query()
        .add_columns(_RB.c.title.label("runbook"), _RB.c.use_case_id, _UC.c.title.label("use_case"))
        .join(_RB, _RB.c.id == _CRIT.c.runbook_id)
        .outerjoin(_UC, _UC.c.id == _RB.c.use_case_id)
        .order_by(_RB.c.title, _RB.c.id, _CRIT.c.position, _CRIT.c.id)
    )
    if runbook_id is not None:
        query = query.where(_CRIT.c.runbook_id == runbook_id)
    if use_case_id is not None:
        query = query.where(_RB.c.use_case_id == use_case_id)
    with ws.engine.connect() as conn:
        rows = conn.execute(query).all()
        kpi_ids = [int(r.kpi_id) for r in rows if r.kpi_id is not None]
        depth = max((int(r.consecutive) for r in rows), default=0)
        series = latest_snapshots(conn, kpi_ids, depth)
    results = []
    for r in rows:
        points = series.get(int(r.kpi_id), []) if r.kpi_id is not None else []
        judged = tuple(
            (day, convert_unit(value, r.kpi_unit or "", r.unit))
            for day, value in points[: int(r.consecutive)]
        )
        state, streak = judge(r.op, r.threshold, int(r.consecutive), [v for _, v in judged])
        results.append(
            records.from_row(
                CriterionResult,
                r,
                criterion_id=r.id,
                use_case=r.use_case or "",
                consecutive=int(r.consecutive),
                state=state,
                values=judged,
                streak=streak,
            )
        )
    return results


def met_criteria(*, ws: Workspace, use_case_id: int | None = None) -> list[CriterionResult]:
    """The rollback criteria met now (for the Overview and the use case)."""
    return [r for r in check(ws=ws, use_case_id=use_case_id) if r.met]
