"""Undo commands of the KPIs area, over ``services.kpis``.

Like :mod:`aipm_desktop.ui.undo`: ``redo()`` performs the service call (so pushing the
command makes the edit), ``undo()`` reverses it, both emit the returned ``Changes`` on the
context, and a ``UserError`` is reported through ``ctx.show_error`` and makes the command
obsolete.
"""

from __future__ import annotations

import datetime as dt

from ...models import Kpi
from ...services import kpis as kpi_service
from ...services.changes import Changes
from ..context import AppContext
from ..undo import CreateByServiceCommand
from ..undo import ServiceCommand as KpiCommand

#: Imports with more rows than this are not put on the undo stack: undoing them row by
#: row would take too long (each row is one transaction).
IMPORT_UNDO_LIMIT = 5000


def _number(value: float) -> str:
    return f"{value:g}"


class SetSnapshotCommand(KpiCommand):
    """Set (or with ``value=None`` clear) the snapshot of one KPI on one day.

    Undo puts the old value and note back, or removes the snapshot when there was none.
    """

    def __init__(
        self,
        ctx: AppContext,
        kpi_id: int,
        day: dt.date,
        value: float | None,
        *,
        note: str | None = None,
        kpi_name: str = "",
    ) -> None:
        what = f" of {kpi_name}" if kpi_name else ""
        if value is None:
            text = f"clear snapshot{what} on {day:%Y-%m-%d}"
        else:
            text = f"set snapshot{what} on {day:%Y-%m-%d} to {_number(value)}"
        super().__init__(ctx, text)
        self.kpi_id = kpi_id
        self.day = day
        self.value = value
        self.note = note
        self.old: tuple[float, str] | None = None
        self._done_once = False

    def redo(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        first = not self._done_once

        def write() -> Changes:
            changes, old = kpi_service.set_snapshot(
                ws=ws,
                kpi_id=self.kpi_id,
                day=self.day,
                value=self.value,
                note=self.note,
                who=self.ctx.author(),
            )
            if first:
                self.old = old
            return changes

        if self._call(write) and first:
            self._done_once = True
            if self.old is None and self.value is None:
                self.setObsolete(True)  # cleared an empty cell: nothing to undo
            elif self.old is not None and self.old[0] == self.value and self.note is None:
                self.setObsolete(True)  # the same value again

    def undo(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        old = self.old
        self._call(
            lambda: kpi_service.set_snapshot(
                ws=ws,
                kpi_id=self.kpi_id,
                day=self.day,
                value=None if old is None else old[0],
                note=None if old is None else old[1],
                who=self.ctx.author(),
            )[0]
        )


class TrackKpiCommand(CreateByServiceCommand):
    """Track a KPI of the catalog. Undo deletes the new KPI; redo restores the same row."""

    def __init__(
        self,
        ctx: AppContext,
        catalog_key: str,
        *,
        name: str = "",
        use_case_id: int | None = None,
    ) -> None:
        self.catalog_key = catalog_key
        self.use_case_id = use_case_id
        super().__init__(
            ctx,
            Kpi,
            f"track KPI '{name or catalog_key}'",
            lambda ws: kpi_service.add_from_catalog(
                ws=ws, catalog_key=catalog_key, use_case_id=use_case_id, who=ctx.author()
            ),
        )

    @property
    def kpi_id(self) -> int | None:
        """The tracked KPI's id (after the first redo)."""
        return self.record_id


class ImportCommand(KpiCommand):
    """An import that was already applied (in a worker): pushing it does not write again.

    Undo removes the added snapshots and puts the replaced values back, one
    :func:`~aipm_desktop.services.kpis.set_snapshot` per row; redo applies the import
    again. Only imports of up to :data:`IMPORT_UNDO_LIMIT` rows are pushed.
    """

    def __init__(
        self, ctx: AppContext, preview: kpi_service.ImportPreview, changes: Changes
    ) -> None:
        count = len(preview.add) + len(preview.replace)
        super().__init__(ctx, f"import {count:,} KPI snapshots")
        self.preview = preview
        self.changes = changes
        self._applied = True

    def redo(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        if self._applied:
            self.ctx.notify(self.changes)
            return
        preview = self.preview
        if self._call(
            lambda: kpi_service.apply_import(ws=ws, preview=preview, who=self.ctx.author())[0]
        ):
            self._applied = True

    def undo(self) -> None:
        ws = self.ctx.workspace
        if ws is None:
            return
        who = self.ctx.author()
        preview = self.preview

        def revert() -> Changes:
            ids: set[int] = set()
            for row in preview.add:
                kpi_service.set_snapshot(ws=ws, kpi_id=row.kpi_id, day=row.day, value=None, who=who)
                ids.add(row.kpi_id)
            for row in preview.replace:
                kpi_service.set_snapshot(
                    ws=ws, kpi_id=row.kpi_id, day=row.day, value=row.old_value, who=who
                )
                ids.add(row.kpi_id)
            return Changes("kpi_snapshot", tuple(sorted(ids)), "update")

        if self._call(revert):
            self._applied = False
