"""Two parts of the runbook editor: the escalation path and the rollback criteria.

:class:`ContactsPanel` is the escalation path in order (role, name, how to reach them):
a row above the table adds a step (Enter), a double click (or F2) edits a cell in
place, Remove / Move up / Move down act on the chosen step; each change replaces the
runbook's path as one undo step.

:class:`CriteriaPanel` lists the rollback criteria with their live state on the latest
KPI snapshots (met in red, not met, no data) and the values judged. A criterion is
added by writing it ("hallucination rate > 4% for 2 consecutive snapshots", Enter); its
operator, threshold, unit and streak are edited in place. A met criterion offers "Open
incident…", pre-filled with the breach.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QUndoCommand
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QWidget

from ...models import RollbackCriterion, Runbook
from ...services import runbooks
from ...services.runbooks import ContactInfo, CriterionInfo, CriterionResult, RunbookInfo
from ..context import AppContext
from ..widgets.builders import button, hbox, line_edit, vbox
from ..widgets.lazy_table import set_enabled_why
from ..widgets.page_header import local_action, named_label
from ..widgets.row_list_model import Column, edited_as_shown
from ..widgets.versioned import RowVersions, guard_stale
from .breach import BreachDialog, offer_incident, values_text
from .edits import (
    AddCriterionCommand,
    DeleteCriterionCommand,
    SetContactsCommand,
    UpdateCriterionCommand,
)
from .parts import READ_ONLY_WHY, RowsPanel, wrap_rows

EDIT_TRIGGERS = (
    QAbstractItemView.EditTrigger.DoubleClicked
    | QAbstractItemView.EditTrigger.EditKeyPressed
    | QAbstractItemView.EditTrigger.SelectedClicked
)
STATE_COLOURS = {runbooks.MET: "#c62828", runbooks.NOT_MET: "#2e7d32", runbooks.NO_DATA: "#7b8794"}
CONTACT_FIELDS = ("role", "name", "reach")


class _RunbookPanel(RowsPanel):
    """A part of the runbook editor: a table of the runbook's rows, editable in place."""

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None,
        name: str,
        columns: Sequence[Column[Any]],
        stretch: int,
        empty: str,
    ) -> None:
        super().__init__(ctx, columns, parent, name=name, empty_text=empty, stretch=stretch)
        self.table.setEditTriggers(EDIT_TRIGGERS)
        self.model.edited.connect(self._on_model_edited)

    def show_rows(self, runbook_id: int | None, rows: Sequence[Any]) -> None:
        """Show ``rows`` of runbook ``runbook_id``, the same cell current (when there is
        still one), editable unless the workspace is read-only."""
        current = self.table.currentIndex()
        super().show_rows(runbook_id, rows)
        if current.isValid() and current.row() < len(rows):
            self.table.setCurrentIndex(self.model.index(current.row(), current.column()))
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.NoEditTriggers if self.ctx.readonly else EDIT_TRIGGERS
        )
        self.update_actions()

    def current_row(self) -> int:
        index = self.table.currentIndex()
        return index.row() if index.isValid() else -1

    def _on_model_edited(self, row: int, column: int, value: object) -> None:
        raise NotImplementedError


class ContactsPanel(_RunbookPanel):
    """The escalation path of the shown runbook (see the module docstring)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        columns: tuple[Column[ContactInfo], ...] = (
            edited_as_shown("Role", lambda c: c.role),
            edited_as_shown("Name", lambda c: c.name),
            edited_as_shown("How to reach", lambda c: c.reach),
        )
        super().__init__(
            ctx,
            parent,
            "contacts",
            columns,
            2,
            "No escalation path yet. Add the first step above: who responds first, who "
            "decides on rollback or safe mode, who talks to customers, the vendor contact.",
        )
        self.role_edit = line_edit("contactRole", "Role (e.g. on-call ML engineer)")
        self.name_edit = line_edit("contactName", "Name")
        self.name_edit.setMaximumWidth(160)
        self.reach_edit = line_edit("contactReach", "How to reach (pager, phone, channel)")
        #: The version of the runbook whose path is shown, read with it.
        self.version: int | None = None
        self.add_button = button("Add step", self.add_contact, name="addContactButton")
        self.remove_button = button("Remove", self.remove_contact)
        self.up_button = button("Move up", lambda: self.move_step(-1))
        self.down_button = button("Move down", lambda: self.move_step(1))
        self.remove_action = local_action(
            self.table, "Remove step", QKeySequence.StandardKey.Delete, self.remove_contact
        )
        vbox(
            hbox(
                (self.role_edit, 2),
                (self.name_edit, 1),
                (self.reach_edit, 2),
                self.add_button,
                spacing=6,
            ),
            hbox(
                named_label(
                    "In the order to call them; double-click a cell to edit it.", "mutedLabel"
                ),
                1,
                self.up_button,
                self.down_button,
                self.remove_button,
                spacing=6,
            ),
            (self.stack, 1),
            margins=(8, 8, 8, 8),
            spacing=6,
            parent=self,
        )
        for line in (self.role_edit, self.name_edit, self.reach_edit):
            line.returnPressed.connect(self.add_contact)

    def show_path(self, runbook: RunbookInfo) -> None:
        """Show the escalation path of ``runbook``; a change of it expects the runbook's
        version read with it."""
        self.version = runbook.version
        self.show_rows(runbook.id, runbook.contacts)

    def _rows(self) -> list[dict[str, str]]:
        return [{f: getattr(c, f) for f in CONTACT_FIELDS} for c in self.model.rows]

    def _store(
        self, rows: list[dict[str, str]], what: str, done: Callable[[int], None] | None = None
    ) -> bool:
        """Replace the path with ``rows``, only while the runbook is as read (the path is
        part of it); else nothing is written and the user chooses (keep mine or reload).
        ``done`` is called once the path is stored."""
        runbook_id = self.owner_id
        if runbook_id is None or self.ctx.readonly:
            return False
        command = guard_stale(
            self.ctx,
            lambda: SetContactsCommand(self.ctx, runbook_id, rows, what),
            Runbook,
            runbook_id,
            self.version,
            what="your change to the escalation path",
            parent=self,
            written=done,
        )
        return self.ctx.run_edit(command)

    def add_contact(self) -> bool:
        """Add the step typed above the table at the end of the path."""
        role = self.role_edit.text().strip()
        if not role:
            self.role_edit.setFocus()
            return False
        step = {
            "role": role,
            "name": self.name_edit.text().strip(),
            "reach": self.reach_edit.text().strip(),
        }
        return self._store([*self._rows(), step], "escalation step", self._added)

    def _added(self, _version: int) -> None:
        for line in (self.role_edit, self.name_edit, self.reach_edit):
            line.clear()
        self.role_edit.setFocus()

    def remove_contact(self) -> bool:
        row = self.current_row()
        if row < 0:
            return False
        rows = self._rows()
        del rows[row]
        return self._store(rows, "escalation path")

    def move_step(self, step: int) -> bool:
        """Move the chosen step up (-1) or down (1) the path."""
        row = self.current_row()
        rows = self._rows()
        target = row + step
        if row < 0 or not 0 <= target < len(rows):
            return False
        rows[row], rows[target] = rows[target], rows[row]
        if not self._store(rows, "escalation order"):
            return False
        self.table.setCurrentIndex(self.model.index(target, 0))
        return True

    def _on_model_edited(self, row: int, column: int, value: object) -> None:
        rows = self._rows()
        text = str(value or "").strip()
        field = CONTACT_FIELDS[column]
        if rows[row][field] == text:
            return
        rows[row][field] = text
        self._store(rows, f"escalation {field}")

    def update_actions(self) -> None:
        editable = self.owner_id is not None and not self.ctx.readonly
        row = self.current_row()
        why = READ_ONLY_WHY if self.ctx.readonly else "Choose a step first."
        set_enabled_why(
            self.remove_button, editable and row >= 0, "Remove the chosen step (Del)", why
        )
        set_enabled_why(self.up_button, editable and row > 0, "Call this step earlier", why)
        set_enabled_why(
            self.down_button,
            editable and 0 <= row < len(self.model.rows) - 1,
            "Call this step later",
            why,
        )
        self.remove_action.setEnabled(editable and row >= 0)
        for widget in (self.role_edit, self.name_edit, self.reach_edit, self.add_button):
            widget.setEnabled(editable)


@dataclass(frozen=True)
class CriterionRow:
    """A rollback criterion with its state now."""

    info: CriterionInfo
    result: CriterionResult | None

    @property
    def id(self) -> int:
        return self.info.id

    @property
    def state(self) -> str:
        return self.result.state if self.result is not None else runbooks.NO_DATA


def _streak(row: CriterionRow) -> str:
    n = row.info.consecutive
    return "1 snapshot" if n == 1 else f"{n} snapshots in a row"


def _latest(row: CriterionRow) -> str:
    if row.result is None or not row.result.values:
        return "no snapshot yet"
    return values_text(row.result)


class CriteriaPanel(_RunbookPanel):
    """The rollback criteria of the shown runbook with their live state.

    Signals:
        incident_opened(int): an incident was opened from a met criterion (its id).
    """

    incident_opened = Signal(int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        columns: tuple[Column[CriterionRow], ...] = (
            Column("KPI", lambda r: r.info.kpi_name or "(KPI deleted)"),
            edited_as_shown(
                "Compare",
                lambda r: r.info.op,
                header_tip="Roll back when the KPI is >, >=, < or <= the threshold",
            ),
            Column(
                "Threshold",
                lambda r: f"{r.info.threshold:g}",
                align="right",
                edit=lambda r: float(r.info.threshold),
            ),
            edited_as_shown(
                "Unit",
                lambda r: r.info.unit,
                header_tip="The threshold's unit (s and ms convert)",
            ),
            Column(
                "For",
                _streak,
                edit=lambda r: int(r.info.consecutive),
                header_tip="How many latest snapshots in a row must meet it",
            ),
            Column(
                "State now",
                lambda r: r.state,
                color=lambda r: STATE_COLOURS.get(r.state, ""),
                header_tip="Judged on the KPI's latest snapshots",
            ),
            Column("Latest", _latest, header_tip="The snapshots judged, newest first"),
        )
        super().__init__(
            ctx,
            parent,
            "criteria",
            columns,
            6,
            "No rollback criteria yet. Write one above, e.g. \u201challucination rate > 4% "
            "for 2 consecutive snapshots\u201d or \u201cP95 latency > 5 s\u201d, and press "
            "Enter: it is checked against the KPI's latest snapshots from then on.",
        )
        self.breach_dialog: BreachDialog | None = None
        self.versions = RowVersions()
        self.add_edit = line_edit(
            "criterionText",
            "Add a criterion: e.g. hallucination rate > 4% for 2 consecutive snapshots (Enter)",
        )
        self.add_edit.returnPressed.connect(self.add_criterion)
        self.add_button = button("Add", self.add_criterion, name="addCriterionButton")
        self.open_button = button(
            "Open incident…", self.offer_incident, name="criterionIncidentButton"
        )
        self.remove_button = button("Remove", self.remove_criterion)
        self.remove_action = local_action(
            self.table, "Remove criterion", QKeySequence.StandardKey.Delete, self.remove_criterion
        )
        self.summary = named_label("", "mutedLabel", wrap=True)
        self.summary.setObjectName("criteriaSummary")
        vbox(
            hbox((self.add_edit, 1), self.add_button, spacing=6),
            hbox((self.summary, 1), self.open_button, self.remove_button, spacing=6),
            (self.stack, 1),
            margins=(8, 8, 8, 8),
            spacing=6,
            parent=self,
        )
        wrap_rows(self.table)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def show_criteria(self, runbook_id: int | None, criteria: Sequence[CriterionInfo]) -> None:
        """Show ``criteria`` with their state read now."""
        ws = self.ctx.workspace
        results: dict[int, CriterionResult] = {}
        if ws is not None and runbook_id is not None and criteria:
            results = {r.criterion_id: r for r in runbooks.check(ws=ws, runbook_id=runbook_id)}
        rows = [CriterionRow(c, results.get(c.id)) for c in criteria]
        self.versions.read(criteria)  # an edit of a criterion expects the version shown
        self.show_rows(runbook_id, rows)
        if self.current() is None:  # choose the first met one: "Open incident…" is ready
            first = next((i for i, r in enumerate(rows) if r.state == runbooks.MET), None)
            if first is not None:
                self.table.setCurrentIndex(self.model.index(first, 0))
        met = sum(1 for r in rows if r.state == runbooks.MET)
        if not rows:
            self.summary.setText("")
        elif met:
            self.summary.setText(
                f"{met} of {len(rows)} met now: roll back or switch to safe mode, and open "
                "an incident."
            )
        else:
            self.summary.setText(f"None of {len(rows)} is met on the latest snapshots.")

    def current(self) -> CriterionRow | None:
        return self.model.record_at(self.table.currentIndex())

    def add_criterion(self) -> int | None:
        """Add the criterion written in the line above the table (undoable)."""
        text = self.add_edit.text().strip()
        if not text or self.owner_id is None or self.ctx.readonly:
            return None
        command = AddCriterionCommand(self.ctx, self.owner_id, text)
        if not self.ctx.run_edit(command) or command.record_id is None:
            return None
        self.add_edit.clear()
        return command.record_id

    def remove_criterion(self) -> bool:
        row = self.current()
        if row is None or self.ctx.readonly:
            return False
        return self.ctx.run_edit(DeleteCriterionCommand(self.ctx, row.id))

    def offer_incident(self) -> BreachDialog | None:
        """Open an incident pre-filled from the chosen (met) criterion."""
        row = self.current()
        if row is None or row.state != runbooks.MET:
            return None
        return offer_incident(self.ctx, self, row.id, self.incident_opened.emit)

    def _on_model_edited(self, row: int, column: int, value: object) -> None:
        record = self.model.rows[row]
        field = {1: "op", 2: "threshold", 3: "unit", 4: "consecutive"}.get(column)
        if field is None:
            return
        new: Any = str(value).strip() if field in ("op", "unit") else value
        if getattr(record.info, field) == new:
            return

        def make(values: dict[str, Any]) -> QUndoCommand:
            return UpdateCriterionCommand(self.ctx, record.id, values)

        criterion = RollbackCriterion
        self.ctx.run_edit(self.versions.guard(make, criterion, record.id, {field: new}))

    def update_actions(self) -> None:
        editable = self.owner_id is not None and not self.ctx.readonly
        row = self.current()
        why = READ_ONLY_WHY if self.ctx.readonly else "Choose a criterion first."
        set_enabled_why(
            self.remove_button,
            editable and row is not None,
            "Remove the chosen criterion (Del)",
            why,
        )
        self.remove_action.setEnabled(editable and row is not None)
        met = row is not None and row.state == runbooks.MET
        set_enabled_why(
            self.open_button,
            editable and met,
            "Open an incident pre-filled with this breach",
            why if not editable or row is None else "Only a met criterion opens an incident.",
        )
        for widget in (self.add_edit, self.add_button):
            widget.setEnabled(editable)
