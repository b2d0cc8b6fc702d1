"""Undo commands of the Roadmap area, over the roadmap service.

Each performs its service call in ``redo()``, reverses it in ``undo()`` with what the
service returned (the old dates of every item a move touched, the new dependency's id,
the snapshots a KPI recording wrote) and emits the returned ``Changes`` through the
context, like the generic record commands in :mod:`aipm_desktop.ui.undo`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence

from ...errors import UserError
from ...models import Kpi
from ...services import kpis, records, roadmap
from ...services import kpis as kpi_service
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


class SetLanesCommand(ServiceCommand):
    """Set the roadmap's lanes (order matters), renaming lanes on the way.

    ``renames`` maps an old lane name to its new name (a name in ``lanes``); a rename
    also moves the lane's items. The lanes are first set with the renamed lanes still
    under their old names (so a lane still in use cannot disappear), then each lane is
    renamed. When a step is refused, the steps already made are taken back, so the
    workspace is left as it was. Undo renames the lanes back, then sets the old list.

    With ``report_errors=False`` a refusal is kept in :attr:`error` and not shown (the
    lanes dialog shows it itself).
    """

    def __init__(
        self,
        ctx: AppContext,
        lanes: Sequence[str],
        *,
        renames: Mapping[str, str] | None = None,
        text: str = "edit roadmap lanes",
        report_errors: bool = True,
    ) -> None:
        super().__init__(ctx, text)
        self.lanes = [str(name) for name in lanes]
        self.renames = _rename_order(dict(renames or {}))
        self.report_errors = report_errors
        self.old_lanes: list[str] | None = None

    def _run(self, steps: Callable[[list[Changes]], None]) -> bool:
        """Run ``steps`` (which appends the changes it makes); report a refusal."""
        if self.ctx.workspace is None:
            return False
        done: list[Changes] = []
        try:
            steps(done)
        except UserError as err:
            self.error = err
            self.setObsolete(True)
            if self.report_errors:
                self.ctx.show_error(err)
            return False
        finally:
            for changes in _merged(done):
                self.ctx.notify(changes)
        return True

    def redo(self) -> None:
        ws = self.ctx.require_workspace()
        who = self.ctx.author()
        new_names = {new.casefold(): old for old, new in self.renames}
        first = [new_names.get(name.strip().casefold(), name) for name in self.lanes]

        def steps(done: list[Changes]) -> None:
            changes, old = roadmap.set_lanes(ws=ws, lanes=first, who=who)
            done.append(changes)
            if self.old_lanes is None:
                self.old_lanes = list(old)
            renamed: list[tuple[str, str]] = []
            try:
                for old_name, new_name in self.renames:
                    done.extend(roadmap.rename_lane(ws=ws, old=old_name, new=new_name, who=who))
                    renamed.append((old_name, new_name))
            except UserError:
                for old_name, new_name in reversed(renamed):
                    done.extend(roadmap.rename_lane(ws=ws, old=new_name, new=old_name, who=who))
                done.append(roadmap.set_lanes(ws=ws, lanes=old, who=who)[0])
                raise

        self._run(steps)

    def undo(self) -> None:
        if self.old_lanes is None:
            return
        ws = self.ctx.require_workspace()
        who = self.ctx.author()
        old_lanes = list(self.old_lanes)

        def steps(done: list[Changes]) -> None:
            for old_name, new_name in reversed(self.renames):
                done.extend(roadmap.rename_lane(ws=ws, old=new_name, new=old_name, who=who))
            done.append(roadmap.set_lanes(ws=ws, lanes=old_lanes, who=who)[0])

        self._run(steps)


def _rename_order(renames: dict[str, str]) -> list[tuple[str, str]]:
    """Renames in an order where no lane is renamed onto a name another lane still has
    (``B → C`` before ``A → B``). A cycle keeps its order; the service refuses it."""
    pending = [(old, new) for old, new in renames.items() if old != new]
    ordered: list[tuple[str, str]] = []

    def blocked(pair: tuple[str, str]) -> bool:
        target = pair[1].strip().casefold()
        return any(other is not pair and other[0].casefold() == target for other in pending)

    while pending:
        free = [pair for pair in pending if not blocked(pair)] or pending[:1]
        ordered.append(free[0])
        pending.remove(free[0])
    return ordered


def _merged(done: list[Changes]) -> list[Changes]:
    """One ``Changes`` per kind (ids united), in the order the kinds first changed."""
    ids: dict[str, dict[int, None]] = {}
    for changes in done:
        ids.setdefault(changes.kind, {}).update(dict.fromkeys(changes.ids))
    return [Changes(kind, tuple(found), "update") for kind, found in ids.items()]


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
        before = roadmap.predictability_kpi_id(ws=ws)
        old_snapshots = (
            kpi_service.snapshot_values(ws=ws, kpi_id=before) if before is not None else {}
        )

        def run() -> Changes:
            changes, written = roadmap.record_predictability_kpi(ws=ws, who=self.ctx.author())
            self.written = written
            if written and changes.ids:
                self.kpi_id, self.day = kpi_service.snapshot_key(ws=ws, snapshot_id=changes.ids[0])
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
