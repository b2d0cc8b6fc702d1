"""Undoable edits of the Roadmap area, over the roadmap service.

Each factory returns a generic :class:`~aipm_desktop.ui.undo.OperationCommand`: its first
redo runs the service call(s) as one workspace operation, so a drag that also pushes
dependents along, or a lane edit that renames several lanes, is one undo step; undo and
redo ask the core to reverse and replay that operation (the same rows come back, a
removed dependency with its id). The factories keep the ``...Command`` names the area's
widgets have always used.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from ...models import KpiSnapshot
from ...services import roadmap
from ...services.changes import Changes
from ...store import Workspace
from ..context import AppContext
from ..undo import OperationCommand, service_command
from ..widgets.service_edits import call_command, create_command


def MoveItemCommand(
    ctx: AppContext,
    item_id: int,
    start: dt.date,
    end: dt.date,
    *,
    shift_dependents: bool = False,
    text: str = "move roadmap item",
) -> OperationCommand:
    """Give a roadmap item new dates (optionally pushing its dependents along).

    The item and every dependent it pushed move in one operation: one undo step. Nothing
    moved: no undo step.
    """
    args = {"item_id": item_id, "start": start, "end": end, "shift_dependents": shift_dependents}
    return call_command(ctx, text, roadmap.move_item, args, record_id=item_id)


def MoveReadItemCommand(
    ctx: AppContext,
    item: roadmap.TimelineItem,
    dates: Mapping[str, dt.date],
    *,
    shift_dependents: bool = False,
    text: str = "move roadmap item",
) -> OperationCommand:
    """Give ``item`` the ``start`` and/or ``end`` in ``dates``, the one not given kept as
    stored when the edit runs (another window's, after a conflict), as
    :func:`MoveItemCommand`; made to write only while the item is as read (no lost
    update: the conflict dialog shows the dates)."""
    from ...models import RoadmapItem
    from ..widgets.versioned import guard_edit

    def make(values: dict[str, dt.date]) -> OperationCommand:
        def perform(ws: Workspace) -> Changes:
            now = roadmap.get_item(ws=ws, item_id=item.id)
            start, end = values.get("start", now.start), values.get("end", now.end)
            args = {"start": start, "end": end, "shift_dependents": shift_dependents}
            return roadmap.move_item(ws=ws, item_id=item.id, **args, who=ctx.author())[0]

        return service_command(ctx, text, perform, record_id=item.id)

    label = {"start": "Start", "end": "End"}.get
    return guard_edit(make, RoadmapItem, item.id, dates, item.version, label_for=label)  # type: ignore[return-value]


def AddDependencyCommand(
    ctx: AppContext, predecessor_id: int, successor_id: int
) -> OperationCommand:
    """Make ``successor`` wait for ``predecessor`` (finish to start). Undo removes the link.

    The new link's id is in ``dependency_id`` after the push (not ``id``: that is
    ``QUndoCommand.id()``).
    """
    return create_command(
        ctx,
        "add roadmap dependency",
        roadmap.add_dependency,
        {"predecessor_id": predecessor_id, "successor_id": successor_id},
        id_attr="dependency_id",
    )


def RemoveDependencyCommand(ctx: AppContext, dependency_id: int) -> OperationCommand:
    """Remove a dependency. Undo brings the same link (same id) back."""
    return call_command(
        ctx,
        "remove roadmap dependency",
        roadmap.remove_dependency,
        {"dependency_id": dependency_id},
        record_id=dependency_id,
        id_attr="dependency_id",
    )


def SetLanesCommand(
    ctx: AppContext,
    lanes: Sequence[str],
    *,
    renames: Mapping[str, str] | None = None,
    text: str = "edit roadmap lanes",
    report_errors: bool = True,
) -> OperationCommand:
    """Set the roadmap's lanes (order matters), renaming lanes on the way.

    ``renames`` maps an old lane name to its new name (a name in ``lanes``); a rename
    also moves the lane's items. The lanes are first set with the renamed lanes still
    under their old names (so a lane still in use cannot disappear), then each lane is
    renamed, all in one operation: when a step is refused nothing is kept, and undo
    takes the whole edit back.

    With ``report_errors=False`` a refusal is kept in ``error`` and not shown (the lanes
    dialog shows it itself).
    """
    wanted = [str(name) for name in lanes]
    order = _rename_order(dict(renames or {}))
    new_names = {new.casefold(): old for old, new in order}
    first = [new_names.get(name.strip().casefold(), name) for name in wanted]

    def perform(ws: Workspace) -> Changes:
        who = ctx.author()
        changes, _old = roadmap.set_lanes(ws=ws, lanes=first, who=who)
        for old_name, new_name in order:
            roadmap.rename_lane(ws=ws, old=old_name, new=new_name, who=who)
        return changes

    return service_command(ctx, text, perform, report_errors=report_errors)


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


def RecordPredictabilityCommand(ctx: AppContext) -> OperationCommand:
    """Record the latest completed quarter's predictability as a KPI snapshot.

    After the push, ``written`` is the number of snapshots written (0: no completed
    quarter had planned items, nothing changed, no undo step), ``day`` the snapshot's
    date and ``kpi_id`` its KPI. Undo takes the snapshot back (and the KPI, when the
    recording created it).
    """
    command = service_command(ctx, "record roadmap predictability", lambda ws: None)
    command.written = 0  # type: ignore[attr-defined]
    command.day = None  # type: ignore[attr-defined]
    command.kpi_id = None  # type: ignore[attr-defined]

    def perform(ws: Workspace) -> Changes:
        changes, written = roadmap.record_predictability_kpi(ws=ws, who=ctx.author())
        command.written = written  # type: ignore[attr-defined]
        if written and changes.ids:
            # read inside the operation: the snapshot is not committed yet
            with ws.write() as session:
                snapshot = session.get(KpiSnapshot, changes.ids[0])
                if snapshot is not None:
                    command.day = snapshot.date  # type: ignore[attr-defined]
                    command.kpi_id = int(snapshot.kpi_id)  # type: ignore[attr-defined]
        return changes

    command.perform = perform
    return command
