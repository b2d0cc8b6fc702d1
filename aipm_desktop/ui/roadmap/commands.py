"""Undo commands of the Roadmap area, over the roadmap service.

Each performs its service call in ``redo()``, reverses it in ``undo()`` with what the
service returned (the old dates of every item a move touched, the new dependency's id,
the snapshots a KPI recording wrote) and emits the returned ``Changes`` through the
context, like the generic record commands in :mod:`aipm_desktop.ui.undo`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from ...models import Kpi, KpiSnapshot
from ...services import kpis, records, roadmap
from ...services.changes import Changes
from ..context import AppContext
from ..undo import ServiceCommand


class MoveItemCommand(ServiceCommand):
    """Give a roadmap item new dates (optionally pushing its dependents along).

    Undo writes back the old dates of every item the move touched.
    """

    def __init__(
        self,
        ctx: AppContext,
        item_id: int,
        start: dt.date,
        end: dt.date,
        *,
        shift_dependents: bool = False,
        text: str = "move roadmap item",
    ) -> None:
        super().__init__(ctx, text)
        self.item_id = item_id
        self.start = start
        self.end = end
        self.shift_dependents = shift_dependents
        self.old_dates: list[tuple[int, dt.date, dt.date]] | None = None

    def redo(self) -> None:
        def run() -> Changes:
            changes, old = roadmap.move_item(
                ws=self.ctx.require_workspace(),
                item_id=self.item_id,
                start=self.start,
                end=self.end,
                shift_dependents=self.shift_dependents,
                who=self.ctx.author(),
            )
            if self.old_dates is None:
                self.old_dates = list(old)
            return changes

        first = self.old_dates is None
        if self._call(run) and first and not self.old_dates:
            self.setObsolete(True)  # nothing moved: no undo step

    def undo(self) -> None:
        if not self.old_dates:
            return
        dates = list(self.old_dates)
        self._call(
            lambda: roadmap.restore_dates(
                ws=self.ctx.require_workspace(), dates=dates, who=self.ctx.author()
            )
        )


class AddDependencyCommand(ServiceCommand):
    """Make ``successor`` wait for ``predecessor`` (finish to start). Undo removes the link."""

    def __init__(self, ctx: AppContext, predecessor_id: int, successor_id: int) -> None:
        super().__init__(ctx, "add roadmap dependency")
        self.predecessor_id = predecessor_id
        self.successor_id = successor_id
        self.dependency_id: int | None = None  # (not ``id``: that is QUndoCommand.id())

    def redo(self) -> None:
        def run() -> Changes:
            new_id, changes = roadmap.add_dependency(
                ws=self.ctx.require_workspace(),
                predecessor_id=self.predecessor_id,
                successor_id=self.successor_id,
                who=self.ctx.author(),
            )
            self.dependency_id = new_id
            return changes

        self._call(run)

    def undo(self) -> None:
        if self.dependency_id is None:
            return
        dependency_id = self.dependency_id
        self._call(
            lambda: roadmap.remove_dependency(
                ws=self.ctx.require_workspace(), dependency_id=dependency_id, who=self.ctx.author()
            )[0]
        )


class RemoveDependencyCommand(ServiceCommand):
    """Remove a dependency. Undo adds the same link again."""

    def __init__(self, ctx: AppContext, dependency_id: int) -> None:
        super().__init__(ctx, "remove roadmap dependency")
        self.dependency_id = dependency_id
        self.pair: tuple[int, int] | None = None

    def redo(self) -> None:
        dependency_id = self.dependency_id

        def run() -> Changes:
            changes, pair = roadmap.remove_dependency(
                ws=self.ctx.require_workspace(), dependency_id=dependency_id, who=self.ctx.author()
            )
            self.pair = tuple(pair)  # type: ignore[assignment]
            return changes

        self._call(run)

    def undo(self) -> None:
        if self.pair is None:
            return
        predecessor_id, successor_id = self.pair

        def run() -> Changes:
            new_id, changes = roadmap.add_dependency(
                ws=self.ctx.require_workspace(),
                predecessor_id=predecessor_id,
                successor_id=successor_id,
                who=self.ctx.author(),
            )
            self.dependency_id = new_id
            return changes

        self._call(run)


class RecordPredictabilityCommand(ServiceCommand):
    """Record the latest completed quarter's predictability as a KPI snapshot.

    The service reports only the snapshot it wrote, so the command reads beforehand what
    it needs to undo: whether the tracked KPI existed, and the snapshots it had. Undo
    deletes a KPI the recording created, or puts the snapshot back as it was (removing it
    when there was none).
    """

    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx, "record roadmap predictability")
        self.written = 0
        self.kpi_id: int | None = None
        self.created_kpi = False
        self.day: dt.date | None = None
        self.old: tuple[float, str] | None = None

    def redo(self) -> None:
        ws = self.ctx.require_workspace()
        before = _predictability_kpi(ws)
        old_snapshots = _snapshots(ws, before) if before is not None else {}

        def run() -> Changes:
            changes, written = roadmap.record_predictability_kpi(ws=ws, who=self.ctx.author())
            self.written = written
            if written and changes.ids:
                self.kpi_id, self.day = _snapshot_key(ws, changes.ids[0])
                self.created_kpi = before is None
                self.old = old_snapshots.get(self.day) if self.day is not None else None
            return changes

        if self._call(run) and not self.written:
            self.setObsolete(True)  # nothing to record: no undo step

    def undo(self) -> None:
        if not self.written or self.kpi_id is None or self.day is None:
            return
        ws = self.ctx.require_workspace()
        kpi_id, day, old = self.kpi_id, self.day, self.old
        if self.created_kpi:
            self._call(
                lambda: records.delete(ws=ws, model=Kpi, id=kpi_id, who=self.ctx.author())[1]
            )
            return
        self._call(
            lambda: kpis.set_snapshot(
                ws=ws,
                kpi_id=kpi_id,
                day=day,
                value=None if old is None else old[0],
                note=None if old is None else old[1],
                who=self.ctx.author(),
            )[0]
        )


def _predictability_kpi(ws: Any) -> int | None:
    k = Kpi.__table__  # type: ignore[attr-defined]
    query = (
        select(k.c.id)
        .where(k.c.catalog_key == roadmap.PREDICTABILITY_KEY)
        .order_by(k.c.id)
        .limit(1)
    )
    with ws.engine.connect() as conn:
        return conn.execute(query).scalar()


def _snapshots(ws: Any, kpi_id: int) -> dict[dt.date, tuple[float, str]]:
    s = KpiSnapshot.__table__  # type: ignore[attr-defined]
    query = select(s.c.date, s.c.value, s.c.note).where(s.c.kpi_id == kpi_id)
    with ws.engine.connect() as conn:
        return {row.date: (float(row.value), str(row.note)) for row in conn.execute(query)}


def _snapshot_key(ws: Any, snapshot_id: int) -> tuple[int | None, dt.date | None]:
    s = KpiSnapshot.__table__  # type: ignore[attr-defined]
    with ws.engine.connect() as conn:
        row = conn.execute(select(s.c.kpi_id, s.c.date).where(s.c.id == snapshot_id)).first()
    return (None, None) if row is None else (int(row.kpi_id), row.date)
