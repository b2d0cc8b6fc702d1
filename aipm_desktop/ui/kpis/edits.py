"""Undoable edits of the KPIs area, over ``services.kpis``.

Each factory returns a generic :class:`~aipm_desktop.ui.undo.OperationCommand`: its first
redo runs the service call as one workspace operation, and undo/redo ask the core to
reverse and replay that operation (an old snapshot value and note, a removed snapshot, a
tracked KPI all come back or go away as they were). The factories keep the ``...Command``
names the area's widgets have always used.

An import runs in a worker (:func:`import_snapshots`, one operation however many rows);
:func:`ImportCommand` then puts that operation on the undo stack without writing again.
"""

from __future__ import annotations

import datetime as dt

from ...services import kpis as kpi_service
from ...services.changes import Changes
from ...services.conflicts import Slot
from ...services.dates import format_date
from ..context import AppContext
from ..undo import OperationCommand, new_record_command, service_command
from ..widgets.service_edits import recorded_import


def _number(value: float) -> str:
    return f"{value:g}"


def import_text(preview: kpi_service.ImportPreview) -> str:
    """How an import is called in Edit ▸ Undo and in the workspace history."""
    return f"import {len(preview.add) + len(preview.replace):,} KPI snapshots"


def SetSnapshotCommand(
    ctx: AppContext,
    kpi_id: int,
    day: dt.date,
    value: float | None,
    *,
    note: str | None = None,
    kpi_name: str = "",
    expect: Slot | None = None,
) -> OperationCommand:
    """Set (or with ``value=None`` clear) the snapshot of one KPI on one day.

    Undo puts the old value and note back, or removes the snapshot when there was none.
    With ``expect`` (the snapshot as the editor read it, or none) a day whose snapshot
    changed since is left as it is: see ``kpis.set_snapshot``.
    """
    what = f" of {kpi_name}" if kpi_name else ""
    if value is None:
        text = f"clear snapshot{what} on {format_date(day)}"
    else:
        text = f"set snapshot{what} on {format_date(day)} to {_number(value)}"
    return service_command(
        ctx,
        text,
        lambda ws: kpi_service.set_snapshot(
            ws=ws, kpi_id=kpi_id, day=day, value=value, note=note, who=ctx.author(), expect=expect
        ),
    )


def TrackKpiCommand(
    ctx: AppContext,
    catalog_key: str,
    *,
    name: str = "",
    use_case_id: int | None = None,
) -> OperationCommand:
    """Track a KPI of the catalog; the new KPI's id is in ``kpi_id`` (and ``record_id``)
    after the push. Undo deletes the new KPI; redo restores the same row."""
    return new_record_command(
        ctx,
        f"track KPI '{name or catalog_key}'",
        lambda ws: kpi_service.add_from_catalog(
            ws=ws, catalog_key=catalog_key, use_case_id=use_case_id, who=ctx.author()
        ),
        id_attr="kpi_id",
    )


#: Apply a checked import as one named operation (safe to run in a worker): the changes,
#: carrying the operation's id for :func:`ImportCommand`, and the snapshots written.
import_snapshots = recorded_import(kpi_service.apply_import, import_text)


def ImportCommand(
    ctx: AppContext, preview: kpi_service.ImportPreview, changes: Changes
) -> OperationCommand:
    """The undo step of an import.

    When ``changes`` names the operation that already wrote it (what
    :func:`import_snapshots` returns), pushing the command writes nothing again and does
    not notify (the caller already has the changes); otherwise pushing performs the import.
    Undo removes the added snapshots and puts the replaced values back in one operation;
    redo applies the import again.
    """
    command = service_command(
        ctx,
        import_text(preview),
        lambda ws: kpi_service.apply_import(ws=ws, preview=preview, who=ctx.author()),
    )
    if changes.op_ids:
        command.op_id = changes.op_ids[-1]  # already applied: the first redo is a no-op
    return command
